// Merge, top, diff and folded stacks on the hand-built profile of
// test_profiles.h, whose samples are (leaf first, value in samples):
//   Hash(inlined in Parse) <- Handle <- main  x5
//   Handle <- main                            x2
//   Walk <- Walk <- Walk <- Handle <- main    x3
//   main                                      x1
#include "autoprof/analysis.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "autoprof/pprof.h"
#include "go_pprof.h"
#include "test_profiles.h"

namespace autoprof {
namespace {

using ::autoprof::testing::SmallCpuProfile;

std::map<std::string, std::pair<int64_t, int64_t>> ByFunction(const TopTable& t) {
  std::map<std::string, std::pair<int64_t, int64_t>> m;
  for (const TopRow& r : t.rows) m[r.function] = {r.flat, r.cum};
  return m;
}

TEST(Top, FlatIsTheLeafAndCumCountsRecursionOnce) {
  Result<TopTable> t = Top(SmallCpuProfile(), "samples");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->total, 11);
  EXPECT_EQ(t->sample_type, (ValueType{"samples", "count"}));
  std::map<std::string, std::pair<int64_t, int64_t>> expected = {{"Hash", {5, 5}},
                                                                 {"Parse", {0, 5}},
                                                                 {"Server::Handle(int)", {2, 10}},
                                                                 {"Walk", {3, 3}},
                                                                 {"main", {1, 11}}};
  EXPECT_EQ(ByFunction(*t), expected);
}

TEST(Top, RowsAreSortedByFlatThenCum) {
  Result<TopTable> t = Top(SmallCpuProfile(), "samples");
  ASSERT_TRUE(t.ok());
  std::vector<std::string> order;
  for (const TopRow& r : t->rows) order.push_back(r.function);
  EXPECT_EQ(order,
            (std::vector<std::string>{"Hash", "Walk", "Server::Handle(int)", "main", "Parse"}));
}

TEST(Top, DefaultSampleTypeIsTheNamedDefaultElseTheLast) {
  Profile p = SmallCpuProfile();
  EXPECT_EQ(*FindSampleIndex(p, ""), 1u);
  p.default_sample_type = "samples";
  EXPECT_EQ(*FindSampleIndex(p, ""), 0u);
  EXPECT_EQ(Top(p)->total, 11);
  p.default_sample_type = "not-there";
  EXPECT_EQ(*FindSampleIndex(p, ""), 1u);
}

TEST(Top, UnknownSampleTypeIsAnErrorListingTheKnownOnes) {
  Result<TopTable> t = Top(SmallCpuProfile(), "alloc_space");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(),
            "sample type 'alloc_space' is not in the profile (it has samples, cpu)");
}

// A profile from outside can hold values near 2^63 (the decode fuzzer found one):
// sums stay at the limit instead of wrapping around.
TEST(Top, SumsThatWouldOverflowStayAtTheLimit) {
  Profile p = SmallCpuProfile();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (Sample& s : p.samples) s.values[1] = kMax - 10;
  Result<TopTable> t = Top(p, "cpu");
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->total, kMax);
  for (const TopRow& r : t->rows) {
    EXPECT_GE(r.flat, 0) << r.function;
    EXPECT_GE(r.cum, r.flat) << r.function;
  }
  Profile twice[] = {p, p};
  Result<Profile> merged = MergeProfiles(twice);
  ASSERT_TRUE(merged.ok()) << merged.status().message();
  for (const Sample& s : merged->samples) EXPECT_EQ(s.values[1], kMax);
  Result<std::string> folded = CollapseStacks(*merged, "cpu");
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ(folded->find('-'), std::string::npos) << "no wrapped, negative sum:\n" << *folded;
}

TEST(Top, UnsymbolizedLocationIsNamedByItsFileAndOffsetThatStayAcrossRuns) {
  Profile p = SmallCpuProfile();
  p.samples.push_back({{4}, {2, 20}, {}});  // location 4 has no lines, mapping 1 at 0x400000
  p.locations.push_back({.id = 9, .address = 0x1234});  // no mapping either
  p.samples.push_back({{9}, {1, 10}, {}});
  Result<TopTable> t = Top(p, "samples");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(ByFunction(*t)["app+0x4000"], (std::pair<int64_t, int64_t>{2, 2}));
  EXPECT_EQ(ByFunction(*t)["0x1234"], (std::pair<int64_t, int64_t>{1, 1}));
}

