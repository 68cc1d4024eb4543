#!/usr/bin/env bash
# The web app's browser test (CTest label `browser`): writes profiles of known
# shape, and app_browser_test.mjs starts `autoprof serve` on a free loopback port
# with a temporary data directory, uploads them with metadata, and drives Debian's
# chromium through npm playwright-core against the viewer's pages. Screenshots go
# to BUILD_DIR/browser-app/artifacts. Skips (exit 77) with the reason when
# chromium, node or npm is missing or the npm registry cannot be reached.
# Usage: run.sh BUILD_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
work=$build/browser-app profile_writer=webapp_browser_profiles
skip() { echo "SKIP: $*"; exit 77; }
source "$here/../playwright_env.sh"
exec node --test --test-reporter=spec "$here/app_browser_test.mjs"
