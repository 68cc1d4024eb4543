#!/usr/bin/env bash
# The test command behind `make test` and .ci/run. Stages (all by default):
#   plain  g++ RelWithDebInfo build in build/: unit, kernel, integration, install tests
#   asan   clang ASan+UBSan build in build/asan: the same suite, plus each libFuzzer
#          target run briefly over its seed corpus
#   tsan   clang ThreadSanitizer build in build/tsan of the tests where the agent's
#          threads meet the host's: the API tests and the capture stress test
# AUTOPROF_TEST_STAGES="plain" picks a subset. Ends with one line
# "make test: N passed, N failed, N skipped".
set -uo pipefail
cd "$(dirname "$0")/.."
stages=${AUTOPROF_TEST_STAGES:-plain asan tsan}
jobs=$(nproc)
passed=0 failed=0 skipped=0 broken=()

count_junit() {  # adds the counts of a ctest JUnit file to the totals
  local f=$1 t fl sk
  t=$(grep -o -m1 'tests="[0-9]*"' "$f" | head -1 | tr -dc 0-9)
  fl=$(grep -o -m1 'failures="[0-9]*"' "$f" | head -1 | tr -dc 0-9)
  sk=$(grep -o -m1 'skipped="[0-9]*"' "$f" | head -1 | tr -dc 0-9)
  passed=$((passed + ${t:-0} - ${fl:-0} - ${sk:-0}))
  failed=$((failed + ${fl:-0}))
  skipped=$((skipped + ${sk:-0}))
}

run_stage() {  # run_stage NAME BUILD_DIR CMAKE_ARGS... (TARGETS/TESTS narrow it)
  local name=$1 dir=$2
  shift 2
  local target_args=() test_args=()
  for t in ${TARGETS:-}; do target_args+=(--target "$t"); done
  [ -n "${TESTS:-}" ] && test_args=(-R "$TESTS")
  echo "=== stage $name: configure and build ($dir)"
  if ! cmake -S . -B "$dir" -G Ninja "$@" > "$dir.configure.log" 2>&1; then
    cat "$dir.configure.log"; broken+=("$name: configure"); return
  fi
  rm -f "$dir.configure.log"
  if ! cmake --build "$dir" -j "$jobs" "${target_args[@]}"; then broken+=("$name: build"); return; fi
  echo "=== stage $name: ctest"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" --timeout 600 "${test_args[@]}" \
        --output-junit "$PWD/$dir/ctest-junit.xml"
  [ $? -eq 0 ] || broken+=("$name: tests")
  [ -f "$dir/ctest-junit.xml" ] && count_junit "$dir/ctest-junit.xml"
}

mkdir -p build
for stage in $stages; do
  case $stage in
    plain) run_stage plain build -DCMAKE_BUILD_TYPE=RelWithDebInfo ;;
    asan)  run_stage asan build/asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
             -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
             -DAUTOPROF_SANITIZE=ON -DAUTOPROF_FUZZ=ON -DAUTOPROF_BUILD_BENCH=OFF ;;
    tsan)  # die_after_fork=0: the fork test starts an agent in a forked child.
           TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp halt_on_error=1 die_after_fork=0" \
           TARGETS="agent_api_test agent_stress_test agent_stress_plugin" \
           TESTS="^(AgentApiTest|AgentStress)\." \
           run_stage tsan build/tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
             -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
             -DAUTOPROF_TSAN=ON -DAUTOPROF_BUILD_BENCH=OFF ;;
    *) echo "unknown stage $stage" >&2; broken+=("$stage: unknown") ;;
  esac
done

for b in "${broken[@]}"; do echo "FAILED: $b"; done
echo "make test: $passed passed, $failed failed, $skipped skipped"
[ ${#broken[@]} -eq 0 ]
