#include "analysis_views.h"

#include <nlohmann/json.hpp>

namespace autoprof::viewer {
namespace {

using json = nlohmann::ordered_json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

const char* QueryName(Normalization n) {
  switch (n) {
    case Normalization::kAbsolute: return "absolute";
    case Normalization::kShare: return "share";
    case Normalization::kPerSecond: return "per-second";
  }
  return "absolute";
}

}  // namespace

Result<Normalization> NormalizationFromQuery(std::string_view word) {
  if (word == "absolute" || word == "none") return Normalization::kAbsolute;
  if (word == "share") return Normalization::kShare;
  if (word == "per-second" || word == "per_second") return Normalization::kPerSecond;
  return InvalidArgument("normalize '" + std::string(word.substr(0, 40)) +
                         "': expected absolute, share or per-second");
}

Result<std::string> TopJson(const Profile& profile, size_t n, std::string_view sample_index) {
  Result<TopTable> top = Top(profile, sample_index);
  if (!top.ok()) return InvalidArgument(top.status().message());
  json rows = json::array();
  for (size_t i = 0; i < top->rows.size() && i < n; ++i) {
    const TopRow& r = top->rows[i];
    rows.push_back({{"function", r.function}, {"flat", r.flat}, {"cum", r.cum}});
  }
  return Dump({{"unit", top->sample_type.unit}, {"total", top->total}, {"rows", std::move(rows)}});
}

Result<std::string> FlameGraphJson(const Profile& profile, const FlameOptions& options) {
  Result<FlameTree> tree = BuildFlameTree(profile, options);
  if (!tree.ok()) return InvalidArgument(tree.status().message());
  return FlameTreeToJson(*tree);
}

Result<std::string> DiffJson(std::span<const Profile> base, std::span<const Profile> target,
                             const DiffOptions& options, size_t n) {
  Result<DiffTree> tree = BuildDiffTree(base, target, options);
  if (!tree.ok()) return InvalidArgument(tree.status().message());
  Result<Profile> merged_base = MergeProfiles(base);
  if (!merged_base.ok()) return InvalidArgument("base: " + merged_base.status().message());
  Result<Profile> merged_target = MergeProfiles(target);
  if (!merged_target.ok()) return InvalidArgument("target: " + merged_target.status().message());
  Result<DiffTable> table = Diff(*merged_base, *merged_target, options.normalization,
                                 options.flame.sample_index);
  if (!table.ok()) return InvalidArgument(table.status().message());

  json rows = json::array();
  for (size_t i = 0; i < table->rows.size() && i < n; ++i) {
    const DiffRow& r = table->rows[i];
    rows.push_back({{"function", r.function},
                    {"before", r.base_flat},
                    {"after", r.target_flat},
                    {"delta", r.target_flat - r.base_flat},
                    {"before_normalized", r.base},
                    {"after_normalized", r.target},
                    {"normalized_delta", r.delta},
                    {"cum_before", r.base_cum},
                    {"cum_after", r.target_cum},
                    {"normalized_cum_delta", r.cum_delta}});
  }
  json table_json = {
      {"sample_type", {{"type", table->sample_type.type}, {"unit", table->sample_type.unit}}},
      {"normalization", QueryName(table->normalization)},
      {"base_total", table->base_total},
      {"target_total", table->target_total},
      {"rows", std::move(rows)}};
  return "{\"tree\":" + DiffTreeToJson(*tree) + ",\"table\":" + Dump(table_json) + "}";
}

}  // namespace autoprof::viewer
