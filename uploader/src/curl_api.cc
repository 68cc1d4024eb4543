#include "curl_api.h"

#include <string>

#include "autoprof/private_library.h"

namespace autoprof::upload_internal {
namespace {

// Runs once per process (LoadCurl's static): loads, then curl_global_init before
// the table is handed to anyone.
Result<const CurlApi*> LoadOnce() {
  Result<CurlApi> opened = OpenCurl("libcurl.so.4");
  if (!opened.ok()) return opened.status();
  static const CurlApi api = *opened;
  CURLcode init = api.global_init(CURL_GLOBAL_DEFAULT);
  if (init != CURLE_OK) {
    return FailedPrecondition(std::string("uploads unavailable: curl_global_init failed: ") +
                              api.easy_strerror(init));
  }
  return &api;
}

}  // namespace

Result<CurlApi> OpenCurl(const char* soname) {
  Result<PrivateLibrary> library = PrivateLibrary::Open(soname, "uploads", "libcurl4");
  if (!library.ok()) return library.status();
  CurlApi api;
#define AUTOPROF_CURL_BIND(name) library->Bind("curl_" #name, api.name);
  AUTOPROF_CURL_FUNCTIONS(AUTOPROF_CURL_BIND)
#undef AUTOPROF_CURL_BIND
  AUTOPROF_RETURN_IF_ERROR(library->CheckBound("libcurl 7.66 or newer is needed"));
  return api;
}

Result<const CurlApi*> LoadCurl() {
  // A function-local static: the first caller loads, concurrent callers wait.
  static const Result<const CurlApi*> loaded = LoadOnce();
  return loaded;
}

}  // namespace autoprof::upload_internal
