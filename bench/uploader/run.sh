#!/usr/bin/env bash
# Uploader benchmark: profiles per second delivered over loopback by one Uploader
# to a minimal local receiver and to `autoprof serve`, and the worker thread's CPU
# time per profile. Prints the date, the command and Google Benchmark's table.
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --build build --target uploader_bench autoprof -j2 > /dev/null
data=$(mktemp -d)
serve_out=$(mktemp)
build/bin/autoprof serve --data "$data/var" --listen 127.0.0.1:0 > "$serve_out" 2>&1 &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null; wait $serve_pid 2>/dev/null; rm -rf "$data" "$serve_out"' EXIT
url=""
for _ in $(seq 100); do  # at most 10 s for the viewer to print its URL
  url=$(grep -o 'http://[0-9.:]*' "$serve_out" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)  host: $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
echo "command: bash bench/uploader/run.sh  (autoprof serve at ${url:-not started})"
AUTOPROF_BENCH_VIEWER_URL="$url" build/bin/uploader_bench --benchmark_counters_tabular=true
