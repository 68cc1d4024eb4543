// Profiles written by Go's runtime/pprof decode, and our top equals
// `go tool pprof -top` on them. The Go program is built here, at test time,
// with Debian's Go and the standard library only.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "autoprof/analysis.h"
#include "autoprof/pprof.h"
#include "go_pprof.h"
#include "go_top_match.h"

namespace autoprof {
namespace {

const std::string kGoCache = std::string(AUTOPROF_BINARY_DIR) + "/go-cache";

std::map<std::string, std::string> GoEnv(const std::string& home) {
  return {{"HOME", home},           {"GOCACHE", kGoCache}, {"GOPATH", home + "/gopath"},
          {"GOTOOLCHAIN", "local"}, {"GOPROXY", "off"},    {"GOFLAGS", ""},
          {"CGO_ENABLED", "0"}};
}

class GoWrittenProfiles : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!testing::GoPprofAvailable()) GTEST_SKIP() << "go is not installed";
    // Built per process under a unique name, then renamed: tests may run in
    // parallel and must never see a half-written binary.
    std::string binary = std::string(AUTOPROF_BINARY_DIR) + "/tests/pprof/goprog";
    std::string tmp = binary + "." + std::to_string(getpid());
    testing::CommandOutput build = testing::RunCommand(
        {"go", "build", "-o", tmp,
         std::string(AUTOPROF_SOURCE_DIR) + "/tests/fixtures/pprof/goprog/main.go"},
        GoEnv(dir_.path()));
    ASSERT_EQ(build.exit_code, 0) << build.err;
    std::filesystem::rename(tmp, binary);
    cpu_ = dir_.File("cpu.pprof");
    heap_ = dir_.File("heap.pprof");
    testing::CommandOutput run = testing::RunCommand({binary, cpu_, heap_}, GoEnv(dir_.path()));
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }

  testing::ScratchDir dir_;
  std::string cpu_, heap_;
};

TEST_F(GoWrittenProfiles, CpuProfileDecodesWithGoSampleTypes) {
  Result<Profile> p = ReadProfileFile(cpu_);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->sample_types.size(), 2u);
  EXPECT_EQ(p->sample_types[0], (ValueType{"samples", "count"}));
  EXPECT_EQ(p->sample_types[1], (ValueType{"cpu", "nanoseconds"}));
  // goprog burns 1.2 s of CPU while profiling, at Go's 100 Hz, in three
  // functions. (How many distinct stacks that makes varies from run to run.)
  EXPECT_GT(p->duration_nanos, 1'000'000'000);
  EXPECT_GE(Top(*p, "samples")->total, 60);
  Result<TopTable> top = Top(*p);
  ASSERT_TRUE(top.ok());
  bool saw_hash = false, saw_sort = false, saw_recurse = false;
  for (const TopRow& r : top->rows) {
    saw_hash |= r.function == "main.spinHash" && r.flat > 0;
    saw_sort |= r.function == "main.spinSort" && r.flat > 0;
    saw_recurse |= r.function == "main.recurse" && r.cum > 0;
  }
  EXPECT_TRUE(saw_hash);
  EXPECT_TRUE(saw_sort);
  EXPECT_TRUE(saw_recurse);
}

TEST_F(GoWrittenProfiles, CpuTopEqualsGoToolPprof) {
  testing::ExpectTopMatchesGo(cpu_, "");
  testing::ExpectTopMatchesGo(cpu_, "samples");
}

TEST_F(GoWrittenProfiles, HeapTopEqualsGoToolPprofForEverySampleType) {
  Result<Profile> p = ReadProfileFile(heap_);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->sample_types.size(), 4u);
  for (const ValueType& t : p->sample_types) {
    SCOPED_TRACE(t.type);
    testing::ExpectTopMatchesGo(heap_, t.type);
  }
}

TEST_F(GoWrittenProfiles, ReencodedGoProfilesStayEquivalent) {
  for (const std::string& path : {cpu_, heap_}) {
    Result<Profile> p = ReadProfileFile(path);
    ASSERT_TRUE(p.ok()) << p.status().message();
    std::string copy = path + ".ours.pb.gz";
    ASSERT_TRUE(WriteProfileFile(copy, *p).ok());
    for (const ValueType& t : p->sample_types) {
      SCOPED_TRACE(path + " " + t.type);
      testing::ExpectTopMatchesGo(copy, t.type);
    }
    testing::GoPprofOutput raw = testing::RunGoPprof(copy, {"-raw"});
    EXPECT_FALSE(testing::HasWarningOrError(raw.err)) << raw.err;
    EXPECT_EQ(testing::ParseGoPprofRawTotals(raw.out),
              testing::ParseGoPprofRawTotals(testing::RunGoPprof(path, {"-raw"}).out));
  }
}

TEST_F(GoWrittenProfiles, ProfilesRewrittenByGoToolPprofProtoDecodeAndMatch) {
  for (const std::string& path : {cpu_, heap_}) {
    testing::GoPprofOutput proto = testing::RunGoPprof(path, {"-proto"});
    ASSERT_EQ(proto.exit_code, 0) << proto.err;
    EXPECT_FALSE(testing::HasWarningOrError(proto.err)) << proto.err;
    std::string rewritten = path + ".proto.pb.gz";
    FILE* f = std::fopen(rewritten.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(proto.out.data(), 1, proto.out.size(), f), proto.out.size());
    std::fclose(f);
    Result<Profile> original = ReadProfileFile(path);
    Result<Profile> p = ReadProfileFile(rewritten);
    ASSERT_TRUE(original.ok() && p.ok()) << p.status().message();
    for (const ValueType& t : p->sample_types) {
      SCOPED_TRACE(path + " " + t.type);
      EXPECT_EQ(Top(*p, t.type)->total, Top(*original, t.type)->total);
      testing::ExpectTopMatchesGo(rewritten, t.type);
    }
  }
}

}  // namespace
}  // namespace autoprof
