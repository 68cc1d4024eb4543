// autoprof diff BASE NEW [-n N] [--normalize absolute|share|per-second]
//               [--sample-index NAME] [--json]
// The biggest changes by function between a base and a target; each side may
// be several files ("a.pb.gz,b.pb.gz"), merged before comparing. The default
// normalization is `share` (each side as a fraction of its own total): it is
// defined for every kind of profile and does not depend on how long each side
// ran; `per-second` needs profile durations; `absolute` (or `none`) compares
// raw values.
#include <cinttypes>
#include <cmath>
#include <cstdio>

#include "args.h"
#include "autoprof/analysis.h"
#include "autoprof/pprof.h"

namespace autoprof::cli {
namespace {

constexpr std::string_view kUsage =
    "usage: autoprof diff BASE[,BASE...] NEW[,NEW...] [-n N (default 20, 0 = all)] "
    "[--normalize absolute|share|per-second (default share)] [--sample-index NAME] [--json]";

// A normalized value as people read it: a percentage for shares, a rate for
// per-second, the raw number otherwise.
std::string Show(double v, Normalization n) {
  char buf[64];
  switch (n) {
    case Normalization::kShare:
      (void)std::snprintf(buf, sizeof(buf), "%+.2f%%", 100 * v);
      break;
    case Normalization::kPerSecond:
      (void)std::snprintf(buf, sizeof(buf), "%+.4g/s", v);
      break;
    case Normalization::kAbsolute:
      (void)std::snprintf(buf, sizeof(buf), "%+.0f", v);
      break;
  }
  std::string s = buf;
  return s[0] == '+' ? s.substr(1) : s;  // only deltas carry a sign
}

std::string ShowDelta(double v, Normalization n) {
  std::string s = Show(v, n);
  return v > 0 ? "+" + s : s;
}

}  // namespace

int DiffCommand(Args argv) {
  Result<ParsedArgs> args = ParseArgs(argv, {"-n", "--normalize", "--sample-index"}, {"--json"});
  if (!args.ok()) return UsageError("diff", args.status().message());
  if (args->positional.size() != 2) return UsageError("diff", kUsage);
  Result<size_t> limit = ParseCountFlag(*args, "-n", 20);
  if (!limit.ok()) return UsageError("diff", limit.status().message());
  Result<Normalization> normalization =
      ParseNormalization(args->Value("--normalize").value_or("share"));
  if (!normalization.ok())
    return UsageError("diff", "--normalize: " + normalization.status().message());

  Result<Profile> base = ReadMergedProfiles(args->positional[0]);
  if (!base.ok()) return UsageError("diff", base.status().message());
  Result<Profile> target = ReadMergedProfiles(args->positional[1]);
  if (!target.ok()) return UsageError("diff", target.status().message());
  Result<DiffTable> diff =
      Diff(*base, *target, *normalization, args->Value("--sample-index").value_or(""));
  if (!diff.ok()) {
    return UsageError("diff", args->positional[0] + " vs " + args->positional[1] + ": " +
                                  diff.status().message());
  }
  const size_t shown = *limit == 0 ? diff->rows.size() : std::min(*limit, diff->rows.size());

  if (args->Has("--json")) {
    std::printf("%s\n", DiffTableJson(*diff, shown).c_str());
    return 0;
  }
  const Normalization n = *normalization;
  std::printf("Type: %s (%s), normalized: %s\n", diff->sample_type.type.c_str(),
              diff->sample_type.unit.c_str(), std::string(NormalizationName(n)).c_str());
  std::printf("Base total %" PRId64 " over %.3g s; target total %" PRId64 " over %.3g s\n",
              diff->base_total, diff->base_seconds, diff->target_total, diff->target_seconds);
  std::printf("Showing %zu of %zu functions, biggest flat change first\n", shown,
              diff->rows.size());
  std::printf("%12s %12s %12s %12s  %s\n", "base", "target", "delta", "cum delta", "function");
  for (size_t i = 0; i < shown; ++i) {
    const DiffRow& r = diff->rows[i];
    std::printf("%12s %12s %12s %12s  %s\n", Show(r.base, n).c_str(), Show(r.target, n).c_str(),
                ShowDelta(r.delta, n).c_str(), ShowDelta(r.cum_delta, n).c_str(),
                r.function.c_str());
  }
  return 0;
}

}  // namespace autoprof::cli
