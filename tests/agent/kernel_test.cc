// The agent in real child cgroups of this machine's kernel: the demo service (and
// an unmodified binary under `autoprof run`) runs under a CPU quota and a memory
// limit, is driven over a threshold, and the profile it writes must show the hot
// (or leaking) function. Needs root and a writable cgroup v1 filesystem; skipped
// with the reason elsewhere.
#include <dirent.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "autoprof/analysis.h"
#include "autoprof/pprof.h"
#include "go_pprof.h"
#include "test_cgroup.h"

namespace autoprof {
namespace {

using testing::ScopedCgroup;
using Clock = std::chrono::steady_clock;

const std::string kBin = std::string(AUTOPROF_BINARY_DIR) + "/bin/";

std::string ReadText(const std::string& path) {
  std::stringstream ss;
  ss << std::ifstream(path).rdbuf();
  return ss.str();
}

class AgentKernelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "agent-kernel-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_ + "/out");
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(dir_);
  }

  // The agent's settings for a fast test: short interval, sustain and capture. The
  // CPU threshold is 40% of the quota: on a machine busy with other work a group
  // does not always get its whole quota, and the test is about the mechanism.
  std::map<std::string, std::string> AgentEnv(std::map<std::string, std::string> extra) {
    std::map<std::string, std::string> env = {{"AUTOPROF_OUTPUT_DIR", dir_ + "/out"},
                                              {"AUTOPROF_INTERVAL", "500ms"},
                                              {"AUTOPROF_SUSTAIN", "2s"},
                                              {"AUTOPROF_CPU_DURATION", "3s"},
                                              {"AUTOPROF_CPU_THRESHOLD", "0.4"},
                                              {"AUTOPROF_APP", "demo"}};
    for (auto& [k, v] : extra) env[k] = v;
    return env;
  }

