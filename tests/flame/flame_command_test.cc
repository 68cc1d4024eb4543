// `autoprof flame` as a user runs it: a page per profile or per diff, several
// files per side, and bad input rejected with one line naming the file, exit 2
// and no output file left behind.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "autoprof/pprof.h"
#include "test_profiles.h"

namespace autoprof {
namespace {

using testing::ProfileBuilder;

struct CommandRun {
  int exit_code;
  std::string output;  // stdout and stderr
};

CommandRun Autoprof(const std::string& args) {
  std::string cmd = std::string(AUTOPROF_BINARY_DIR) + "/bin/autoprof " + args + " 2>&1";
  FILE* p = ::popen(cmd.c_str(), "r");
  CommandRun r{-1, ""};
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

class FlameCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/flame_command_" + std::to_string(::getpid());
    ::mkdir(dir_.c_str(), 0755);
    ASSERT_TRUE(WriteProfileFile(dir_ + "/a.pb.gz",
                                 ProfileBuilder().AddCpu({"main", "alpha_fn"}, 10).Build()).ok());
    ASSERT_TRUE(WriteProfileFile(dir_ + "/b.pb.gz",
                                 ProfileBuilder().AddCpu({"main", "beta_fn"}, 10).Build()).ok());
  }
  std::string dir_;
};

TEST_F(FlameCommand, WritesASelfContainedPage) {
  CommandRun r = Autoprof("flame " + dir_ + "/a.pb.gz -o " + dir_ + "/a.html");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string html = Slurp(dir_ + "/a.html");
  EXPECT_NE(html.find("alpha_fn"), std::string::npos);
  EXPECT_NE(html.find("\"kind\":\"flame\""), std::string::npos);
}

TEST_F(FlameCommand, DiffMergesSeveralFilesPerSide) {
  CommandRun r = Autoprof("flame " + dir_ + "/b.pb.gz --diff-base " + dir_ + "/a.pb.gz," + dir_ +
                   "/b.pb.gz --normalize absolute -o " + dir_ + "/d.html");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::string html = Slurp(dir_ + "/d.html");
  EXPECT_NE(html.find("\"kind\":\"diff\""), std::string::npos);
  EXPECT_NE(html.find("\"base\":{\"profiles\":2"), std::string::npos);
  EXPECT_NE(html.find("\"normalization\":\"absolute\""), std::string::npos);
}

TEST_F(FlameCommand, BadInputIsOneLineNamingTheFileExitTwoAndNoOutput) {
  std::ofstream(dir_ + "/junk.pb.gz") << "this is not a profile";
  const std::string out = dir_ + "/never.html";
  for (const std::string& input : {dir_ + "/junk.pb.gz", dir_ + "/missing.pb.gz"}) {
    CommandRun r = Autoprof("flame " + input + " -o " + out);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(input), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find('\n'), r.output.size() - 1) << "one line: " << r.output;
    EXPECT_FALSE(Exists(out));
  }
  CommandRun base = Autoprof("flame " + dir_ + "/a.pb.gz --diff-base " + dir_ + "/a.pb.gz," + dir_ +
                      "/junk.pb.gz -o " + out);
  EXPECT_EQ(base.exit_code, 2);
  EXPECT_NE(base.output.find("junk.pb.gz"), std::string::npos);
  EXPECT_FALSE(Exists(out));
}

TEST_F(FlameCommand, UsageErrorsExitTwo) {
  EXPECT_EQ(Autoprof("flame " + dir_ + "/a.pb.gz").exit_code, 2);  // no -o
  CommandRun r = Autoprof("flame " + dir_ + "/a.pb.gz --sample-index heap -o " + dir_ + "/x.html");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.output.find("sample type 'heap' is not in the profile"), std::string::npos) << r.output;
  EXPECT_EQ(Autoprof("flame " + dir_ + "/a.pb.gz --diff-base " + dir_ + "/b.pb.gz --normalize "
                     "relative -o " + dir_ + "/x.html").exit_code, 2);
  EXPECT_FALSE(Exists(dir_ + "/x.html"));
}

}  // namespace
}  // namespace autoprof
