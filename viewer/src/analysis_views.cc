#include "analysis_views.h"

namespace autoprof::viewer {
Result<std::string> TopJson(const Profile& profile, size_t n, std::string_view sample_index) {
  Result<TopTable> top = Top(profile, sample_index);
  if (!top.ok()) return InvalidArgument(top.status().message());
  return TopTableJson(*top, n);
}

Result<std::string> FlameGraphJson(const Profile& profile, const FlameOptions& options) {
  Result<FlameTree> tree = BuildFlameTree(profile, options);
  if (!tree.ok()) return InvalidArgument(tree.status().message());
  return FlameTreeToJson(*tree);
}

Result<std::string> DiffJson(std::span<const Profile> base, std::span<const Profile> target,
                             const DiffOptions& options, size_t n) {
  Result<DiffTree> tree = BuildDiffTree(base, target, options);
  if (!tree.ok()) return InvalidArgument(tree.status().message());
  Result<Profile> merged_base = MergeProfiles(base);
  if (!merged_base.ok()) return InvalidArgument("base: " + merged_base.status().message());
  Result<Profile> merged_target = MergeProfiles(target);
  if (!merged_target.ok()) return InvalidArgument("target: " + merged_target.status().message());
  Result<DiffTable> table = Diff(*merged_base, *merged_target, options.normalization,
                                 options.flame.sample_index);
  if (!table.ok()) return InvalidArgument(table.status().message());

  return "{\"tree\":" + DiffTreeToJson(*tree) + ",\"table\":" + DiffTableJson(*table, n) + "}";
}

}  // namespace autoprof::viewer
