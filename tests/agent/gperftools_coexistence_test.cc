// The agent beside a service's own gperftools: a real child process
// (gperftools_service, the agent linked in) started with libprofiler preloaded,
// the way gperftools' documentation says to profile an unmodified binary. With
// CPUPROFILE set, gperftools profiles the service from its first instruction;
// the agent must leave that profile alone, say so once, and keep running.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "autoprof/analysis.h"
#include "autoprof/atomic_file.h"
#include "autoprof/gperftools.h"
#include "autoprof/symbolizer.h"
#include "go_pprof.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;

// What libprofiler prints to stderr on every ProfilerStop.
constexpr char kStopLine[] = "PROFILE: interrupts/evictions/bytes = ";

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> LinesContaining(const std::string& text, const std::string& part) {
  std::vector<std::string> found;
  for (const std::string& line : Lines(text)) {
    if (line.find(part) != std::string::npos) found.push_back(line);
  }
  return found;
}

// The CPU profiles the agent wrote into `dir`.
std::vector<std::string> AgentCpuProfiles(const std::string& dir) {
  std::vector<std::string> found;
  if (!fs::exists(dir)) return found;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string name = e.path().filename();
    if (name.find("-cpu-") != std::string::npos && name.ends_with(".pb.gz")) found.push_back(name);
  }
  return found;
}

class GperftoolsCoexistenceTest : public ::testing::Test {
 protected:
  // Runs the service making `requests` CPU requests, with libprofiler preloaded
  // and `env` added.
  testing::CommandOutput RunService(int requests, std::map<std::string, std::string> env) {
    env.emplace("LD_PRELOAD", "libprofiler.so.0");
    env.emplace("AUTOPROF_APP", "gperfsvc");
    env.emplace("AUTOPROF_OUTPUT_DIR", out_dir_);
    env.emplace("AUTOPROF_INTERVAL", "100ms");
    env.emplace("AUTOPROF_CPU_DURATION", "300ms");
    env.emplace("AUTOPROF_CPU_THRESHOLD", "1");  // only the requests and baselines capture
    env.emplace("AUTOPROF_MEM_THRESHOLD", "1");
    env.emplace("AUTOPROF_THROTTLE_THRESHOLD", "1");
    return testing::RunCommand({AUTOPROF_GPERFTOOLS_SERVICE, std::to_string(requests)}, env, 120);
  }

  testing::ScratchDir scratch_;
  std::string out_dir_ = scratch_.File("out");
};

TEST_F(GperftoolsCoexistenceTest, ServiceRunningCpuprofileKeepsItsProfileAndTheAgentSaysSoOnce) {
  const std::string service_profile = scratch_.File("service.prof");
  testing::CommandOutput run = RunService(2, {{"CPUPROFILE", service_profile}});
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const std::string why = "gperftools is already profiling this process (to '" + service_profile;
  std::vector<std::string> said = LinesContaining(run.err, "gperftools is already profiling");
  ASSERT_EQ(said.size(), 1u) << run.err;
  EXPECT_TRUE(said[0].starts_with("autoprof: cpu profiles unavailable: " + why)) << said[0];
  // Each request is answered with the reason, and nothing is captured.
  std::vector<std::string> answers = LinesContaining(run.out, "cpu request: ");
  ASSERT_EQ(answers.size(), 2u) << run.out;
  for (const std::string& answer : answers) {
    EXPECT_TRUE(answer.starts_with("cpu request: " + why)) << answer;
  }
  EXPECT_TRUE(AgentCpuProfiles(out_dir_).empty());
  // Still running, and it stops at once when asked (no capture to cut short).
  std::vector<std::string> stopped = LinesContaining(run.out, "stopped in ");
  ASSERT_EQ(stopped.size(), 1u) << run.out;
  EXPECT_LT(std::stol(stopped[0].substr(11)), 5000) << stopped[0];

  // The service's own profile, written by gperftools at exit, is whole: a legacy
  // CPU profile whose samples show where the service spent its time.
  Result<std::string> raw = ReadWholeFile(service_profile, 64 << 20);
  ASSERT_TRUE(raw.ok()) << raw.status().message();
  ASSERT_EQ(DetectGperftoolsFormat(*raw), GperftoolsFormat::kCpuProfile);
  Symbolizer symbolizer(SymbolizerOptions::FilesOnDisk());
  Result<Profile> profile = ConvertGperftoolsOutput(*raw, {}, symbolizer);
  ASSERT_TRUE(profile.ok()) << profile.status().message();
  Result<TopTable> top = Top(*profile, "samples");
  ASSERT_TRUE(top.ok()) << top.status().message();
  ASSERT_FALSE(top->rows.empty());
  EXPECT_GT(top->total, 10) << "seconds of a busy thread at 100 Hz";
  EXPECT_NE(top->rows[0].function.find("ServiceHotLoop"), std::string::npos)
      << top->rows[0].function;
  // gperftools' own output about the service's own profile is not the agent's to hide.
  EXPECT_EQ(LinesContaining(run.err, kStopLine).size(), 1u) << run.err;
}

TEST_F(GperftoolsCoexistenceTest, AgentsOwnRepeatedAttemptsBesideCpuprofileAreSaidOnce) {
  const std::string service_profile = scratch_.File("service.prof");
  // A baseline in every 500 ms: the watcher itself keeps asking for CPU profiles.
  testing::CommandOutput run =
      RunService(1, {{"CPUPROFILE", service_profile}, {"AUTOPROF_BASELINE_EVERY", "500ms"}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(LinesContaining(run.err, "gperftools is already profiling").size(), 1u) << run.err;
  EXPECT_TRUE(AgentCpuProfiles(out_dir_).empty());
  EXPECT_EQ(LinesContaining(run.out, "stopped in ").size(), 1u) << run.out;
}

TEST_F(GperftoolsCoexistenceTest, WithoutCpuprofileTheSameServiceGetsTheAgentsCpuProfiles) {
  testing::CommandOutput run = RunService(2, {});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(LinesContaining(run.out, "cpu request: ok").size(), 2u) << run.out;
  EXPECT_EQ(AgentCpuProfiles(out_dir_).size(), 2u) << run.err;
  EXPECT_TRUE(LinesContaining(run.err, "already profiling").empty()) << run.err;
  // libprofiler prints its statistics on every ProfilerStop; not into the
  // service's log for the agent's captures.
  EXPECT_TRUE(LinesContaining(run.err, kStopLine).empty()) << run.err;
}

TEST_F(GperftoolsCoexistenceTest, PerftoolsVerboseSetByTheUserKeepsLibprofilersStopLine) {
  testing::CommandOutput run = RunService(2, {{"PERFTOOLS_VERBOSE", "0"}});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_EQ(AgentCpuProfiles(out_dir_).size(), 2u) << run.err;
  EXPECT_EQ(LinesContaining(run.err, kStopLine).size(), 2u) << run.err;
}

}  // namespace
}  // namespace autoprof
