// demo_load: drives the demo service for a bounded time and prints the request
// rate. Usage: demo_load URL PATH SECONDS [CONCURRENCY [RATE]]
//   demo_load http://127.0.0.1:8081 '/cpu?n=200' 30 2        as fast as it answers
//   demo_load http://127.0.0.1:8081 '/alloc' 30 4 1000       1000 requests/s in all
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: demo_load URL PATH SECONDS [CONCURRENCY [RATE]]\n");
    return 2;
  }
  std::string url = argv[1], path = argv[2];
  double seconds = std::atof(argv[3]);
  int concurrency = argc > 4 ? std::atoi(argv[4]) : 1;
  double rate = argc > 5 ? std::atof(argv[5]) : 0;  // 0: closed loop, as fast as answered
  if (seconds <= 0 || seconds > 3600 || concurrency < 1 || concurrency > 64 || rate < 0) {
    std::fprintf(stderr,
                 "demo_load: SECONDS must be in (0, 3600], CONCURRENCY in [1, 64], RATE >= 0\n");
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  auto deadline = start + std::chrono::duration<double>(seconds);
  // With a rate, worker i sends its k-th request at start + (k * concurrency + i) / rate.
  auto gap = rate > 0 ? std::chrono::duration<double>(concurrency / rate)
                      : std::chrono::duration<double>(0);
  std::atomic<long> ok{0}, failed{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < concurrency; ++i) {
    workers.emplace_back([&, i] {
      httplib::Client client(url);
      client.set_read_timeout(10, 0);
      auto next = start + gap * (static_cast<double>(i) / concurrency);
      while (std::chrono::steady_clock::now() < deadline) {
        if (rate > 0) {
          std::this_thread::sleep_until(
              std::chrono::time_point_cast<std::chrono::steady_clock::duration>(next));
          next += gap;
        }
        auto res = client.Get(path.c_str());
        (res && res->status == 200 ? ok : failed)++;
        if (!res) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  }
  for (auto& t : workers) t.join();
  std::printf("demo_load: %s%s: %ld ok, %ld failed, %.1f req/s\n", url.c_str(), path.c_str(),
              ok.load(), failed.load(), ok.load() / seconds);
  return failed.load() > 0 && ok.load() == 0 ? 1 : 0;
}
