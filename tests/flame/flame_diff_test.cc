// DiffTree: one-side-only frames, normalization, and the Poisson significance test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "autoprof/flame.h"
#include "test_profiles.h"

namespace autoprof {
namespace {

using testing::ProfileBuilder;

int Find(const DiffTree& t, const std::vector<std::string>& path) { return testing::FindNode(t, path); }

Result<DiffTree> DiffTreeOf(const Profile& base, const Profile& target, Normalization n,
                      double min_fraction = 0) {
  DiffOptions o;
  o.normalization = n;
  o.flame.min_fraction = min_fraction;
  return BuildDiffTree(std::span<const Profile>(&base, 1), std::span<const Profile>(&target, 1), o);
}

TEST(PoissonChangePValue, MatchesTheExactBinomialTest) {
  // R: binom.test(6, 6, 0.5)$p.value == 0.03125; binom.test(3, 10)$p.value == 0.34375
  EXPECT_NEAR(PoissonChangePValue(0, 6, 0.5), 0.03125, 1e-12);
  EXPECT_NEAR(PoissonChangePValue(7, 3, 0.5), 0.34375, 1e-12);
  EXPECT_DOUBLE_EQ(PoissonChangePValue(5, 5, 0.5), 1.0);
  // binom.test(2, 10, 0.5)$p.value == 0.109375
  EXPECT_NEAR(PoissonChangePValue(8, 2, 0.5), 0.109375, 1e-12);
  // Unequal exposure: binom.test(9, 10, 0.75)$p.value == 0.4681501 (checked with Python: sum of
  // comb(10,k) .75^k .25^(10-k) over outcomes no likelier than k = 9)
  EXPECT_NEAR(PoissonChangePValue(1, 9, 0.75), 0.4681501, 1e-6);
}

TEST(PoissonChangePValue, AgreesWithADirectSumOverEveryOutcome) {
  for (double p0 : {0.5, 0.2, 0.75, 0.97}) {
    for (int64_t n : {1, 7, 40, 200}) {
      for (int64_t b = 0; b <= n; b += std::max<int64_t>(1, n / 9)) {
        auto pmf = [&](int64_t k) {
          return std::exp(std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0) +
                          k * std::log(p0) + (n - k) * std::log1p(-p0));
        };
        double expected = 0;
        for (int64_t k = 0; k <= n; ++k) {
          if (pmf(k) <= pmf(b) * (1 + 1e-7)) expected += pmf(k);
        }
        EXPECT_NEAR(PoissonChangePValue(n - b, b, p0), std::min(1.0, expected), 1e-9)
            << "n=" << n << " b=" << b << " p0=" << p0;
      }
    }
  }
}

TEST(PoissonChangePValue, LargeCountsUseTheNormalApproximation) {
  // n = 2100, p0 = 0.5: z = (|1100 - 1050| - 0.5) / sqrt(525) = 2.1603, p = 0.03075
  EXPECT_NEAR(PoissonChangePValue(1000, 1100, 0.5), 0.03075, 2e-4);
  EXPECT_GT(PoissonChangePValue(100000, 100100, 0.5), 0.5);
  EXPECT_LT(PoissonChangePValue(100000, 102000, 0.5), 1e-5);
}

TEST(DiffTree, FramesOnOneSideOnlyKeepTheirNodeAndAreFlagged) {
  Profile base = ProfileBuilder().AddCpu({"main", "old_path"}, 40).AddCpu({"main", "common"}, 60).Build();
  Profile target = ProfileBuilder().AddCpu({"main", "new_path"}, 30).AddCpu({"main", "common"}, 60).Build();
  Result<DiffTree> d = DiffTreeOf(base, target, Normalization::kAbsolute);
  ASSERT_TRUE(d.ok()) << d.status().message();
  int old_path = Find(*d, {"main", "old_path"}), new_path = Find(*d, {"main", "new_path"});
  int common = Find(*d, {"main", "common"});
  ASSERT_GE(old_path, 0);
  ASSERT_GE(new_path, 0);
  EXPECT_TRUE(d->nodes[old_path].flags & kBaseOnly);
  EXPECT_EQ(d->nodes[old_path].after_total, 0);
  EXPECT_EQ(d->nodes[old_path].before_total, 400'000'000);
  EXPECT_TRUE(d->nodes[new_path].flags & kTargetOnly);
  EXPECT_EQ(d->nodes[new_path].after_total, 300'000'000);
  EXPECT_EQ(d->nodes[common].flags & (kBaseOnly | kTargetOnly), 0u);
  EXPECT_TRUE(d->nodes[old_path].significant);
  EXPECT_FALSE(d->nodes[common].significant);
}

TEST(DiffTree, ShareNormalizationComparesFractionsOfEachTotal) {
  // The target ran twice as long; f's share is unchanged at 25%.
  Profile base = ProfileBuilder().AddCpu({"main", "f"}, 100).AddCpu({"main", "g"}, 300).Build();
  Profile target = ProfileBuilder().AddCpu({"main", "f"}, 200).AddCpu({"main", "g"}, 600).Build();
  Result<DiffTree> share = DiffTreeOf(base, target, Normalization::kShare);
  ASSERT_TRUE(share.ok());
  const DiffNode& f = share->nodes[Find(*share, {"main", "f"})];
  EXPECT_DOUBLE_EQ(f.before, 0.25);
  EXPECT_DOUBLE_EQ(f.after, 0.25);
  EXPECT_FALSE(f.significant);
  EXPECT_EQ(f.before_total, 1'000'000'000);  // raw values kept beside the normalized ones
  EXPECT_EQ(f.after_total, 2'000'000'000);

  Result<DiffTree> absolute = DiffTreeOf(base, target, Normalization::kAbsolute);
  ASSERT_TRUE(absolute.ok());
  const DiffNode& fa = absolute->nodes[Find(*absolute, {"main", "f"})];
  EXPECT_DOUBLE_EQ(fa.after - fa.before, 1e9);
  EXPECT_TRUE(fa.significant);  // 100 -> 200 samples is real in absolute terms
}

TEST(DiffTree, PerSecondDividesByEachSidesDuration) {
  Profile base = ProfileBuilder().AddCpu({"main", "f"}, 100).Duration(10).Build();
  Profile target = ProfileBuilder().AddCpu({"main", "f"}, 300).Duration(30).Build();
  Result<DiffTree> d = DiffTreeOf(base, target, Normalization::kPerSecond);
  ASSERT_TRUE(d.ok()) << d.status().message();
  const DiffNode& f = d->nodes[Find(*d, {"main", "f"})];
  EXPECT_DOUBLE_EQ(f.before, 1e8);  // 1 s of CPU per 10 s
  EXPECT_DOUBLE_EQ(f.after, 1e8);
  EXPECT_FALSE(f.significant);
  EXPECT_DOUBLE_EQ(d->base.duration_seconds, 10);
  EXPECT_DOUBLE_EQ(d->target.duration_seconds, 30);
}

TEST(DiffTree, PerSecondWithoutDurationIsAnError) {
  Profile base = ProfileBuilder().AddCpu({"main"}, 1).Duration(0).Build();
  Profile target = ProfileBuilder().AddCpu({"main"}, 1).Build();
  Result<DiffTree> d = DiffTreeOf(base, target, Normalization::kPerSecond);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("base profile has no duration"), std::string::npos);
}

TEST(DiffTree, SmallNoisyChangesAreNotSignificantAndLargeOnesAre) {
  Profile base = ProfileBuilder()
                     .AddCpu({"main", "noisy"}, 1)
                     .AddCpu({"main", "slower"}, 100)
                     .AddCpu({"main", "faster"}, 300)
                     .AddCpu({"main", "rest"}, 5000)
                     .Build();
  Profile target = ProfileBuilder()
                       .AddCpu({"main", "noisy"}, 3)
                       .AddCpu({"main", "slower"}, 300)
                       .AddCpu({"main", "faster"}, 100)
                       .AddCpu({"main", "rest"}, 5000)
                       .Build();
  Result<DiffTree> d = DiffTreeOf(base, target, Normalization::kShare);
  ASSERT_TRUE(d.ok());
  const DiffNode& noisy = d->nodes[Find(*d, {"main", "noisy"})];
  const DiffNode& slower = d->nodes[Find(*d, {"main", "slower"})];
  const DiffNode& faster = d->nodes[Find(*d, {"main", "faster"})];
  EXPECT_FALSE(noisy.significant) << "1 -> 3 samples, p = " << noisy.p_value;
  EXPECT_TRUE(slower.significant);
  EXPECT_GT(slower.after, slower.before);
  EXPECT_TRUE(faster.significant);
  EXPECT_LT(faster.after, faster.before);
  // The verdict of each normalization is in the flags, for clients that switch.
  EXPECT_TRUE(slower.flags & kSignificantAbsolute);
  EXPECT_TRUE(slower.flags & kSignificantShare);
  EXPECT_TRUE(slower.flags & kSignificantPerSecond);
}

TEST(DiffTree, CountsComeFromTheCountSampleType) {
  Profile base = ProfileBuilder().AddCpu({"main", "f"}, 4).Build();
  Profile target = ProfileBuilder().AddCpu({"main", "f"}, 4).Build();
  Result<DiffTree> d = DiffTreeOf(base, target, Normalization::kAbsolute);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->counts, "samples/count");
  EXPECT_EQ(d->nodes[0].before_counts, 4);
  EXPECT_EQ(d->sample_type.type, "cpu");
}

TEST(DiffTree, PruningKeepsBothSidesTotalsExact) {
  ProfileBuilder b, t;
  b.AddCpu({"main", "big"}, 1000);
  t.AddCpu({"main", "big"}, 1000);
  for (int i = 0; i < 50; ++i) {
    b.AddCpu({"main", "tiny" + std::to_string(i)}, 1);
    t.AddCpu({"main", "tiny" + std::to_string(i + 25)}, 2);
  }
  Result<DiffTree> d = DiffTreeOf(b.Build(), t.Build(), Normalization::kAbsolute, 0.01);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->nodes[0].before_total, 1050 * 10'000'000LL);
  EXPECT_EQ(d->nodes[0].after_total, 1100 * 10'000'000LL);
  int main = Find(*d, {"main"});
  int64_t before = 0, after = 0;
  bool saw_aggregate = false;
  for (const DiffNode& n : d->nodes) {
    if (n.parent != main) continue;
    before += n.before_total;
    after += n.after_total;
    saw_aggregate |= (n.flags & kAggregate) != 0;
  }
  EXPECT_TRUE(saw_aggregate);
  EXPECT_EQ(before, d->nodes[main].before_total);
  EXPECT_EQ(after, d->nodes[main].after_total);
}

