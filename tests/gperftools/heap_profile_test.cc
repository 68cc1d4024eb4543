// A real tcmalloc heap sample (TCMALLOC_SAMPLE_PARAMETER=524288) of a workload
// that keeps known amounts from known functions, converted by autoprof: the
// unsampled in-use space per allocation site is within 15% of the truth, the
// allocator's frames are gone, and `go tool pprof` reads the result cleanly.
#include <gtest/gtest.h>

#include <filesystem>

#include "autoprof/gperftools.h"
#include "autoprof/pprof.h"
#include "autoprof/symbolizer.h"
#include "go_pprof.h"
#include "gperftools_test_util.h"

namespace autoprof {
namespace {

using testing::CommandOutput;
using testing::RunCommand;

class HeapProfileTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::string(HEAP_WORKLOAD).empty()) return;
    dir_ = new testing::ScratchDir();
    sample_ = dir_->File("heap.txt");
    run_ = RunCommand({HEAP_WORKLOAD, sample_}, {{"TCMALLOC_SAMPLE_PARAMETER", "524288"}}, 120);
    Symbolizer symbolizer(SymbolizerOptions::FilesOnDisk());
    Result<Profile> p = ConvertGperftoolsOutput(testing::ReadWholeFile(sample_), {}, symbolizer);
    status_ = p.status();
    if (p.ok()) {
      profile_ = new Profile(std::move(*p));
      ours_ = dir_->File("heap.pb.gz");
      status_ = WriteProfileFile(ours_, *profile_);
    }
  }
  static void TearDownTestSuite() {
    delete profile_;
    delete dir_;
  }
  void SetUp() override {
    if (std::string(HEAP_WORKLOAD).empty()) {
      GTEST_SKIP() << "sanitizer build: tcmalloc and ASan both replace malloc, no heap workload";
    }
    ASSERT_EQ(run_.exit_code, 0) << run_.err;
    ASSERT_TRUE(status_.ok()) << status_.message();
  }

  static inline testing::ScratchDir* dir_ = nullptr;
  static inline std::string sample_, ours_;
  static inline CommandOutput run_;
  static inline Profile* profile_ = nullptr;
  static inline Status status_;
};

TEST_F(HeapProfileTest, UnsampledInUseSpacePerFunctionIsWithin15PercentOfTheTruth) {
  std::map<std::string, int64_t> truth;
  std::istringstream in(run_.out);
  std::string function;
  int64_t bytes = 0;
  while (in >> function >> bytes) truth[function] = bytes;
  ASSERT_EQ(truth.size(), 3u) << run_.out;
  EXPECT_EQ(profile_->sample_types,
            (std::vector<ValueType>{{"inuse_objects", "count"}, {"inuse_space", "bytes"}}));
  EXPECT_EQ(profile_->period_type, (ValueType{"space", "bytes"}));
  EXPECT_EQ(profile_->period, 524288);
  std::map<std::string, int64_t> measured;
  for (const auto& [name, value] : testing::FlatByFunction(*profile_, 1)) {
    measured[name.substr(0, name.find('('))] += value;  // "f(unsigned long)" -> "f"
  }
  for (const auto& [name, expected] : truth) {
    ASSERT_TRUE(measured.count(name)) << name << " missing; measured: " << measured.size();
    double ratio = static_cast<double>(measured[name]) / static_cast<double>(expected);
    EXPECT_NEAR(ratio, 1.0, 0.15) << name << ": measured " << measured[name] << ", truth "
                                  << expected;
  }
}

TEST_F(HeapProfileTest, TheTopFrameIsTheCallersAllocationSiteNotTheAllocator) {
  auto flat = testing::FlatByFunction(*profile_, 1);
  for (const auto& [name, value] : flat) {
    EXPECT_EQ(name.find("malloc"), std::string::npos) << name;
    EXPECT_EQ(name.find("operator new"), std::string::npos) << name;
    EXPECT_FALSE(name.starts_with("tc_") || name.starts_with("tcmalloc::")) << name;
  }
  for (const Mapping& m : profile_->mappings) {
    EXPECT_EQ(m.filename.find("libtcmalloc"), std::string::npos) << "allocator frames left";
  }
}

TEST_F(HeapProfileTest, GoPprofReadsItWithoutWarningsAndSeesTheSameTotals) {
  if (!testing::GoPprofAvailable()) GTEST_SKIP() << "go tool pprof is not installed";
  int64_t total = 0;
  for (const Sample& s : profile_->samples) total += s.values[1];
  testing::GoPprofOutput top =
      testing::RunGoPprof(ours_, {"-top", "-sample_index=inuse_space", "-unit=B"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_FALSE(testing::HasWarningOrError(top.err)) << top.err;
  EXPECT_TRUE(top.visible_binaries.empty());
  EXPECT_NE(top.out.find("heapwork::KeepMediumObjects()"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("of " + std::to_string(total) + "B total"), std::string::npos) << top.out;
  testing::GoPprofOutput raw = testing::RunGoPprof(ours_, {"-raw"});
  EXPECT_EQ(raw.exit_code, 0);
  EXPECT_FALSE(testing::HasWarningOrError(raw.err)) << raw.err;
  EXPECT_NE(raw.out.find("workloads/heap_workload.cc:"), std::string::npos) << raw.out;
}

}  // namespace
}  // namespace autoprof
