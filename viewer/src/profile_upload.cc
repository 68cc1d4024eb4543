#include "autoprof/profile_upload.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>

namespace autoprof {
namespace {

using json = nlohmann::ordered_json;

constexpr size_t kMaxMetadataBytes = 1 << 20;
constexpr size_t kMaxAppBytes = 200;
constexpr size_t kMaxLabels = 64;
constexpr size_t kMaxLabelKeyBytes = 128;
constexpr size_t kMaxLabelValueBytes = 1024;

std::string Quoted(std::string_view text) {
  return "'" + std::string(text.substr(0, 80)) + (text.size() > 80 ? "...'" : "'");
}

bool HasControlCharacters(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

Status CheckApp(std::string_view app) {
  if (app.empty()) return InvalidArgument("app: empty");
  if (app.size() > kMaxAppBytes) return InvalidArgument("app: longer than 200 bytes");
  if (HasControlCharacters(app)) return InvalidArgument("app " + Quoted(app) + ": control characters");
  return Status::Ok();
}

Status CheckLabel(std::string_view key, std::string_view value) {
  if (key.empty() || key.size() > kMaxLabelKeyBytes || HasControlCharacters(key)) {
    return InvalidArgument("label name " + Quoted(key) + ": empty, too long or control characters");
  }
  if (value.size() > kMaxLabelValueBytes || HasControlCharacters(value)) {
    return InvalidArgument("label " + Quoted(key) + ": value too long or control characters");
  }
  return Status::Ok();
}

// "cpu" or "heap" as the agent names them; other producers' profiles (Go's
// goroutine, mutex, block...) by their first sample type.
std::string KindOf(const Profile& profile) {
  for (const ValueType& t : profile.sample_types) {
    if (t.type == "inuse_space" || t.type == "inuse_objects" || t.type == "alloc_space" ||
        t.type == "alloc_objects") {
      return "heap";
    }
  }
  for (const ValueType& t : profile.sample_types) {
    if (t.type == "cpu" || t.type == "samples") return "cpu";
  }
  return profile.sample_types.empty() ? "unknown" : profile.sample_types.front().type;
}

Result<Profile> Decode(std::string_view bytes, const DecodeLimits& limits) {
  if (bytes.empty()) return InvalidArgument("profile: empty");
  Result<Profile> profile = DecodeProfile(bytes, limits);
  if (!profile.ok()) {
    return Status(profile.status().code(), "profile: " + profile.status().message());
  }
  return profile;
}

// Fills what every stored profile carries, whatever its source.
void Complete(json& meta, StoredProfile& out, const Profile& profile, std::string_view bytes,
              int64_t now_ns) {
  out.id = ContentId(bytes);
  out.size_bytes = bytes.size();
  if (out.kind.empty()) out.kind = KindOf(profile);
  meta["id"] = out.id;
  meta["kind"] = out.kind;
  meta["start_time"] = FormatTimestamp(out.start_time_ns);
  if (!meta.contains("duration_seconds") && profile.duration_nanos > 0) {
    meta["duration_seconds"] = static_cast<double>(profile.duration_nanos) / 1e9;
  }
  meta["size_bytes"] = bytes.size();
  meta["received_time"] = FormatTimestamp(now_ns);
  out.metadata_json = meta.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The checks of a sidecar that do not need the decoded profile.
struct ParsedSidecar {
  json meta;
  StoredProfile out;
  std::optional<int64_t> start_ns;
};

Result<ParsedSidecar> ParseSidecar(std::string_view metadata_json, const std::string& id) {
  if (metadata_json.size() > kMaxMetadataBytes) {
    return InvalidArgument("metadata: larger than 1 MiB");
  }
  json meta = json::parse(metadata_json, nullptr, /*allow_exceptions=*/false);
  if (meta.is_discarded()) return InvalidArgument("metadata: not valid JSON");
  if (!meta.is_object()) return InvalidArgument("metadata: not a JSON object");

  ParsedSidecar parsed;
  StoredProfile& out = parsed.out;
  const json* app = meta.contains("app") ? &meta["app"] : nullptr;
  if (app == nullptr || !app->is_string()) return InvalidArgument("metadata: app must be a string");
  out.app = app->get<std::string>();
  AUTOPROF_RETURN_IF_ERROR(CheckApp(out.app));

  if (meta.contains("kind")) {
    if (!meta["kind"].is_string()) return InvalidArgument("metadata: kind must be a string");
    out.kind = meta["kind"].get<std::string>();
    if (out.kind.empty() || out.kind.size() > 64 || HasControlCharacters(out.kind)) {
      return InvalidArgument("metadata: kind " + Quoted(out.kind) + " is not a profile kind");
    }
  }
  if (meta.contains("trigger") && !meta["trigger"].is_null()) {
    const json& trigger = meta["trigger"];
    if (!trigger.is_object()) return InvalidArgument("metadata: trigger must be an object or null");
    if (trigger.contains("reason")) {
      if (!trigger["reason"].is_string()) {
        return InvalidArgument("metadata: trigger.reason must be a string");
      }
      out.trigger_reason = trigger["reason"].get<std::string>();
      if (out.trigger_reason.size() > 64 || HasControlCharacters(out.trigger_reason)) {
        return InvalidArgument("metadata: trigger.reason " + Quoted(out.trigger_reason) +
                               " is too long or has control characters");
      }
    }
    for (const char* field : {"value", "threshold"}) {
      if (trigger.contains(field) && !trigger[field].is_number()) {
        return InvalidArgument(std::string("metadata: trigger.") + field + " must be a number");
      }
    }
  }
  if (meta.contains("labels") && !meta["labels"].is_null()) {
    const json& labels = meta["labels"];
    if (!labels.is_object()) return InvalidArgument("metadata: labels must be an object");
    if (labels.size() > kMaxLabels) return InvalidArgument("metadata: more than 64 labels");
    for (const auto& [key, value] : labels.items()) {
      if (!value.is_string()) {
        return InvalidArgument("metadata: label " + Quoted(key) + " must be a string");
      }
      AUTOPROF_RETURN_IF_ERROR(CheckLabel(key, value.get<std::string>()));
      out.labels.emplace_back(key, value.get<std::string>());
    }
  }

  if (meta.contains("id") && (!meta["id"].is_string() || meta["id"].get<std::string>() != id)) {
    return InvalidArgument("metadata: id " + Quoted(meta["id"].dump()) +
                           " is not the SHA-256 of the profile bytes (" + id + ")");
  }
  if (meta.contains("start_time") && !meta["start_time"].is_null()) {
    const json& start = meta["start_time"];
    Result<int64_t> ns = start.is_string() ? ParseTimestamp(start.get<std::string>())
                         : start.is_number_integer()
                             ? ParseTimestamp(std::to_string(start.get<int64_t>()))
                         : start.is_number_float() && start.get<double>() >= 0 &&
                                 start.get<double>() < 9e9
                             ? Result<int64_t>(std::llround(start.get<double>() * 1e9))
                             : Result<int64_t>(InvalidArgument("not a time"));
    if (!ns.ok()) return InvalidArgument("metadata: start_time: " + ns.status().message());
    parsed.start_ns = *ns;
  }
  parsed.meta = std::move(meta);
  return parsed;
}

}  // namespace

Status ValidateSidecar(std::string_view metadata_json, const std::string& id) {
  Result<ParsedSidecar> parsed = ParseSidecar(metadata_json, id);
  return parsed.ok() ? Status::Ok() : parsed.status();
}

Result<StoredProfile> PrepareUpload(std::string_view bytes, std::string_view metadata_json,
                                    const DecodeLimits& limits, int64_t now_ns) {
  Result<ParsedSidecar> parsed = ParseSidecar(metadata_json, ContentId(bytes));
  if (!parsed.ok()) return parsed.status();
  Result<Profile> profile = Decode(bytes, limits);
  if (!profile.ok()) return profile.status();
  StoredProfile& out = parsed->out;
  out.start_time_ns = parsed->start_ns       ? *parsed->start_ns
                      : profile->time_nanos > 0 ? profile->time_nanos
                                                : now_ns;
  Complete(parsed->meta, out, *profile, bytes, now_ns);
  return std::move(out);
}

Result<PyroscopeName> ParsePyroscopeName(std::string_view name) {
  PyroscopeName out;
  size_t brace = name.find('{');
  out.app = std::string(name.substr(0, brace));
  while (!out.app.empty() && out.app.back() == ' ') out.app.pop_back();
  if (Status s = CheckApp(out.app); !s.ok()) return InvalidArgument("name: " + s.message());
  if (brace == std::string_view::npos) return out;
  std::string_view rest = name.substr(brace + 1);
  if (rest.empty() || rest.back() != '}') {
    return InvalidArgument("name " + Quoted(name) + ": labels must end with '}'");
  }
  rest.remove_suffix(1);
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view pair = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    auto trim = [](std::string_view s) {
      while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
      while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      return s;
    };
    pair = trim(pair);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) {
      return InvalidArgument("name: label " + Quoted(pair) + " is not key=value");
    }
    std::string key(trim(pair.substr(0, eq)));
    std::string value(trim(pair.substr(eq + 1)));
    if (Status s = CheckLabel(key, value); !s.ok()) return InvalidArgument("name: " + s.message());
    if (value.find_first_of("{}") != std::string::npos) {
      return InvalidArgument("name: label " + Quoted(key) + " value has a brace");
    }
    if (out.labels.size() == kMaxLabels) return InvalidArgument("name: more than 64 labels");
    auto same = [&](const auto& kv) { return kv.first == key; };
    if (std::any_of(out.labels.begin(), out.labels.end(), same)) {
      return InvalidArgument("name: label " + Quoted(key) + " given twice");
    }
    out.labels.emplace_back(std::move(key), std::move(value));
  }
  return out;
}

Result<StoredProfile> PreparePyroscopeUpload(std::string_view bytes, std::string_view name,
                                             std::string_view from, std::string_view until,
                                             const DecodeLimits& limits, int64_t now_ns) {
  Result<PyroscopeName> parsed = ParsePyroscopeName(name);
  if (!parsed.ok()) return parsed.status();
  std::optional<int64_t> from_ns, until_ns;
  if (!from.empty()) {
    Result<int64_t> t = ParseTimestamp(from);
    if (!t.ok()) return InvalidArgument("from: " + t.status().message());
    from_ns = *t;
  }
  if (!until.empty()) {
    Result<int64_t> t = ParseTimestamp(until);
    if (!t.ok()) return InvalidArgument("until: " + t.status().message());
    until_ns = *t;
  }
  if (from_ns && until_ns && *until_ns < *from_ns) {
    return InvalidArgument("until is before from");
  }
  Result<Profile> profile = Decode(bytes, limits);
  if (!profile.ok()) return profile.status();

  StoredProfile out;
  out.app = parsed->app;
  out.labels = parsed->labels;
  out.start_time_ns = from_ns                    ? *from_ns
                      : profile->time_nanos > 0 ? profile->time_nanos
                                                : now_ns;
  json meta = json::object();
  meta["app"] = out.app;
  meta["source"] = "pyroscope";
  meta["trigger"] = nullptr;
  json labels = json::object();
  for (const auto& [key, value] : out.labels) labels[key] = value;
  meta["labels"] = std::move(labels);
  if (from_ns && until_ns) {
    meta["duration_seconds"] = static_cast<double>(*until_ns - *from_ns) / 1e9;
  }
  Complete(meta, out, *profile, bytes, now_ns);
  return out;
}

}  // namespace autoprof
