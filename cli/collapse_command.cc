// autoprof collapse FILE [--sample-index NAME]: folded stacks ("a;b;c 42"), the
// input of flamegraph.pl.
#include <cstdio>

#include "args.h"
#include "autoprof/analysis.h"
#include "autoprof/pprof.h"

namespace autoprof::cli {

int CollapseCommand(Args argv) {
  Result<ParsedArgs> args = ParseArgs(argv, {"--sample-index"}, {});
  if (!args.ok()) return UsageError("collapse", args.status().message());
  if (args->positional.size() != 1) {
    return UsageError("collapse", "usage: autoprof collapse FILE [--sample-index NAME]");
  }
  const std::string& path = args->positional[0];
  Result<Profile> profile = ReadProfileFile(path);
  if (!profile.ok()) return UsageError("collapse", profile.status().message());
  Result<std::string> folded = CollapseStacks(*profile, args->Value("--sample-index").value_or(""));
  if (!folded.ok()) return UsageError("collapse", path + ": " + folded.status().message());
  if (std::fwrite(folded->data(), 1, folded->size(), stdout) != folded->size()) return 1;
  return std::fflush(stdout) == 0 ? 0 : 1;
}

}  // namespace autoprof::cli
