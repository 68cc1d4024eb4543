// CaptureRecord: what the agent knows about one capture, and the two names it
// gives it on disk: the file stem (SPEC.md: <app>-<kind>-<UTC yyyymmddThhmmssZ>-<pid>)
// and the sidecar JSON written beside the .pb.gz.
//
// Sidecar shape (every key always present; null where unknown or unlimited):
//   {"format": "autoprof-sidecar", "version": 1,
//    "app": "checkout", "kind": "cpu" | "heap",
//    "trigger": {"reason": "cpu"|"memory"|"throttle"|"manual"|"baseline",
//                "value": 0.91, "threshold": 0.75},
//    "start_time": "2026-11-24T21:40:00.123Z", "start_unix_ms": 1795556400123,
//    "duration_seconds": 10.0, "host": "web-1", "pid": 1234,
//    "labels": {"pod": "web-1"},
//    "limits": {"cpu_cores": 0.5, "memory_bytes": 268435456,
//               "cpu_limit_path": "...", "memory_limit_path": "..."},
//    "history": [{"unix_ms": ..., "cpu": 0.8, "memory": 0.5, "throttle": 0.1,
//                 "working_set_bytes": 1234}],
//    "agent_cpu_seconds": 0.012, "dropped_profiles": 0}
//
// Thread-safety: plain values and free functions.
#ifndef AUTOPROF_AGENT_CAPTURE_RECORD_H_
#define AUTOPROF_AGENT_CAPTURE_RECORD_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "trigger_policy.h"

namespace autoprof {

using WallTime = std::chrono::system_clock::time_point;

// One tick of the watcher, kept in the history ring and written to the sidecar.
struct HistoryPoint {
  WallTime time;
  std::optional<double> cpu;
  std::optional<double> memory;
  std::optional<double> throttle;
  std::optional<int64_t> working_set_bytes;
};

struct CaptureRecord {
  std::string app;
  ProfileKind kind = ProfileKind::kCpu;
  TriggerDecision trigger{};
  WallTime start;
  std::chrono::nanoseconds duration{0};
  std::string host;
  int64_t pid = 0;
  std::vector<std::pair<std::string, std::string>> labels;
  std::optional<double> cpu_limit_cores;
  std::optional<int64_t> memory_limit_bytes;
  std::optional<std::string> cpu_limit_path;
  std::optional<std::string> memory_limit_path;
  std::vector<HistoryPoint> history;
  double agent_cpu_seconds = 0;
  int64_t dropped_profiles = 0;
};

// "<app>-<kind>-<yyyymmddThhmmssZ>-<pid>"; characters of the app outside
// [A-Za-z0-9._-] become '_' so the stem is always one safe file name.
std::string CaptureStem(const std::string& app, ProfileKind kind, WallTime start, int64_t pid);

// The sidecar JSON above, on one line.
std::string SidecarJson(const CaptureRecord& record);

}  // namespace autoprof

#endif  // AUTOPROF_AGENT_CAPTURE_RECORD_H_
