// Encode and decode throughput of the pprof codec, plain and gzipped, on a
// realistic profile (100,000 samples over 10,000 locations), and Top on it.
#include <benchmark/benchmark.h>

#include "autoprof/analysis.h"
#include "autoprof/pprof.h"
#include "big_profile.h"

namespace {

const autoprof::Profile& Input() {
  static const autoprof::Profile p = autoprof::bench::BigCpuProfile(100'000, 10'000);
  return p;
}

// Reports how many profile samples per second one iteration's work amounts to.
void CountSamples(benchmark::State& state) {
  state.counters["samples/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * Input().samples.size()),
                         benchmark::Counter::kIsRate);
}

void BM_Encode(benchmark::State& state) {
  size_t bytes = 0;
  for (auto _ : state) {
    std::string out = autoprof::EncodeProfile(Input());
    bytes = out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  CountSamples(state);
}
BENCHMARK(BM_Encode)->Unit(benchmark::kMillisecond);

void BM_EncodeGzip(benchmark::State& state) {
  for (auto _ : state) {
    auto gz = autoprof::Gzip(autoprof::EncodeProfile(Input()));
    benchmark::DoNotOptimize(gz.ok());
  }
  CountSamples(state);
}
BENCHMARK(BM_EncodeGzip)->Unit(benchmark::kMillisecond);

void BM_Decode(benchmark::State& state) {
  const std::string bytes = autoprof::EncodeProfile(Input());
  for (auto _ : state) {
    auto p = autoprof::DecodeProfile(bytes);
    if (!p.ok()) state.SkipWithError(p.status().message().c_str());
    benchmark::DoNotOptimize(p.ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes.size()));
  CountSamples(state);
}
BENCHMARK(BM_Decode)->Unit(benchmark::kMillisecond);

void BM_DecodeGzip(benchmark::State& state) {
  const std::string gz = *autoprof::Gzip(autoprof::EncodeProfile(Input()));
  for (auto _ : state) {
    auto p = autoprof::DecodeProfile(gz);
    benchmark::DoNotOptimize(p.ok());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * gz.size()));
  CountSamples(state);
}
BENCHMARK(BM_DecodeGzip)->Unit(benchmark::kMillisecond);

void BM_Top(benchmark::State& state) {
  for (auto _ : state) {
    auto t = autoprof::Top(Input());
    benchmark::DoNotOptimize(t.ok());
  }
  CountSamples(state);
}
BENCHMARK(BM_Top)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
