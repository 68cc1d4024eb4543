#!/usr/bin/env bash
# The agent's overhead, as ratios measured side by side in one run (A/B runs
# interleaved), on the demo service:
#   1. idle: CPU time of the agent's watcher thread at a 1 s interval, per hour,
#      as a share of one core; and the workload's throughput with vs without the agent
#   2. the workload's throughput while a 100 Hz CPU capture runs vs not
#   3. tcmalloc sampling at 512 KiB vs off, as the median ratio of adjacent pairs:
#      a. the allocation-heavy endpoint through HTTP, the service pinned to CPU 1
#         and the load driver to CPU 0: throughput and the service's CPU per request;
#      b. the same workload alone (alloc_bench, pinned): CPU per call with each of
#         gperftools' unwinders, and at 2 MiB.
# Usage: bench/agent/run.sh [SECONDS_PER_RUN] [REPS] [PAIRS]   (defaults 15, 3 and 9)
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-15} reps=${2:-3} pairs=${3:-9}
bin=build/bin
scratch=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$scratch"' EXIT

start() {  # start ENV... : the demo service with the given environment; sets pid, url
  : > "$scratch/demo.log"
  env "$@" AUTOPROF_OUTPUT_DIR="$scratch/out" AUTOPROF_INTERVAL=1s AUTOPROF_CPU_THRESHOLD=1 \
    AUTOPROF_MEM_THRESHOLD=1 AUTOPROF_THROTTLE_THRESHOLD=1 \
    ${service_cpu:+taskset -c "$service_cpu"} $bin/demo_service --port 0 > "$scratch/demo.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$scratch/demo.log")
    [ -n "$url" ] && return 0
    sleep 0.05
  done
  echo "demo did not start"; cat "$scratch/demo.log"; exit 1
}
stop() { kill "$pid"; wait "$pid" 2>/dev/null || true; }
load() {  # load PATH: "requests/s service-CPU-us-per-request" over $secs, 2 connections
  local c0 c1 out n
  c0=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  out=$(${load_cpu:+taskset -c "$load_cpu"} $bin/demo_load "$url" "$1" "$secs" 2)
  c1=$(awk '{print $14 + $15}' "/proc/$pid/stat")
  n=$(echo "$out" | sed -n 's/.*: \([0-9]*\) ok.*/\1/p')
  awk -v n="$n" -v c0="$c0" -v c1="$c1" -v s="$secs" -v hz="$(getconf CLK_TCK)" \
      'BEGIN{printf "%.1f %.2f", n / s, (c1 - c0) / hz * 1e6 / n}'
}
rate() {  # rate PATH [capture]: requests/s over $secs
  if [ "${2:-}" = capture ]; then
    curl -sf "$url/debug/profile?kind=cpu" > /dev/null
  fi
  load "$1" | cut -d' ' -f1
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

echo "bench/agent/run.sh $secs $reps $pairs on $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ)," \
     "load $(cut -d' ' -f1 /proc/loadavg)"

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

# 1-2. Throughput ratios, A and B interleaved.
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

# 3a. The endpoint through HTTP, sampling off then on, in adjacent pairs.
service_cpu=1 load_cpu=0
thr=() cpu=()
for _ in $(seq "$pairs"); do
  start AUTOPROF_ENABLED=0; read -r ra ca <<< "$(load '/alloc?items=2000')"; stop
  start AUTOPROF_ENABLED=0 TCMALLOC_SAMPLE_PARAMETER=524288
  read -r rb cb <<< "$(load '/alloc?items=2000')"; stop
  echo "  /alloc pair: off $ra req/s $ca us/req; 512 KiB $rb req/s $cb us/req"
  thr+=("$(ratio "$rb" "$ra")"); cpu+=("$(ratio "$cb" "$ca")")
done
echo "tcmalloc sampling 512 KiB vs off (/alloc over HTTP): throughput ratio median" \
     "$(echo "${thr[*]}" | median) (${thr[*]}); CPU per request ratio median $(echo "${cpu[*]}" | median)"
unset service_cpu load_cpu

# 3b. The workload alone, CPU per call, each configuration against the run just before it.
cmake --build build --target alloc_bench > /dev/null
per_call() { env "$@" taskset -c 1 $bin/alloc_bench 3 | sed -n 's/.*, \([0-9.]*\) us CPU per call.*/\1/p'; }
configs=("524288 libunwind" "524288 libgcc" "524288 generic_fp_unsafe" "2097152 libunwind")
declare -A ratios
for _ in $(seq "$pairs"); do
  for c in "${configs[@]}"; do
    read -r period method <<< "$c"
    off=$(per_call X=1)
    on=$(per_call TCMALLOC_SAMPLE_PARAMETER="$period" TCMALLOC_STACKTRACE_METHOD="$method")
    ratios[$c]+="$(ratio "$on" "$off") "
  done
done
for c in "${configs[@]}"; do
  echo "alloc_bench, sampling $c vs off: CPU per call ratio median $(echo "${ratios[$c]}" | median)" \
       "(${ratios[$c]% })"
done
