#!/usr/bin/env bash
# The agent's overhead, as ratios measured side by side in one run (A/B runs
# interleaved, REPS times each), on the demo service:
#   1. idle: CPU time of the agent's watcher thread at a 1 s interval, per hour,
#      as a share of one core; and the workload's throughput with vs without the agent
#   2. the workload's throughput while a 100 Hz CPU capture runs vs not
#   3. the allocation-heavy endpoint with tcmalloc sampling at 512 KiB vs off
# Usage: bench/agent/run.sh [SECONDS_PER_RUN] [REPS]   (defaults 15 and 3)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-15} reps=${2:-3}
bin=build/bin
scratch=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT

start() {  # start ENV... : the demo service with the given environment; sets pid, url
  env "$@" AUTOPROF_OUTPUT_DIR="$scratch/out" AUTOPROF_INTERVAL=1s AUTOPROF_CPU_THRESHOLD=1 \
    AUTOPROF_MEM_THRESHOLD=1 AUTOPROF_THROTTLE_THRESHOLD=1 \
    $bin/demo_service --port 0 > "$scratch/demo.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$scratch/demo.log")
    [ -n "$url" ] && return 0
    sleep 0.05
  done
  echo "demo did not start"; cat "$scratch/demo.log"; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
rate() {  # rate PATH [capture]: requests/s over $secs, 2 connections
  if [ "${2:-}" = capture ]; then
    curl -sf "$url/debug/profile?kind=cpu" > /dev/null
  fi
  $bin/demo_load "$url" "$1" "$secs" 2 | sed -n 's/.*, \([0-9.]*\) req\/s/\1/p'
}
thread_cpu() {  # CPU seconds of the named thread of $pid (schedstat: nanoseconds)
  local t
  for t in /proc/$pid/task/*; do
    if [ "$(cat "$t/comm")" = "$1" ]; then
      awk '{printf "%.6f", $1 / 1e9}' "$t/schedstat"; return
    fi
  done
  echo 0
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.4f", a / b}'; }
median() { tr ' ' '\n' | grep . | sort -g | awk '{v[NR]=$1} END{print (NR%2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}'; }

echo "bench/agent/run.sh $secs $reps on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1 /proc/loadavg)"

# 1. Idle cost of the watcher.
start AUTOPROF_APP=idle
sleep 2
w0=$(thread_cpu autoprof-watch)
sleep 60
w1=$(thread_cpu autoprof-watch)
stop
idle_share=$(awk -v a="$w0" -v b="$w1" 'BEGIN{printf "%.7f", (b - a) / 60}')
echo "idle: watcher thread used $(awk -v a="$w0" -v b="$w1" 'BEGIN{printf "%.4f", b - a}') s CPU in 60 s" \
     "= $(awk -v s="$idle_share" 'BEGIN{printf "%.4f", s * 100}')% of one core," \
     "$(awk -v s="$idle_share" 'BEGIN{printf "%.1f", s * 3600}') s per hour"

# Throughput ratios, A and B interleaved.
compare() {  # compare NAME PATH ENV_A ENV_B [capture-on-B]
  local name=$1 path=$2 a=$3 b=$4 mode=${5:-} ra=() rb=()
  for _ in $(seq "$reps"); do
    start $a; ra+=("$(rate "$path")"); stop
    start $b; rb+=("$(rate "$path" "$mode")"); stop
  done
  local ma mb
  ma=$(echo "${ra[*]}" | median); mb=$(echo "${rb[*]}" | median)
  echo "$name: A ${ra[*]} req/s (median $ma); B ${rb[*]} req/s (median $mb); B/A $(ratio "$mb" "$ma")"
}
compare "agent idle vs off (/cpu)" '/cpu?n=50' "AUTOPROF_ENABLED=0" "AUTOPROF_ENABLED=1"
compare "100 Hz capture vs none (/cpu)" '/cpu?n=50' "AUTOPROF_CPU_DURATION=60s" \
        "AUTOPROF_CPU_DURATION=60s" capture
compare "tcmalloc sampling 512 KiB vs off (/alloc)" '/alloc?items=2000' \
        "AUTOPROF_ENABLED=0" "AUTOPROF_ENABLED=0 TCMALLOC_SAMPLE_PARAMETER=524288"