TEST(Collapse, FoldedStacksRootFirstWithInlinedFramesExpanded) {
  Result<std::string> folded = CollapseStacks(SmallCpuProfile(), "samples");
  ASSERT_TRUE(folded.ok());
  EXPECT_EQ(*folded,
            "main 1\n"
            "main;Server::Handle(int) 2\n"
            "main;Server::Handle(int);Parse;Hash 5\n"
            "main;Server::Handle(int);Walk;Walk;Walk 3\n");
}

TEST(Collapse, IdenticalStacksAreSummedAndSeparatorsInNamesReplaced) {
  Profile p = SmallCpuProfile();
  p.samples.push_back({{2, 1}, {4, 40}, {}});
  p.functions[0].name = "a;b\nc";
  Result<std::string> folded = CollapseStacks(p, "samples");
  ASSERT_TRUE(folded.ok());
  EXPECT_NE(folded->find("a:b c;Server::Handle(int) 6\n"), std::string::npos) << *folded;
}

TEST(Merge, SameProfileTwiceDoublesValuesAndSharesEntries) {
  std::vector<Profile> two = {SmallCpuProfile(), SmallCpuProfile()};
  Result<Profile> m = MergeProfiles(two);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->mappings.size(), 2u);
  EXPECT_EQ(m->functions.size(), 5u);
  EXPECT_EQ(m->locations.size(), 5u);
  EXPECT_EQ(m->samples.size(), 4u);
  EXPECT_EQ(m->duration_nanos, 4'000'000'000);
  EXPECT_TRUE(ValidateProfile(*m).ok());
  Result<TopTable> t = Top(*m, "samples");
  EXPECT_EQ(t->total, 22);
  EXPECT_EQ(ByFunction(*t)["Walk"], (std::pair<int64_t, int64_t>{6, 6}));
}

TEST(Merge, MappingMovedByAslrIsStillOneMapping) {
  Profile moved = SmallCpuProfile();
  moved.mappings[0].memory_start += 0x100000;
  moved.mappings[0].memory_limit += 0x100000;
  for (Location& l : moved.locations) {
    if (l.mapping_id == 1) l.address += 0x100000;
  }
  moved.time_nanos -= 5;
  std::vector<Profile> two = {SmallCpuProfile(), moved};
  Result<Profile> m = MergeProfiles(two);
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(m->mappings.size(), 2u);
  EXPECT_EQ(m->locations.size(), 5u);
  EXPECT_EQ(m->time_nanos, moved.time_nanos);
}

TEST(Merge, DifferentSampleTypesAreRefusedNamingTheProfile) {
  Profile heap = SmallCpuProfile();
  heap.sample_types = {{"inuse_objects", "count"}, {"inuse_space", "bytes"}};
  std::vector<Profile> two = {SmallCpuProfile(), heap};
  Result<Profile> m = MergeProfiles(two);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().message(),
            "profile 2 has sample types inuse_objects/count, inuse_space/bytes, profile 1 has "
            "samples/count, cpu/nanoseconds");
}

