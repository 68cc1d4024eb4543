// One self-contained HTML page that draws a flame graph: the renderer of
// viewer/ui/ (flame.js and the modules it imports, inlined as one script), its
// CSS and the tree JSON in one file that opens from disk with no network access.
// A strict Content-Security-Policy allows only that script and style (by their
// SHA-256 hashes) and nothing to be fetched.
//
// Thread-safety: free functions without shared state; safe to call concurrently.
//
// Example:
//   autoprof::Result<autoprof::FlameTree> tree = autoprof::BuildFlameTree(profile, opts);
//   std::string html = autoprof::FlameHtml(*tree, "cpu.pb.gz");
#ifndef AUTOPROF_FLAME_HTML_H_
#define AUTOPROF_FLAME_HTML_H_

#include <string>
#include <string_view>

#include "autoprof/flame.h"

namespace autoprof {

// The page for a profile, or for a diff of a target against a base.
std::string FlameHtml(const FlameTree& tree, std::string_view title);
std::string DiffFlameHtml(const DiffTree& tree, std::string_view title);

// The page for tree JSON made elsewhere (FlameTreeToJson / DiffTreeToJson).
// `title` is escaped; every '<' in the JSON is written as \u003c.
std::string FlameHtmlFromJson(std::string_view tree_json, std::string_view title);

}  // namespace autoprof

#endif  // AUTOPROF_FLAME_HTML_H_