TEST(DiffTree, MergesSeveralProfilesPerSide) {
  std::vector<Profile> base = {ProfileBuilder().AddCpu({"main", "f"}, 10).Build(),
                               ProfileBuilder().AddCpu({"main", "f"}, 20).Build()};
  std::vector<Profile> target = {ProfileBuilder().AddCpu({"main", "f"}, 5).Build()};
  Result<DiffTree> d = BuildDiffTree(base, target, {.normalization = Normalization::kAbsolute});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->base.profiles, 2u);
  EXPECT_EQ(d->base.counts, 30);
  EXPECT_DOUBLE_EQ(d->base.duration_seconds, 20);
  EXPECT_EQ(d->target.counts, 5);
}

TEST(DiffTree, ProfileWithoutTheSampleTypeIsNamed) {
  std::vector<Profile> base = {ProfileBuilder().AddCpu({"main"}, 1).Build()};
  std::vector<Profile> target = {ProfileBuilder(std::vector<ValueType>{{"inuse_space", "bytes"}}).Add({"main"}, {5}).Build()};
  Result<DiffTree> d = BuildDiffTree(base, target);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("target profile 1"), std::string::npos);
}

TEST(Normalization, NamesRoundTrip) {
  for (auto n : {Normalization::kAbsolute, Normalization::kShare, Normalization::kPerSecond}) {
    Result<Normalization> back = ParseNormalization(NormalizationName(n));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, n);
  }
  EXPECT_FALSE(ParseNormalization("relative").ok());
}

}  // namespace
}  // namespace autoprof
