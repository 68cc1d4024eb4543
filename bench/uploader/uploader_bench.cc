// Uploader throughput and cost over loopback: profiles per second delivered by one
// Uploader (Submit on the benchmark thread, sending on the worker thread) to a
// minimal local receiver, and to `autoprof serve` when AUTOPROF_BENCH_VIEWER_URL
// names one (run.sh starts it). Counters:
//   profiles_per_s        profiles sent from a full spool / wall time (start to last 2xx)
//   worker_cpu_us_per_p   the uploader worker's thread CPU time per profile
//   submit_us_per_p       wall time of Submit on the caller's thread (untimed part:
//                         two files written with fsync, the directory fsync, the caps)
#include <benchmark/benchmark.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "autoprof/pprof.h"
#include "autoprof/uploader.h"

namespace autoprof {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kBatch = 100;

// A CPU profile shaped like a busy service's: 400 functions, 3,000 stacks of
// depth 8-40. `variant` changes its bytes (and so its id).
std::string ProfileBytes(int variant) {
  Profile p;
  p.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};
  p.period_type = {"cpu", "nanoseconds"};
  p.period = 10'000'000;
  p.time_nanos = 1'795'556'400'000'000'000 + variant;
  p.duration_nanos = 10'000'000'000;
  for (uint64_t id = 1; id <= 400; ++id) {
    p.functions.push_back({id, "ns::Component" + std::to_string(id) + "::Method(int, std::string)",
                           "_ZN2ns9Component" + std::to_string(id), "src/c" + std::to_string(id) + ".cc", 10});
    p.locations.push_back({id, 0, 0x1000 + id * 16, {{id, static_cast<int64_t>(id % 300 + 1), 0}}});
  }
  std::mt19937 rng(static_cast<uint32_t>(variant));
  for (int s = 0; s < 3000; ++s) {
    Sample sample;
    int depth = 8 + static_cast<int>(rng() % 33);
    for (int d = 0; d < depth; ++d) sample.location_ids.push_back(1 + rng() % 400);
    int64_t count = 1 + rng() % 20;
    sample.values = {count, count * 10'000'000};
    p.samples.push_back(std::move(sample));
  }
  Result<std::string> gz = Gzip(EncodeProfile(p));
  return gz.ok() ? *gz : std::string();
}

const std::vector<std::string>& Profiles() {
  static const std::vector<std::string> all = [] {
    std::vector<std::string> v;
    for (int i = 0; i < 6 * kBatch; ++i) v.push_back(ProfileBytes(i));
    return v;
  }();
  return all;
}

class LocalReceiver {
 public:
  LocalReceiver() {
    // Without TCP_NODELAY httplib writes the answer in pieces that meet delayed ACKs.
    server_.set_tcp_nodelay(true);
    server_.Post("/api/v1/profiles", [this](const httplib::Request& req, httplib::Response& res) {
      if (req.has_file("profile") && req.has_file("metadata")) ++accepted_;
      res.status = 201;
      res.set_content("{}", "application/json");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs (bounded wait).
    for (int i = 0; i < 1000 && !server_.is_running(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  ~LocalReceiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  httplib::Server server_;
  std::thread thread_;
  int port_ = 0;
  std::atomic<int> accepted_{0};
};

// Each iteration (timed): a fresh Uploader starts on a spool holding kBatch pairs
// (written untimed by a spool-only Uploader) and sends them all.
void Deliver(benchmark::State& state, const std::string& url) {
  const std::vector<std::string>& profiles = Profiles();
  std::string spool = std::filesystem::temp_directory_path().string() + "/autoprof-upload-bench-" +
                      std::to_string(getpid());
  std::filesystem::remove_all(spool);
  UploaderOptions o;
  o.spool_dir = spool;
  o.log = [](std::string_view) {};
  size_t next = 0;
  int64_t delivered = 0, cpu_ns = 0;
  double submit_seconds = 0;
  for (auto _ : state) {
    state.PauseTiming();
    {
      Result<std::unique_ptr<Uploader>> writer = Uploader::Start(o);  // no URL: spool only
      for (int i = 0; i < kBatch && writer.ok(); ++i, ++next) {
        auto t0 = Clock::now();
        Status s = (*writer)->Submit("bench-cpu-20261124T000000Z-" + std::to_string(next),
                                     profiles[next % profiles.size()],
                                     R"({"app":"bench","kind":"cpu","start_unix_ms":1795556400000,)"
                                     R"("duration_seconds":10,"labels":{"pod":"p"}})");
        submit_seconds += std::chrono::duration<double>(Clock::now() - t0).count();
        if (!s.ok()) state.SkipWithError(s.message().c_str());
      }
    }
    state.ResumeTiming();
    UploaderOptions send = o;
    send.url = url;
    Result<std::unique_ptr<Uploader>> u = Uploader::Start(send);
    if (!u.ok()) {
      state.SkipWithError(u.status().message().c_str());
      break;
    }
    // Bounded wait for the batch: a stuck upload fails the benchmark, not hangs it.
    auto give_up = Clock::now() + std::chrono::seconds(120);
    while ((*u)->stats().sent < kBatch && Clock::now() < give_up) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    if ((*u)->stats().sent < kBatch) state.SkipWithError("batch not delivered within 120 s");
    (*u)->Stop(std::chrono::milliseconds(1000));
    cpu_ns += (*u)->stats().worker_cpu_ns;
    delivered += kBatch;
  }
  std::filesystem::remove_all(spool);
  state.counters["profiles_per_s"] = benchmark::Counter(static_cast<double>(delivered),
                                                        benchmark::Counter::kIsRate);
  state.counters["worker_cpu_us_per_p"] = cpu_ns / 1000.0 / static_cast<double>(delivered);
  state.counters["submit_us_per_p"] = submit_seconds * 1e6 / static_cast<double>(delivered);
  state.counters["bytes_per_p"] = static_cast<double>(profiles[0].size());
}

void BM_DeliverToLocalReceiver(benchmark::State& state) {
  LocalReceiver receiver;
  Deliver(state, receiver.url());
}
BENCHMARK(BM_DeliverToLocalReceiver)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

void BM_DeliverToAutoprofServe(benchmark::State& state) {
  const char* url = std::getenv("AUTOPROF_BENCH_VIEWER_URL");
  if (url == nullptr || *url == '\0') {
    state.SkipWithError("AUTOPROF_BENCH_VIEWER_URL not set (run.sh starts autoprof serve)");
    return;
  }
  Deliver(state, url);
}
// Each profile once: the viewer's dedup would make resent bytes cheaper.
BENCHMARK(BM_DeliverToAutoprofServe)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace
}  // namespace autoprof

BENCHMARK_MAIN();
