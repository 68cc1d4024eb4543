// The agent's public API, through the shared library a service links
// (libautoprof_agent.so), in this very process: start, capture on demand, stop,
// fork, bad settings.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "autoprof/agent.h"
#include "autoprof/analysis.h"
#include "autoprof/pprof.h"
#include "go_pprof.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string ReadText(const std::string& path) {
  std::stringstream ss;
  ss << std::ifstream(path).rdbuf();
  return ss.str();
}

// Keeps one core busy in a function whose name the profile must show.
class Burner {
 public:
  Burner() : thread_([this] { Run(); }) {}
  ~Burner() {
    stop_ = true;
    thread_.join();
  }

 private:
  __attribute__((noinline)) void Run() {
    volatile double x = 1;
    while (!stop_) {
      for (int i = 0; i < 100000; ++i) x = x * 1.0000001 + 1e-9;
    }
  }
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

class AgentApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "agent-api-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    options_.app = "apitest";
    options_.output_dir = dir_;
    options_.interval = std::chrono::milliseconds(200);
    options_.cpu_duration = std::chrono::seconds(10);
    options_.cpu_threshold = 1.0;  // nothing triggers by itself here
    options_.mem_threshold = 1.0;
    options_.throttle_threshold = 1.0;
  }
  void TearDown() override {
    Agent::Stop();
    if (!HasFailure()) fs::remove_all(dir_);
  }

  std::vector<std::string> Stems(const std::string& kind) const {
    std::vector<std::string> stems;
    if (!fs::exists(dir_)) return stems;
    for (const auto& e : fs::directory_iterator(dir_)) {
      std::string name = e.path().filename();
      if (name.find("-" + kind + "-") != std::string::npos && name.ends_with(".json")) {
        stems.push_back(dir_ + "/" + name.substr(0, name.size() - 5));
      }
    }
    return stems;
  }

  std::vector<std::string> WaitForStems(const std::string& kind, size_t n,
                                        std::chrono::seconds limit) const {
    for (auto end = Clock::now() + limit; Clock::now() < end;) {
      if (auto s = Stems(kind); s.size() >= n) return s;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Stems(kind);
  }

  std::string dir_;
  AgentOptions options_;
};

TEST_F(AgentApiTest, BadSettingIsOneLineNamingItAndTheAgentStaysOff) {
  ::setenv("AUTOPROF_MEM_THRESHOLD", "lots", 1);
  Status s = Agent::Start(options_);
  ::unsetenv("AUTOPROF_MEM_THRESHOLD");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "AUTOPROF_MEM_THRESHOLD: 'lots' is not a number");
  EXPECT_FALSE(Agent::Running());
  EXPECT_FALSE(Agent::TriggerNow(ProfileKind::kCpu).ok());
}

TEST_F(AgentApiTest, DisabledIsNotAnErrorAndDoesNothing) {
  options_.enabled = false;
  EXPECT_TRUE(Agent::Start(options_).ok());
  EXPECT_FALSE(Agent::Running());
}

TEST_F(AgentApiTest, SecondStartIsAnError) {
  ASSERT_TRUE(Agent::Start(options_).ok());
  Status again = Agent::Start(options_);
  EXPECT_EQ(again.message(), "the agent is already running");
  EXPECT_TRUE(Agent::Running());
}

TEST_F(AgentApiTest, TriggerNowCapturesAndStopCutsTheCaptureShort) {
  Burner burner;
  ASSERT_TRUE(Agent::Start(options_).ok());
  ASSERT_TRUE(Agent::TriggerNow(ProfileKind::kCpu).ok());
  EXPECT_EQ(Agent::TriggerNow(ProfileKind::kCpu).message(), "a capture is already in progress");
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  Agent::Stop();  // well before the 10 s the capture was set for
  EXPECT_FALSE(Agent::Running());

  std::vector<std::string> stems = Stems("cpu");
  ASSERT_EQ(stems.size(), 1u);
  auto sidecar = nlohmann::json::parse(ReadText(stems[0] + ".json"));
  EXPECT_EQ(sidecar["trigger"]["reason"], "manual");
  EXPECT_LT(sidecar["duration_seconds"].get<double>(), 9.0);
  EXPECT_GT(sidecar["agent_cpu_seconds"].get<double>(), 0.0);
  EXPECT_EQ(sidecar["pid"], getpid());
  Result<Profile> p = ReadProfileFile(stems[0] + ".pb.gz");
  ASSERT_TRUE(p.ok()) << p.status().message();
  Result<TopTable> top = Top(*p, "cpu");
  ASSERT_TRUE(top.ok());
  ASSERT_FALSE(top->rows.empty());
  EXPECT_NE(top->rows[0].function.find("Burner::Run"), std::string::npos) << top->rows[0].function;
  if (testing::GoPprofAvailable()) {
    auto go = testing::RunGoPprof(stems[0] + ".pb.gz", {"-top"});
    EXPECT_EQ(go.exit_code, 0);
    EXPECT_FALSE(testing::HasWarningOrError(go.err)) << go.err;
  }
}

TEST_F(AgentApiTest, HeapProfilesNeedTcmallocAndSaySo) {
  ASSERT_TRUE(Agent::Start(options_).ok());
  Status s;
  for (auto end = Clock::now() + std::chrono::seconds(5); Clock::now() < end;) {
    s = Agent::TriggerNow(ProfileKind::kHeap);  // known once the capture thread has looked
    if (!s.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("tcmalloc"), std::string::npos) << s.message();
}

TEST_F(AgentApiTest, ForkedChildHasNoAgentAndTheParentsKeepsWorking) {
  Burner burner;
  ASSERT_TRUE(Agent::Start(options_).ok());
  ASSERT_TRUE(Agent::TriggerNow(ProfileKind::kCpu).ok());  // a capture is running at fork
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  pid_t child = fork();
  if (child == 0) {
    // No watcher here; Stop must not touch the parent's threads; the child can
    // start an agent of its own (a pre-forking server's workers do).
    int code = Agent::Running() ? 10 : 0;
    Agent::Stop();
    AgentOptions own = options_;
    own.output_dir = dir_ + "/child";
    if (!Agent::Start(own).ok() || !Agent::Running()) code |= 20;
    Agent::Stop();
    _exit(code);
  }
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_TRUE(Agent::Running());
  Agent::Stop();
  std::vector<std::string> stems = Stems("cpu");
  ASSERT_EQ(stems.size(), 1u);  // the parent's capture, whole
  Result<Profile> p = ReadProfileFile(stems[0] + ".pb.gz");
  EXPECT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(nlohmann::json::parse(ReadText(stems[0] + ".json"))["pid"], getpid());
}

TEST_F(AgentApiTest, BaselineCapturesComeAtRandomMomentsOfEachPeriod) {
  Burner burner;
  options_.cpu_duration = std::chrono::milliseconds(200);
  options_.baseline_every = std::chrono::seconds(1);
  ASSERT_TRUE(Agent::Start(options_).ok());
  std::vector<std::string> stems = WaitForStems("cpu", 3, std::chrono::seconds(15));
  Agent::Stop();
  ASSERT_GE(stems.size(), 3u);
  for (const std::string& stem : stems) {
    EXPECT_EQ(nlohmann::json::parse(ReadText(stem + ".json"))["trigger"]["reason"], "baseline");
  }
}

}  // namespace
}  // namespace autoprof
