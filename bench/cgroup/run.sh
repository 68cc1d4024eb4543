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
# Columns: name, wall time, unit, CPU time. The machine is shared, so the CPU time is
# the cost; the wall time also counts waiting for a core.
echo "$out" | awk '/_median /{ w[$1]=$2; c[$1]=$4 } END {
  split("Fixture ThisMachine", where, " ")
  for (i = 1; i <= 2; i++) {
    k = "BM_Sample" where[i] "_KeptOpen_median"; b = "BM_Sample" where[i] "_ReopenBaseline_median"
    printf "%-12s kept open %.1f us CPU, reopen %.1f us CPU: %.1fx cheaper (wall %.1fx)\n",
           where[i], c[k] / 1000, c[b] / 1000, c[b] / c[k], w[b] / w[k]
  } }'
