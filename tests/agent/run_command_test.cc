// `autoprof run`: what the started program finds in its environment, and how the
// command answers bad usage. The program here is env(1), which prints what it got.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "go_pprof.h"

namespace autoprof {
namespace {

const std::string kAutoprof = std::string(AUTOPROF_BINARY_DIR) + "/bin/autoprof";

// The value of NAME in env(1)'s output, or "(unset)".
std::string Value(const std::string& env_output, const std::string& name) {
  std::istringstream lines(env_output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "=", 0) == 0) return line.substr(name.size() + 1);
  }
  return "(unset)";
}

// env(1) is an uninstrumented binary: a sanitizer build's preload library cannot
// be loaded into it.
#define SKIP_UNDER_SANITIZERS()                                                          \
  if (AUTOPROF_SANITIZED)                                                                \
  GTEST_SKIP() << "the sanitizer build's preload library needs its runtime loaded first, " \
                  "which env(1) does not have"

// `autoprof run RUN_ARGS...` started by `env -u NAME` for each NAME in UNSET.
testing::CommandOutput RunEnvUnder(const std::vector<std::string>& run_args,
                                   const std::vector<std::string>& unset = {}) {
  std::vector<std::string> argv = {"env"};
  for (const auto& name : unset) {
    argv.push_back("-u");
    argv.push_back(name);
  }
  argv.push_back(kAutoprof);
  argv.push_back("run");
  argv.insert(argv.end(), run_args.begin(), run_args.end());
  return testing::RunCommand(argv, {{"AUTOPROF_ENABLED", "0"}}, 30);
}

TEST(AutoprofRun, PreloadsTcmallocWithSamplingAndTheAgent) {
  SKIP_UNDER_SANITIZERS();
  auto r = RunEnvUnder({"--", "env"}, {"TCMALLOC_SAMPLE_PARAMETER", "AUTOPROF_APP"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string preload = Value(r.out, "LD_PRELOAD");
  EXPECT_NE(preload.find("libtcmalloc.so.4"), std::string::npos) << preload;
  EXPECT_NE(preload.find("libautoprof_preload.so"), std::string::npos) << preload;
  EXPECT_LT(preload.find("libtcmalloc"), preload.find("libautoprof_preload"))
      << "tcmalloc must come first, to be the allocator: " << preload;
  EXPECT_EQ(Value(r.out, "TCMALLOC_SAMPLE_PARAMETER"), "524288");
  EXPECT_EQ(Value(r.out, "AUTOPROF_APP"), "env");
}

TEST(AutoprofRun, KeepsWhatTheUserAlreadySet) {
  SKIP_UNDER_SANITIZERS();
  auto r = testing::RunCommand({kAutoprof, "run", "--app", "billing", "--", "env"},
                               {{"AUTOPROF_ENABLED", "0"}, {"TCMALLOC_SAMPLE_PARAMETER", "2097152"}},
                               30);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Value(r.out, "TCMALLOC_SAMPLE_PARAMETER"), "2097152");
  EXPECT_EQ(Value(r.out, "AUTOPROF_APP"), "billing");
}

TEST(AutoprofRun, SettingsBetweenTheSeparatorsReachTheProgram) {
  SKIP_UNDER_SANITIZERS();
  auto r = RunEnvUnder({"--", "AUTOPROF_CPU_THRESHOLD=0.9", "AUTOPROF_LABELS=tier:web", "--", "env"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Value(r.out, "AUTOPROF_CPU_THRESHOLD"), "0.9");
  EXPECT_EQ(Value(r.out, "AUTOPROF_LABELS"), "tier:web");
}

TEST(AutoprofRun, TheProgramsExitCodeIsAutoprofRuns) {
  SKIP_UNDER_SANITIZERS();
  auto r = RunEnvUnder({"--", "sh", "-c", "exit 7"});
  EXPECT_EQ(r.exit_code, 7) << r.err;
}

TEST(AutoprofRun, ABadSettingIsOneLineAndTheProgramRunsOn) {
  SKIP_UNDER_SANITIZERS();
  auto r = testing::RunCommand(
      {kAutoprof, "run", "--", "AUTOPROF_CPU_THRESHOLD=80%", "--", "sh", "-c", "echo alive; exit 3"},
      {}, 30);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.out, "alive\n");
  EXPECT_NE(r.err.find("AUTOPROF_CPU_THRESHOLD"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("80%"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(AutoprofRun, BadUsageIsOneLineAndExitCode2) {
  struct Case {
    std::vector<std::string> args;
    std::string says;
  };
  for (const Case& c : std::vector<Case>{
           {{}, "missing '-- PROGRAM'"},
           {{"--bogus", "--", "env"}, "unknown option '--bogus'"},
           {{"--"}, "missing PROGRAM after '--'"},
           {{"--", "A=1", "--"}, "missing PROGRAM after '--'"},
           {{"--", "/nonexistent/program"}, "cannot run '/nonexistent/program'"},
       }) {
    auto r = RunEnvUnder(c.args);
    std::string joined;
    for (const auto& a : c.args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << r.err;
    EXPECT_NE(r.err.find(c.says), std::string::npos) << joined << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << joined << r.err;
  }
}

}  // namespace
}  // namespace autoprof
