// Cgroup::Sample() over a fixture tree copied to a scratch folder, changed between
// samples the way the kernel would change it; and ComputeUtilization() over
// snapshots with an injected monotonic clock.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "autoprof/cgroup.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A private copy of one fixture tree, removed at the end of the test.
class ScratchTree {
 public:
  explicit ScratchTree(const std::string& fixture) {
    dir_ = fs::temp_directory_path() /
           ("autoprof-cgroup-" + std::to_string(getpid()) + "-" + fixture + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::copy(fs::path(AUTOPROF_SOURCE_DIR) / "tests/fixtures/cgroup" / fixture, dir_,
             fs::copy_options::recursive);
  }
  ~ScratchTree() { fs::remove_all(dir_); }

  void Write(const std::string& rel, const std::string& text) const {
    std::ofstream(dir_ / rel, std::ios::trunc) << text;
  }
  std::string root() const { return dir_.string(); }

 private:
  fs::path dir_;
};

// A clock the test moves by hand.
struct FakeClock {
  std::chrono::nanoseconds now{0};
  std::function<std::chrono::nanoseconds()> Fn() {
    return [this] { return now; };
  }
};

TEST(CgroupOpenTest, MissingRootIsAnErrorNamingIt) {
  Result<Cgroup> c = Cgroup::Open({.root = "/nonexistent/autoprof-root"});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("/nonexistent/autoprof-root"), std::string::npos);
}

TEST(CgroupOpenTest, RootWithoutMountinfoIsAnErrorNamingTheFile) {
  fs::path empty = fs::temp_directory_path() / ("autoprof-empty-" + std::to_string(getpid()));
  fs::create_directories(empty);
  Result<Cgroup> c = Cgroup::Open({.root = empty.string()});
  fs::remove_all(empty);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("proc/self/mountinfo"), std::string::npos);
}

TEST(CgroupOpenTest, MalformedProcCgroupIsAnErrorNamingTheFile) {
  ScratchTree t("v2_container");
  t.Write("proc/self/cgroup", "garbage\n");
  Result<Cgroup> c = Cgroup::Open({.root = t.root()});
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("proc/self/cgroup"), std::string::npos);
}

TEST(CgroupSampleTest, GarbageLimitIsUnknownNotUnlimited) {
  ScratchTree t("v2_container");
  t.Write("sys/fs/cgroup/cpu.max", "lots\n");
  Result<Cgroup> c = Cgroup::Open({.root = t.root()});
  ASSERT_TRUE(c.ok());
  CgroupSnapshot s = c->Sample();
  EXPECT_TRUE(s.cpu.limit_cores.is_unknown());
  EXPECT_EQ(s.cpu.effective_cores, 4.0) << "falls back to the CPU count";
}

TEST(CgroupSampleTest, InPlaceResizeIsSeenOnTheNextSample) {
  ScratchTree t("v2_container");
  Result<Cgroup> c = Cgroup::Open({.root = t.root()});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Sample().cpu.limit_cores.number(), 1.5);
  t.Write("sys/fs/cgroup/cpu.max", "300000 100000\n");
  t.Write("sys/fs/cgroup/memory.max", "max\n");
  CgroupSnapshot s = c->Sample();
  EXPECT_EQ(s.cpu.limit_cores.number(), 3.0);
  EXPECT_TRUE(s.memory.limit_bytes.is_unlimited());
  EXPECT_TRUE(s.memory.limit_path.empty());
}

TEST(CgroupSampleTest, UsageIsReadAgainEveryTick) {
  ScratchTree t("v1_container");
  Result<Cgroup> c = Cgroup::Open({.root = t.root()});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Sample().cpu.usage_seconds.number(), 5.0);
  t.Write("sys/fs/cgroup/cpu,cpuacct/cpuacct.usage", "7500000000\n");
  t.Write("sys/fs/cgroup/memory/memory.usage_in_bytes", "130000000\n");
  CgroupSnapshot s = c->Sample();
  EXPECT_EQ(s.cpu.usage_seconds.number(), 7.5);
  EXPECT_EQ(s.memory.usage_bytes.number(), 130000000);
  EXPECT_EQ(s.memory.working_set_bytes.number(), 100000000);
}

TEST(CgroupSampleTest, MovedProcessIsFollowedAtTheNextReresolve) {
  ScratchTree t("v2_nested_mixed");
  Result<Cgroup> c = Cgroup::Open({.root = t.root(), .reresolve_every = 3});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->Sample().cpu.limit_path, "/sys/fs/cgroup/app/worker");  // tick 1
  t.Write("proc/self/cgroup", "0::/app\n");
  EXPECT_EQ(c->Sample().cpu.limit_path, "/sys/fs/cgroup/app/worker");  // tick 2: not yet
  CgroupSnapshot s = c->Sample();                                      // tick 3: re-resolved
  EXPECT_EQ(s.cpu.limit_path, "/sys/fs/cgroup/app");
  EXPECT_EQ(s.cpu.limit_cores.number(), 4.0);
  EXPECT_EQ(s.cpu.usage_seconds.number(), 8.0);
  EXPECT_TRUE(s.errors.empty()) << s.errors[0];
}

TEST(CgroupSampleTest, VanishedFileMakesItsFiguresUnknownAndIsNamed) {
  ScratchTree t("v2_container");
  Result<Cgroup> c = Cgroup::Open({.root = t.root()});
  ASSERT_TRUE(c.ok());
  fs::remove(fs::path(t.root()) / "sys/fs/cgroup/memory.stat");
  CgroupSnapshot s = c->Sample();
  EXPECT_TRUE(s.memory.working_set_bytes.is_unknown());
  EXPECT_EQ(s.memory.usage_bytes.number(), 200000000);
  ASSERT_EQ(s.errors.size(), 1u);
  EXPECT_NE(s.errors[0].find("memory.stat"), std::string::npos) << s.errors[0];
}

