// Symbolizing N addresses spread over libstdc++'s code in this process: cold (a
// new Symbolizer: open the file, sort its symbols, resolve every address) vs
// cached (the same Symbolizer again: every address is served from its cache).
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>

#include "autoprof/gperftools.h"
#include "autoprof/symbolizer.h"

namespace {

// A heap sample of one object per address, for N addresses across the executable
// mapping of libstdc++, with this process's maps: parsed into a Profile whose
// locations are not yet symbolized.
autoprof::Profile ProfileOverLibstdcxx(int n) {
  std::ifstream in("/proc/self/maps");
  std::stringstream maps;
  maps << in.rdbuf();
  unsigned long start = 0, end = 0;
  std::istringstream lines(maps.str());
  for (std::string line; std::getline(lines, line);) {
    if (line.find("libstdc++") != std::string::npos && line.find(" r-xp ") != std::string::npos) {
      std::sscanf(line.c_str(), "%lx-%lx", &start, &end);
      break;
    }
  }
  std::string text = "heap profile: 1: 1 [1: 1] @ heap_v2/1\n";
  const unsigned long step = (end - start) / static_cast<unsigned long>(n);
  for (int i = 0; i < n; ++i) {
    text += "1: 64 [1: 64] @ 0x" + (std::stringstream() << std::hex << start + step * i + 1).str() +
            "\n";
  }
  text += "\nMAPPED_LIBRARIES:\n" + maps.str();
  autoprof::Result<autoprof::Profile> p = autoprof::ParseHeapSample(text);
  return p.ok() ? std::move(*p) : autoprof::Profile{};
}

void BM_SymbolizeCold(benchmark::State& state) {
  const autoprof::Profile base = ProfileOverLibstdcxx(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    autoprof::Profile p = base;
    autoprof::Symbolizer symbolizer(autoprof::SymbolizerOptions::LiveProcess());
    symbolizer.Symbolize(&p);
    benchmark::DoNotOptimize(p.functions.size());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_SymbolizeCached(benchmark::State& state) {
  const autoprof::Profile base = ProfileOverLibstdcxx(static_cast<int>(state.range(0)));
  autoprof::Symbolizer symbolizer(autoprof::SymbolizerOptions::LiveProcess());
  autoprof::Profile warm = base;
  symbolizer.Symbolize(&warm);
  for (auto _ : state) {
    autoprof::Profile p = base;
    symbolizer.Symbolize(&p);
    benchmark::DoNotOptimize(p.functions.size());
  }
  state.counters["cache_hits"] = static_cast<double>(symbolizer.stats().cache_hits);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

BENCHMARK(BM_SymbolizeCold)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_SymbolizeCached)->Arg(1000)->Arg(10000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
