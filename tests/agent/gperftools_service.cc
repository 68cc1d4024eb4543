// A service with the agent linked in, for gperftools_coexistence_test: it runs
// under whatever the test puts in its environment (LD_PRELOAD=libprofiler.so.0,
// CPUPROFILE, PERFTOOLS_VERBOSE, AUTOPROF_*), keeps one core busy in
// ServiceHotLoop, and asks the agent for a CPU profile now and then, the way an
// operator's endpoint would.
//
//   gperftools_service REQUESTS
//
// Starts the agent from the environment, then once a second makes one CPU
// request, REQUESTS times (repeating it while the previous capture is still in
// progress), and prints one line per request: "cpu request: ok" or
// "cpu request: <why not>". One second later (set AUTOPROF_CPU_DURATION shorter)
// it stops the agent and prints "stopped in <N> ms". Exit 0 unless the agent
// could not start.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include "autoprof/agent.h"

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<bool> g_stop{false};

__attribute__((noinline)) void ServiceHotLoop() {
  volatile double x = 1;
  while (!g_stop.load(std::memory_order_relaxed)) {
    for (int i = 0; i < 100000; ++i) x = x * 1.0000001 + 1e-9;
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: gperftools_service REQUESTS\n");
    return 2;
  }
  const int requests = std::atoi(argv[1]);
  if (autoprof_start_from_env() != 0) return 1;
  std::thread hot(ServiceHotLoop);

  for (int i = 0; i < requests; ++i) {
    // The first second also lets the agent's capture thread look at gperftools.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    autoprof::Status s = autoprof::Agent::TriggerNow(autoprof::ProfileKind::kCpu);
    // On a loaded machine the previous capture may still be being symbolized.
    for (auto end = Clock::now() + std::chrono::seconds(20);
         s.message() == "a capture is already in progress" && Clock::now() < end;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      s = autoprof::Agent::TriggerNow(autoprof::ProfileKind::kCpu);
    }
    std::printf("cpu request: %s\n", s.ok() ? "ok" : s.message().c_str());
    std::fflush(stdout);
  }
  std::this_thread::sleep_for(std::chrono::seconds(1));  // the last one's capture

  auto before = Clock::now();
  autoprof::Agent::Stop();
  auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - before);
  std::printf("stopped in %lld ms\n", static_cast<long long>(took.count()));
  g_stop = true;
  hot.join();
  return 0;
}
