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
chromium=${AUTOPROF_CHROMIUM:-/usr/bin/chromium}
skip() { echo "SKIP: $*"; exit 77; }

[ -x "$chromium" ] || skip "no chromium at $chromium (Debian package 'chromium')"
command -v node >/dev/null || skip "no node (Debian package 'nodejs')"
command -v npm >/dev/null || skip "no npm (Debian package 'npm')"

work=$build/browser
mkdir -p "$work/node" "$work/profiles" "$work/artifacts"
if ! cmp -s "$here/package-lock.json" "$work/node/package-lock.json" ||
   [ ! -f "$work/node/node_modules/playwright-core/package.json" ]; then
  cp "$here/package.json" "$here/package-lock.json" "$work/node/"
  (cd "$work/node" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) ||
    skip "npm ci of playwright-core failed (is the npm registry reachable?)"
fi

"$build/bin/flame_browser_profiles" "$work/profiles"
export AUTOPROF_BIN=$build/bin/autoprof AUTOPROF_CHROMIUM=$chromium
export AUTOPROF_BROWSER_WORK=$work AUTOPROF_PLAYWRIGHT=$work/node/node_modules/playwright-core
exec node --test --test-reporter=spec "$here/flame_browser_test.mjs"
