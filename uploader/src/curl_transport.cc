// The libcurl transport. libcurl itself is loaded on the first Send (curl_api.h),
// so a process whose uploads never go over HTTP never loads it. Every handle is
// owned by a unique_ptr. Requests run on a curl multi handle so the worker can
// poll its cancel check every 50 ms (a stalled server cannot hold Stop() past its
// deadline) and so connections are kept alive between uploads.
#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

#include "autoprof/private_library.h"
#include "autoprof/upload_transport.h"
#include "curl_api.h"

namespace autoprof {
namespace upload_internal {
namespace {

using UniqueEasy = std::unique_ptr<CURL, LibraryDeleter<&CurlApi::easy_cleanup>>;
using UniqueMulti = std::unique_ptr<CURLM, LibraryDeleter<&CurlApi::multi_cleanup>>;
using UniqueSlist = std::unique_ptr<curl_slist, LibraryDeleter<&CurlApi::slist_free_all>>;
using UniqueMime = std::unique_ptr<curl_mime, LibraryDeleter<&CurlApi::mime_free>>;

constexpr size_t kMaxBody = 4096;
constexpr int kPollMs = 50;

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
  CurlTransport(CurlTransportOptions options, CurlLoader load)
      : options_(std::move(options)), load_(load) {}

  HttpResponse Send(const HttpRequest& request, const CancelCheck& cancelled) override {
    HttpResponse response;
    if (api_ == nullptr) {
      Result<const CurlApi*> api = load_();
      if (!api.ok()) {
        response.error = api.status().message();
        return response;
      }
      api_ = *api;
      multi_ = UniqueMulti(api_->multi_init(), {api_});
    }
    UniqueEasy easy(api_->easy_init(), {api_});
    if (!multi_ || !easy) {
      response.error = "libcurl: cannot create a handle";
      return response;
    }
    char error_buffer[CURL_ERROR_SIZE] = {};
    CURL* h = easy.get();
    api_->easy_setopt(h, CURLOPT_URL, request.url.c_str());
    // Found at run time, libcurl may predate this option (7.85): without it
    // nothing would keep a redirect or a typo from reaching another protocol.
    if (api_->easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK) {
      response.error = "uploads unavailable: this libcurl is older than 7.85 "
                       "(no CURLOPT_PROTOCOLS_STR)";
      return response;
    }
    api_->easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    api_->easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
    api_->easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                      static_cast<long>(options_.connect_timeout.count()));
    api_->easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout.count()));
    api_->easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    api_->easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    if (!options_.ca_bundle.empty()) {
      api_->easy_setopt(h, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    }
    api_->easy_setopt(h, CURLOPT_USERAGENT, options_.user_agent.c_str());
    api_->easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    api_->easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    api_->easy_setopt(h, CURLOPT_WRITEDATA, &response.body);
    api_->easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    api_->easy_setopt(h, CURLOPT_HEADERDATA, &response.retry_after);

    // "Expect:" off: a 100-continue round trip only adds latency to small posts.
    UniqueSlist headers(api_->slist_append(nullptr, "Expect:"), {api_});
    std::string auth;
    if (!request.bearer_token.empty()) {
      auth = "Authorization: Bearer " + request.bearer_token;
      AppendHeader(headers, auth);
    }
    UniqueMime mime(nullptr, {api_});
    if (!request.parts.empty()) {
      mime.reset(api_->mime_init(h));
      for (const MultipartPart& part : request.parts) {
        curl_mimepart* p = api_->mime_addpart(mime.get());
        api_->mime_name(p, part.name.c_str());
        api_->mime_data(p, part.data.data(), part.data.size());
        if (!part.filename.empty()) api_->mime_filename(p, part.filename.c_str());
        if (!part.content_type.empty()) api_->mime_type(p, part.content_type.c_str());
      }
      api_->easy_setopt(h, CURLOPT_MIMEPOST, mime.get());
    } else {
      AppendHeader(headers, "Content-Type: " + request.content_type);
      api_->easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                        static_cast<curl_off_t>(request.body.size()));
      api_->easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    }
    api_->easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

    CURLcode result = Perform(h, cancelled);
    // The header list holds the token; wipe our copy before it is freed.
    std::fill(auth.begin(), auth.end(), '\0');
    if (result == CURLE_ABORTED_BY_CALLBACK) {
      response.error = "cancelled";
      return response;
    }
    if (result != CURLE_OK) {
      response.error = api_->easy_strerror(result);
      if (error_buffer[0] != '\0') response.error += std::string(": ") + error_buffer;
      response.body.clear();
      return response;
    }
    long status = 0;
    api_->easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  void AppendHeader(UniqueSlist& list, const std::string& header) {
    curl_slist* grown = api_->slist_append(list.get(), header.c_str());
    if (grown != nullptr) {
      (void)list.release();
      list.reset(grown);
    }
  }

  // Drives one transfer on the multi handle; CURLE_ABORTED_BY_CALLBACK when
  // `cancelled` said so.
  CURLcode Perform(CURL* h, const CancelCheck& cancelled) {
    if (api_->multi_add_handle(multi_.get(), h) != CURLM_OK) return CURLE_FAILED_INIT;
    CURLcode result = CURLE_OK;
    bool finished = false;
    while (!finished) {
      int running = 0;
      if (api_->multi_perform(multi_.get(), &running) != CURLM_OK) {
        result = CURLE_RECV_ERROR;
        break;
      }
      int queued = 0;
      while (CURLMsg* msg = api_->multi_info_read(multi_.get(), &queued)) {
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
      api_->multi_poll(multi_.get(), nullptr, 0, kPollMs, nullptr);
    }
    api_->multi_remove_handle(multi_.get(), h);
    return result;
  }

  CurlTransportOptions options_;
  CurlLoader load_;
  const CurlApi* api_ = nullptr;  // set by the first Send that loads libcurl
  UniqueMulti multi_;
};

}  // namespace

std::unique_ptr<Transport> MakeCurlTransport(const CurlTransportOptions& options, CurlLoader load) {
  return std::make_unique<CurlTransport>(options, load);
}

}  // namespace upload_internal

std::unique_ptr<Transport> MakeCurlTransport(const CurlTransportOptions& options) {
  return upload_internal::MakeCurlTransport(options, upload_internal::LoadCurl);
}

}  // namespace autoprof
