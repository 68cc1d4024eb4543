#!/usr/bin/env bash
# pprof benchmarks:
#  (2) `autoprof top` against `go tool pprof -top` on one generated profile of
#      1,000,000 samples over 100,000 locations (written by our encoder),
#      alternating the two in the same run, REPS times each (default 3);
#  (3) peak RSS of both (wait4 rusage of each child, via pprof_peak_rss);
#  and the Google Benchmark of encode/decode throughput.
# Env: BUILD (default build), REPS, SAMPLES, LOCATIONS.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${BUILD:-build}
reps=${REPS:-3}
samples=${SAMPLES:-1000000}
locations=${LOCATIONS:-100000}
cmake --build "$build" --target autoprof pprof_gen_big_profile pprof_peak_rss \
      pprof_codec_benchmark -j2 > /dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
profile=$work/big.pb.gz
"$build/bin/pprof_gen_big_profile" "$profile" "$samples" "$locations"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  host: $(nproc) cores  profile: $samples samples," \
     "$locations locations, $(stat -c %s "$profile") bytes gzipped"
# go tool pprof with nothing of the user's: empty HOME, caches and binary path.
mkdir -p "$work/home" "$work/binaries"
export HOME=$work/home GOCACHE=$work/gocache GOPATH=$work/gopath GOTOOLCHAIN=local \
       GOPROXY=off PPROF_TMPDIR=$work PPROF_BINARY_PATH=$work/binaries

measure() {  # measure NAME CMD... -> appends "wall rss" to $work/NAME
  local name=$1
  shift
  "$build/bin/pprof_peak_rss" "$@" 2> "$work/last" || { cat "$work/last"; exit 1; }
  tail -1 "$work/last" | sed 's/wall_seconds=//; s/max_rss_kb=//' >> "$work/$name"
}
for ((i = 1; i <= reps; i++)); do
  measure ours "$build/bin/autoprof" top "$profile" -n 20
  measure go go tool pprof -top "$profile"
done

summary() {  # summary NAME -> "runs: a b c  median: m s  peak RSS: r MiB"
  local walls median rss
  walls=$(cut -d' ' -f1 "$work/$1" | tr '\n' ' ')
  median=$(cut -d' ' -f1 "$work/$1" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  rss=$(cut -d' ' -f2 "$work/$1" | sort -g | tail -1)
  echo "$median $rss $walls"
}
read -r ours_median ours_rss ours_walls <<< "$(summary ours)"
read -r go_median go_rss go_walls <<< "$(summary go)"
echo "(2) autoprof top $profile -n 20:  runs ${ours_walls}s  median ${ours_median}s"
echo "    go tool pprof -top $profile:   runs ${go_walls}s  median ${go_median}s"
awk -v a="$ours_median" -v b="$go_median" 'BEGIN {printf "    speed-up: %.1fx (goal >= 3x)\n", b / a}'
awk -v a="$ours_rss" -v b="$go_rss" \
    'BEGIN {printf "(3) peak RSS: autoprof top %.0f MiB, go tool pprof -top %.0f MiB (%.1fx less)\n", a / 1024, b / 1024, b / a}'

echo "codec throughput (Google Benchmark, 100,000 samples over 10,000 locations):"
"$build/bin/pprof_codec_benchmark" --benchmark_min_time=0.5 2>&1 | grep -E '^(BM_|-|Benchmark)'