  // Starts the demo service in `cg` and returns its base URL ("" on failure).
  std::string StartDemo(ScopedCgroup& cg, std::map<std::string, std::string> env) {
    std::string log = dir_ + "/demo.log";
    pid_t pid = cg.Spawn({kBin + "demo_service", "--port", "0"}, env, log);
    if (pid < 0) return "";
    for (auto end = Clock::now() + std::chrono::seconds(10); Clock::now() < end;) {
      std::string text = ReadText(log);
      size_t at = text.find("listening on ");
      if (at != std::string::npos) {
        size_t stop = text.find(' ', at + 13);
        return text.substr(at + 13, stop - at - 13);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  // Waits until a finished capture of `kind` (its .json exists) is in the output
  // folder; returns its stem or "".
  std::string WaitForCapture(const std::string& kind, std::chrono::seconds limit) {
    for (auto end = Clock::now() + limit; Clock::now() < end;) {
      for (const auto& e : std::filesystem::directory_iterator(dir_ + "/out")) {
        std::string name = e.path().filename();
        if (name.find("-" + kind + "-") != std::string::npos && name.ends_with(".json")) {
          return dir_ + "/out/" + name.substr(0, name.size() - 5);
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return "";
  }

  // Drives PATH on URL from a background thread for at most `seconds`.
  std::thread Drive(const std::string& url, const std::string& path, int seconds, int concurrency) {
    return std::thread([=] {
      testing::RunCommand({kBin + "demo_load", url, path, std::to_string(seconds),
                           std::to_string(concurrency)},
                          {}, seconds + 30);
    });
  }

  std::string TopFunction(const Profile& p, const std::string& sample_index) {
    Result<TopTable> top = Top(p, sample_index);
    if (!top.ok() || top->rows.empty()) return "";
    return top->rows[0].function;
  }

  // The cumulative share of the total held by the function whose name contains `name`.
  double CumShare(const Profile& p, const std::string& sample_index, const std::string& name) {
    Result<TopTable> top = Top(p, sample_index);
    if (!top.ok() || top->total <= 0) return 0;
    int64_t cum = 0;
    for (const TopRow& r : top->rows) {
      if (r.function.find(name) != std::string::npos) cum = std::max(cum, r.cum);
    }
    return static_cast<double>(cum) / static_cast<double>(top->total);
  }

  std::string dir_;
};

#define REQUIRE_CGROUP(cg, name, cores, bytes)                            \
  std::string why;                                                        \
  auto cg = ScopedCgroup::Create(name, cores, bytes, &why);               \
  if (!cg) GTEST_SKIP() << "real-kernel test skipped: " << why

TEST_F(AgentKernelTest, CpuOverTheQuotaCapturesAProfileOfTheHotFunction) {
  REQUIRE_CGROUP(cg, "cpu", 0.5, 256 << 20);
  std::string url = StartDemo(*cg, AgentEnv({}));
  ASSERT_FALSE(url.empty()) << ReadText(dir_ + "/demo.log");
  std::thread load = Drive(url, "/cpu?n=100", 20, 2);
  std::string stem = WaitForCapture("cpu", std::chrono::seconds(25));
  load.join();
  ASSERT_FALSE(stem.empty()) << "no CPU profile; agent said:\n" << ReadText(dir_ + "/demo.log");

  Result<Profile> p = ReadProfileFile(stem + ".pb.gz");
  ASSERT_TRUE(p.ok()) << p.status().message();
  // The hot function holds most of the CPU time (cumulatively: in some builds a
  // helper inlined into it, such as a string iterator, takes the flat time).
  EXPECT_GT(CumShare(*p, "cpu", "HashRecord"), 0.5) << "top: " << TopFunction(*p, "cpu");
  // A saturating load uses the whole quota and is throttled too: which of the two
  // reasons fires first depends on how busy the machine is (the policy's choice
  // between them is a unit test's); either way the value is over its threshold.
  auto sidecar = nlohmann::json::parse(ReadText(stem + ".json"));
  std::string reason = sidecar["trigger"]["reason"];
  EXPECT_TRUE(reason == "cpu" || reason == "throttle") << reason;
  EXPECT_DOUBLE_EQ(sidecar["trigger"]["threshold"].get<double>(), reason == "cpu" ? 0.4 : 0.25);
  EXPECT_GE(sidecar["trigger"]["value"].get<double>(),
            sidecar["trigger"]["threshold"].get<double>());
  EXPECT_DOUBLE_EQ(sidecar["limits"]["cpu_cores"].get<double>(), 0.5);
  EXPECT_EQ(sidecar["limits"]["memory_bytes"], 256 << 20);
  EXPECT_GE(sidecar["history"].size(), 4u);  // the sustain period leading to it
}

// Sanitizer runtimes bring their own allocator: tcmalloc cannot be the demo's
// allocator there, nor be preloaded by `autoprof run`.
#define SKIP_UNDER_SANITIZERS()                                                              \
  if (AUTOPROF_SANITIZED)                                                                    \
  GTEST_SKIP() << "needs tcmalloc as the allocator, which a sanitizer build cannot have"

TEST_F(AgentKernelTest, WorkingSetOverTheLimitCapturesAHeapProfileOfTheLeak) {
  SKIP_UNDER_SANITIZERS();
  REQUIRE_CGROUP(cg, "mem", 0, 256 << 20);
  std::string url = StartDemo(
      *cg, AgentEnv({{"AUTOPROF_MEM_THRESHOLD", "0.5"}, {"TCMALLOC_SAMPLE_PARAMETER", "524288"}}));
  ASSERT_FALSE(url.empty()) << ReadText(dir_ + "/demo.log");
  for (int i = 0; i < 40; ++i) {  // 160 MiB held: over half the limit, far from OOM
    auto r = testing::RunCommand({"curl", "-sf", url + "/leak?kb=4096"}, {}, 30);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  std::string stem = WaitForCapture("heap", std::chrono::seconds(20));
  ASSERT_FALSE(stem.empty()) << "no heap profile; agent said:\n" << ReadText(dir_ + "/demo.log");

  Result<Profile> p = ReadProfileFile(stem + ".pb.gz");
  ASSERT_TRUE(p.ok()) << p.status().message();
  Result<TopTable> top = Top(*p, "inuse_space");
  ASSERT_TRUE(top.ok());
  // The leaking function holds most of the in-use space, cumulatively.
  int64_t leak_cum = 0;
  for (const TopRow& r : top->rows) {
    if (r.function.find("LeakCache::Remember") != std::string::npos) leak_cum = r.cum;
  }
  EXPECT_GT(leak_cum, top->total / 2) << "total " << top->total;
  EXPECT_GT(leak_cum, int64_t{120} << 20);
  auto sidecar = nlohmann::json::parse(ReadText(stem + ".json"));
  EXPECT_EQ(sidecar["trigger"]["reason"], "memory");
  EXPECT_EQ(sidecar["limits"]["memory_bytes"], 256 << 20);
}

TEST_F(AgentKernelTest, TightQuotaThatThrottlesCapturesForTheThrottleReason) {
  REQUIRE_CGROUP(cg, "throttle", 0.1, 256 << 20);
  std::string url = StartDemo(*cg, AgentEnv({}));
  ASSERT_FALSE(url.empty()) << ReadText(dir_ + "/demo.log");
  std::thread load = Drive(url, "/cpu?n=20", 20, 2);
  std::string stem = WaitForCapture("cpu", std::chrono::seconds(25));
  load.join();
  ASSERT_FALSE(stem.empty()) << "no CPU profile; agent said:\n" << ReadText(dir_ + "/demo.log");
  auto sidecar = nlohmann::json::parse(ReadText(stem + ".json"));
  EXPECT_EQ(sidecar["trigger"]["reason"], "throttle");
  EXPECT_GE(sidecar["trigger"]["value"].get<double>(), 0.25);
  EXPECT_DOUBLE_EQ(sidecar["limits"]["cpu_cores"].get<double>(), 0.1);
}

TEST_F(AgentKernelTest, UnmodifiedBinaryUnderAutoprofRunIsProfiledToo) {
  SKIP_UNDER_SANITIZERS();
  REQUIRE_CGROUP(cg, "run", 0.5, 256 << 20);
  auto env = AgentEnv({{"AUTOPROF_APP", ""}});
  std::vector<std::string> argv = {kBin + "autoprof", "run", "--app", "worker", "--"};
  for (auto& [k, v] : env) {
    if (!v.empty()) argv.push_back(k + "=" + v);
  }
  argv.push_back("--");
  argv.push_back(kBin + "plain_worker");
  argv.push_back("15");
  pid_t pid = cg->Spawn(argv, {}, dir_ + "/worker.log");
  ASSERT_GT(pid, 0);
  std::string stem = WaitForCapture("cpu", std::chrono::seconds(25));
  ASSERT_FALSE(stem.empty()) << "no CPU profile; agent said:\n" << ReadText(dir_ + "/worker.log");
  EXPECT_NE(stem.find("/worker-cpu-"), std::string::npos);
  Result<Profile> p = ReadProfileFile(stem + ".pb.gz");
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_GT(CumShare(*p, "cpu", "CrunchNumbers"), 0.5) << "top: " << TopFunction(*p, "cpu");
}

}  // namespace
}  // namespace autoprof
