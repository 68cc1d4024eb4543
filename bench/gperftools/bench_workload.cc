// bench_workload OUTPUT SECONDS THREADS: a multi-threaded CPU profile with many
// distinct stacks for the convert benchmark. Each thread takes random walks
// through 16 distinct functions (Step<0..15>) to depth 6, and each walk ends in
// work done inside libc (qsort calling back into us, snprintf, strtod, memmove)
// or libstdc++ (ostringstream formatting, std::hash over strings).
// Run it with CPUPROFILE_FREQUENCY=1000 CPUPROFILE_PER_THREAD_TIMERS=1: each
// thread then has its own CPU-time timer, so samples are not capped by one
// process-wide timer.
#include <gperftools/profiler.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace benchwork {

std::atomic<uint64_t> sink{0};

int CompareInts(const void* a, const void* b) {
  int x = *static_cast<const int*>(a), y = *static_cast<const int*>(b);
  return (x > y) - (x < y);
}

__attribute__((noinline)) void LeafWork(uint64_t seed) {
  char buf[256];
  switch (seed % 5) {
    case 0: {
      int v[96];
      for (int i = 0; i < 96; ++i) v[i] = static_cast<int>((seed * (i + 7)) % 1000);
      std::qsort(v, 96, sizeof(int), CompareInts);
      sink += static_cast<uint64_t>(v[3]);
      break;
    }
    case 1:
      for (int i = 0; i < 8; ++i)
        sink += static_cast<uint64_t>(std::snprintf(buf, sizeof buf, "%.6f %llu",
                                                    static_cast<double>(seed) / (i + 3),
                                                    static_cast<unsigned long long>(seed)));
      break;
    case 2: {
      std::ostringstream out;
      for (int i = 0; i < 8; ++i) out << static_cast<double>(seed) / (i + 1) << ' ';
      sink += out.str().size();
      break;
    }
    case 3: {
      std::string s(512, static_cast<char>('a' + seed % 26));
      for (int i = 0; i < 8; ++i) sink += std::hash<std::string>()(s + std::to_string(i));
      break;
    }
    default: {
      std::snprintf(buf, sizeof buf, "%llu.%llu", static_cast<unsigned long long>(seed % 9999),
                    static_cast<unsigned long long>(seed % 77));
      char big[4096];
      std::memset(big, static_cast<int>(seed), sizeof big);
      for (int i = 0; i < 16; ++i) std::memmove(big + 1, big, sizeof big - 1);
      sink += static_cast<uint64_t>(std::strtod(buf, nullptr)) + static_cast<uint8_t>(big[100]);
    }
  }
}

using StepFn = void (*)(uint64_t, int);
extern StepFn steps[16];

template <int N>
__attribute__((noinline)) void Step(uint64_t seed, int depth) {
  uint64_t next = seed * 6364136223846793005ull + 1442695040888963407ull + N;
  if (depth == 0) {
    LeafWork(next >> 33);
  } else {
    steps[(next >> 40) % 16](next, depth - 1);
  }
  asm volatile("" ::: "memory");  // keep the call out of tail position
}

StepFn steps[16] = {Step<0>, Step<1>, Step<2>,  Step<3>,  Step<4>,  Step<5>,  Step<6>,  Step<7>,
                    Step<8>, Step<9>, Step<10>, Step<11>, Step<12>, Step<13>, Step<14>, Step<15>};

void Worker(int id, std::chrono::steady_clock::time_point end) {
  ProfilerRegisterThread();  // needed when CPUPROFILE_PER_THREAD_TIMERS=1
  uint64_t seed = 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(id + 1);
  while (std::chrono::steady_clock::now() < end) {
    seed = seed * 2862933555777941757ull + 3037000493ull;
    steps[seed % 16](seed, 6);
  }
}

}  // namespace benchwork

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: bench_workload OUTPUT SECONDS THREADS\n");
    return 2;
  }
  const double seconds = std::atof(argv[2]);
  const int threads = std::atoi(argv[3]);
  ProfilerOptions options{};
  if (!ProfilerStartWithOptions(argv[1], &options)) return 1;
  ProfilerRegisterThread();
  const auto end = std::chrono::steady_clock::now() +
                   std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                       std::chrono::duration<double>(seconds));
  std::vector<std::thread> pool;
  for (int i = 0; i < threads; ++i) pool.emplace_back(benchwork::Worker, i, end);
  for (auto& t : pool) t.join();
  ProfilerStop();
  std::printf("%llu\n", static_cast<unsigned long long>(benchwork::sink.load() & 1));
  return 0;
}
