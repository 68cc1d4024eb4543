#include "sidecar.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace autoprof::upload_internal {
namespace {

using Json = nlohmann::json;

// No exceptions: parse errors give a discarded value.
Json ParseObject(std::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : Json();
}

std::string StringField(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<SidecarInfo> ParseSidecar(std::string_view json) {
  Json j = ParseObject(json);
  if (!j.is_object()) return InvalidArgument("sidecar: not a JSON object");
  SidecarInfo info;
  info.app = StringField(j, "app");
  info.kind = StringField(j, "kind");
  if (auto it = j.find("labels"); it != j.end() && it->is_object()) {
    for (const auto& [key, value] : it->items()) {
      if (value.is_string()) info.labels.emplace_back(key, value.get<std::string>());
    }
    std::sort(info.labels.begin(), info.labels.end());
  }
  if (auto it = j.find("start_unix_ms"); it != j.end() && it->is_number()) {
    double ms = it->get<double>();
    // Beyond year 9999 or before 1970 is not a profile window.
    if (std::isfinite(ms) && ms >= 0 && ms < 253402300800000.0) {
      info.start_unix_ms = static_cast<int64_t>(ms);
    }
  }
  if (auto it = j.find("duration_seconds"); it != j.end() && it->is_number()) {
    double s = it->get<double>();
    if (std::isfinite(s) && s >= 0 && s < 1e9) info.duration_seconds = s;
  }
  std::string sha = StringField(j, "content_sha256");
  if (sha.size() == 64 && sha.find_first_not_of("0123456789abcdef") == std::string::npos) {
    info.content_sha256 = sha;
  }
  return info;
}

std::string WithContentId(std::string_view json, const std::string& sha256_hex) {
  Json j = ParseObject(json);
  if (!j.is_object()) return std::string(json);
  j["id"] = sha256_hex;
  j["content_sha256"] = sha256_hex;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace autoprof::upload_internal
