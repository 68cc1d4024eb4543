// Transport: how the uploader puts one HTTP request on the wire.
//
// The real transport is libcurl (MakeCurlTransport), which autoprof does not
// link: it loads libcurl.so.4 (RTLD_LOCAL) at the first Send, so a service that
// never uploads over HTTP(S) never loads it. Tests use the real one against loopback
// servers; the interface exists so the agent's tests can stand in for the network
// and so a host can route uploads through its own client if it must.
//
// A transport never throws. A request that got no HTTP answer (refused, reset,
// timed out, TLS failure, cancelled) comes back with status 0 and `error` saying
// why; an answer of any status comes back with that status.
//
// Thread-safety: one Send at a time per transport object (the uploader has one
// worker thread); distinct transports are independent.
//
// Example:
//   auto t = autoprof::MakeCurlTransport({.connect_timeout = std::chrono::seconds(5)});
//   autoprof::HttpRequest req{.url = "http://127.0.0.1:8080/api/v1/profiles"};
//   autoprof::HttpResponse r = t->Send(req, [] { return false; });
#ifndef AUTOPROF_UPLOAD_TRANSPORT_H_
#define AUTOPROF_UPLOAD_TRANSPORT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace autoprof {

// One part of a multipart/form-data body. A part with a file name is sent as a
// file field.
struct MultipartPart {
  std::string name;
  std::string filename;      // empty: a plain form field
  std::string content_type;  // empty: libcurl's default for the part
  std::string data;
};

// A POST. Exactly one of `body` (with `content_type`) or `parts` is used: a
// non-empty `parts` makes it multipart/form-data.
struct HttpRequest {
  std::string url;
  std::string bearer_token;  // sent as "Authorization: Bearer <token>" when not empty
  std::string content_type;
  std::string body;
  std::vector<MultipartPart> parts;
};

struct HttpResponse {
  int status = 0;            // 0: no HTTP answer; see `error`
  std::string body;          // at most the first 4 KiB of the answer
  std::string retry_after;   // the Retry-After header, as sent
  std::string error;         // why there is no answer; never contains the token
};

// Returns true when the request in flight should be abandoned (shutdown).
using CancelCheck = std::function<bool()>;

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends `request` and waits for the answer, polling `cancelled` at least every
  // 50 ms; a cancelled request returns status 0 with error "cancelled".
  virtual HttpResponse Send(const HttpRequest& request, const CancelCheck& cancelled) = 0;
};

struct CurlTransportOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{60000};
  // PEM bundle of trusted CAs instead of the system's (AUTOPROF_UPLOAD_CA_BUNDLE).
  // TLS peer and host verification are always on. Proxies come from the standard
  // variables (http_proxy, https_proxy, no_proxy), which libcurl honours.
  std::string ca_bundle;
  std::string user_agent = "autoprof-uploader/0.1";
};

// The libcurl transport. Never null. The first Send loads libcurl.so.4 and runs
// curl_global_init, once per process; where it cannot be loaded, every Send
// comes back with status 0 and an error such as "uploads unavailable:
// libcurl.so.4 not found (Debian/Ubuntu package libcurl4)".
std::unique_ptr<Transport> MakeCurlTransport(const CurlTransportOptions& options);

}  // namespace autoprof

#endif  // AUTOPROF_UPLOAD_TRANSPORT_H_
