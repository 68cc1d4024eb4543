// UploadTarget: where AUTOPROF_UPLOAD_URL points, and the request that sends one
// spooled pair there.
//
//   http(s)://host[:port][/base]   autoprof viewer: POST {base}/api/v1/profiles,
//                                  multipart `profile` (file) + `metadata` (JSON)
//   pyroscope+http(s)://host:port  Grafana Pyroscope: POST /ingest, body = the pprof
//   file:///dir, /dir              a directory: the pair is copied there
//
// Thread-safety: plain values and pure functions.
#ifndef AUTOPROF_UPLOADER_UPLOAD_TARGET_H_
#define AUTOPROF_UPLOADER_UPLOAD_TARGET_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autoprof/status.h"
#include "autoprof/upload_transport.h"
#include "sidecar.h"

namespace autoprof::upload_internal {

struct UploadTarget {
  enum class Kind { kViewer, kPyroscope, kDirectory };
  Kind kind = Kind::kViewer;
  std::string base;  // http(s)://host:port/prefix without a trailing '/', or the directory
  std::string for_log;  // scheme://host:port or the directory: safe to log
};

// Errors name AUTOPROF_UPLOAD_URL and what is wrong with it.
Result<UploadTarget> ParseUploadTarget(std::string_view url);

// Pyroscope's rules (grafana/pyroscope api/model/labelset/validate.go): service
// names may hold [A-Za-z0-9_.\-/], label names [A-Za-z0-9_.]; the /ingest name
// parser (labelset.go) ends a value at ',' or '}' and trims spaces. Anything else
// becomes '_'. An empty app becomes "unknown"; the reserved label "__name__"
// becomes "_name_".
std::string PyroscopeAppName(std::string_view app);
std::string PyroscopeLabelName(std::string_view name);
std::string PyroscopeLabelValue(std::string_view value);
// "app{k=v,k2=v2}" from the sanitized parts, labels sorted by name.
std::string PyroscopeName(std::string_view app,
                          const std::vector<std::pair<std::string, std::string>>& labels);

// RFC 3986 percent-encoding of everything but unreserved characters.
std::string PercentEncode(std::string_view text);

// The request for one pair. `fallback_unix_s` stands in for a sidecar without a
// start time (the .json's mtime).
HttpRequest BuildRequest(const UploadTarget& target, const std::string& token,
                         const std::string& stem, std::string pprof_gz, std::string sidecar_json,
                         const SidecarInfo& info, int64_t fallback_unix_s);

}  // namespace autoprof::upload_internal

#endif  // AUTOPROF_UPLOADER_UPLOAD_TARGET_H_
