// Flame trees: the call tree a flame graph draws, for one profile or as the
// difference of a base and a target.
//
// A FlameTree merges a profile's samples by stack, root first: one node per
// function name along the path from the root ("all"), inlined frames expanded
// into their own nodes (the containing function above the inlined one). Every
// node has a self value (samples whose leaf it is) and a total (itself plus
// everything below). Large trees are pruned for drawing: children narrower than
// `min_fraction` of the root are folded into one aggregate node per parent,
// named "(N pruned)", whose self and total are the sums of what it replaced, so
// every total stays exact; `max_nodes` caps the node count the same way.
//
// A DiffTree merges several base and several target profiles into one tree with
// both sides' values per node. Nothing vanishes: a frame present on one side only
// keeps its node and is flagged kBaseOnly or kTargetOnly. Each side is put on one
// scale by an explicit Normalization (absolute; share of its own total; per
// second of its summed profile durations). Each node's change is tested for
// significance by treating its sample counts as Poisson: conditional on
// n = a + b (a base count, b target count), b ~ Binomial(n, p0) under "no change",
// with p0 the target's share of the exposure (1/2 absolute; its share of the
// summed counts for share; its share of the summed durations for per-second);
// two-sided, exact for n <= 200, normal with continuity correction above. A change
// is significant when p < DiffOptions::alpha (default 0.001: a 100,000-node tree
// tested at 0.05 would paint thousands of noise frames). Counts are the values of
// the profile's "count" sample type (samples/count, inuse_objects/count, ...)
// when it has one, otherwise the chosen values divided by the period when the
// units agree, otherwise the values themselves.
//
// JSON (FlameTreeToJson / DiffTreeToJson), what the viewer's
// GET /api/v1/profiles/{id}/flamegraph and the "tree" of GET /api/v1/diff return,
// and what viewer/ui/flame.js draws. Column arrays, one entry per node, nodes in
// pre-order (a parent before its children, siblings by name), node 0 the root:
//
//   {"version": 1, "kind": "flame",
//    "sample_type": {"type": "cpu", "unit": "nanoseconds"},
//    "sample_types": ["samples", "cpu"],        // what sample_index may name
//    "total": 123456,                           // == nodes.total[0]
//    "pruned": {"nodes": 17, "min_fraction": 0.0001, "max_nodes": 100000},
//    "names": ["all", "main", "(3 pruned)", ...],  // distinct names
//    "nodes": {"name":   [0, 1, ...],           // index into names
//              "parent": [-1, 0, ...],          // index into nodes; -1 for the root
//              "flags":  [0, 0, 4, ...],        // bit 2 (4): an aggregate of pruned nodes
//              "self":   [...], "total": [...]}}  // raw values, integers
//
//   {"version": 1, "kind": "diff",
//    "sample_type": {...}, "sample_types": [...],
//    "normalization": "share",                  // "absolute" | "share" | "per-second"
//    "alpha": 0.001, "counts": "samples/count", // what the significance test counted
//    "base":   {"profiles": 2, "total": 1000, "counts": 100, "duration_seconds": 20.0},
//    "target": {"profiles": 1, "total": 800,  "counts": 80,  "duration_seconds": 10.0},
//    "pruned": {...}, "names": [...],
//    "nodes": {"name": [...], "parent": [...],
//              "flags": [...],  // 1 base only, 2 target only, 4 aggregate,
//                               // 8/16/32 significant under absolute/share/per-second
//              "before_self": [...], "before_total": [...],   // raw base values
//              "after_self":  [...], "after_total":  [...]}}  // raw target values
//
// Normalized values are raw * scale, scale = 1 (absolute), 1/side.total (share)
// or 1/side.duration_seconds (per-second; unavailable when a duration is 0), so
// a client can switch normalization without asking the server again.
//
// Thread-safety: free functions without shared state; safe to call concurrently.
//
// Example:
//   autoprof::FlameOptions opts;
//   opts.min_fraction = 1.0 / 4000;  // about a pixel on a wide screen
//   autoprof::Result<autoprof::FlameTree> tree = autoprof::BuildFlameTree(profile, opts);
//   if (!tree.ok()) return tree.status();
//   std::string json = autoprof::FlameTreeToJson(*tree);
#ifndef AUTOPROF_FLAME_H_
#define AUTOPROF_FLAME_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "autoprof/analysis.h"
#include "autoprof/profile.h"
#include "autoprof/status.h"

