// plain_worker: a program that knows nothing of autoprof (no header, no link),
// for showing `autoprof run`: it crunches numbers and fills a cache for a given
// number of seconds, in a worker thread.
//
//   autoprof run --app worker -- ./plain_worker 30
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

namespace worker {

__attribute__((noinline)) double CrunchNumbers(int rounds) {
  double x = 1.0;
  for (int i = 0; i < rounds; ++i) x = x * 1.0000001 + 1.0 / (i + 1.0);
  return x;
}

__attribute__((noinline)) void FillCache(std::vector<std::unique_ptr<char[]>>& cache) {
  for (int i = 0; i < 64; ++i) {
    cache.emplace_back(new char[64 * 1024]);
    cache.back()[0] = static_cast<char>(i);
  }
}

}  // namespace worker

int main(int argc, char** argv) {
  double seconds = argc > 1 ? std::atof(argv[1]) : 10;
  if (seconds <= 0 || seconds > 3600) {
    std::fprintf(stderr, "usage: plain_worker SECONDS (0 < SECONDS <= 3600)\n");
    return 2;
  }
  std::vector<std::unique_ptr<char[]>> cache;  // grows to ~64 MiB, held to the end
  double sum = 0;
  std::thread([&] {
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    for (int i = 0; std::chrono::steady_clock::now() < end; ++i) {
      sum += worker::CrunchNumbers(2'000'000);
      if (i % 4 == 0 && cache.size() < 1024) worker::FillCache(cache);
    }
  }).join();
  std::printf("plain_worker: done (%.3f, %zu blocks)\n", sum, cache.size());
  return 0;
}
