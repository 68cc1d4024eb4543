#include "capture_record.h"

#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace autoprof {
namespace {

std::tm UtcTm(WallTime t) {
  std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return tm;
}

int64_t UnixMillis(WallTime t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

std::string Rfc3339Millis(WallTime t) {
  std::tm tm = UtcTm(t);
  char buf[64];
  int64_t ms = UnixMillis(t) % 1000;
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms < 0 ? ms + 1000 : ms));
  return buf;
}

template <typename T>
nlohmann::json OrNull(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

std::string CaptureStem(const std::string& app, ProfileKind kind, WallTime start, int64_t pid) {
  std::string safe = app.empty() ? std::string("app") : app;
  for (char& c : safe) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) c = '_';
  }
  if (safe[0] == '.') safe[0] = '_';  // never a hidden file, never "." or ".."
  std::tm tm = UtcTm(start);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return safe + "-" + std::string(KindName(kind)) + "-" + stamp + "-" + std::to_string(pid);
}

std::string SidecarJson(const CaptureRecord& r) {
  nlohmann::ordered_json j;
  j["format"] = "autoprof-sidecar";
  j["version"] = 1;
  j["app"] = r.app;
  j["kind"] = KindName(r.kind);
  j["trigger"] = {{"reason", ReasonName(r.trigger.reason)},
                  {"value", r.trigger.value},
                  {"threshold", r.trigger.threshold}};
  j["start_time"] = Rfc3339Millis(r.start);
  j["start_unix_ms"] = UnixMillis(r.start);
  j["duration_seconds"] = std::chrono::duration<double>(r.duration).count();
  j["host"] = r.host;
  j["pid"] = r.pid;
  nlohmann::ordered_json labels = nlohmann::ordered_json::object();
  for (const auto& [k, v] : r.labels) labels[k] = v;
  j["labels"] = labels;
  j["limits"] = {{"cpu_cores", OrNull(r.cpu_limit_cores)},
                 {"memory_bytes", OrNull(r.memory_limit_bytes)},
                 {"cpu_limit_path", OrNull(r.cpu_limit_path)},
                 {"memory_limit_path", OrNull(r.memory_limit_path)}};
  nlohmann::ordered_json history = nlohmann::ordered_json::array();
  for (const HistoryPoint& p : r.history) {
    history.push_back({{"unix_ms", UnixMillis(p.time)},
                       {"cpu", OrNull(p.cpu)},
                       {"memory", OrNull(p.memory)},
                       {"throttle", OrNull(p.throttle)},
                       {"working_set_bytes", OrNull(p.working_set_bytes)}});
  }
  j["history"] = history;
  j["agent_cpu_seconds"] = r.agent_cpu_seconds;
  j["dropped_profiles"] = r.dropped_profiles;
  // Names and labels come from the environment: replace invalid UTF-8 rather than throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace autoprof
