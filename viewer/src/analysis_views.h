// The JSON bodies of the analysis endpoints (/top, /flamegraph, /diff), built
// from decoded profiles with the profile module's analysis (autoprof/analysis.h)
// and flame trees (autoprof/flame.h). Kept apart from the HTTP code so it can be
// tested without a server.
//
// Thread-safety: free functions without shared state.
#ifndef AUTOPROF_VIEWER_ANALYSIS_VIEWS_H_
#define AUTOPROF_VIEWER_ANALYSIS_VIEWS_H_

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "autoprof/analysis.h"
#include "autoprof/flame.h"
#include "autoprof/profile.h"
#include "autoprof/status.h"

namespace autoprof::viewer {

// {"unit", "total", "rows": [{"function", "flat", "cum"}]}: the first `n` rows,
// flat descending, values in the sample type's own unit.
Result<std::string> TopJson(const Profile& profile, size_t n, std::string_view sample_index);

// The flame tree (autoprof/flame.h's JSON), pruned per `options`.
Result<std::string> FlameGraphJson(const Profile& profile, const FlameOptions& options);

// Merged base against merged target:
//   {"tree": the diff tree (autoprof/flame.h's JSON),
//    "table": the diff table (autoprof/analysis.h's DiffTableJson)}
// with the `n` biggest changes by |normalized_delta|.
Result<std::string> DiffJson(std::span<const Profile> base, std::span<const Profile> target,
                             const DiffOptions& options, size_t n);


}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_ANALYSIS_VIEWS_H_
