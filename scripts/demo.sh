#!/usr/bin/env bash
# The run command behind `make demo`: the story of SPEC.md on this machine.
#
#  1. The viewer (`autoprof serve`) on 127.0.0.1:8080, its store in ./var/autoprof.
#  2. The demo service with the agent, in a container-like cgroup (0.5 CPU, 512 MiB)
#     when this runs as root on a writable cgroup v1 filesystem, version "1.4",
#     allocating the naive way. A steady load drives it over its CPU threshold: the
#     agent captures a CPU profile and uploads it. A leak then drives its working
#     set over the memory threshold: a heap profile.
#  3. The same service, version "1.5", with the pooled allocation path (the tuning),
#     under the same load: it stays under the threshold, and a profile is asked for
#     on demand so the two can be compared.
#  4. Prints what each version cost and the links to open. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

VIEWER=127.0.0.1:8080
RATE=${DEMO_RATE:-1600}      # requests/s, the same for both versions
LOAD_SECONDS=${DEMO_LOAD_SECONDS:-20}
bin=build/bin
mkdir -p var
pids=()
cgroups=()

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for d in "${cgroups[@]}"; do rmdir "$d" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A cgroup like a container's, when we may make one.
cpu_threshold=0.3 mem_threshold=0.5 in_cgroup=""
if [ "$(id -u)" = 0 ] && [ -w /sys/fs/cgroup/cpu ] && [ -w /sys/fs/cgroup/cpuacct ] &&
   [ -w /sys/fs/cgroup/memory ]; then
  mem_parent=/sys/fs/cgroup/memory$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
  name=autoprof-demo-$$
  for d in /sys/fs/cgroup/cpu/$name /sys/fs/cgroup/cpuacct/$name "${mem_parent%/}/$name"; do
    mkdir "$d" && cgroups+=("$d")
  done
  echo 50000 > /sys/fs/cgroup/cpu/$name/cpu.cfs_quota_us           # 0.5 CPU, a "500m" limit
  echo $((512 << 20)) > "${mem_parent%/}/$name/memory.limit_in_bytes"  # 512 MiB
  in_cgroup=yes cpu_threshold=0.6
  say "demo container: cgroup $name with 0.5 CPU and 512 MiB"
else
  say "not root or no writable cgroup v1: the demo runs without limits, measured against the machine"
fi

say "starting the viewer on http://$VIEWER/ (store: ./var/autoprof)"
$bin/autoprof serve --data var/autoprof --listen "$VIEWER" > var/viewer.log 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://$VIEWER/api/v1/profiles" > /dev/null && break; sleep 0.1; done
curl -sf "http://$VIEWER/api/v1/profiles" > /dev/null || { cat var/viewer.log; exit 1; }

# start_demo VERSION MODE: the demo service in the cgroup; sets demo_pid, demo_url.
start_demo() {
  local log=var/demo-$1.log
  (
    for d in "${cgroups[@]}"; do echo "$BASHPID" > "$d/cgroup.procs"; done
    exec env DEMO_ALLOC_MODE="$2" TCMALLOC_SAMPLE_PARAMETER=524288 \
      AUTOPROF_APP=demo AUTOPROF_LABELS="version=$1,alloc=$2" \
      AUTOPROF_UPLOAD_URL="http://$VIEWER/" AUTOPROF_OUTPUT_DIR=var/spool \
      AUTOPROF_INTERVAL=500ms AUTOPROF_SUSTAIN=2s AUTOPROF_CPU_DURATION=5s \
      AUTOPROF_CPU_THRESHOLD=$cpu_threshold AUTOPROF_MEM_THRESHOLD=$mem_threshold \
      $bin/demo_service --port 0
  ) > "$log" 2>&1 &
  demo_pid=$!
  pids+=("$demo_pid")
  for _ in $(seq 100); do
    demo_url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log")
    [ -n "$demo_url" ] && return 0
    sleep 0.1
  done
  cat "$log"; exit 1
}

cpu_seconds() {  # user+system CPU seconds of a process
  awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / hz}' "/proc/$1/stat"
}

# wait_for KIND VERSION: until the viewer holds such a profile (at most 60 s).
wait_for() {
  for _ in $(seq 300); do
    ids=$(curl -sf "http://$VIEWER/api/v1/profiles?app=demo&kind=$1&label=version:$2" |
          grep -o '"id":"[0-9a-f]*"' | cut -d'"' -f4 || true)
    [ -n "$ids" ] && { echo "$ids" | head -1; return 0; }
    sleep 0.2
  done
  echo "no $1 profile for version $2 reached the viewer; see var/demo-$2.log" >&2
  return 1
}

say "version 1.4 (naive allocation): $RATE requests/s for ${LOAD_SECONDS}s"
start_demo 1.4 naive
before=$(cpu_seconds "$demo_pid")
$bin/demo_load "$demo_url" '/alloc?items=2000' "$LOAD_SECONDS" 4 "$RATE"
naive_cores=$(awk -v a="$before" -v b="$(cpu_seconds "$demo_pid")" -v s="$LOAD_SECONDS" 'BEGIN{printf "%.2f", (b-a)/s}')
naive_cpu=$(wait_for cpu 1.4)
say "captured by the agent: CPU profile $naive_cpu"

if [ -n "$in_cgroup" ]; then
  say "a leak grows the working set of version 1.4 past half its 512 MiB limit"
  for _ in $(seq 70); do curl -sf "$demo_url/leak?kb=4096" > /dev/null; done
else
  for _ in $(seq 20); do curl -sf "$demo_url/leak?kb=4096" > /dev/null; done
  curl -sf "$demo_url/debug/profile?kind=heap" > /dev/null
fi
naive_heap=$(wait_for heap 1.4)
say "captured by the agent: heap profile $naive_heap"
kill "$demo_pid"; wait "$demo_pid" 2>/dev/null || true

say "version 1.5 (pooled allocation): the same $RATE requests/s"
start_demo 1.5 pooled
before=$(cpu_seconds "$demo_pid")
$bin/demo_load "$demo_url" '/alloc?items=2000' "$LOAD_SECONDS" 4 "$RATE" &
load=$!
sleep $((LOAD_SECONDS / 2))
curl -sf "$demo_url/debug/profile?kind=cpu" > /dev/null || true  # under the threshold: ask
wait "$load"
pooled_cores=$(awk -v a="$before" -v b="$(cpu_seconds "$demo_pid")" -v s="$LOAD_SECONDS" 'BEGIN{printf "%.2f", (b-a)/s}')
pooled_cpu=$(wait_for cpu 1.5)
kill "$demo_pid"; wait "$demo_pid" 2>/dev/null || true

echo
say "the tuning, measured: $RATE requests/s took $naive_cores cores with naive allocation, $pooled_cores cores pooled"
echo "  all profiles:        http://$VIEWER/"
echo "  the incident (1.4):  http://$VIEWER/#/profile/$naive_cpu"
echo "  the leak (1.4):      http://$VIEWER/#/profile/$naive_heap"
echo "  what 1.5 changed:    http://$VIEWER/#/compare&base.app=demo&base.kind=cpu&base.label=version:1.4&target.app=demo&target.kind=cpu&target.label=version:1.5&norm=per-second"
echo
say "the viewer keeps running; Ctrl-C stops it"
wait "${pids[0]}"
