#include "request_params.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "autoprof/profile_upload.h"

namespace autoprof::viewer {
namespace {

constexpr size_t kMaxListLimit = 10000;

}  // namespace

std::string QueryParams::get_param_value(const std::string& name, size_t index) const {
  auto [first, last] = params_.equal_range(name);
  for (; first != last; ++first, --index) {
    if (index == 0) return first->second;
  }
  return {};
}

Result<size_t> ParseCount(const QueryParams& req, const char* name, size_t fallback,
                          size_t max) {
  if (!req.has_param(name)) return fallback;
  std::string text = req.get_param_value(name);
  size_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value == 0 || value > max) {
    return InvalidArgument(std::string(name) + " '" + text.substr(0, 40) +
                           "': expected an integer from 1 to " + std::to_string(max));
  }
  return value;
}

Result<std::vector<std::string>> ParseIdList(const QueryParams& req, const char* name) {
  if (!req.has_param(name) || req.get_param_value(name).empty()) {
    return InvalidArgument(std::string(name) + ": missing (expected ID[,ID...])");
  }
  std::vector<std::string> ids;
  const std::string text = req.get_param_value(name);
  std::string_view rest = text;
  while (true) {
    size_t comma = rest.find(',');
    std::string id(rest.substr(0, comma));
    if (!IsContentId(id)) {
      return InvalidArgument(std::string(name) + ": invalid profile id '" + id.substr(0, 80) +
                             "' (expected 64 hex digits)");
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    if (ids.size() > kMaxIdsPerSide) {
      return InvalidArgument(std::string(name) + ": more than " + std::to_string(kMaxIdsPerSide) +
                             " profiles");
    }
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return ids;
}

// sample_index, min_fraction and max_nodes of the flame endpoints. By default
// frames narrower than 1/10,000 of the root are pruned into aggregates (below a
// pixel on any screen) and at most 100,000 nodes are sent.
Result<FlameOptions> ParseFlameOptions(const QueryParams& req) {
  FlameOptions options;
  options.sample_index = req.get_param_value("sample_index");
  options.min_fraction = 1e-4;
  options.max_nodes = 100'000;
  if (req.has_param("min_fraction")) {
    std::string text = req.get_param_value("min_fraction");
    double value = -1;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || !(value >= 0 && value < 1)) {
      return InvalidArgument("min_fraction '" + text.substr(0, 40) + "': expected a number in [0, 1)");
    }
    options.min_fraction = value;
  }
  Result<size_t> max_nodes = ParseCount(req, "max_nodes", options.max_nodes, 1'000'000);
  if (!max_nodes.ok()) return max_nodes.status();
  options.max_nodes = *max_nodes;
  return options;
}

Result<ProfileQuery> ParseProfileQuery(const QueryParams& req) {
  ProfileQuery q;
  if (req.has_param("app")) q.app = req.get_param_value("app");
  if (req.has_param("kind")) q.kind = req.get_param_value("kind");
  if (req.has_param("reason")) q.trigger_reason = req.get_param_value("reason");
  for (const char* bound : {"from", "to"}) {
    if (!req.has_param(bound)) continue;
    Result<int64_t> ns = ParseTimestamp(req.get_param_value(bound));
    if (!ns.ok()) return InvalidArgument(std::string(bound) + ": " + ns.status().message());
    (bound[0] == 'f' ? q.from_ns : q.to_ns) = *ns;
  }
  for (size_t i = 0; i < req.get_param_value_count("label"); ++i) {
    std::string pair = req.get_param_value("label", i);
    size_t colon = pair.find(':');
    if (colon == std::string::npos || colon == 0) {
      return InvalidArgument("label '" + pair.substr(0, 80) + "': expected key:value");
    }
    q.labels.emplace_back(pair.substr(0, colon), pair.substr(colon + 1));
  }
  Result<size_t> limit = ParseCount(req, "limit", 1000, kMaxListLimit);
  if (!limit.ok()) return limit.status();
  q.limit = *limit;
  return q;
}


}  // namespace autoprof::viewer
