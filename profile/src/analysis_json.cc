// The JSON shapes of top and diff tables, shared by the CLI and the viewer.
#include <nlohmann/json.hpp>

#include "autoprof/analysis.h"

namespace autoprof {
namespace {

using json = nlohmann::ordered_json;

// Names come from the profile: invalid UTF-8 is replaced, never thrown on.
std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

size_t Shown(size_t rows, size_t n) { return n == 0 ? rows : std::min(rows, n); }

}  // namespace

std::string TopTableJson(const TopTable& table, size_t n) {
  json rows = json::array();
  for (size_t i = 0; i < Shown(table.rows.size(), n); ++i) {
    const TopRow& r = table.rows[i];
    rows.push_back({{"function", r.function}, {"flat", r.flat}, {"cum", r.cum}});
  }
  return Dump({{"unit", table.sample_type.unit}, {"total", table.total}, {"rows", std::move(rows)}});
}

std::string DiffTableJson(const DiffTable& table, size_t n) {
  json rows = json::array();
  for (size_t i = 0; i < Shown(table.rows.size(), n); ++i) {
    const DiffRow& r = table.rows[i];
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
  return Dump({{"sample_type", {{"type", table.sample_type.type}, {"unit", table.sample_type.unit}}},
               {"normalization", NormalizationName(table.normalization)},
               {"base", {{"total", table.base_total}, {"seconds", table.base_seconds}}},
               {"target", {{"total", table.target_total}, {"seconds", table.target_seconds}}},
               {"rows", std::move(rows)}});
}

}  // namespace autoprof
