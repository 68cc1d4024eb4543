// alloc_bench: the demo's allocation-heavy workload (BuildResponse, naive path)
// without HTTP around it, so that what tcmalloc's sampling adds is not hidden
// in network and scheduling noise. Run it twice, with and without
// TCMALLOC_SAMPLE_PARAMETER, and compare: bench/agent/run.sh does.
// Usage: alloc_bench SECONDS [THREADS [ITEMS]]
// Prints: calls, calls/s, and CPU microseconds per call (process CPU clock).
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>
#include <vector>

#include "workloads.h"

namespace {

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: alloc_bench SECONDS [THREADS [ITEMS]]\n");
    return 2;
  }
  double seconds = std::atof(argv[1]);
  int threads = argc > 2 ? std::atoi(argv[2]) : 1;
  int items = argc > 3 ? std::atoi(argv[3]) : 2000;
  if (seconds <= 0 || seconds > 600 || threads < 1 || threads > 64 || items < 1) {
    std::fprintf(stderr, "alloc_bench: SECONDS in (0, 600], THREADS in [1, 64], ITEMS >= 1\n");
    return 2;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::atomic<long> calls{0};
  std::atomic<size_t> bytes{0};
  double cpu0 = ProcessCpuSeconds();
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      long n = 0;
      size_t sum = 0;
      while (std::chrono::steady_clock::now() < deadline) {
        sum += demo::BuildResponse(items, demo::AllocMode::kNaive);
        ++n;
      }
      calls += n;
      bytes += sum;
    });
  }
  for (auto& t : workers) t.join();
  double cpu = ProcessCpuSeconds() - cpu0;
  std::printf("alloc_bench: %ld calls, %.1f calls/s, %.2f us CPU per call (%zu bytes built)\n",
              calls.load(), calls.load() / seconds, cpu * 1e6 / calls.load(), bytes.load());
  return 0;
}
