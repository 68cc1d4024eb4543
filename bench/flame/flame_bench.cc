// Server-side cost of the flame graph for large profiles: building the tree and
// the diff tree of 100,000-location profiles, and serializing them to the JSON
// the viewer serves (time, and bytes as a counter).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "autoprof/flame.h"
#include "test_profiles.h"

namespace {

constexpr int kLocations = 100'000;
constexpr int kSamples = 300'000;

constexpr int kCallSites = 150'000;

// A random recursive call tree of kCallSites call sites over kLocations functions
// (the first kLocations sites name distinct functions, the rest reuse them, as a
// helper called from several places does; depth about 12). Each sample is the
// path from the root to a site drawn with a Zipf-like weight, so the profile has
// every location and a flame tree of about kCallSites nodes. `seed` varies the
// weights between a base and a target.
autoprof::Profile LargeProfile(uint32_t seed) {
  std::mt19937 tree_rng(7);  // the same call tree on both sides
  std::vector<uint32_t> parent(kCallSites), function(kCallSites);
  for (uint32_t i = 1; i < kCallSites; ++i) {
    parent[i] = static_cast<uint32_t>(tree_rng() % i);
    function[i] = i < kLocations ? i : static_cast<uint32_t>(tree_rng() % kLocations);
  }
  std::vector<std::string> names(kLocations);
  for (int i = 0; i < kLocations; ++i) {
    names[i] = "ns::Module" + std::to_string(i % 97) + "::Function" + std::to_string(i);
  }
  names[0] = "main";
  autoprof::testing::ProfileBuilder b;
  std::mt19937 rng(seed);
  std::vector<std::string> stack;
  for (int s = 0; s < kSamples; ++s) {
    // Every site once, then Zipf-like picks.
    uint32_t site = s < kCallSites ? static_cast<uint32_t>(s)
                                   : static_cast<uint32_t>(kCallSites / (1 + rng() % kCallSites) - 1);
    stack.clear();
    for (uint32_t v = site;; v = parent[v]) {
      stack.push_back(names[function[v]]);
      if (v == 0) break;
    }
    std::reverse(stack.begin(), stack.end());
    b.AddCpu(stack, 1 + static_cast<int64_t>(rng() % 5));
  }
  return b.Build();
}

const autoprof::Profile& Base() {
  static const autoprof::Profile p = LargeProfile(1);
  return p;
}
const autoprof::Profile& Target() {
  static const autoprof::Profile p = LargeProfile(2);
  return p;
}

autoprof::FlameOptions Options(int64_t pruned) {
  autoprof::FlameOptions o;
  if (pruned) {
    o.min_fraction = 1e-5;
    o.max_nodes = 100'000;
  }
  return o;
}

void BM_BuildFlameTree(benchmark::State& state) {
  const autoprof::Profile& p = Base();
  size_t nodes = 0;
  for (auto _ : state) {
    auto tree = autoprof::BuildFlameTree(p, Options(state.range(0)));
    nodes = tree->nodes.size();
    benchmark::DoNotOptimize(tree);
  }
  state.counters["locations"] = static_cast<double>(p.locations.size());
  state.counters["samples"] = static_cast<double>(p.samples.size());
  state.counters["nodes"] = static_cast<double>(nodes);
}
BENCHMARK(BM_BuildFlameTree)->ArgName("pruned")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_BuildDiffTree(benchmark::State& state) {
  std::vector<autoprof::Profile> base = {Base()}, target = {Target()};
  autoprof::DiffOptions o;
  o.flame = Options(state.range(0));
  size_t nodes = 0;
  for (auto _ : state) {
    auto tree = autoprof::BuildDiffTree(base, target, o);
    nodes = tree->nodes.size();
    benchmark::DoNotOptimize(tree);
  }
  state.counters["nodes"] = static_cast<double>(nodes);
}
BENCHMARK(BM_BuildDiffTree)->ArgName("pruned")->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_FlameTreeToJson(benchmark::State& state) {
  auto tree = autoprof::BuildFlameTree(Base(), Options(1));
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = autoprof::FlameTreeToJson(*tree);
    bytes = json.size();
    benchmark::DoNotOptimize(json);
  }
  state.counters["nodes"] = static_cast<double>(tree->nodes.size());
  state.counters["json_bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_FlameTreeToJson)->Unit(benchmark::kMillisecond);

void BM_DiffTreeToJson(benchmark::State& state) {
  std::vector<autoprof::Profile> base = {Base()}, target = {Target()};
  autoprof::DiffOptions o;
  o.flame = Options(1);
  auto tree = autoprof::BuildDiffTree(base, target, o);
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = autoprof::DiffTreeToJson(*tree);
    bytes = json.size();
    benchmark::DoNotOptimize(json);
  }
  state.counters["nodes"] = static_cast<double>(tree->nodes.size());
  state.counters["json_bytes"] = static_cast<double>(bytes);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
}
BENCHMARK(BM_DiffTreeToJson)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
