#!/usr/bin/env bash
# The browser test (CTest label `browser`): writes profiles of known shape, turns
# them into pages with `autoprof flame`, and drives Debian's chromium through npm
# playwright-core against them (flame_browser_test.mjs). playwright-core is
# installed with `npm ci` into BUILD_DIR/browser/node. Skips (exit 77) with the
# reason when chromium, node or npm is missing or the npm registry cannot be reached.
# Usage: run.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
work=$build/browser profile_writer=flame_browser_profiles
source "$here/playwright_env.sh"
exec node --test --test-reporter=spec "$here/flame_browser_test.mjs"
