#!/usr/bin/env bash
# The run command behind `make demo`. Until the agent and the viewer land, it
# shows what the cgroup module sees of this container, refreshed every second.
# Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "autoprof: what this container may use and is using (Ctrl-C stops)"
build/bin/autoprof cgroup
exec build/bin/autoprof cgroup --watch 1