TEST(Merge, ReadMergedProfilesReadsACommaSeparatedList) {
  testing::ScratchDir dir;
  ASSERT_TRUE(WriteProfileFile(dir.File("a.pb.gz"), SmallCpuProfile()).ok());
  ASSERT_TRUE(WriteProfileFile(dir.File("b.pb.gz"), SmallCpuProfile()).ok());
  Result<Profile> m = ReadMergedProfiles(dir.File("a.pb.gz") + "," + dir.File("b.pb.gz"));
  ASSERT_TRUE(m.ok()) << m.status().message();
  EXPECT_EQ(Top(*m, "samples")->total, 22);
  Result<Profile> bad = ReadMergedProfiles(dir.File("a.pb.gz") + "," + dir.File("missing.pb.gz"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("missing.pb.gz: open: No such file"), std::string::npos);
}

// Target: the Walk stacks ran three times as often, over a 4 s profile.
Profile TargetProfile() {
  Profile p = SmallCpuProfile();
  for (int64_t& v : p.samples[2].values) v *= 3;
  p.duration_nanos = 4'000'000'000;
  return p;
}

const DiffRow& RowOf(const DiffTable& d, const std::string& name) {
  for (const DiffRow& r : d.rows) {
    if (r.function == name) return r;
  }
  static DiffRow none;
  ADD_FAILURE() << "no row for " << name;
  return none;
}

TEST(Diff, AbsoluteDeltaIsTheRawDifference) {
  Result<DiffTable> d = Diff(SmallCpuProfile(), TargetProfile(), Normalization::kAbsolute, "cpu");
  ASSERT_TRUE(d.ok()) << d.status().message();
  ASSERT_FALSE(d->rows.empty());
  EXPECT_EQ(d->rows[0].function, "Walk");
  EXPECT_EQ(d->rows[0].base_flat, 30'000'000);
  EXPECT_EQ(d->rows[0].target_flat, 90'000'000);
  EXPECT_DOUBLE_EQ(d->rows[0].delta, 60'000'000);
  EXPECT_DOUBLE_EQ(RowOf(*d, "main").cum_delta, 60'000'000);
  EXPECT_DOUBLE_EQ(RowOf(*d, "Hash").delta, 0);
}

TEST(Diff, ShareComparesFractionsOfEachSidesTotal) {
  Result<DiffTable> d = Diff(SmallCpuProfile(), TargetProfile(), Normalization::kShare, "samples");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->base_total, 11);
  EXPECT_EQ(d->target_total, 17);
  const DiffRow& walk = RowOf(*d, "Walk");
  EXPECT_DOUBLE_EQ(walk.base, 3.0 / 11);
  EXPECT_DOUBLE_EQ(walk.target, 9.0 / 17);
  EXPECT_DOUBLE_EQ(walk.delta, 9.0 / 17 - 3.0 / 11);
  // Hash did not change in absolute terms but lost share.
  EXPECT_LT(RowOf(*d, "Hash").delta, 0);
}

TEST(Diff, PerSecondDividesByEachSidesDuration) {
  Result<DiffTable> d = Diff(SmallCpuProfile(), TargetProfile(), Normalization::kPerSecond, "cpu");
  ASSERT_TRUE(d.ok());
  const DiffRow& walk = RowOf(*d, "Walk");
  EXPECT_DOUBLE_EQ(walk.base, 30'000'000 / 2.0);
  EXPECT_DOUBLE_EQ(walk.target, 90'000'000 / 4.0);
  // Hash: 50 ms over 2 s before, 50 ms over 4 s after.
  EXPECT_DOUBLE_EQ(RowOf(*d, "Hash").delta, 50'000'000 / 4.0 - 50'000'000 / 2.0);
}

TEST(Diff, PerSecondWithoutDurationIsAnError) {
  Profile base = SmallCpuProfile();
  base.duration_nanos = 0;
  Result<DiffTable> d = Diff(base, TargetProfile(), Normalization::kPerSecond);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().message(),
            "base profile has no duration; per-second normalization needs one");
}

TEST(Diff, FunctionOnOnlyOneSideAppearsWithZeroOnTheOther) {
  Profile target = SmallCpuProfile();
  target.samples.erase(target.samples.begin() + 2);  // no Walk
  Result<DiffTable> d = Diff(SmallCpuProfile(), target, Normalization::kAbsolute, "samples");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(RowOf(*d, "Walk").base_flat, 3);
  EXPECT_EQ(RowOf(*d, "Walk").target_flat, 0);
}

TEST(Normalization, NamesRoundTripAndUnknownWordsAreErrors) {
  for (Normalization n :
       {Normalization::kAbsolute, Normalization::kShare, Normalization::kPerSecond}) {
    EXPECT_EQ(*ParseNormalization(NormalizationName(n)), n);
  }
  Result<Normalization> bad = ParseNormalization("percent");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "unknown normalization 'percent' (expected absolute, share or per-second)");
}

}  // namespace
}  // namespace autoprof
