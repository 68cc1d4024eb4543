// A load client for `autoprof serve`: C concurrent uploaders each POST N distinct
// CPU profiles (multipart, as the agent's uploader does) and the rate is printed.
// With --resend every upload repeats bytes the server already has (the dedup
// path: hash and index lookup, no file write), the baseline for the write path.
//
//   viewer_ingest_load --url http://127.0.0.1:8080 --clients 32 --profiles 50
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "autoprof/pprof.h"

namespace {

// A CPU profile of about the size an agent sends: `functions` functions, 2,000
// samples with stacks 8 to 32 deep; `seed` makes it distinct.
std::string MakeProfile(uint32_t seed, int functions) {
  autoprof::Profile p;
  p.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};
  p.period_type = {"cpu", "nanoseconds"};
  p.period = 10'000'000;
  p.duration_nanos = 10'000'000'000;
  p.time_nanos = 1'795'554'000'000'000'000 + seed;
  for (int f = 1; f <= functions; ++f) {
    p.functions.push_back({static_cast<uint64_t>(f), "ns::Service::Handler" + std::to_string(f),
                           "_ZN2ns7Service7Handler" + std::to_string(f) + "Ev", "service.cc", f});
    autoprof::Location loc;
    loc.id = static_cast<uint64_t>(f);
    loc.address = 0x400000 + 16 * f;
    loc.lines = {{static_cast<uint64_t>(f), f * 3, 0}};
    p.locations.push_back(loc);
  }
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> fn(1, functions), depth(8, 32), count(1, 20);
  for (int s = 0; s < 2000; ++s) {
    autoprof::Sample sample;
    for (int d = depth(rng); d > 0; --d) sample.location_ids.push_back(fn(rng));
    int64_t n = count(rng);
    sample.values = {n, n * 10'000'000};
    p.samples.push_back(std::move(sample));
  }
  autoprof::Result<std::string> gz = autoprof::Gzip(autoprof::EncodeProfile(p));
  return gz.ok() ? *gz : std::string();
}

std::string Flag(int argc, char** argv, const char* name, const char* fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url = Flag(argc, argv, "--url", "http://127.0.0.1:8080");
  int clients = std::stoi(Flag(argc, argv, "--clients", "32"));
  int per_client = std::stoi(Flag(argc, argv, "--profiles", "50"));
  bool resend = Flag(argc, argv, "--resend", "0") == "1";

  // Profiles are built before the clock starts.
  std::vector<std::vector<std::string>> bodies(clients);
  size_t bytes = 0;
  for (int c = 0; c < clients; ++c) {
    for (int i = 0; i < per_client; ++i) {
      uint32_t seed = resend ? static_cast<uint32_t>(i) : static_cast<uint32_t>(c * 100000 + i);
      bodies[c].push_back(MakeProfile(seed, 500));
      bytes += bodies[c].back().size();
    }
  }
  if (resend) {  // store each once so the timed uploads all hit the dedup path
    httplib::Client client(url);
    for (const std::string& b : bodies[0]) {
      client.Post("/api/v1/profiles", httplib::MultipartFormDataItems{
          {"profile", b, "p.pb.gz", ""}, {"metadata", R"({"app":"bench"})", "", ""}});
    }
  }
  std::atomic<int> ok{0}, failed{0};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      httplib::Client client(url);
      client.set_read_timeout(60);
      client.set_keep_alive(true);
      for (const std::string& b : bodies[c]) {
        httplib::Result res = client.Post(
            "/api/v1/profiles",
            httplib::MultipartFormDataItems{{"profile", b, "p.pb.gz", "application/octet-stream"},
                                            {"metadata", R"({"app":"bench"})", "", ""}});
        if (res && res->status == 201) {
          ++ok;
          continue;
        }
        if (failed++ < 5) {
          std::fprintf(stderr, "upload failed: %s\n",
                       res ? (std::to_string(res->status) + " " + res->body).c_str()
                           : httplib::to_string(res.error()).c_str());
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int total = clients * per_client;
  std::printf("%s: %d uploads (%d failed) of %.1f KiB average, %d clients: %.2f s, %.0f profiles/s\n",
              resend ? "resend (dedup)" : "new profiles", total, failed.load(),
              bytes / 1024.0 / total, clients, seconds, total / seconds);
  return failed.load() == 0 ? 0 : 1;
}
