# Sourced by run.sh and bench/webapp/run.sh: checks for chromium, node and npm,
# installs playwright-core (pinned by ../package-lock.json) with `npm ci` into
# $work/node when it is not there yet, and exports what support.mjs reads.
# Expects: $here (this folder), $work (a folder in the build dir), $build, and a
# skip function that prints its reason and exits.
chromium=${AUTOPROF_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || skip "no chromium at $chromium (Debian package 'chromium')"
command -v node >/dev/null || skip "no node (Debian package 'nodejs')"
command -v npm >/dev/null || skip "no npm (Debian package 'npm')"

mkdir -p "$work/node" "$work/profiles" "$work/artifacts"
if ! cmp -s "$here/../package-lock.json" "$work/node/package-lock.json" ||
   [ ! -f "$work/node/node_modules/playwright-core/package.json" ]; then
  cp "$here/../package.json" "$here/../package-lock.json" "$work/node/"
  (cd "$work/node" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error) ||
    skip "npm ci of playwright-core failed (is the npm registry reachable?)"
fi
"$build/bin/webapp_browser_profiles" "$work/profiles"
export AUTOPROF_BIN=$build/bin/autoprof AUTOPROF_CHROMIUM=$chromium
export AUTOPROF_BROWSER_WORK=$work AUTOPROF_PLAYWRIGHT=$work/node/node_modules/playwright-core
