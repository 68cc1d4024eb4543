#!/usr/bin/env bash
# Installs the Debian 12 packages autoprof needs to build, test and run its demo,
# and only those that are missing. Needs root (or sudo) when something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git ca-certificates curl
  clang libclang-rt-14-dev lld
  libgoogle-perftools-dev libunwind-dev libfmt-dev nlohmann-json3-dev
  libcurl4-openssl-dev googletest libgtest-dev libgmock-dev libbenchmark-dev
  libdw-dev elfutils zlib1g-dev libcpp-httplib-dev libsqlite3-dev
  libprotobuf-dev protobuf-compiler
  golang-go binutils procps
  chromium
)
# The browser tests need node and npm; a machine that has them (from any source)
# keeps them, since Debian's npm conflicts with a node that bundles its own.
command -v npm >/dev/null || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
