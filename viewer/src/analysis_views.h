// The JSON bodies of the analysis endpoints (/top, /flamegraph, /diff), built
// from decoded profiles with the profile module's analysis and flame trees. Kept
// apart from the HTTP code so it can be tested without a server.
//
// Thread-safety: free functions without shared state.
#ifndef AUTOPROF_VIEWER_ANALYSIS_VIEWS_H_
#define AUTOPROF_VIEWER_ANALYSIS_VIEWS_H_

#include <cstddef>
#include <span>
#include <string>

#include "autoprof/flame.h"
#include "autoprof/profile.h"
#include "autoprof/status.h"

namespace autoprof::viewer {

// {"unit", "total", "rows": [{"function", "flat", "cum"}]}, flat descending.
// An unknown sample_index is InvalidArgument naming it.
Result<std::string> TopJson(const Profile& profile, size_t n, const std::string& sample_index);

// The flame tree (autoprof/flame.h's JSON), pruned per `options`.
Result<std::string> FlameGraphJson(const Profile& profile, const FlameOptions& options);

// Merged base against merged target: {"tree": the diff tree, "table": the
// biggest changes by function}.
Result<std::string> DiffJson(std::span<const Profile> base, std::span<const Profile> target,
                             const DiffOptions& options);

}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_ANALYSIS_VIEWS_H_
