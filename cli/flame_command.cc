// autoprof flame FILE[,FILE...] [--diff-base BASE[,BASE...]] -o OUT.html
//                 [--sample-index NAME] [--normalize absolute|share|per-second]
// Writes one self-contained HTML flame graph (a differential one with
// --diff-base: FILE is the target). Several files per side are merged. The page
// is written atomically (autoprof/atomic_file.h): never half a page.
#include <cstdio>
#include <string>
#include <vector>

#include "args.h"
#include "autoprof/atomic_file.h"
#include "autoprof/flame.h"
#include "autoprof/flame_html.h"
#include "autoprof/pprof.h"

namespace autoprof::cli {
namespace {

constexpr char kCommand[] = "flame";
// Sub-pixel even when zoomed in tenfold on a wide screen; the cap bounds the file.
constexpr double kMinFraction = 1e-5;
constexpr size_t kMaxNodes = 100'000;

std::vector<std::string> SplitComma(const std::string& list) {
  std::vector<std::string> out;
  size_t start = 0;
  for (;;) {
    size_t comma = list.find(',', start);
    out.push_back(list.substr(start, comma - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Result<std::vector<Profile>> ReadAll(const std::vector<std::string>& paths) {
  std::vector<Profile> out;
  for (const std::string& path : paths) {
    if (path.empty()) return InvalidArgument("empty file name in a comma-separated list");
    Result<Profile> p = ReadProfileFile(path);
    if (!p.ok()) return p.status();
    out.push_back(std::move(*p));
  }
  return out;
}

std::string Basenames(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& p : paths) out += (out.empty() ? "" : ",") + p.substr(p.rfind('/') + 1);
  return out;
}

}  // namespace

int FlameCommand(Args args) {
  Result<ParsedArgs> parsed =
      ParseArgs(args, {"-o", "--diff-base", "--sample-index", "--normalize"}, {});
  if (!parsed.ok()) return UsageError(kCommand, parsed.status().message());
  if (parsed->positional.size() != 1) {
    return UsageError(kCommand, "expected one FILE (several as a.pb.gz,b.pb.gz): "
                                "flame FILE [--diff-base BASE] -o OUT.html");
  }
  std::optional<std::string> out = parsed->Value("-o");
  if (!out || out->empty()) return UsageError(kCommand, "-o OUT.html is required");

  FlameOptions flame;
  flame.sample_index = parsed->Value("--sample-index").value_or("");
  flame.min_fraction = kMinFraction;
  flame.max_nodes = kMaxNodes;

  std::vector<std::string> target_paths = SplitComma(parsed->positional[0]);
  Result<std::vector<Profile>> target = ReadAll(target_paths);
  if (!target.ok()) return UsageError(kCommand, target.status().message());

  std::string html;
  if (std::optional<std::string> base_list = parsed->Value("--diff-base")) {
    DiffOptions options;
    options.flame = flame;
    if (auto norm = parsed->Value("--normalize")) {
      Result<Normalization> n = ParseNormalization(*norm);
      if (!n.ok()) return UsageError(kCommand, "--normalize: " + n.status().message());
      options.normalization = *n;
    }
    std::vector<std::string> base_paths = SplitComma(*base_list);
    Result<std::vector<Profile>> base = ReadAll(base_paths);
    if (!base.ok()) return UsageError(kCommand, base.status().message());
    Result<DiffTree> tree = BuildDiffTree(*base, *target, options);
    if (!tree.ok()) return UsageError(kCommand, tree.status().message());
    html = DiffFlameHtml(*tree, Basenames(base_paths) + " → " + Basenames(target_paths));
  } else {
    if (parsed->Value("--normalize")) return UsageError(kCommand, "--normalize needs --diff-base");
    Result<FlameTree> tree = BuildFlameTree(*target, flame);
    if (!tree.ok()) return UsageError(kCommand, parsed->positional[0] + ": " + tree.status().message());
    html = FlameHtml(*tree, Basenames(target_paths));
  }
  Status written = WriteFileAtomically(*out, html);
  if (!written.ok()) {
    std::fprintf(stderr, "autoprof flame: %s\n", written.message().c_str());
    return 1;
  }
  return 0;
}

}  // namespace autoprof::cli
