#!/usr/bin/env bash
# Flame graph benchmarks: tree and diff tree of 100,000-location profiles
# (300,000 samples over a 150,000-site call tree), unpruned and pruned (min_fraction 1e-5, at most 100,000
# nodes), and JSON serialization time and size. Builds flame_bench into
# ${BUILD_DIR:-build} first.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build}
cmake --build "$build" --target flame_bench -j2 >/dev/null
"$build/bin/flame_bench" --benchmark_min_time=1 "$@"
