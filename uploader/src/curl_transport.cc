// The libcurl transport: the only file in autoprof that includes <curl/curl.h>.
// Every handle is owned by a unique_ptr. Requests run on a curl multi handle so
// the worker can poll its cancel check every 50 ms (a stalled server cannot hold
// Stop() past its deadline) and so connections are kept alive between uploads.
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <mutex>
#include <string>

#include "autoprof/upload_transport.h"

namespace autoprof {
namespace {

struct EasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct MultiDeleter {
  void operator()(CURLM* h) const { curl_multi_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
struct MimeDeleter {
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};
using UniqueEasy = std::unique_ptr<CURL, EasyDeleter>;
using UniqueMulti = std::unique_ptr<CURLM, MultiDeleter>;
using UniqueSlist = std::unique_ptr<curl_slist, SlistDeleter>;
using UniqueMime = std::unique_ptr<curl_mime, MimeDeleter>;

constexpr size_t kMaxBody = 4096;
constexpr int kPollMs = 50;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* body = static_cast<std::string*>(user);
  size_t len = size * n;
  if (body->size() < kMaxBody) body->append(data, std::min(len, kMaxBody - body->size()));
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  size_t len = size * n;
  std::string_view line(data, len);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size() &&
      std::equal(kName.begin(), kName.end(), line.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    std::string_view value = line.substr(kName.size());
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.remove_suffix(1);
    *static_cast<std::string*>(user) = std::string(value.substr(0, 128));
  }
  return len;
}

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlTransportOptions options) : options_(std::move(options)) {
    GlobalInitOnce();
    multi_.reset(curl_multi_init());
  }

  HttpResponse Send(const HttpRequest& request, const CancelCheck& cancelled) override {
    HttpResponse response;
    UniqueEasy easy(curl_easy_init());
    if (!multi_ || !easy) {
      response.error = "libcurl: cannot create a handle";
      return response;
    }
    char error_buffer[CURL_ERROR_SIZE] = {};
    CURL* h = easy.get();
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_bundle.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    curl_easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &response.retry_after);

    // "Expect:" off: a 100-continue round trip only adds latency to small posts.
    UniqueSlist headers(curl_slist_append(nullptr, "Expect:"));
    std::string auth;
    if (!request.bearer_token.empty()) {
      auth = "Authorization: Bearer " + request.bearer_token;
      AppendHeader(headers, auth);
    }
    UniqueMime mime;
    if (!request.parts.empty()) {
      mime.reset(curl_mime_init(h));
      for (const MultipartPart& part : request.parts) {
        curl_mimepart* p = curl_mime_addpart(mime.get());
        curl_mime_name(p, part.name.c_str());
        curl_mime_data(p, part.data.data(), part.data.size());
        if (!part.filename.empty()) curl_mime_filename(p, part.filename.c_str());
        if (!part.content_type.empty()) curl_mime_type(p, part.content_type.c_str());
      }
      curl_easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
    } else {
      AppendHeader(headers, "Content-Type: " + request.content_type);
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    CURLcode result = Perform(h, cancelled);
    // The header list holds the token; wipe our copy before it is freed.
    std::fill(auth.begin(), auth.end(), '\0');
    if (result == CURLE_ABORTED_BY_CALLBACK) {
      response.error = "cancelled";
      return response;
    }
    if (result != CURLE_OK) {
      response.error = curl_easy_strerror(result);
      if (error_buffer[0] != '\0') response.error += std::string(": ") + error_buffer;
      response.body.clear();
      return response;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  static void AppendHeader(UniqueSlist& list, const std::string& header) {
    curl_slist* grown = curl_slist_append(list.get(), header.c_str());
    if (grown != nullptr) {
      (void)list.release();
      list.reset(grown);
    }
  }

  // Drives one transfer on the multi handle; CURLE_ABORTED_BY_CALLBACK when
  // `cancelled` said so.
  CURLcode Perform(CURL* h, const CancelCheck& cancelled) {
    if (curl_multi_add_handle(multi_.get(), h) != CURLM_OK) return CURLE_FAILED_INIT;
    CURLcode result = CURLE_OK;
    bool finished = false;
    while (!finished) {
      int running = 0;
      if (curl_multi_perform(multi_.get(), &running) != CURLM_OK) {
        result = CURLE_RECV_ERROR;
        break;
      }
      int queued = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_.get(), &queued)) {
        if (msg->msg == CURLMSG_DONE && msg->easy_handle == h) {
          result = msg->data.result;
          finished = true;
        }
      }
      if (finished) break;
      if (cancelled && cancelled()) {
        result = CURLE_ABORTED_BY_CALLBACK;
        break;
      }
      curl_multi_poll(multi_.get(), nullptr, 0, kPollMs, nullptr);
    }
    curl_multi_remove_handle(multi_.get(), h);
    return result;
  }

  CurlTransportOptions options_;
  UniqueMulti multi_;
};

}  // namespace

std::unique_ptr<Transport> MakeCurlTransport(const CurlTransportOptions& options) {
  return std::make_unique<CurlTransport>(options);
}

}  // namespace autoprof
