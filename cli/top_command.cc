// autoprof top FILE [-n N] [--sample-index NAME] [--json]: the flat/cumulative
// table by function. --json prints the viewer's /top shape:
// {"unit": ..., "total": ..., "rows": [{"function", "flat", "cum"}]}.
#include <cinttypes>
#include <cstdio>

#include "args.h"
#include "autoprof/analysis.h"
#include "autoprof/pprof.h"

namespace autoprof::cli {
namespace {

constexpr std::string_view kUsage =
    "usage: autoprof top FILE [-n N (default 20, 0 = all)] [--sample-index NAME] [--json]";

double Percent(int64_t part, int64_t total) {
  return total == 0 ? 0.0 : 100.0 * static_cast<double>(part) / static_cast<double>(total);
}

}  // namespace

int TopCommand(Args argv) {
  Result<ParsedArgs> args = ParseArgs(argv, {"-n", "--sample-index"}, {"--json"});
  if (!args.ok()) return UsageError("top", args.status().message());
  if (args->positional.size() != 1) return UsageError("top", kUsage);
  Result<size_t> limit = ParseCountFlag(*args, "-n", 20);
  if (!limit.ok()) return UsageError("top", limit.status().message());
  const std::string& path = args->positional[0];
  Result<Profile> profile = ReadProfileFile(path);
  if (!profile.ok()) return UsageError("top", profile.status().message());
  Result<TopTable> table = Top(*profile, args->Value("--sample-index").value_or(""));
  if (!table.ok()) return UsageError("top", path + ": " + table.status().message());
  const size_t shown = *limit == 0 ? table->rows.size() : std::min(*limit, table->rows.size());

  if (args->Has("--json")) {
    std::printf("%s\n", TopTableJson(*table, shown).c_str());
    return 0;
  }
  std::printf("Type: %s (%s), total %" PRId64 "\n", table->sample_type.type.c_str(),
              table->sample_type.unit.c_str(), table->total);
  std::printf("Showing %zu of %zu functions\n", shown, table->rows.size());
  std::printf("%14s %7s %7s %14s %7s  %s\n", "flat", "flat%", "sum%", "cum", "cum%", "function");
  int64_t sum = 0;
  for (size_t i = 0; i < shown; ++i) {
    const TopRow& r = table->rows[i];
    sum += r.flat;
    std::printf("%14" PRId64 " %6.2f%% %6.2f%% %14" PRId64 " %6.2f%%  %s\n", r.flat,
                Percent(r.flat, table->total), Percent(sum, table->total), r.cum,
                Percent(r.cum, table->total), r.function.c_str());
  }
  return 0;
}

}  // namespace autoprof::cli
