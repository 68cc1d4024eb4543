// The parsers of the kernel's cgroup files, fed good and bad text: empty files, a key
// without a value, a key that is a prefix of another, non-numbers, overlong content,
// negative values. Every error names the file.
#include "parse.h"

#include <gtest/gtest.h>

#include <string>

#include "layout.h"

namespace autoprof::cgroup_internal {
namespace {

constexpr std::string_view kFile = "/x/cpu.max";

// The error message of a failed parse, checked to name the file.
template <typename T>
std::string ErrorOf(const Result<T>& r, std::string_view file = kFile) {
  EXPECT_FALSE(r.ok());
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(file), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().message().find('\n'), std::string::npos) << "message must be one line";
  return r.status().message();
}

// ---- mountinfo ------------------------------------------------------------------

TEST(ParseMountInfoTest, KeepsOnlyCgroupMountsWithControllers) {
  auto r = ParseMountInfo("mountinfo",
                          "22 1 8:1 / / rw shared:1 - ext4 /dev/sda1 rw\n"
                          "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
                          "41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].mount_point, "/sys/fs/cgroup/cpu");
  EXPECT_FALSE((*r)[0].v2);
  EXPECT_TRUE((*r)[0].HasController("cpu"));
  EXPECT_FALSE((*r)[0].HasController("cpuacct"));
  EXPECT_TRUE((*r)[1].v2);
}

TEST(ParseMountInfoTest, ReadsOptionalFieldsUpToTheSeparator) {
  auto r = ParseMountInfo(
      "mountinfo",
      "35 24 0:31 /docker/abc /sys/fs/cgroup/memory rw shared:5 master:1 unbindable - cgroup "
      "cgroup rw,memory\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].root, "/docker/abc");
  EXPECT_TRUE((*r)[0].HasController("memory"));
}

TEST(ParseMountInfoTest, UndoesOctalEscapesInPaths) {
  auto r = ParseMountInfo("mountinfo",
                          "35 24 0:31 /a\\040b /sys/fs/cgroup/my\\040mem\\134x rw - cgroup cgroup "
                          "rw,memory\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ((*r)[0].root, "/a b");
  EXPECT_EQ((*r)[0].mount_point, "/sys/fs/cgroup/my mem\\x");
}

TEST(ParseMountInfoTest, SuperOptionsMayHoldSpaces) {
  auto r = ParseMountInfo(
      "mountinfo", "35 24 0:31 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,name=a b,cpu,cpuacct\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_TRUE((*r)[0].HasController("cpu"));
  EXPECT_TRUE((*r)[0].HasController("cpuacct"));
  EXPECT_TRUE((*r)[0].HasController("name=a b"));
}

TEST(ParseMountInfoTest, ControllerNameMustMatchWholeOption) {
  auto r = ParseMountInfo("mountinfo", "35 24 0:31 / /c rw - cgroup cgroup rw,cpuacct\n");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)[0].HasController("cpu"));
}

TEST(ParseMountInfoTest, EmptyFileHasNoMounts) {
  auto r = ParseMountInfo("mountinfo", "");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ParseMountInfoTest, RejectsLinesWithoutSeparator) {
  std::string m = ErrorOf(ParseMountInfo("/r/proc/self/mountinfo",
                                         "1 2 0:1 / /a rw\n3 4 0:2 / /b rw shared:1 cgroup\n"),
                          "/r/proc/self/mountinfo");
  EXPECT_NE(m.find(":1:"), std::string::npos) << "names the line: " << m;
}

TEST(ParseMountInfoTest, RejectsTruncatedLineAndMissingFsType) {
  ErrorOf(ParseMountInfo("mi", "1 2 0:1\n"), "mi");
  ErrorOf(ParseMountInfo("mi", "1 2 0:1 / /a rw -\n"), "mi");
}

TEST(ParseMountInfoTest, RejectsRelativeCgroupMountPoint) {
  ErrorOf(ParseMountInfo("mi", "1 2 0:1 / relative rw - cgroup cgroup rw,cpu\n"), "mi");
}

TEST(UnescapeMountPathTest, LeavesIncompleteOrNonOctalEscapesAlone) {
  EXPECT_EQ(UnescapeMountPath("a\\04"), "a\\04");
  EXPECT_EQ(UnescapeMountPath("a\\089"), "a\\089");
  EXPECT_EQ(UnescapeMountPath("\\011x\\012"), "\tx\n");
}

// ---- /proc/self/cgroup ----------------------------------------------------------

TEST(ParseProcCgroupTest, SplitsAtTheFirstTwoColonsOnly) {
  auto r = ParseProcCgroup("cg", "4:memory:/a:b:c\n3:cpu,cpuacct:/x\n0::/system.slice/a:1\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].path, "/a:b:c");
  EXPECT_EQ((*r)[1].controllers, (std::vector<std::string>{"cpu", "cpuacct"}));
  EXPECT_EQ((*r)[2].hierarchy_id, 0);
  EXPECT_TRUE((*r)[2].controllers.empty());
  EXPECT_EQ((*r)[2].path, "/system.slice/a:1");
}

TEST(ParseProcCgroupTest, EmptyFileHasNoEntries) {
  auto r = ParseProcCgroup("cg", "");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(ParseProcCgroupTest, RejectsBadLines) {
  ErrorOf(ParseProcCgroup("/p/cgroup", "4:memory\n"), "/p/cgroup");      // one colon
  ErrorOf(ParseProcCgroup("/p/cgroup", "x:memory:/a\n"), "/p/cgroup");   // id not a number
  ErrorOf(ParseProcCgroup("/p/cgroup", "-1:memory:/a\n"), "/p/cgroup");  // negative id
  ErrorOf(ParseProcCgroup("/p/cgroup", "4:memory:\n"), "/p/cgroup");     // no path
  ErrorOf(ParseProcCgroup("/p/cgroup", "4:memory:rel\n"), "/p/cgroup");  // relative path
}

// ---- single values --------------------------------------------------------------

TEST(ParseInt64Test, ReadsValueWithTrailingNewline) {
  EXPECT_EQ(*ParseInt64("f", "268435456\n"), 268435456);
  EXPECT_EQ(*ParseInt64("f", "-1\n"), -1);
  EXPECT_EQ(*ParseInt64("f", "9223372036854771712\n"), 9223372036854771712);
}

TEST(ParseInt64Test, RejectsEmptyNonNumbersAndOverflow) {
  ErrorOf(ParseInt64(kFile, ""));
  ErrorOf(ParseInt64(kFile, "\n"));
  ErrorOf(ParseInt64(kFile, "12abc\n"));
  ErrorOf(ParseInt64(kFile, "max\n"));
  ErrorOf(ParseInt64(kFile, "1 2\n"));
  ErrorOf(ParseInt64(kFile, "99999999999999999999999\n"));
  ErrorOf(ParseInt64(kFile, std::string(5000, '7')));
}

TEST(ParseMaxOrIntTest, MaxIsUnlimited) {
  EXPECT_TRUE(ParseMaxOrInt("f", "max\n")->is_unlimited());
  EXPECT_EQ(ParseMaxOrInt("f", "1024\n")->number(), 1024);
}

TEST(ParseMaxOrIntTest, RejectsNegativeAndGarbage) {
  ErrorOf(ParseMaxOrInt(kFile, "-5\n"));
  ErrorOf(ParseMaxOrInt(kFile, "maximum\n"));
  ErrorOf(ParseMaxOrInt(kFile, ""));
}

// ---- cpu.max and cfs quota ------------------------------------------------------

TEST(ParseCpuMaxTest, QuotaOverPeriodAsDouble) {
  EXPECT_EQ(ParseCpuMax("f", "50000 100000\n")->number(), 0.5);
  EXPECT_EQ(ParseCpuMax("f", "33333 100000\n")->number(), 0.33333);
  EXPECT_EQ(ParseCpuMax("f", "250000 100000")->number(), 2.5);
}

TEST(ParseCpuMaxTest, MaxWithOrWithoutPeriodIsUnlimited) {
  EXPECT_TRUE(ParseCpuMax("f", "max 100000\n")->is_unlimited());
  EXPECT_TRUE(ParseCpuMax("f", "max\n")->is_unlimited());
}

TEST(ParseCpuMaxTest, RejectsPeriodZeroOneFieldGarbageAndNegatives) {
  EXPECT_NE(ErrorOf(ParseCpuMax(kFile, "50000 0\n")).find("period 0"), std::string::npos);
  ErrorOf(ParseCpuMax(kFile, "50000\n"));
  ErrorOf(ParseCpuMax(kFile, ""));
  ErrorOf(ParseCpuMax(kFile, "fifty 100000\n"));
  ErrorOf(ParseCpuMax(kFile, "50000 100000 7\n"));
  ErrorOf(ParseCpuMax(kFile, "-50000 100000\n"));
  ErrorOf(ParseCpuMax(kFile, "50000 -100000\n"));
  ErrorOf(ParseCpuMax(kFile, "0 100000\n"));
}

TEST(CfsQuotaCoresTest, MinusOneIsUnlimitedOtherNegativesAreErrors) {
  EXPECT_TRUE(CfsQuotaCores("f", -1, 100000)->is_unlimited());
  EXPECT_EQ(CfsQuotaCores("f", 150000, 100000)->number(), 1.5);
  ErrorOf(CfsQuotaCores(kFile, -2, 100000));
  ErrorOf(CfsQuotaCores(kFile, 50000, 0));
}

// ---- keyed files (cpu.stat, memory.stat, meminfo) -------------------------------

constexpr std::string_view kMemoryStat =
    "cache 10\ninactive_file 5\ntotal_inactive_file 700\nnr_periods_extra 1\n";

TEST(FindKeyedValueTest, MatchesTheWholeKeyNotAPrefixOrSuffix) {
  EXPECT_EQ(**FindKeyedValue("f", kMemoryStat, "inactive_file"), 5);
  EXPECT_EQ(**FindKeyedValue("f", kMemoryStat, "total_inactive_file"), 700);
  EXPECT_FALSE(FindKeyedValue("f", kMemoryStat, "nr_periods")->has_value());
  EXPECT_FALSE(FindKeyedValue("f", kMemoryStat, "inactive")->has_value());
}

TEST(FindKeyedValueTest, AbsentKeyAndEmptyFileAreNotErrors) {
  EXPECT_FALSE(FindKeyedValue("f", "", "nr_periods")->has_value());
  EXPECT_FALSE(FindKeyedValue("f", "usage_usec 5\n", "nr_periods")->has_value());
}

TEST(FindKeyedValueTest, RejectsMissingNegativeAndNonNumericValues) {
  EXPECT_NE(ErrorOf(FindKeyedValue(kFile, "nr_periods\n", "nr_periods")).find("no value"),
            std::string::npos);
  EXPECT_NE(ErrorOf(FindKeyedValue(kFile, "nr_periods -3\n", "nr_periods")).find("negative"),
            std::string::npos);
  ErrorOf(FindKeyedValue(kFile, "nr_periods 1e5\n", "nr_periods"));
  ErrorOf(FindKeyedValue(kFile, "nr_periods 99999999999999999999\n", "nr_periods"));
}

TEST(FindKeyedValueTest, UnitsAfterTheValueAreIgnored) {
  EXPECT_EQ(**FindKeyedValue("f", "MemTotal:  24684084 kB\n", "MemTotal:"), 24684084);
}

TEST(ParseMemTotalTest, KilobytesToBytes) {
  EXPECT_EQ(*ParseMemTotal("m", "MemFree: 1 kB\nMemTotal: 1000 kB\n"), 1024000);
  ErrorOf(ParseMemTotal("/proc/meminfo", "MemFree: 1 kB\n"), "/proc/meminfo");
  ErrorOf(ParseMemTotal("/proc/meminfo", "MemTotal: 9223372036854775807 kB\n"), "/proc/meminfo");
}

// ---- pressure -------------------------------------------------------------------

TEST(ParsePressureTest, ReadsSomeAndFullTotals) {
  auto r = ParsePressure("p",
                         "some avg10=1.00 avg60=0.00 avg300=0.00 total=7376284\n"
                         "full avg10=0.00 avg60=0.00 avg300=0.00 total=12\n");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->some_total_us, 7376284);
  EXPECT_EQ(r->full_total_us, 12);
}

TEST(ParsePressureTest, FullLineIsOptional) {
  auto r = ParsePressure("p", "some avg10=0.00 avg60=0.00 avg300=0.00 total=3\n");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->full_total_us.has_value());
}

TEST(ParsePressureTest, RejectsEmptyMissingTotalAndBadLines) {
  const std::string f = "/u/cpu.pressure";
  ErrorOf(ParsePressure(f, ""), f);
  ErrorOf(ParsePressure(f, "some avg10=0.00\n"), f);             // no total=
  ErrorOf(ParsePressure(f, "some total=\n"), f);                 // no value
  ErrorOf(ParsePressure(f, "some total=-4\n"), f);               // negative
  ErrorOf(ParsePressure(f, "some total=abc\n"), f);              // not a number
  ErrorOf(ParsePressure(f, "full total=4\n"), f);                // no some line
  ErrorOf(ParsePressure(f, "partial total=4\n"), f);             // unknown kind
  ErrorOf(ParsePressure(f, "some total_extra=1 total=x\n"), f);  // prefix key then bad value
}

TEST(ParsePressureTest, TotalKeyMustMatchExactly) {
  auto r = ParsePressure("p", "some xtotal=9 total=4\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->some_total_us, 4);
}

// ---- CPU lists ------------------------------------------------------------------

TEST(CountCpuListTest, CountsRangesAndSingles) {
  EXPECT_EQ(*CountCpuList("s", "0-3,8,10-11\n"), 7);
  EXPECT_EQ(*CountCpuList("s", "5"), 1);
}

TEST(CountCpuListTest, RejectsEmptyReversedNegativeAndHuge) {
  ErrorOf(CountCpuList("s", ""), "s");
  ErrorOf(CountCpuList("s", "3-1"), "s");
  ErrorOf(CountCpuList("s", "-1"), "s");
  ErrorOf(CountCpuList("s", "0-99999999"), "s");
  ErrorOf(CountCpuList("s", "a-b"), "s");
  ErrorOf(CountCpuList("s", "1,,2"), "s");
}

TEST(ParseAllowedCpusTest, ReadsCpusAllowedListOfStatus) {
  EXPECT_EQ(*ParseAllowedCpus("st", "Name:\tx\nCpus_allowed:\tf\nCpus_allowed_list:\t0-1\n"), 2);
  ErrorOf(ParseAllowedCpus("/proc/self/status", "Name:\tx\n"), "/proc/self/status");
  ErrorOf(ParseAllowedCpus("/proc/self/status", "Cpus_allowed_list:\n"), "/proc/self/status");
}

// ---- path mapping ---------------------------------------------------------------

CgroupMount Mount(std::string root, std::string point) {
  CgroupMount m;
  m.root = std::move(root);
  m.mount_point = std::move(point);
  return m;
}

TEST(MapCgroupPathTest, MountRootEqualToPathIsTheMountPoint) {
  EXPECT_EQ(MapCgroupPath(Mount("/docker/abc", "/sys/fs/cgroup/memory"), "/docker/abc"),
            "/sys/fs/cgroup/memory");
}

TEST(MapCgroupPathTest, HostViewAppendsThePath) {
  EXPECT_EQ(MapCgroupPath(Mount("/", "/sys/fs/cgroup/cpu"), "/a/b"), "/sys/fs/cgroup/cpu/a/b");
  EXPECT_EQ(MapCgroupPath(Mount("/", "/sys/fs/cgroup/cpu"), "/"), "/sys/fs/cgroup/cpu");
}

TEST(MapCgroupPathTest, SubGroupBelowMountRootKeepsTheRest) {
  EXPECT_EQ(MapCgroupPath(Mount("/docker/abc", "/sys/fs/cgroup/cpu"), "/docker/abc/worker/1"),
            "/sys/fs/cgroup/cpu/worker/1");
}

TEST(MapCgroupPathTest, PrefixThatIsNotAPathComponentDoesNotMatch) {
  EXPECT_EQ(MapCgroupPath(Mount("/docker/abc", "/sys/fs/cgroup/cpu"), "/docker/abcdef"),
            "/sys/fs/cgroup/cpu");
}

TEST(MapCgroupPathTest, PathAboveNamespaceRootMapsToMountPoint) {
  EXPECT_EQ(MapCgroupPath(Mount("/", "/sys/fs/cgroup/cpu"), "/../other"), "/sys/fs/cgroup/cpu");
  EXPECT_EQ(MapCgroupPath(Mount("/", "/sys/fs/cgroup/cpu"), "/a/../../b"), "/sys/fs/cgroup/cpu");
}

TEST(ResolveLayoutTest, ChainRunsFromLeafToMountPoint) {
  Layout l = ResolveLayout({[] {
                             CgroupMount m = Mount("/", "/sys/fs/cgroup/memory");
                             m.options = {"rw", "memory"};
                             return m;
                           }()},
                           {{4, {"memory"}, "/a/b"}});
  EXPECT_EQ(l.version, CgroupVersion::kV1);
  EXPECT_EQ(l.memory.dirs,
            (std::vector<std::string>{"/sys/fs/cgroup/memory/a/b", "/sys/fs/cgroup/memory/a",
                                      "/sys/fs/cgroup/memory"}));
  EXPECT_FALSE(l.cpu.present);
}

}  // namespace
}  // namespace autoprof::cgroup_internal