TEST(CgroupSampleTest, ReopeningEveryFileReadsTheSameValues) {
  const std::string root =
      std::string(AUTOPROF_SOURCE_DIR) + "/tests/fixtures/cgroup/v1_nested_separate_cpuacct";
  Result<Cgroup> kept = Cgroup::Open({.root = root});
  Result<Cgroup> reopened = Cgroup::Open({.root = root, .keep_files_open = false});
  ASSERT_TRUE(kept.ok() && reopened.ok());
  for (int tick = 0; tick < 3; ++tick) {
    CgroupSnapshot a = kept->Sample(), b = reopened->Sample();
    EXPECT_EQ(a.cpu.limit_cores, b.cpu.limit_cores);
    EXPECT_EQ(a.cpu.usage_seconds, b.cpu.usage_seconds);
    EXPECT_EQ(a.cpu.throttled_periods, b.cpu.throttled_periods);
    EXPECT_EQ(a.memory.limit_bytes, b.memory.limit_bytes);
    EXPECT_EQ(a.memory.working_set_bytes, b.memory.working_set_bytes);
    EXPECT_TRUE(b.errors.empty());
  }
}

TEST(CgroupSampleTest, SnapshotCarriesTheInjectedClock) {
  ScratchTree t("v2_container");
  FakeClock clock;
  Result<Cgroup> c = Cgroup::Open({.root = t.root(), .clock = clock.Fn()});
  ASSERT_TRUE(c.ok());
  clock.now = 42s;
  EXPECT_EQ(c->Sample().taken_at, 42s);
}

TEST(UtilizationTest, CpuAndThrottlingFromCounterDeltasOverTheClock) {
  ScratchTree t("v2_container");  // limit 1.5 cores; usage 12.345678 s; 5 of 100 throttled
  FakeClock clock;
  Result<Cgroup> c = Cgroup::Open({.root = t.root(), .clock = clock.Fn()});
  ASSERT_TRUE(c.ok());
  clock.now = 10s;
  CgroupSnapshot before = c->Sample();
  t.Write("sys/fs/cgroup/cpu.stat",
          "usage_usec 13845678\nnr_periods 120\nnr_throttled 9\nthrottled_usec 260000\n");
  clock.now = 12s;
  Utilization u = ComputeUtilization(before, c->Sample());
  EXPECT_FALSE(u.restarted);
  EXPECT_DOUBLE_EQ(u.interval_seconds, 2.0);
  EXPECT_DOUBLE_EQ(*u.cpu_cores.number(), 0.75);
  EXPECT_DOUBLE_EQ(*u.cpu_fraction.number(), 0.5);
  EXPECT_DOUBLE_EQ(*u.throttled_fraction.number(), 0.2);
  EXPECT_DOUBLE_EQ(*u.memory_fraction.number(), 150000000.0 / 536870912.0);
}

TEST(UtilizationTest, CounterGoingBackwardsRestartsTheWindow) {
  ScratchTree t("v2_container");
  FakeClock clock;
  Result<Cgroup> c = Cgroup::Open({.root = t.root(), .clock = clock.Fn()});
  ASSERT_TRUE(c.ok());
  CgroupSnapshot before = c->Sample();
  t.Write("sys/fs/cgroup/cpu.stat", "usage_usec 1000\nnr_periods 1\nnr_throttled 0\n");
  clock.now = 1s;
  Utilization u = ComputeUtilization(before, c->Sample());
  EXPECT_TRUE(u.restarted);
  EXPECT_TRUE(u.cpu_cores.is_unknown());
  EXPECT_TRUE(u.throttled_fraction.is_unknown());
}

TEST(UtilizationTest, ChangeOfCounterCgroupRestartsTheWindow) {
  CgroupSnapshot a, b;
  a.cpu.usage_seconds = Measured<double>::Of(1);
  b.cpu.usage_seconds = Measured<double>::Of(50);
  a.cpu.counters_path = "/sys/fs/cgroup/a";
  b.cpu.counters_path = "/sys/fs/cgroup/b";
  b.taken_at = 1s;
  EXPECT_TRUE(ComputeUtilization(a, b).restarted);
}

TEST(UtilizationTest, NoElapsedTimeGivesUnknownRates) {
  CgroupSnapshot a;
  a.cpu.usage_seconds = Measured<double>::Of(1);
  Utilization u = ComputeUtilization(a, a);
  EXPECT_FALSE(u.restarted);
  EXPECT_TRUE(u.cpu_cores.is_unknown());
}

TEST(UtilizationTest, NoPeriodElapsedMeansNoThrottling) {
  CgroupSnapshot a, b;
  a.cpu.periods = b.cpu.periods = Measured<int64_t>::Of(7);
  a.cpu.throttled_periods = b.cpu.throttled_periods = Measured<int64_t>::Of(3);
  b.taken_at = 1s;
  EXPECT_EQ(ComputeUtilization(a, b).throttled_fraction.number(), 0.0);
}

TEST(UtilizationTest, MemoryFractionIsUnlimitedWithoutALimit) {
  CgroupSnapshot a;
  a.memory.limit_bytes = Measured<int64_t>::Unlimited();
  a.memory.working_set_bytes = Measured<int64_t>::Of(100);
  EXPECT_TRUE(ComputeUtilization(a, a).memory_fraction.is_unlimited());
}

}  // namespace
}  // namespace autoprof
