// `autoprof cgroup` as a user runs it: --json over every fixture tree must print
// exactly the tree's expected.json; bad arguments give one line and exit 2; --watch
// prints lines until SIGTERM.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(AUTOPROF_SOURCE_DIR) / "tests/fixtures/cgroup";

struct CliRun {
  int exit_code = -1;
  std::string out, err;
};

// Runs the CLI with `args` (and extra environment), collecting its output.
CliRun RunCli(std::vector<std::string> args, std::vector<std::string> env = {}) {
  std::string out_path =
      fs::temp_directory_path() / ("autoprof-cli-out-" + std::to_string(getpid()));
  std::string err_path = out_path + ".err";
  std::string cmd;
  for (const auto& e : env) cmd += e + " ";
  cmd += std::string(AUTOPROF_CLI) + " cgroup";
  for (const auto& a : args) cmd += " '" + a + "'";
  cmd += " >" + out_path + " 2>" + err_path;
  int status = std::system(cmd.c_str());
  CliRun r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::stringstream o, e;
  o << std::ifstream(out_path).rdbuf();
  e << std::ifstream(err_path).rdbuf();
  r.out = o.str();
  r.err = e.str();
  fs::remove(out_path);
  fs::remove(err_path);
  return r;
}

std::string ReadText(const fs::path& p) {
  std::stringstream ss;
  ss << std::ifstream(p).rdbuf();
  return ss.str();
}

int Lines(const std::string& s) { return static_cast<int>(std::count(s.begin(), s.end(), '\n')); }

TEST(CgroupCliTest, JsonOfEveryFixtureIsExactlyItsExpectedFile) {
  int checked = 0;
  for (const auto& e : fs::directory_iterator(kFixtures)) {
    if (!e.is_directory()) continue;
    SCOPED_TRACE(e.path().filename().string());
    CliRun r = RunCli({"--root", e.path().string(), "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, ReadText(e.path() / "expected.json"));
    ++checked;
  }
  EXPECT_GE(checked, 25);
}

TEST(CgroupCliTest, EnvironmentVariableReRootsLikeTheFlag) {
  fs::path tree = kFixtures / "v1_container";
  CliRun r = RunCli({"--json"}, {"AUTOPROF_CGROUP_ROOT=" + tree.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, ReadText(tree / "expected.json"));
}

TEST(CgroupCliTest, HumanOutputNamesLimitsAndWhereTheyBind) {
  CliRun r = RunCli({"--root", (kFixtures / "v2_nested_mixed").string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("cgroup version:  v2"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("0.5 cores at /sys/fs/cgroup/app/worker"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("256.0 MiB at /sys/fs/cgroup/app"), std::string::npos) << r.out;
}

TEST(CgroupCliTest, HumanOutputShowsUnreadableFilesAsWarnings) {
  CliRun r = RunCli({"--root", (kFixtures / "v2_cpu_max_garbage").string()});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("cpu limit:       unknown"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning:"), std::string::npos) << r.out;
}

TEST(CgroupCliTest, MissingRootIsOneLineAndExitTwo) {
  CliRun r = RunCli({"--root", "/nonexistent/fixture", "--json"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(Lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("/nonexistent/fixture"), std::string::npos);
  EXPECT_EQ(r.out, "");
}

TEST(CgroupCliTest, BadArgumentsAreOneLineAndExitTwo) {
  for (const auto& args : std::vector<std::vector<std::string>>{{"--watch", "0"},
                                                                {"--watch", "soon"},
                                                                {"--watch", "-1"},
                                                                {"--bogus"},
                                                                {"extra"},
                                                                {"--root"}}) {
    CliRun r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(Lines(r.err), 1) << r.err;
    EXPECT_EQ(r.out, "");
  }
}

TEST(CgroupCliTest, WatchPrintsUtilizationLinesUntilSigterm) {
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  std::string root = (kFixtures / "v2_container").string();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    execl(AUTOPROF_CLI, AUTOPROF_CLI, "cgroup", "--root", root.c_str(), "--watch", "0.05",
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* in = fdopen(out[0], "r");
  char line[512] = {};
  std::string first, second;
  if (fgets(line, sizeof line, in)) first = line;
  if (fgets(line, sizeof line, in)) second = line;
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  fclose(in);
  EXPECT_NE(first.find("cpu 0.00/1.50 cores (0%)"), std::string::npos) << first;
  EXPECT_NE(first.find("throttled 0%"), std::string::npos) << first;
  EXPECT_NE(first.find("working set 143.1 MiB / 512.0 MiB (28%)"), std::string::npos) << first;
  EXPECT_FALSE(second.empty());
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
