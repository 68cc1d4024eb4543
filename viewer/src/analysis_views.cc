#include "analysis_views.h"

namespace autoprof::viewer {

// Until the analysis (Top, Merge, Diff) and the flame tree land in the profile
// module, these endpoints say so: the server answers 501 with this reason.
Result<std::string> TopJson(const Profile&, size_t, const std::string&) {
  return FailedPrecondition("top is not available in this build: the analysis module has not landed");
}

Result<std::string> FlameGraphJson(const Profile&, const std::string&) {
  return FailedPrecondition(
      "flamegraph is not available in this build: the flame tree has not landed");
}

Result<std::string> DiffJson(const std::vector<Profile>&, const std::vector<Profile>&,
                             Normalization, const std::string&) {
  return FailedPrecondition("diff is not available in this build: the diff tree has not landed");
}

}  // namespace autoprof::viewer
