// Top and Diff: flat and cumulative values by function, and the comparison of
// two such tables under a normalization.
#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "autoprof/analysis.h"
#include "saturating.h"

namespace autoprof {
namespace {

bool ByFlatThenCum(const TopRow& a, const TopRow& b) {
  if (a.flat != b.flat) return a.flat > b.flat;
  if (a.cum != b.cum) return a.cum > b.cum;
  return a.function < b.function;
}

// Seconds of collection, or an error naming the side when per-second needs it.
Result<double> Seconds(const Profile& p, const char* side, Normalization n) {
  double s = static_cast<double>(p.duration_nanos) / 1e9;
  if (n == Normalization::kPerSecond && p.duration_nanos <= 0) {
    return InvalidArgument(std::string(side) +
                           " profile has no duration; per-second normalization needs one");
  }
  return s;
}

double Normalize(int64_t v, int64_t total, double seconds, Normalization n) {
  switch (n) {
    case Normalization::kAbsolute:
      return static_cast<double>(v);
    case Normalization::kShare:
      return total == 0 ? 0 : static_cast<double>(v) / static_cast<double>(total);
    case Normalization::kPerSecond:
      return static_cast<double>(v) / seconds;
  }
  return static_cast<double>(v);
}

}  // namespace

Result<TopTable> Top(const Profile& profile, std::string_view sample_index) {
  Result<size_t> index = FindSampleIndex(profile, sample_index);
  if (!index.ok()) return index.status();
  const size_t vi = *index;
  FrameTable frames(profile);
  const size_t n = frames.names().size();
  std::vector<int64_t> flat(n, 0), cum(n, 0);
  std::vector<uint64_t> counted_in(n, 0);  // the last sample (1-based) a frame's cum included
  TopTable table;
  table.sample_type = profile.sample_types[vi];
  uint64_t stamp = 0;
  for (const Sample& s : profile.samples) {
    ++stamp;
    if (vi >= s.values.size()) continue;
    const int64_t v = s.values[vi];
    AddSaturating(table.total, v);
    if (v == 0) continue;
    bool leaf = true;
    for (uint64_t id : s.location_ids) {
      for (uint32_t f : frames.LocationFrames(id)) {
        if (leaf) {
          AddSaturating(flat[f], v);
          leaf = false;
        }
        if (counted_in[f] != stamp) {  // recursion counts once
          counted_in[f] = stamp;
          AddSaturating(cum[f], v);
        }
      }
    }
  }
  for (size_t f = 0; f < n; ++f) {
    if (flat[f] != 0 || cum[f] != 0) table.rows.push_back({frames.names()[f], flat[f], cum[f]});
  }
  std::sort(table.rows.begin(), table.rows.end(), ByFlatThenCum);
  return table;
}

Result<DiffTable> Diff(const Profile& base, const Profile& target, Normalization normalization,
                       std::string_view sample_index) {
  Result<TopTable> before = Top(base, sample_index);
  if (!before.ok()) return InvalidArgument("base: " + before.status().message());
  Result<TopTable> after = Top(target, sample_index);
  if (!after.ok()) return InvalidArgument("target: " + after.status().message());
  if (!(before->sample_type == after->sample_type)) {
    return InvalidArgument("base sample type " + before->sample_type.type + "/" +
                           before->sample_type.unit + " differs from target's " +
                           after->sample_type.type + "/" + after->sample_type.unit);
  }
  Result<double> base_seconds = Seconds(base, "base", normalization);
  if (!base_seconds.ok()) return base_seconds.status();
  Result<double> target_seconds = Seconds(target, "target", normalization);
  if (!target_seconds.ok()) return target_seconds.status();

  DiffTable d;
  d.sample_type = before->sample_type;
  d.normalization = normalization;
  d.base_total = before->total;
  d.target_total = after->total;
  d.base_seconds = *base_seconds;
  d.target_seconds = *target_seconds;
  std::unordered_map<std::string_view, size_t> row_of;
  auto row = [&](const std::string& name) -> DiffRow& {
    auto [it, inserted] = row_of.try_emplace(name, d.rows.size());
    if (inserted) d.rows.push_back({.function = name});
    return d.rows[it->second];
  };
  d.rows.reserve(before->rows.size() + after->rows.size());
  for (const TopRow& r : before->rows) {
    DiffRow& dr = row(r.function);
    dr.base_flat = r.flat;
    dr.base_cum = r.cum;
  }
  for (const TopRow& r : after->rows) {
    DiffRow& dr = row(r.function);
    dr.target_flat = r.flat;
    dr.target_cum = r.cum;
  }
  for (DiffRow& r : d.rows) {
    r.base = Normalize(r.base_flat, d.base_total, d.base_seconds, normalization);
    r.target = Normalize(r.target_flat, d.target_total, d.target_seconds, normalization);
    r.delta = r.target - r.base;
    r.base_cum_normalized = Normalize(r.base_cum, d.base_total, d.base_seconds, normalization);
    r.target_cum_normalized =
        Normalize(r.target_cum, d.target_total, d.target_seconds, normalization);
    r.cum_delta = r.target_cum_normalized - r.base_cum_normalized;
  }
  std::sort(d.rows.begin(), d.rows.end(), [](const DiffRow& a, const DiffRow& b) {
    if (std::fabs(a.delta) != std::fabs(b.delta)) return std::fabs(a.delta) > std::fabs(b.delta);
    if (std::fabs(a.cum_delta) != std::fabs(b.cum_delta)) {
      return std::fabs(a.cum_delta) > std::fabs(b.cum_delta);
    }
    return a.function < b.function;
  });
  return d;
}

}  // namespace autoprof
