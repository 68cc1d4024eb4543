// Turning an upload into what the store keeps: the profile bytes are decoded and
// validated (autoprof/pprof.h), the metadata is checked and normalized, and the
// index fields (app, kind, trigger reason, start time, labels) are drawn from it.
// Two sources: our own uploads (the agent's sidecar JSON) and Grafana Pyroscope's
// /ingest (`name=app{k=v,...}`, `from`, `until`). Every rejection is a one-line
// reason naming the field and what is wrong with it.
//
// The sidecar fields read here (everything else is stored as sent):
//   "app"        string, required, 1..200 bytes
//   "kind"       string; when absent, "cpu" or "heap" from the sample types
//   "trigger"    object or null: {"reason": string, "value": number, "threshold": number}
//   "start_time" RFC 3339 string or seconds since the epoch; when absent, the
//                profile's time_nanos, else the receive time. Stored as RFC 3339.
//   "labels"     object of string values
//   "id"         when present, must equal the id of the bytes
// Added on the way in: "id", "size_bytes", "received_time", and "duration_seconds"
// from the profile when absent.
//
// Thread-safety: free functions without shared state.
//
// Example:
//   autoprof::Result<autoprof::StoredProfile> p =
//       autoprof::PrepareUpload(bytes, sidecar_json, limits, NowNanos());
//   if (!p.ok()) return Reply(400, p.status().message());
//   store->Put(bytes, *p);
#ifndef AUTOPROF_PROFILE_UPLOAD_H_
#define AUTOPROF_PROFILE_UPLOAD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autoprof/pprof.h"
#include "autoprof/profile_store.h"
#include "autoprof/status.h"

namespace autoprof {

// An upload from our agent: the .pb.gz and its sidecar JSON.
Result<StoredProfile> PrepareUpload(std::string_view bytes, std::string_view metadata_json,
                                    const DecodeLimits& limits, int64_t now_ns);

// The checks PrepareUpload makes of the sidecar alone, for bytes already stored
// under `id` (a resend): the profile is not decoded again.
Status ValidateSidecar(std::string_view metadata_json, const std::string& id);

// Pyroscope's `name` query parameter: `app{k=v,k2=v2}` or just `app`.
struct PyroscopeName {
  std::string app;
  std::vector<std::pair<std::string, std::string>> labels;
};
Result<PyroscopeName> ParsePyroscopeName(std::string_view name);

// A Pyroscope /ingest of a pprof body. `from` and `until` are the query
// parameters as sent (seconds since the epoch; may be empty).
Result<StoredProfile> PreparePyroscopeUpload(std::string_view bytes, std::string_view name,
                                             std::string_view from, std::string_view until,
                                             const DecodeLimits& limits, int64_t now_ns);

// Parses an RFC 3339 time ("2026-11-24T21:40:05Z", "...05.250+02:00") or an
// integer time since the epoch, read as seconds below 1e11, milliseconds below
// 1e14, microseconds below 1e17, nanoseconds above (Pyroscope clients differ).
// Returns nanoseconds since the epoch.
Result<int64_t> ParseTimestamp(std::string_view text);
// RFC 3339 in UTC with milliseconds: "2026-11-24T21:40:05.250Z".
std::string FormatTimestamp(int64_t ns_since_epoch);

}  // namespace autoprof

#endif  // AUTOPROF_PROFILE_UPLOAD_H_
