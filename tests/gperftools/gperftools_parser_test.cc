// The legacy CPU profile and tcmalloc heap sample parsers, on inputs built word by
// word and on real gperftools output kept as fixtures.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "autoprof/gperftools.h"
#include "raw_profile_builder.h"

namespace autoprof {
namespace {

using testing::RawCpuProfile;

constexpr char kMaps[] =
    "555555554000-555555555000 r--p 00000000 08:01 1234        /opt/app/server\n"
    "555555555000-555555556000 r-xp 00001000 08:01 1234        /opt/app/server\n"
    "7f0000000000-7f0000100000 r-xp 00010000 08:01 99          /lib/libfoo.so (deleted)\n"
    "7ffff7fc1000-7ffff7fc3000 r-xp 00000000 00:00 0           [vdso]\n";

std::string ReadFixture(const std::string& name) {
  std::ifstream in(std::string(AUTOPROF_FIXTURES) + "/" + name, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

const Location& LocationById(const Profile& p, uint64_t id) {
  for (const Location& l : p.locations) {
    if (l.id == id) return l;
  }
  ADD_FAILURE() << "no location " << id;
  return p.locations.front();
}

std::vector<uint64_t> Addresses(const Profile& p, const Sample& s) {
  std::vector<uint64_t> out;
  for (uint64_t id : s.location_ids) out.push_back(LocationById(p, id).address);
  return out;
}

TEST(CpuProfileParser, SumsRepeatedStacksAndScalesCountsByPeriod) {
  RawCpuProfile raw(10'000);  // 100 Hz
  raw.Add(3, {0x555555555100, 0x555555555200})
      .Add(2, {0x7f0000000100})
      .Add(4, {0x555555555100, 0x555555555200})
      .Maps(kMaps);
  Result<Profile> p = ParseCpuProfile(raw.Bytes());
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->sample_types,
            (std::vector<ValueType>{{"samples", "count"}, {"cpu", "nanoseconds"}}));
  EXPECT_EQ(p->period_type, (ValueType{"cpu", "nanoseconds"}));
  EXPECT_EQ(p->period, 10'000'000);
  ASSERT_EQ(p->samples.size(), 2u);
  EXPECT_EQ(p->samples[0].values, (std::vector<int64_t>{7, 70'000'000}));
  EXPECT_EQ(p->samples[1].values, (std::vector<int64_t>{2, 20'000'000}));
}

TEST(CpuProfileParser, LeafAddressIsExactAndCallersPointIntoTheCall) {
  RawCpuProfile raw(10'000);
  raw.Add(1, {0x555555555100, 0x555555555200, 0x555555555300}).Maps(kMaps);
  Result<Profile> p = ParseCpuProfile(raw.Bytes());
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(Addresses(*p, p->samples[0]),
            (std::vector<uint64_t>{0x555555555100, 0x5555555551ff, 0x5555555552ff}));
}

TEST(CpuProfileParser, MappingsAreTheExecutableLinesOfTheMapsText) {
  RawCpuProfile raw(10'000);
  raw.Add(1, {0x555555555100, 0x7f0000000100, 0x7ffff7fc1100}).Maps(kMaps);
  MappingInodes inodes;
  Result<Profile> p = ParseCpuProfile(raw.Bytes(), {}, &inodes);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->mappings.size(), 3u);
  EXPECT_EQ(p->mappings[0].filename, "/opt/app/server");
  EXPECT_EQ(p->mappings[0].memory_start, 0x555555555000u);
  EXPECT_EQ(p->mappings[0].memory_limit, 0x555555556000u);
  EXPECT_EQ(p->mappings[0].file_offset, 0x1000u);
  EXPECT_EQ(p->mappings[1].filename, "/lib/libfoo.so (deleted)");
  EXPECT_EQ(p->mappings[2].filename, "[vdso]");
  EXPECT_EQ(inodes[p->mappings[0].id], 1234u);
  EXPECT_EQ(inodes.count(p->mappings[2].id), 0u);  // inode 0: unknown
  for (const Location& l : p->locations) EXPECT_NE(l.mapping_id, 0u) << std::hex << l.address;
}

TEST(CpuProfileParser, UnusedMappingsAreDroppedAndStrayAddressesHaveNoMapping) {
  RawCpuProfile raw(10'000);
  raw.Add(1, {0x1234}).Maps(kMaps);
  Result<Profile> p = ParseCpuProfile(raw.Bytes());
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_TRUE(p->mappings.empty());
  ASSERT_EQ(p->locations.size(), 1u);
  EXPECT_EQ(p->locations[0].mapping_id, 0u);
}

TEST(CpuProfileParser, DurationComesFromTheCallerOrElseFromTheSampledTime) {
  RawCpuProfile raw(10'000);
  raw.Add(250, {0x555555555100}).Maps(kMaps);
  Result<Profile> given = ParseCpuProfile(raw.Bytes(), {.time_nanos = 42, .duration_nanos = 9});
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->time_nanos, 42);
  EXPECT_EQ(given->duration_nanos, 9);
  Result<Profile> estimated = ParseCpuProfile(raw.Bytes());
  ASSERT_TRUE(estimated.ok());
  EXPECT_EQ(estimated->duration_nanos, 2'500'000'000);
}

TEST(CpuProfileParser, Reads32BitBigEndianWords) {
  RawCpuProfile raw(5'000);
  raw.Add(6, {0x5555100, 0x5555200}).Maps("05555000-05556000 r-xp 00000000 08:01 7 /bin/x\n");
  Result<Profile> p = ParseCpuProfile(raw.Bytes32BigEndian());
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->period, 5'000'000);
  ASSERT_EQ(p->samples.size(), 1u);
  EXPECT_EQ(p->samples[0].values[0], 6);
  EXPECT_EQ(Addresses(*p, p->samples[0]), (std::vector<uint64_t>{0x5555100, 0x55551ff}));
}

void ExpectCpuError(const std::string& bytes, const std::string& fragment) {
  Result<Profile> p = ParseCpuProfile(bytes);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find(fragment), std::string::npos) << p.status().message();
  EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
  EXPECT_EQ(p.status().message().rfind("CPU profile: ", 0), 0u) << p.status().message();
}

TEST(CpuProfileParser, RejectsAWrongHeader) {
  ExpectCpuError("heap profile: nothing here", "not a gperftools CPU profile");
  ExpectCpuError(std::string(16, '\0'), "not a gperftools CPU profile");
  RawCpuProfile raw(10'000);
  raw.words()[2] = 7;
  ExpectCpuError(raw.Bytes(), "unknown version 7");
}

TEST(CpuProfileParser, RejectsAZeroPeriod) {
  ExpectCpuError(RawCpuProfile(0).Add(1, {0x10}).Bytes(), "sampling period is 0");
}

TEST(CpuProfileParser, RejectsTruncatedInput) {
  std::string whole = RawCpuProfile(10'000).Add(2, {0x10, 0x20, 0x30}).Bytes(false);
  ExpectCpuError(whole.substr(0, 24), "truncated header");
  ExpectCpuError(whole.substr(0, whole.size() - 8), "truncated record");
  ExpectCpuError(whole, "no trailer");
}

TEST(CpuProfileParser, RejectsAHugeOrZeroDepth) {
  RawCpuProfile huge(10'000);
  huge.words().insert(huge.words().end(), {1, 1'000'000'000'000ull, 0x10});
  ExpectCpuError(huge.Bytes(), "depth 1000000000000");
  RawCpuProfile zero(10'000);
  zero.words().insert(zero.words().end(), {1, 0});
  ExpectCpuError(zero.Bytes(), "depth 0");
}

TEST(CpuProfileParser, RejectsGarbageMaps) {
  ExpectCpuError(RawCpuProfile(10'000).Add(1, {0x10}).Maps("hello world\n").Bytes(), "maps line 1");
  ExpectCpuError(RawCpuProfile(10'000).Add(1, {0x10}).Maps("2000-1000 r-xp 0 08:01 1 /x\n").Bytes(),
                 "start is not below end");
}

TEST(CpuProfileParser, RejectsCountsThatOverflow) {
  ExpectCpuError(RawCpuProfile(10'000).Add(~0ull >> 2, {0x10}).Bytes(), "overflow");
}

TEST(CpuProfileParser, ReadsARealProfileFromLibprofiler) {
  std::string raw = ReadFixture("cpu_workload.prof");
  ASSERT_FALSE(raw.empty());
  EXPECT_EQ(DetectGperftoolsFormat(raw), GperftoolsFormat::kCpuProfile);
  Result<Profile> p = ParseCpuProfile(raw);
  ASSERT_TRUE(p.ok()) << p.status().message();
  int64_t samples = 0;
  for (const Sample& s : p->samples) samples += s.values[0];
  EXPECT_GT(samples, 10);
  EXPECT_EQ(p->period, 10'000'000);  // libprofiler's default 100 Hz
  bool has_main = false;
  for (const Mapping& m : p->mappings) has_main |= m.filename.ends_with("/cpu_workload");
  EXPECT_TRUE(has_main);
}

// --- heap samples ---

constexpr char kHeapHeader[] =
    "heap profile:      3:   300000 [     3:   300000] @ heap_v2/524288\n";

TEST(HeapSampleParser, GroupsByStackAndSizeAndUnsamples) {
  std::string text = std::string(kHeapHeader) +
                     "     1:   100000 [     1:   100000] @ 0x555555555100 0x555555555200\n"
                     "     1:   100000 [     1:   100000] @ 0x555555555100 0x555555555200\n"
                     "     1:     4096 [     1:     4096] @ 0x555555555100 0x555555555200\n"
                     "\nMAPPED_LIBRARIES:\n" +
                     kMaps;
  Result<Profile> p = ParseHeapSample(text);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->sample_types,
            (std::vector<ValueType>{{"inuse_objects", "count"}, {"inuse_space", "bytes"}}));
  EXPECT_EQ(p->period_type, (ValueType{"space", "bytes"}));
  EXPECT_EQ(p->period, 524288);
  ASSERT_EQ(p->samples.size(), 2u);
  auto scaled = [](double count, double bytes) {
    double scale = 1 / (1 - std::exp(-(bytes / count) / 524288.0));
    return std::vector<int64_t>{std::llround(count * scale), std::llround(bytes * scale)};
  };
  for (const Sample& s : p->samples) {
    ASSERT_EQ(s.labels.size(), 1u);
    EXPECT_EQ(s.labels[0].key, "bytes");
    if (s.labels[0].num == 100000) {
      EXPECT_EQ(s.values, scaled(2, 200000));
    } else {
      EXPECT_EQ(s.labels[0].num, 4096);
      EXPECT_EQ(s.values, scaled(1, 4096));
    }
    EXPECT_EQ(Addresses(*p, s), (std::vector<uint64_t>{0x5555555550ff, 0x5555555551ff}));
  }
}

TEST(HeapSampleParser, ZeroPeriodSaysSamplingWasOff) {
  Result<Profile> p = ParseHeapSample(ReadFixture("heap_sampling_off.txt"));
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find("sampling period is 0"), std::string::npos)
      << p.status().message();
  EXPECT_NE(p.status().message().find("TCMALLOC_SAMPLE_PARAMETER"), std::string::npos);
}

TEST(HeapSampleParser, ReadsARealSampleFromTcmalloc) {
  std::string text = ReadFixture("heap_v2.txt");
  EXPECT_EQ(DetectGperftoolsFormat(text), GperftoolsFormat::kHeapSample);
  Result<Profile> p = ParseHeapSample(text);
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_FALSE(p->samples.empty());
  EXPECT_FALSE(p->mappings.empty());
  for (const Sample& s : p->samples) EXPECT_GT(s.values[1], s.labels[0].num);
}

TEST(HeapSampleParser, HeapProfilerDumpIsNotScaled) {
  std::string text =
      "heap profile:      2:     2048 [     5:     9000] @ heapprofile\n"
      "     2:     2048 [     5:     9000] @ 0x555555555100\n"
      "     0:        0 [     1:     1000] @ 0x555555555180\n"
      "\nMAPPED_LIBRARIES:\n" +
      std::string(kMaps);
  Result<Profile> p = ParseHeapSample(text);
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->samples.size(), 1u);
  EXPECT_EQ(p->samples[0].values, (std::vector<int64_t>{2, 2048}));
}

TEST(HeapSampleParser, ReadsARealHeapProfilerDumpUnscaled) {
  // HEAPPROFILE=... of a program keeping 1000 x 10,000 B and 100 x 100,000 B.
  Result<Profile> p = ParseHeapSample(ReadFixture("heapprofile_dump.heap"));
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->period, 0);
  int found = 0;
  for (const Sample& s : p->samples) {
    if (s.values == std::vector<int64_t>{1000, 10'000'000} && s.labels[0].num == 10'000) ++found;
    if (s.values == std::vector<int64_t>{100, 10'000'000} && s.labels[0].num == 100'000) ++found;
  }
  EXPECT_EQ(found, 2);
}

void ExpectHeapError(const std::string& text, const std::string& fragment) {
  Result<Profile> p = ParseHeapSample(text);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.status().message().find(fragment), std::string::npos) << p.status().message();
  EXPECT_EQ(p.status().message().find('\n'), std::string::npos);
}

TEST(HeapSampleParser, RejectsMalformedText) {
  ExpectHeapError("", "does not start with 'heap profile:'");
  ExpectHeapError("heap profile: 1: 2 @ heap_v2/5\n", "line 1: expected");
  ExpectHeapError("heap profile: 1: 2 [1: 2] @ growth\n", "unknown profile kind 'growth'");
  ExpectHeapError(std::string(kHeapHeader) + "  1: 10 [1: 10] @ 0xzz\n", "line 2: bad address");
  ExpectHeapError(std::string(kHeapHeader) + "  1: 10 [1: 10] @\n", "line 2: no stack");
  ExpectHeapError(std::string(kHeapHeader) + "garbage\n", "line 2: expected");
  ExpectHeapError(std::string(kHeapHeader) + "  1: 10 [1: 10] @ 0x1\nMAPPED_LIBRARIES:\nzz\n",
                  "maps line 1");
}

// --- allocator frames ---

TEST(RemoveAllocatorFrames, TheFirstFrameBecomesTheCallersAllocationSite) {
  Profile p;
  p.sample_types = {{"inuse_objects", "count"}, {"inuse_space", "bytes"}};
  p.mappings = {{.id = 1, .filename = "/usr/lib/x86_64-linux-gnu/libtcmalloc.so.4"},
                {.id = 2, .filename = "/opt/app/server"}};
  p.functions = {
      {1, "tc_malloc", "tc_malloc", "", 0},
      {2, "operator new[](unsigned long)", "_Znam", "", 0},
      {3, "app::Load()", "_ZN3app4LoadEv", "app.cc", 10},
      {4, "main", "main", "app.cc", 30},
      {5, "(anonymous namespace)::do_malloc_pages(tcmalloc::ThreadCache*, unsigned long)", "x", "",
       0}};
  p.locations = {{1, 1, 0x100, {{5, 0, 0}}},
                 {2, 1, 0x200, {{1, 0, 0}}},
                 {3, 2, 0x300, {{2, 0, 0}}},
                 {4, 2, 0x400, {{3, 12, 0}}},
                 {5, 2, 0x500, {{4, 33, 0}}}};
  p.samples = {{{1, 2, 3, 4, 5}, {1, 100}, {}}, {{4, 5}, {1, 50}, {}}};
  RemoveAllocatorFrames(&p);
  EXPECT_EQ(p.samples[0].location_ids, (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(p.samples[1].location_ids, (std::vector<uint64_t>{4, 5}));
  EXPECT_EQ(p.locations.size(), 2u);
  EXPECT_EQ(p.functions.size(), 2u);
  ASSERT_EQ(p.mappings.size(), 1u);
  EXPECT_EQ(p.mappings[0].filename, "/opt/app/server");
}

TEST(DetectGperftoolsFormat, TellsCpuFromHeapFromOther) {
  EXPECT_EQ(DetectGperftoolsFormat(RawCpuProfile(10'000).Bytes()), GperftoolsFormat::kCpuProfile);
  EXPECT_EQ(DetectGperftoolsFormat(kHeapHeader), GperftoolsFormat::kHeapSample);
  EXPECT_EQ(DetectGperftoolsFormat("\x1f\x8b\x08"), GperftoolsFormat::kUnknown);
  EXPECT_EQ(DetectGperftoolsFormat(""), GperftoolsFormat::kUnknown);
}

}  // namespace
}  // namespace autoprof
