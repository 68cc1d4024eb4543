#!/usr/bin/env bash
# consume.sh BUILD_DIR CONSUMER_SRC SCRATCH: install BUILD_DIR into SCRATCH/prefix,
# build CONSUMER_SRC against it, run it; also check the pkg-config file.
set -euo pipefail
build=$1 src=$2 scratch=$3
rm -rf "$scratch"
mkdir -p "$scratch"
cmake --install "$build" --prefix "$scratch/prefix" > "$scratch/install.log"
test -f "$scratch/prefix/lib/cmake/autoprof/autoprofConfig.cmake"
test -f "$scratch/prefix/lib/pkgconfig/autoprof.pc"
test -x "$scratch/prefix/bin/autoprof"
cmake -S "$src" -B "$scratch/consumer" -DCMAKE_PREFIX_PATH="$scratch/prefix" > "$scratch/configure.log"
cmake --build "$scratch/consumer" > "$scratch/build.log"
"$scratch/consumer/consumer"
PKG_CONFIG_PATH="$scratch/prefix/lib/pkgconfig" pkg-config --cflags --libs autoprof
