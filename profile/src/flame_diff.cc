// BuildDiffTree and the significance test behind its colours.
#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "autoprof/analysis.h"
#include "autoprof/flame.h"
#include "flame_stack_tree.h"

namespace autoprof {
namespace {

// Columns of the diff's stack tree.
enum Column : int { kBaseValue = 0, kTargetValue = 1, kBaseCount = 2, kTargetCount = 3 };

constexpr int64_t kExactLimit = 200;  // exact binomial up to this n, normal above

// log(k!) for k <= kExactLimit, computed once.
const std::array<double, kExactLimit + 1>& LogFactorials() {
  static const auto table = [] {
    std::array<double, kExactLimit + 1> t{};
    for (int64_t k = 1; k <= kExactLimit; ++k) t[k] = t[k - 1] + std::log(static_cast<double>(k));
    return t;
  }();
  return table;
}

// Adds one side's profiles to the tree; fills `side` and the count description.
Status AddSide(const char* label, std::span<const Profile> profiles, const std::string& type,
               int value_column, int count_column, flame_internal::StackTree* stacks,
               DiffSide* side, std::string* counts) {
  if (profiles.empty()) return InvalidArgument(std::string(label) + ": no profile");
  for (size_t i = 0; i < profiles.size(); ++i) {
    Result<size_t> index = FindSampleIndex(profiles[i], type);
    if (!index.ok()) {
      return InvalidArgument(std::string(label) + " profile " + std::to_string(i + 1) + ": " +
                             index.status().message());
    }
    flame_internal::ColumnSource count =
        flame_internal::CountSource(profiles[i], *index, count_column, counts);
    stacks->AddProfile(profiles[i], {{value_column, *index, 1}, count});
    side->duration_seconds += static_cast<double>(profiles[i].duration_nanos) / 1e9;
  }
  side->profiles = profiles.size();
  return Status::Ok();
}

// The target's expected share of a node's counts when nothing changed, or a
// negative number when the normalization cannot be tested.
double NullShare(const DiffTree& t, Normalization n) {
  switch (n) {
    case Normalization::kAbsolute:
      return 0.5;
    case Normalization::kShare:
      if (t.base.counts <= 0 || t.target.counts <= 0) return -1;
      return static_cast<double>(t.target.counts) /
             static_cast<double>(t.base.counts + t.target.counts);
    case Normalization::kPerSecond:
      if (t.base.duration_seconds <= 0 || t.target.duration_seconds <= 0) return -1;
      return t.target.duration_seconds / (t.base.duration_seconds + t.target.duration_seconds);
  }
  return -1;
}

double Scale(const DiffSide& side, Normalization n) {
  switch (n) {
    case Normalization::kAbsolute:
      return 1;
    case Normalization::kShare:
      return side.total > 0 ? 1.0 / static_cast<double>(side.total) : 0;
    case Normalization::kPerSecond:
      return side.duration_seconds > 0 ? 1.0 / side.duration_seconds : 0;
  }
  return 0;
}

constexpr Normalization kAllNormalizations[] = {Normalization::kAbsolute, Normalization::kShare,
                                                Normalization::kPerSecond};

uint32_t SignificantFlag(Normalization n) {
  switch (n) {
    case Normalization::kAbsolute:
      return kSignificantAbsolute;
    case Normalization::kShare:
      return kSignificantShare;
    case Normalization::kPerSecond:
      return kSignificantPerSecond;
  }
  return 0;
}

}  // namespace

double PoissonChangePValue(int64_t a, int64_t b, double p0) {
  int64_t n = 0;
  if (a < 0 || b < 0 || !(p0 > 0 && p0 < 1) || __builtin_add_overflow(a, b, &n)) return 1;
  if (n == 0) return 1;
  const double lp = std::log(p0), lq = std::log1p(-p0);
  if (n <= kExactLimit) {
    // Two-sided as R's binom.test: the mass of every outcome no likelier than b.
    // Walk out from the mode with the pmf's ratio recurrence: one exp per call.
    const auto& lf = LogFactorials();
    auto log_pmf = [&](int64_t k) {
      return lf[n] - lf[k] - lf[n - k] + static_cast<double>(k) * lp +
             static_cast<double>(n - k) * lq;
    };
    const double observed = std::exp(log_pmf(b)) * (1 + 1e-7);
    const double ratio = p0 / (1 - p0);
    const int64_t mode = std::min<int64_t>(n, static_cast<int64_t>((n + 1) * p0));
    const double at_mode = std::exp(log_pmf(mode));
    double p = at_mode <= observed ? at_mode : 0;
    double v = at_mode;
    for (int64_t k = mode; k < n; ++k) {  // v becomes pmf(k + 1)
      v *= static_cast<double>(n - k) / static_cast<double>(k + 1) * ratio;
      if (v <= observed) p += v;
    }
    v = at_mode;
    for (int64_t k = mode; k > 0; --k) {  // v becomes pmf(k - 1)
      v *= static_cast<double>(k) / (static_cast<double>(n - k + 1) * ratio);
      if (v <= observed) p += v;
    }
    return std::min(1.0, p);
  }
  const double mean = static_cast<double>(n) * p0;
  const double sd = std::sqrt(static_cast<double>(n) * p0 * (1 - p0));
  const double z = std::max(0.0, std::fabs(static_cast<double>(b) - mean) - 0.5) / sd;
  return std::erfc(z / std::sqrt(2.0));
}


double DiffTree::BaseScale(Normalization n) const { return Scale(base, n); }
double DiffTree::TargetScale(Normalization n) const { return Scale(target, n); }

Result<DiffTree> BuildDiffTree(std::span<const Profile> base, std::span<const Profile> target,
                               const DiffOptions& options) {
  if (base.empty() || target.empty()) {
    return InvalidArgument(base.empty() ? "base: no profile" : "target: no profile");
  }
  Result<size_t> first = FindSampleIndex(base[0], options.flame.sample_index);
  if (!first.ok()) return InvalidArgument("base profile 1: " + first.status().message());

  DiffTree tree;
  tree.options = options.flame;
  tree.normalization = options.normalization;
  tree.alpha = options.alpha;
  tree.sample_type = base[0].sample_types[*first];
  for (const ValueType& t : base[0].sample_types) tree.sample_types.push_back(t.type);

  flame_internal::StackTree stacks(4);
  AUTOPROF_RETURN_IF_ERROR(AddSide("base", base, tree.sample_type.type, kBaseValue, kBaseCount,
                                   &stacks, &tree.base, &tree.counts));
  AUTOPROF_RETURN_IF_ERROR(AddSide("target", target, tree.sample_type.type, kTargetValue,
                                   kTargetCount, &stacks, &tree.target, &tree.counts));
  tree.base.total = stacks.Total(0, kBaseValue);
  tree.target.total = stacks.Total(0, kTargetValue);
  tree.base.counts = stacks.Total(0, kBaseCount);
  tree.target.counts = stacks.Total(0, kTargetCount);
  if (options.normalization == Normalization::kPerSecond) {
    if (tree.base.duration_seconds <= 0) {
      return InvalidArgument("per-second normalization: a base profile has no duration");
    }
    if (tree.target.duration_seconds <= 0) {
      return InvalidArgument("per-second normalization: a target profile has no duration");
    }
  }

  const double sb = tree.BaseScale(options.normalization);
  const double st = tree.TargetScale(options.normalization);
  flame_internal::FlatTree flat = stacks.Flatten(
      [&](size_t node) {
        return (static_cast<double>(stacks.Total(node, kBaseValue)) * sb +
                static_cast<double>(stacks.Total(node, kTargetValue)) * st) / 2;
      },
      options.flame.min_fraction, options.flame.max_nodes);

  double null_share[3];
  for (Normalization n : kAllNormalizations) null_share[int(n)] = NullShare(tree, n);

  tree.names = std::move(flat.names);
  tree.pruned_nodes = flat.pruned_nodes;
  tree.nodes.resize(flat.size());
  for (size_t i = 0; i < flat.size(); ++i) {
    DiffNode& d = tree.nodes[i];
    const int64_t* self = &flat.self[i * 4];
    const int64_t* total = &flat.total[i * 4];
    d.name = flat.name[i];
    d.parent = flat.parent[i];
    d.flags = flat.flags[i];
    d.before_self = self[kBaseValue];
    d.after_self = self[kTargetValue];
    d.before_total = total[kBaseValue];
    d.after_total = total[kTargetValue];
    d.before_counts = total[kBaseCount];
    d.after_counts = total[kTargetCount];
    if (d.before_total == 0 && d.after_total != 0) d.flags |= kTargetOnly;
    if (d.after_total == 0 && d.before_total != 0) d.flags |= kBaseOnly;
    d.before = static_cast<double>(d.before_total) * sb;
    d.after = static_cast<double>(d.after_total) * st;
    for (Normalization n : kAllNormalizations) {
      if (null_share[int(n)] < 0) continue;
      double p = PoissonChangePValue(d.before_counts, d.after_counts, null_share[int(n)]);
      if (p < options.alpha) d.flags |= SignificantFlag(n);
      if (n == options.normalization) {
        d.p_value = p;
        d.significant = p < options.alpha;
      }
    }
  }
  return tree;
}

}  // namespace autoprof
