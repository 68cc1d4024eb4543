#include "agent_config.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>

namespace autoprof {
namespace {

std::string Quote(std::string_view name, std::string_view text, std::string_view what) {
  return std::string(name) + ": '" + std::string(text) + "' " + std::string(what);
}

Result<int64_t> ParseWhole(std::string_view name, std::string_view text, int64_t min,
                           int64_t max) {
  int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument(Quote(name, text, "is not a whole number"));
  }
  if (v < min || v > max) {
    return InvalidArgument(Quote(name, text, "is out of range [" + std::to_string(min) + ", " +
                                                  std::to_string(max) + "]"));
  }
  return v;
}

}  // namespace

Result<Millis> ParseDuration(std::string_view name, std::string_view text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  std::string_view number = text.substr(0, digits), unit = text.substr(digits);
  int64_t scale = 0;
  if (unit == "ms") scale = 1;
  else if (unit == "s") scale = 1000;
  else if (unit == "m") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  if (digits == 0 || scale == 0) {
    return InvalidArgument(Quote(name, text, "is not a duration like 500ms, 5s, 1m or 1h"));
  }
  constexpr int64_t kMaxMillis = int64_t{366} * 24 * 3'600'000;  // a year is plenty
  Result<int64_t> n = ParseWhole(name, number, 0, kMaxMillis / scale);
  if (!n.ok()) return InvalidArgument(Quote(name, text, "is longer than a year"));
  return Millis(*n * scale);
}

Result<double> ParseRatio(std::string_view name, std::string_view text) {
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
    return InvalidArgument(Quote(name, text, "is not a number"));
  }
  if (!(v > 0 && v <= 1)) return InvalidArgument(Quote(name, text, "is not in (0,1]"));
  return v;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseLabels(std::string_view name,
                                                                     std::string_view text) {
  std::vector<std::pair<std::string, std::string>> labels;
  std::set<std::string, std::less<>> seen;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return InvalidArgument(Quote(name, item, "is not key=value"));
    }
    std::string key(item.substr(0, eq));
    if (!seen.insert(key).second) return InvalidArgument(Quote(name, key, "is given twice"));
    labels.emplace_back(std::move(key), std::string(item.substr(eq + 1)));
  }
  return labels;
}

Status ValidateAgentConfig(const AgentConfig& c) {
  struct Ratio { const char* name; double value; };
  for (Ratio r : {Ratio{"cpu_threshold", c.cpu_threshold}, Ratio{"mem_threshold", c.mem_threshold},
                  Ratio{"throttle_threshold", c.throttle_threshold}}) {
    if (!(r.value > 0 && r.value <= 1)) {
      return InvalidArgument(std::string(r.name) + ": " + std::to_string(r.value) +
                             " is not in (0,1]");
    }
  }
  if (c.interval < Millis(100)) return InvalidArgument("interval: shorter than 100ms");
  if (c.cpu_duration < Millis(100)) return InvalidArgument("cpu_duration: shorter than 100ms");
  if (c.cooldown < Millis(0) || c.sustain < Millis(0)) {
    return InvalidArgument("cooldown and sustain cannot be negative");
  }
  if (c.max_per_hour < 1) return InvalidArgument("max_per_hour: less than 1");
  if (c.output_dir.empty()) return InvalidArgument("output_dir: empty");
  if (c.cgroup_root.empty() || c.cgroup_root[0] != '/') {
    return InvalidArgument("cgroup_root: not an absolute path");
  }
  return Status::Ok();
}

Result<AgentConfig> AgentConfigFromEnv(const EnvLookup& env) {
  AgentConfig c;
  auto get = [&](const char* name) -> const char* {
    const char* v = env(name);
    return v && *v ? v : nullptr;
  };
  if (const char* v = get("AUTOPROF_ENABLED")) {
    std::string_view s(v);
    if (s == "0" || s == "false") c.enabled = false;
    else if (s != "1" && s != "true") {
      return InvalidArgument(Quote("AUTOPROF_ENABLED", s, "is not 0 or 1"));
    }
  }
  if (const char* v = get("AUTOPROF_APP")) c.app = v;
  if (const char* v = get("AUTOPROF_LABELS")) {
    auto labels = ParseLabels("AUTOPROF_LABELS", v);
    if (!labels.ok()) return labels.status();
    c.labels = std::move(*labels);
  }
  struct RatioVar { const char* name; double* out; };
  for (RatioVar r : {RatioVar{"AUTOPROF_CPU_THRESHOLD", &c.cpu_threshold},
                     RatioVar{"AUTOPROF_MEM_THRESHOLD", &c.mem_threshold},
                     RatioVar{"AUTOPROF_THROTTLE_THRESHOLD", &c.throttle_threshold}}) {
    if (const char* v = get(r.name)) {
      auto ratio = ParseRatio(r.name, v);
      if (!ratio.ok()) return ratio.status();
      *r.out = *ratio;
    }
  }
  struct DurationVar { const char* name; Millis* out; Millis min; };
  for (DurationVar d : {DurationVar{"AUTOPROF_INTERVAL", &c.interval, Millis(100)},
                        DurationVar{"AUTOPROF_CPU_DURATION", &c.cpu_duration, Millis(100)},
                        DurationVar{"AUTOPROF_SUSTAIN", &c.sustain, Millis(0)},
                        DurationVar{"AUTOPROF_COOLDOWN", &c.cooldown, Millis(0)},
                        DurationVar{"AUTOPROF_BASELINE_EVERY", &c.baseline_every, Millis(0)}}) {
    if (const char* v = get(d.name)) {
      auto duration = ParseDuration(d.name, v);
      if (!duration.ok()) return duration.status();
      if (*duration < d.min) {
        return InvalidArgument(Quote(d.name, v, "is shorter than the least allowed, " +
                                                    std::to_string(d.min.count()) + "ms"));
      }
      *d.out = *duration;
    }
  }
  if (const char* v = get("AUTOPROF_MAX_PER_HOUR")) {
    auto n = ParseWhole("AUTOPROF_MAX_PER_HOUR", v, 1, 3600);
    if (!n.ok()) return n.status();
    c.max_per_hour = static_cast<int>(*n);
  }
  if (const char* v = get("AUTOPROF_OUTPUT_DIR")) {
    c.output_dir = v;
  } else {
    const char* tmp = get("TMPDIR");
    c.output_dir = std::string(tmp ? tmp : "/tmp") + "/autoprof";
  }
  if (const char* v = get("AUTOPROF_UPLOAD_URL")) {
    std::string_view url(v);
    if (!url.starts_with("http://") && !url.starts_with("https://") &&
        !url.starts_with("pyroscope+http://") && !url.starts_with("pyroscope+https://") &&
        !url.starts_with("file:///")) {
      return InvalidArgument(Quote(
          "AUTOPROF_UPLOAD_URL", url,
          "is not http(s)://host/, pyroscope+http(s)://host:port, file:///dir, or empty"));
    }
    c.upload_url = url;
  }
  if (const char* v = get("AUTOPROF_UPLOAD_TOKEN")) c.upload_token = v;
  if (const char* v = get("AUTOPROF_CGROUP_ROOT")) {
    if (v[0] != '/') return InvalidArgument(Quote("AUTOPROF_CGROUP_ROOT", v, "is not an absolute path"));
    c.cgroup_root = v;
  }
  return c;
}

}  // namespace autoprof
