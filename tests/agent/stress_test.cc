// 50 captures while eight threads throw and catch exceptions and dlopen/dlclose a
// library in loops. Unwinding and dlopen take the loader's lock, which the
// profiler's signal handler may also need: no deadlock, no crash, every capture a
// valid profile. Also built under ThreadSanitizer and ASan+UBSan.
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "autoprof/agent.h"
#include "autoprof/pprof.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

TEST(AgentStress, FiftyCapturesBesideExceptionsAndDlopenInEightThreads) {
  std::string dir = ::testing::TempDir() + "agent-stress-" + std::to_string(getpid());
  fs::remove_all(dir);
  AgentOptions options;
  options.app = "stress";
  options.output_dir = dir;
  options.interval = std::chrono::milliseconds(100);
  options.cpu_duration = std::chrono::milliseconds(100);
  options.cpu_threshold = options.mem_threshold = options.throttle_threshold = 1.0;
  ASSERT_TRUE(Agent::Start(options).ok());

  std::atomic<bool> stop{false};
  std::atomic<long> thrown{0}, loads{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      while (!stop) {
        void* plugin = dlopen(AUTOPROF_STRESS_PLUGIN, RTLD_NOW | RTLD_LOCAL);
        if (!plugin) continue;
        ++loads;
        auto fn = reinterpret_cast<int (*)(int)>(dlsym(plugin, "stress_plugin_throw"));
        for (int i = 0; fn && i < 20; ++i) {
          try {
            fn(t * 1000 + i);
          } catch (const std::runtime_error&) {
            ++thrown;
          }
        }
        dlclose(plugin);
      }
    });
  }

  // TriggerNow is refused while a capture runs, so each accepted call means the
  // previous capture has finished (written, or failed with a line on stderr).
  const size_t kCaptures = 50;
  size_t triggered = 0;
  auto deadline = Clock::now() + std::chrono::seconds(240);
  while (triggered < kCaptures && Clock::now() < deadline) {
    if (Agent::TriggerNow(ProfileKind::kCpu).ok()) ++triggered;
    else std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  while (!Agent::TriggerNow(ProfileKind::kCpu).ok() && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // the 50th is done
  }
  EXPECT_EQ(triggered, kCaptures) << "captures stopped finishing: a deadlock?";
  stop = true;
  for (auto& w : workers) w.join();
  Agent::Stop();

  EXPECT_GT(thrown.load(), 1000);
  EXPECT_GT(loads.load(), 100);
  size_t valid = 0, with_samples = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".gz") continue;
    Result<Profile> p = ReadProfileFile(e.path());
    ASSERT_TRUE(p.ok()) << p.status().message();
    ++valid;
    with_samples += !p->samples.empty();
  }
  EXPECT_GE(valid, kCaptures);
  EXPECT_GE(with_samples, kCaptures / 2);  // 100 ms at 100 Hz: most catch a sample
  fs::remove_all(dir);
}

}  // namespace
}  // namespace autoprof
