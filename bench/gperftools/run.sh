#!/usr/bin/env bash
# Converting a gperftools CPU profile: `autoprof convert` (parse + symbolize with
# libdw + encode) against `go tool pprof -proto BINARY RAWFILE` on the same raw
# file, in the same run: wall time (median of RUNS) and peak RSS of each. Then the
# symbolizer's Google Benchmark, cold vs cached.
#
# The raw file comes from bench_workload: THREADS threads of random walks through
# 16 functions ending in libc and libstdc++. The kernel's CPU timers fire at most
# once per tick (250 Hz here), so a 10-second profile holds at most
# 10 s x cores x 250 samples; when that is below 5,000 distinct stacks the script
# profiles longer and says so.
# Env: BUILD_DIR (build), RUNS (5), THREADS (4), PROFILE_SECONDS (10),
# REUSE_PROFILE=1 (keep the raw file of the previous run).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD_DIR:-build}
runs=${RUNS:-5}
threads=${THREADS:-4}
seconds=${PROFILE_SECONDS:-10}
cmake --build "$build" --target bench_workload autoprof symbolizer_bench -j2 > /dev/null
work=$build/bench-gperftools
mkdir -p "$work"
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
binary=$build/bin/bench_workload
raw=$work/cpu.prof

gopprof() { HOME=$home GOTOOLCHAIN=local GOPROXY=off go tool pprof "$@"; }
profile() {
  CPUPROFILE_FREQUENCY=1000 CPUPROFILE_PER_THREAD_TIMERS=1 "$binary" "$raw" "$1" "$threads" \
    > /dev/null 2>&1
}
distinct_stacks() {
  gopprof -raw -symbolize=none "$binary" "$raw" 2> /dev/null |
    awk '/^Samples:/ {s = 1; next} /^Locations/ {s = 0} s && /:/ {sub(/^[^:]*:/, ""); print}' |
    sort -u | wc -l
}

if [ -s "$raw" ] && [ "${REUSE_PROFILE:-0}" = 1 ]; then
  seconds=$(cat "$work/seconds")
else
  profile "$seconds"
fi
stacks=$(distinct_stacks)
if [ "$stacks" -lt 5000 ]; then
  longer=$(( (seconds * 5500 + stacks - 1) / (stacks > 0 ? stacks : 1) ))
  [ "$longer" -gt 90 ] && longer=90
  echo "a ${seconds}s profile had $stacks distinct stacks (< 5000): profiling ${longer}s instead"
  seconds=$longer
  profile "$seconds"
  stacks=$(distinct_stacks)
fi
echo "$seconds" > "$work/seconds"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "raw profile: ${seconds}s, $threads threads, $(stat -c %s "$raw") bytes, $stacks distinct stacks"

median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
ours_t=() ours_m=() go_t=() go_m=()
for i in $(seq "$runs"); do
  /usr/bin/time -o "$work/time" -f "%e %M" "$build/bin/autoprof" convert "$raw" \
    -o "$work/ours.pb.gz"
  read -r t m < "$work/time"
  ours_t+=("$t") ours_m+=("$m")
  /usr/bin/time -o "$work/time" -f "%e %M" env HOME="$home" GOTOOLCHAIN=local GOPROXY=off \
    go tool pprof -proto "$binary" "$raw" > "$work/go.pb.gz" 2> "$work/go.err"
  read -r t m < "$work/time"
  go_t+=("$t") go_m+=("$m")
done
ot=$(printf '%s\n' "${ours_t[@]}" | median) gt=$(printf '%s\n' "${go_t[@]}" | median)
om=$(printf '%s\n' "${ours_m[@]}" | median) gm=$(printf '%s\n' "${go_m[@]}" | median)
echo "autoprof convert      : median ${ot}s of $runs, peak RSS ${om} KiB"
echo "go tool pprof -proto  : median ${gt}s of $runs, peak RSS ${gm} KiB"
awk -v a="$ot" -v b="$gt" 'BEGIN {if (a > 0) printf "speed-up: %.1fx\n", b / a}'
echo "our output: $(stat -c %s "$work/ours.pb.gz") bytes; go's: $(stat -c %s "$work/go.pb.gz") bytes"

echo "--- symbolizer, cold vs cached (Google Benchmark)"
"$build/bin/symbolizer_bench" --benchmark_min_time=0.5
