// FlameTree: stacks merged root first, self and total, inlined frames, recursion,
// sample type choice, and pruning that keeps every total exact.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>
#include <vector>

#include "autoprof/flame.h"
#include "test_profiles.h"

namespace autoprof {
namespace {

using testing::ProfileBuilder;

int Find(const FlameTree& t, const std::vector<std::string>& path) { return testing::FindNode(t, path); }

// total == self + sum of children's totals, for every node.
void ExpectTotalsConsistent(const FlameTree& t) {
  std::vector<int64_t> children(t.nodes.size(), 0);
  for (size_t i = 1; i < t.nodes.size(); ++i) {
    ASSERT_LT(t.nodes[i].parent, static_cast<int>(i)) << "not pre-order at node " << i;
    children[t.nodes[i].parent] += t.nodes[i].total;
  }
  for (size_t i = 0; i < t.nodes.size(); ++i) {
    EXPECT_EQ(t.nodes[i].total, t.nodes[i].self + children[i]) << "node " << t.name(i);
  }
}

TEST(FlameTree, MergesStacksRootFirstWithSelfAndTotal) {
  Profile p = ProfileBuilder()
                  .AddCpu({"main", "serve", "parse"}, 3)
                  .AddCpu({"main", "serve", "encode"}, 5)
                  .AddCpu({"main", "serve"}, 2)
                  .AddCpu({"main", "idle"}, 1)
                  .Build();
  Result<FlameTree> t = BuildFlameTree(p, {.sample_index = "samples"});
  ASSERT_TRUE(t.ok()) << t.status().message();
  EXPECT_EQ(t->name(0), "all");
  EXPECT_EQ(t->total(), 11);
  int serve = Find(*t, {"main", "serve"});
  ASSERT_GE(serve, 0);
  EXPECT_EQ(t->nodes[serve].total, 10);
  EXPECT_EQ(t->nodes[serve].self, 2);
  EXPECT_EQ(t->nodes[Find(*t, {"main", "serve", "encode"})].self, 5);
  EXPECT_EQ(t->nodes[Find(*t, {"main"})].self, 0);
  ExpectTotalsConsistent(*t);
}

TEST(FlameTree, SiblingsComeInNameOrder) {
  Profile p = ProfileBuilder().AddCpu({"main", "zeta"}, 1).AddCpu({"main", "alpha"}, 1).Build();
  Result<FlameTree> t = BuildFlameTree(p);
  ASSERT_TRUE(t.ok());
  int alpha = Find(*t, {"main", "alpha"}), zeta = Find(*t, {"main", "zeta"});
  EXPECT_LT(alpha, zeta);
}

TEST(FlameTree, InlinedFramesBecomeNodesBelowTheirContainingFunction) {
  // One location whose lines are [inlined helper, containing function].
  Profile p = ProfileBuilder().AddCpu({"main", "Compute~>Square"}, 4).Build();
  Result<FlameTree> t = BuildFlameTree(p);
  ASSERT_TRUE(t.ok());
  int square = Find(*t, {"main", "Compute", "Square"});
  ASSERT_GE(square, 0) << "inlined Square must be a child of Compute";
  EXPECT_EQ(t->nodes[square].self, 4 * 10'000'000);
}

TEST(FlameTree, RecursionNestsWithoutCountingTwice) {
  Profile p = ProfileBuilder().AddCpu({"main", "walk", "walk", "walk"}, 7).Build();
  Result<FlameTree> t = BuildFlameTree(p, {.sample_index = "samples"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->total(), 7);
  int outer = Find(*t, {"main", "walk"});
  int inner = Find(*t, {"main", "walk", "walk", "walk"});
  ASSERT_GE(inner, 0);
  EXPECT_EQ(t->nodes[outer].total, 7);
  EXPECT_EQ(t->nodes[outer].self, 0);
  EXPECT_EQ(t->nodes[inner].self, 7);
  EXPECT_EQ(t->nodes.size(), 5u);  // all, main, walk x3
}

TEST(FlameTree, DefaultSampleTypeIsTheProfilesDefaultElseTheLast) {
  ProfileBuilder b;
  b.AddCpu({"main"}, 2);
  Result<FlameTree> last = BuildFlameTree(b.Build());
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(last->sample_type.type, "cpu");
  EXPECT_EQ(last->total(), 20'000'000);
  b.profile().default_sample_type = "samples";
  Result<FlameTree> chosen = BuildFlameTree(b.Build());
  ASSERT_TRUE(chosen.ok());
  EXPECT_EQ(chosen->sample_type.type, "samples");
  EXPECT_EQ(chosen->total(), 2);
}

TEST(FlameTree, UnknownSampleTypeIsAnErrorNamingIt) {
  Result<FlameTree> t = BuildFlameTree(ProfileBuilder().AddCpu({"main"}, 1).Build(),
                                       {.sample_index = "inuse_space"});
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.status().message().find("inuse_space"), std::string::npos);
  EXPECT_NE(t.status().message().find("samples, cpu"), std::string::npos);
}

TEST(FlameTree, SeveralProfilesAreMerged) {
  Profile a = ProfileBuilder().AddCpu({"main", "f"}, 2).Build();
  Profile b = ProfileBuilder().AddCpu({"main", "f"}, 3).AddCpu({"main", "g"}, 1).Build();
  std::vector<Profile> both = {a, b};
  Result<FlameTree> t = BuildFlameTree(both, {.sample_index = "samples"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->nodes[Find(*t, {"main", "f"})].total, 5);
  EXPECT_EQ(t->total(), 6);
}

TEST(FlameTree, LocationsWithoutLinesAreNamedByFileAndOffsetAsInTop) {
  ProfileBuilder b;
  b.AddCpu({"main"}, 1);
  Profile p = b.Build();
  p.mappings.push_back({.id = 1, .memory_start = 0x1000, .memory_limit = 0x9000,
                        .file_offset = 0x200, .filename = "/usr/lib/libfoo.so"});
  p.locations.push_back({.id = 99, .mapping_id = 1, .address = 0x1010});
  p.samples.push_back({{99, p.samples[0].location_ids[0]}, {1, 10}, {}});
  Result<FlameTree> t = BuildFlameTree(p, {.sample_index = "samples"});
  ASSERT_TRUE(t.ok());
  EXPECT_GE(Find(*t, {"main", "libfoo.so+0x210"}), 0);  // 0x1010 - 0x1000 + 0x200
}

// A random profile: 2,000 stacks of depth 1-12 over 300 functions, Zipf-like values.
Profile RandomProfile(uint32_t seed) {
  std::mt19937 rng(seed);
  ProfileBuilder b;
  for (int i = 0; i < 2000; ++i) {
    std::vector<std::string> stack = {"main"};
    int depth = 1 + static_cast<int>(rng() % 12);
    for (int d = 0; d < depth; ++d) stack.push_back("f" + std::to_string(rng() % (d < 2 ? 5 : 300)));
    b.AddCpu(stack, 1 + static_cast<int64_t>(1000 / (1 + rng() % 1000)));
  }
  return b.Build();
}

TEST(FlameTree, PruningKeepsEveryTotalExact) {
  Profile p = RandomProfile(1);
  Result<FlameTree> full = BuildFlameTree(p, {.sample_index = "samples"});
  Result<FlameTree> pruned =
      BuildFlameTree(p, {.sample_index = "samples", .min_fraction = 0.002});
  ASSERT_TRUE(full.ok() && pruned.ok());
  EXPECT_LT(pruned->nodes.size(), full->nodes.size() / 4);
  EXPECT_GT(pruned->pruned_nodes, 0u);
  EXPECT_EQ(pruned->total(), full->total());
  ExpectTotalsConsistent(*pruned);
  const double threshold = 0.002 * static_cast<double>(full->total());
  size_t aggregates = 0;
  for (size_t i = 0; i < pruned->nodes.size(); ++i) {
    const FlameNode& n = pruned->nodes[i];
    if (n.flags & kAggregate) {
      ++aggregates;
      EXPECT_EQ(pruned->name(i).back(), ')');
      EXPECT_EQ(pruned->name(i).find(" pruned)") != std::string::npos, true);
    } else {
      EXPECT_GE(static_cast<double>(n.total), threshold) << pruned->name(i);
    }
  }
  EXPECT_GT(aggregates, 0u);
  // Each kept node's total equals the unpruned node's total on the same path.
  int main_full = Find(*full, {"main"}), main_pruned = Find(*pruned, {"main"});
  EXPECT_EQ(full->nodes[main_full].total, pruned->nodes[main_pruned].total);
}

TEST(FlameTree, NodeCapIsHonouredAndTotalsStayExact) {
  Profile p = RandomProfile(2);
  Result<FlameTree> capped = BuildFlameTree(p, {.sample_index = "samples", .max_nodes = 200});
  ASSERT_TRUE(capped.ok());
  EXPECT_LE(capped->nodes.size(), 200u);
  EXPECT_GT(capped->nodes.size(), 50u);
  Result<FlameTree> full = BuildFlameTree(p, {.sample_index = "samples"});
  EXPECT_EQ(capped->total(), full->total());
  ExpectTotalsConsistent(*capped);
}

TEST(FlameTree, NegativeValuesAreSkipped) {
  Profile p = ProfileBuilder().AddCpu({"main", "a"}, 2).Add({"main", "b"}, {-3, -30}).Build();
  Result<FlameTree> t = BuildFlameTree(p, {.sample_index = "samples"});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->total(), 2);
  EXPECT_EQ(Find(*t, {"main", "b"}), -1);
}

}  // namespace
}  // namespace autoprof
