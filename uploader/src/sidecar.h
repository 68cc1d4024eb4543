// Sidecar: the few fields of a capture's sidecar JSON the uploader reads (for
// Pyroscope's name and time window), and the content id it adds.
//
// The sidecar is the agent's (agent/src/capture_record.h); a file in the spool may
// also come from an older or foreign writer, so every field is optional here and
// a malformed sidecar is an error value, never a crash.
//
// Thread-safety: pure functions.
#ifndef AUTOPROF_UPLOADER_SIDECAR_H_
#define AUTOPROF_UPLOADER_SIDECAR_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autoprof/status.h"

namespace autoprof::upload_internal {

struct SidecarInfo {
  std::string app;
  std::string kind;
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by name
  std::optional<int64_t> start_unix_ms;
  std::optional<double> duration_seconds;
  std::string content_sha256;  // as Submit wrote it: 64 lower-case hex digits, or empty
};

// Reads "app", "kind", "labels" (an object of strings), "start_unix_ms" and
// "duration_seconds", and "content_sha256" when it has the form of one. Errors
// when the text is not a JSON object.
Result<SidecarInfo> ParseSidecar(std::string_view json);

// The sidecar with "id" and "content_sha256" set to `sha256_hex`, on one line.
// Text that is not a JSON object is returned unchanged.
std::string WithContentId(std::string_view json, const std::string& sha256_hex);

}  // namespace autoprof::upload_internal

#endif  // AUTOPROF_UPLOADER_SIDECAR_H_
