#include "curl_api.h"

#include <dlfcn.h>

#include <string>

namespace autoprof::upload_internal {
namespace {

constexpr char kCurlSoname[] = "libcurl.so.4";
constexpr char kPackage[] = "(Debian/Ubuntu package libcurl4)";

template <typename Fn>
bool Bind(void* handle, const char* name, Fn& fn) {
  fn = reinterpret_cast<Fn>(dlsym(handle, name));
  return fn != nullptr;
}

// Runs once per process (LoadCurl's static): loads, then curl_global_init before
// the table is handed to anyone.
Result<const CurlApi*> LoadOnce() {
  Result<CurlApi> opened = OpenCurl(kCurlSoname);
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
  // RTLD_LOCAL: curl's OpenSSL and the rest stay out of the global namespace.
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    std::string detail = why ? why : "";
    if (detail.rfind(std::string(soname) + ": cannot open shared object file", 0) == 0) {
      return FailedPrecondition(std::string("uploads unavailable: ") + soname + " not found " +
                                kPackage);
    }
    return FailedPrecondition(std::string("uploads unavailable: cannot load ") + soname + " " +
                              kPackage + ": " + detail);
  }
  CurlApi api;
  const char* missing = nullptr;
#define AUTOPROF_CURL_BIND(name) \
  if (missing == nullptr && !Bind(handle, "curl_" #name, api.name)) missing = "curl_" #name;
  AUTOPROF_CURL_FUNCTIONS(AUTOPROF_CURL_BIND)
#undef AUTOPROF_CURL_BIND
  if (missing != nullptr) {
    dlclose(handle);
    return FailedPrecondition(std::string("uploads unavailable: ") + soname + " lacks " + missing +
                              " (libcurl 7.66 or newer is needed)");
  }
  return api;
}

Result<const CurlApi*> LoadCurl() {
  // A function-local static: the first caller loads, concurrent callers wait.
  static const Result<const CurlApi*> loaded = LoadOnce();
  return loaded;
}

}  // namespace autoprof::upload_internal