namespace autoprof {

struct FlameOptions {
  // The sample type to draw, by its type name ("cpu", "inuse_space"); empty
  // means the profile's default_sample_type, or the last sample type.
  std::string sample_index;
  // Children whose total (for a diff: the mean of both normalized sides) is below
  // this fraction of the root's are folded into their parent's aggregate node.
  double min_fraction = 0.0;
  // At most this many nodes (0: no cap); the narrowest are folded first.
  size_t max_nodes = 0;
};

enum FlameNodeFlags : uint32_t {
  kBaseOnly = 1,     // diff: the frame has no samples in the target
  kTargetOnly = 2,   // diff: the frame has no samples in the base
  kAggregate = 4,    // "(N pruned)": narrow siblings folded together
  kSignificantAbsolute = 8,
  kSignificantShare = 16,
  kSignificantPerSecond = 32,
};

struct FlameNode {
  uint32_t name = 0;   // index into FlameTree::names
  int32_t parent = -1; // index into FlameTree::nodes; -1 for the root
  uint32_t flags = 0;
  int64_t self = 0;
  int64_t total = 0;
};

struct FlameTree {
  ValueType sample_type;
  std::vector<std::string> sample_types;  // every type name the profile offers
  std::vector<std::string> names;         // names[0] == "all"
  std::vector<FlameNode> nodes;           // pre-order, nodes[0] the root
  size_t pruned_nodes = 0;                // nodes folded into aggregates
  FlameOptions options;

  int64_t total() const { return nodes.empty() ? 0 : nodes[0].total; }
  const std::string& name(size_t node) const { return names[nodes[node].name]; }
};

// Builds the tree of one profile. Fails when `options.sample_index` names no
// sample type. Samples with negative values are skipped (a width cannot be
// negative). Several profiles of one kind may be given; they are merged.
Result<FlameTree> BuildFlameTree(const Profile& profile, const FlameOptions& options = {});
Result<FlameTree> BuildFlameTree(std::span<const Profile> profiles,
                                 const FlameOptions& options = {});

struct DiffOptions {
  FlameOptions flame;
  Normalization normalization = Normalization::kShare;
  double alpha = 0.001;  // significance level of the two-sided test
};

// One side of a diff, after merging its profiles.
struct DiffSide {
  size_t profiles = 0;
  int64_t total = 0;            // raw value at the root
  int64_t counts = 0;           // sample counts at the root (the test's exposure)
  double duration_seconds = 0;  // summed profile durations
};

struct DiffNode {
  uint32_t name = 0;
  int32_t parent = -1;
  uint32_t flags = 0;
  int64_t before_self = 0, before_total = 0;  // raw base values
  int64_t after_self = 0, after_total = 0;    // raw target values
  int64_t before_counts = 0, after_counts = 0;  // sample counts under total
  double before = 0, after = 0;  // normalized totals under DiffTree::normalization
  double p_value = 1;        // of the change of the total, under that normalization
  bool significant = false;  // p_value < alpha (flags hold the verdict of every normalization)
};

struct DiffTree {
  ValueType sample_type;
  std::vector<std::string> sample_types;
  Normalization normalization = Normalization::kShare;
  double alpha = 0.001;
  std::string counts;  // what was counted for the test, e.g. "samples/count"
  DiffSide base, target;
  std::vector<std::string> names;
  std::vector<DiffNode> nodes;  // pre-order, nodes[0] the root
  size_t pruned_nodes = 0;
  FlameOptions options;

  const std::string& name(size_t node) const { return names[nodes[node].name]; }
  // raw * Scale(side) is the normalized value; 0 when per-second has no duration.
  double BaseScale(Normalization n) const;
  double TargetScale(Normalization n) const;
};

// Merges `base` and `target` (each one or more profiles with the chosen sample
// type) into one tree. Fails when a side is empty, a profile lacks the sample
// type, or per-second normalization is asked of a side without a duration.
Result<DiffTree> BuildDiffTree(std::span<const Profile> base, std::span<const Profile> target,
                               const DiffOptions& options = {});

// Two-sided p-value of seeing `b` target counts out of n = a + b under
// b ~ Binomial(n, p0), 0 < p0 < 1: the conditional test of two Poisson counts.
double PoissonChangePValue(int64_t a, int64_t b, double p0);


// The JSON documented above.
std::string FlameTreeToJson(const FlameTree& tree);
std::string DiffTreeToJson(const DiffTree& tree);

}  // namespace autoprof

#endif  // AUTOPROF_FLAME_H_
