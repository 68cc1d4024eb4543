#include "analysis_views.h"

namespace autoprof::viewer {

// Until the analysis Top lands in the profile module the endpoint says so: the
// server answers 501 with this reason.
Result<std::string> TopJson(const Profile&, size_t, const std::string&) {
  return FailedPrecondition("top is not available in this build: the analysis Top has not landed");
}

Result<std::string> FlameGraphJson(const Profile& profile, const FlameOptions& options) {
  Result<FlameTree> tree = BuildFlameTree(profile, options);
  if (!tree.ok()) return InvalidArgument(tree.status().message());
  return FlameTreeToJson(*tree);
}

Result<std::string> DiffJson(std::span<const Profile> base, std::span<const Profile> target,
                             const DiffOptions& options) {
  Result<DiffTree> tree = BuildDiffTree(base, target, options);
  if (!tree.ok()) return InvalidArgument(tree.status().message());
  return "{\"tree\":" + DiffTreeToJson(*tree) + "}";
}

}  // namespace autoprof::viewer
