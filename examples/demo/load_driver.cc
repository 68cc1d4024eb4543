// demo_load: drives the demo service for a bounded time and prints the request
// rate. Usage: demo_load URL PATH SECONDS [CONCURRENCY]
//   demo_load http://127.0.0.1:8081 '/cpu?n=200' 30 2
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
    std::fprintf(stderr, "usage: demo_load URL PATH SECONDS [CONCURRENCY]\n");
    return 2;
  }
  std::string url = argv[1], path = argv[2];
  double seconds = std::atof(argv[3]);
  int concurrency = argc > 4 ? std::atoi(argv[4]) : 1;
  if (seconds <= 0 || seconds > 3600 || concurrency < 1 || concurrency > 64) {
    std::fprintf(stderr, "demo_load: SECONDS must be in (0, 3600], CONCURRENCY in [1, 64]\n");
    return 2;
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::atomic<long> ok{0}, failed{0};
  std::vector<std::thread> workers;
  for (int i = 0; i < concurrency; ++i) {
    workers.emplace_back([&] {
      httplib::Client client(url);
      client.set_read_timeout(10, 0);
      while (std::chrono::steady_clock::now() < deadline) {
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
