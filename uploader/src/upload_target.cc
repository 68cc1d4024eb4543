#include "upload_target.h"

#include <cmath>

namespace autoprof::upload_internal {
namespace {

bool IsLabelNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.';
}

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// "http://host:port/a/b/" -> base "http://host:port/a/b", log "http://host:port".
Result<UploadTarget> ParseHttpUrl(std::string_view url, std::string_view scheme_end_url,
                                  UploadTarget::Kind kind, std::string_view original) {
  size_t scheme_len = scheme_end_url.find("://");
  std::string_view rest = scheme_end_url.substr(scheme_len + 3);
  std::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  size_t at = authority.rfind('@');
  std::string_view host = at == std::string_view::npos ? authority : authority.substr(at + 1);
  if (host.empty() || host.front() == ':') {
    return InvalidArgument("AUTOPROF_UPLOAD_URL: '" + std::string(original) + "' has no host");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) {
    return InvalidArgument("AUTOPROF_UPLOAD_URL: a query or fragment is not allowed in '" +
                           std::string(original) + "'");
  }
  (void)url;
  UploadTarget t;
  t.kind = kind;
  t.base = std::string(scheme_end_url);
  while (!t.base.empty() && t.base.back() == '/') t.base.pop_back();
  t.for_log = std::string(scheme_end_url.substr(0, scheme_len + 3)) + std::string(host);
  return t;
}

}  // namespace

Result<UploadTarget> ParseUploadTarget(std::string_view url) {
  if (StartsWith(url, "http://") || StartsWith(url, "https://")) {
    return ParseHttpUrl(url, url, UploadTarget::Kind::kViewer, url);
  }
  if (StartsWith(url, "pyroscope+http://") || StartsWith(url, "pyroscope+https://")) {
    return ParseHttpUrl(url, url.substr(10), UploadTarget::Kind::kPyroscope, url);
  }
  std::string_view dir;
  if (StartsWith(url, "file://")) {
    dir = url.substr(7);
  } else if (StartsWith(url, "/")) {
    dir = url;
  }
  if (!StartsWith(dir, "/")) {
    return InvalidArgument("AUTOPROF_UPLOAD_URL: '" + std::string(url) +
                           "' is not http(s)://, pyroscope+http(s)://, file:///dir or /dir");
  }
  UploadTarget t;
  t.kind = UploadTarget::Kind::kDirectory;
  t.base = std::string(dir);
  while (t.base.size() > 1 && t.base.back() == '/') t.base.pop_back();
  t.for_log = t.base;
  return t;
}

std::string PyroscopeAppName(std::string_view app) {
  std::string out;
  for (char c : app) out.push_back(IsLabelNameChar(c) || c == '-' || c == '/' ? c : '_');
  return out.empty() ? "unknown" : out;
}

std::string PyroscopeLabelName(std::string_view name) {
  std::string out;
  for (char c : name) out.push_back(IsLabelNameChar(c) ? c : '_');
  if (out.empty()) return "_";
  return out == "__name__" ? "_name_" : out;
}

std::string PyroscopeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    bool refused = c == ',' || c == '}' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
    out.push_back(refused ? '_' : c);
  }
  return out;
}

std::string PyroscopeName(std::string_view app,
                          const std::vector<std::pair<std::string, std::string>>& labels) {
  std::string name = PyroscopeAppName(app) + "{";
  bool first = true;
  for (const auto& [key, value] : labels) {
    if (!first) name += ",";
    first = false;
    name += PyroscopeLabelName(key) + "=" + PyroscopeLabelValue(value);
  }
  return name + "}";
}

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '_' || c == '.' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
  return out;
}

HttpRequest BuildRequest(const UploadTarget& target, const std::string& token,
                         const std::string& stem, std::string pprof_gz, std::string sidecar_json,
                         const SidecarInfo& info, int64_t fallback_unix_s) {
  HttpRequest req;
  req.bearer_token = token;
  if (target.kind == UploadTarget::Kind::kPyroscope) {
    // Grafana Pyroscope, pkg/ingester/pyroscope/ingest_handler.go: `name` is parsed
    // by labelset.Parse; `from`/`until` by attime.Parse (unix seconds accepted);
    // with format=pprof and a content type that is not multipart the whole body is
    // the pprof (gzip or not). `spyName` defaults to "unknown", `sampleRate`,
    // `units` and `aggregationType` are not used for pprof: the sample types and
    // period in the profile itself say that. The content type is the one
    // Pyroscope's own clients send for a raw pprof (pprof/profile.go ContentType).
    int64_t from = info.start_unix_ms ? *info.start_unix_ms / 1000 : fallback_unix_s;
    double end_ms = info.start_unix_ms
                        ? static_cast<double>(*info.start_unix_ms) +
                              info.duration_seconds.value_or(0) * 1000.0
                        : static_cast<double>(fallback_unix_s) * 1000.0;
    auto until = static_cast<int64_t>(std::ceil(end_ms / 1000.0));
    if (until < from) until = from;
    req.url = target.base + "/ingest?name=" + PercentEncode(PyroscopeName(info.app, info.labels)) +
              "&from=" + std::to_string(from) + "&until=" + std::to_string(until) +
              "&format=pprof&spyName=autoprof";
    req.content_type = "binary/octet-stream";
    req.body = std::move(pprof_gz);
    return req;
  }
  req.url = target.base + "/api/v1/profiles";
  req.parts.push_back({"profile", stem + ".pb.gz", "application/octet-stream", std::move(pprof_gz)});
  req.parts.push_back({"metadata", "", "application/json", std::move(sidecar_json)});
  return req;
}

}  // namespace autoprof::upload_internal
