# Sourced by the browser tests' run.sh scripts and bench/webapp/run.sh: checks for
# chromium, node and npm, installs playwright-core (pinned by package-lock.json
# beside this file) with `npm ci` into $work/node when it is not there yet, writes
# the test's profiles with $build/bin/$profile_writer into $work/profiles, and
# exports what the tests read.
# Expects: $build, $work (a folder in the build dir), $profile_writer, and a skip
# function that prints its reason and exits.
browser_tests=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
chromium=${AUTOPROF_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no chromium at $chromium (Debian package 'chromium')"
command -v node >/dev/null || skip "no node (Debian package 'nodejs')"
command -v npm >/dev/null || skip "no npm (Debian package 'npm')"

mkdir -p "$work/node" "$work/profiles" "$work/artifacts"
if ! cmp -s "$browser_tests/package-lock.json" "$work/node/package-lock.json" ||
   [ ! -f "$work/node/node_modules/playwright-core/package.json" ]; then
  cp "$browser_tests/package.json" "$browser_tests/package-lock.json" "$work/node/"
  (cd "$work/node" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) ||
    skip "npm ci of playwright-core failed (is the npm registry reachable?)"
fi
"$build/bin/$profile_writer" "$work/profiles"
export AUTOPROF_BIN=$build/bin/autoprof AUTOPROF_CHROMIUM=$chromium
export AUTOPROF_BROWSER_WORK=$work AUTOPROF_PLAYWRIGHT=$work/node/node_modules/playwright-core
