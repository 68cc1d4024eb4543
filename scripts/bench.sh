#!/usr/bin/env bash
# Runs every benchmark under bench/ (each area's run.sh). Results are printed;
# copy the figures, with this command and the date, into bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
for script in bench/*/run.sh; do
  [ -x "$script" ] || continue
  echo "=== $script"
  "$script"
done
