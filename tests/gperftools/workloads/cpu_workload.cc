// cpu_workload OUTPUT SECONDS: runs known hot functions under gperftools' CPU
// profiler (ProfilerStart) until it has used SECONDS of CPU time (not wall time,
// so a loaded machine still yields enough samples) and writes the raw profile to
// OUTPUT.
// Work is split so each function's share differs clearly (about 36/27/20/12/5
// percent), which makes the top-5 order stable:
//   hotwork::SpinInNamespace   a function in a namespace
//   hotwork::Accumulate<double> a template
//   MixInlined                 an always-inlined helper inside CallsInlinedHelper
//   sharedlib::HashInSharedLibrary  in libhot_shared.so
//   LightFunction              the small one
#include <gperftools/profiler.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>

#include "hot_shared.h"

namespace hotwork {

__attribute__((noinline)) uint64_t SpinInNamespace(uint64_t n) {
  uint64_t x = n;
  for (uint64_t i = 0; i < n; ++i) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    asm volatile("" : "+r"(x));
  }
  return x;
}

template <typename T>
__attribute__((noinline)) T Accumulate(T seed, uint64_t n) {
  T sum = seed;
  for (uint64_t i = 0; i < n; ++i) {
    sum = sum * static_cast<T>(0.999999) + static_cast<T>(i & 7);
    asm volatile("" : "+x"(sum));
  }
  return sum;
}

}  // namespace hotwork

static inline __attribute__((always_inline)) uint64_t MixInlined(uint64_t x, uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    asm volatile("" : "+r"(x));
  }
  return x;
}

__attribute__((noinline)) uint64_t CallsInlinedHelper(uint64_t n) { return MixInlined(n | 1, n); }

__attribute__((noinline)) uint64_t LightFunction(uint64_t n) {
  uint64_t x = 0;
  for (uint64_t i = 0; i < n; ++i) {
    x += i * i;
    asm volatile("" : "+r"(x));
  }
  return x;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: cpu_workload OUTPUT SECONDS\n");
    return 2;
  }
  const double seconds = std::atof(argv[2]);
  if (!ProfilerStart(argv[1])) {
    std::fprintf(stderr, "cpu_workload: ProfilerStart(%s) failed\n", argv[1]);
    return 1;
  }
  uint64_t sink = 0;
  auto cpu_seconds = [] {
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  constexpr uint64_t kUnit = 200'000;
  while (cpu_seconds() < seconds) {
    sink += hotwork::SpinInNamespace(kUnit * 36 / 10);
    sink += static_cast<uint64_t>(hotwork::Accumulate<double>(1.0, kUnit * 27 / 40));
    sink += CallsInlinedHelper(kUnit * 20 / 10);
    sink += sharedlib::HashInSharedLibrary(kUnit * 12 / 10);
    sink += LightFunction(kUnit * 5 / 10);
  }
  ProfilerStop();
  std::printf("%llu\n", static_cast<unsigned long long>(sink & 1));
  return 0;
}
