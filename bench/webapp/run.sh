#!/usr/bin/env bash
# Time from navigation to the first drawn flame graph in headless Chromium for a
# profile of 100,000 distinct stacks, served by a real `autoprof serve`: the
# page's own performance mark 'autoprof:flame-drawn' (app/flame_host.js), read
# as milliseconds since navigation start. Each run opens a fresh browser (cold
# cache); prints every run and the median, for the server's default pruning and
# for the whole tree (min_fraction=0, max_nodes=1000000: 102,052 nodes). The
# profile is large.pb.gz of tests/browser/app. Builds autoprof and the profile writer
# into ${BUILD_DIR:-build} first. Not a test: nothing is asserted.
# Usage: bench/webapp/run.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$(cd "${BUILD_DIR:-build}" && pwd)
cmake --build "$build" --target autoprof webapp_browser_profiles -j2 >/dev/null
here=$(pwd)/tests/browser/app
work=$build/browser-app profile_writer=webapp_browser_profiles
skip() { echo "SKIP: $*"; exit 0; }
source "$here/../playwright_env.sh"
exec node bench/webapp/first_paint.mjs "${1:-5}"
