// The cost of one full cgroup sample (limits on every level, CPU usage, throttling,
// memory usage, working set, PSI), with files kept open and pread at offset 0,
// beside the same sample opening and closing every file anew, on a fixture tree and
// on this machine's real cgroup, in the same run.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>

#include "autoprof/cgroup.h"

namespace {

// The fixture shaped like this machine (hybrid, cpu and cpuacct apart, memory three
// levels deep, PSI on the unified mount) with limits set.
const std::string kFixture =
    std::string(AUTOPROF_SOURCE_DIR) + "/tests/fixtures/cgroup/hybrid_limited_psi_leaf";

void Sample(benchmark::State& state, const std::string& root, bool keep_open) {
  autoprof::Result<autoprof::Cgroup> cg =
      autoprof::Cgroup::Open({.root = root, .keep_files_open = keep_open});
  if (!cg.ok()) {
    state.SkipWithError(cg.status().message().c_str());
    return;
  }
  autoprof::CgroupSnapshot first = cg->Sample();
  if (!first.errors.empty()) {
    state.SkipWithError(first.errors[0].c_str());
    return;
  }
  if (!first.cpu.usage_seconds.is_number() || !first.memory.working_set_bytes.is_number()) {
    state.SkipWithError("sample lacks CPU usage or working set");
    return;
  }
  for (auto _ : state) {
    autoprof::CgroupSnapshot s = cg->Sample();
    benchmark::DoNotOptimize(s);
  }
}

void BM_SampleFixture_KeptOpen(benchmark::State& s) { Sample(s, kFixture, true); }
void BM_SampleFixture_ReopenBaseline(benchmark::State& s) { Sample(s, kFixture, false); }
void BM_SampleThisMachine_KeptOpen(benchmark::State& s) { Sample(s, "/", true); }
void BM_SampleThisMachine_ReopenBaseline(benchmark::State& s) { Sample(s, "/", false); }

BENCHMARK(BM_SampleFixture_KeptOpen);
BENCHMARK(BM_SampleFixture_ReopenBaseline);
BENCHMARK(BM_SampleThisMachine_KeptOpen);
BENCHMARK(BM_SampleThisMachine_ReopenBaseline);

}  // namespace

BENCHMARK_MAIN();
