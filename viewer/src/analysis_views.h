// The JSON bodies of the analysis endpoints (/top, /flamegraph, /diff), built
// from decoded profiles with the profile module's analysis. Kept apart from the
// HTTP code so it can be tested and fuzzed without a server.
//
// Thread-safety: free functions without shared state.
#ifndef AUTOPROF_VIEWER_ANALYSIS_VIEWS_H_
#define AUTOPROF_VIEWER_ANALYSIS_VIEWS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "autoprof/analysis.h"
#include "autoprof/profile.h"
#include "autoprof/status.h"

namespace autoprof::viewer {

// {"unit", "total", "rows": [{"function", "flat", "cum"}]}, flat descending.
// An unknown sample_index is InvalidArgument naming it.
Result<std::string> TopJson(const Profile& profile, size_t n, const std::string& sample_index);

// The tree the UI draws. FailedPrecondition while the flame tree is not built.
Result<std::string> FlameGraphJson(const Profile& profile, const std::string& sample_index);

// Merged base against merged target: the diff tree and the biggest changes.
Result<std::string> DiffJson(const std::vector<Profile>& base, const std::vector<Profile>& target,
                             Normalization normalization, const std::string& sample_index);

}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_ANALYSIS_VIEWS_H_
