// CurlApi: the libcurl functions the transport calls, resolved at run time from
// libcurl.so.4 with dlopen, so that linking the uploader (and the agent's shared
// library) never makes a service link libcurl and the ~30 libraries it brings
// (OpenSSL, nghttp2, ssh2, LDAP, Kerberos...). <curl/curl.h> supplies the types
// and constants only.
//
// The library is loaded RTLD_LOCAL (its dependencies stay out of the global
// symbol namespace, so a service carrying its own OpenSSL keeps it) the first
// time an HTTP(S) upload is sent, and never unloaded. curl_global_init runs
// once, right after the load and before any other curl call: every call goes
// through the table LoadCurl hands out only after that.
//
// Thread-safety: LoadCurl may be called from any thread; the first call loads,
// the others wait for it and share its result. The table is immutable.
//
// Example:
//   Result<const CurlApi*> curl = LoadCurl();
//   if (!curl.ok()) return curl.status();  // "uploads unavailable: libcurl.so.4 not found ..."
//   CURL* h = (*curl)->easy_init();
#ifndef AUTOPROF_UPLOADER_CURL_API_H_
#define AUTOPROF_UPLOADER_CURL_API_H_

#include <curl/curl.h>

#include <memory>

#include "autoprof/status.h"
#include "autoprof/upload_transport.h"

namespace autoprof::upload_internal {

// Every libcurl function autoprof calls: X(name) stands for curl_<name>.
// clang-format off
#define AUTOPROF_CURL_FUNCTIONS(X)                                                 \
  X(global_init) X(easy_init) X(easy_cleanup) X(easy_setopt) X(easy_getinfo)       \
  X(easy_strerror) X(multi_init) X(multi_cleanup) X(multi_add_handle)              \
  X(multi_remove_handle) X(multi_perform) X(multi_info_read) X(multi_poll)         \
  X(slist_append) X(slist_free_all) X(mime_init) X(mime_free) X(mime_addpart)      \
  X(mime_name) X(mime_data) X(mime_filename) X(mime_type)
// clang-format on

struct CurlApi {
#define AUTOPROF_CURL_MEMBER(name) decltype(&::curl_##name) name = nullptr;
  AUTOPROF_CURL_FUNCTIONS(AUTOPROF_CURL_MEMBER)
#undef AUTOPROF_CURL_MEMBER
};

// libcurl.so.4, loaded and curl_global_init'ed on the first call. The error is
// one line saying uploads are unavailable and why (which package provides it).
Result<const CurlApi*> LoadCurl();

// Loads `soname` and resolves every function, without curl_global_init and
// without caching: LoadCurl's first step, open so that tests can name a library
// that does not exist.
Result<CurlApi> OpenCurl(const char* soname);

// MakeCurlTransport with its library from `load` instead of LoadCurl: for tests
// of a process without libcurl.
using CurlLoader = Result<const CurlApi*> (*)();
std::unique_ptr<Transport> MakeCurlTransport(const CurlTransportOptions& options, CurlLoader load);

}  // namespace autoprof::upload_internal

#endif  // AUTOPROF_UPLOADER_CURL_API_H_
