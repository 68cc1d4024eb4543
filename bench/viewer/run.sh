#!/usr/bin/env bash
# Ingest rate of `autoprof serve` over loopback: 32 clients x 50 distinct CPU
# profiles (500 functions, 2,000 samples each), then the same count re-sending
# stored profiles (dedup path, no write) as the baseline in the same run. Every
# new profile is fsynced (file, folder, SQLite WAL) before its 201.
# Usage: bench/viewer/run.sh [BUILD_DIR]   (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
cmake --build "$build" --target autoprof viewer_ingest_load -j 2 > /dev/null
data=$(mktemp -d)
out=$(mktemp)
"$build/bin/autoprof" serve --data "$data" --listen 127.0.0.1:0 > "$out" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$data" "$out"' EXIT
for _ in $(seq 50); do grep -q "listening on" "$out" && break; sleep 0.1; done
url=$(grep -o 'http://[^ ]*' "$out")
echo "viewer ingest, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, data on $(df -T "$data" | awk 'NR==2{print $2}')"
"$build/bin/viewer_ingest_load" --url "$url" --clients 32 --profiles 50
"$build/bin/viewer_ingest_load" --url "$url" --clients 32 --profiles 50 --resend 1
echo "server peak RSS: $(awk '/VmHWM/{print $2, $3}' /proc/$server/status)"
