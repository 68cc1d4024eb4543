#!/usr/bin/env bash
# One full cgroup sample, files kept open (pread) vs opened anew, on a fixture and on
# this machine; prints the medians of 5 repetitions and the speed-up.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f build/build.ninja ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target cgroup_bench -j2 >/dev/null
out=$(build/bin/cgroup_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
        --benchmark_min_time=0.3 2>/dev/null)
echo "$out" | grep -E "^(BM_|Benchmark|-)" | grep -vE "_(mean|stddev|cv) "
echo "$out" | awk '/_median /{ t[$1]=$2 } END {
  f=t["BM_SampleFixture_ReopenBaseline_median"]/t["BM_SampleFixture_KeptOpen_median"];
  m=t["BM_SampleThisMachine_ReopenBaseline_median"]/t["BM_SampleThisMachine_KeptOpen_median"];
  printf "speed-up vs reopen: fixture %.1fx, this machine %.1fx\n", f, m }'
