// PrivateLibrary: an optional system library loaded at run time, privately.
//
// The agent lives in other people's processes, so it links nothing a service
// would not otherwise need: libcurl (uploads) and libdw (symbolization) are
// opened with dlopen(RTLD_NOW | RTLD_LOCAL) when first needed, so neither they
// nor their dependencies (OpenSSL, ...) enter the global symbol namespace. Once
// opened a library is never closed: the functions resolved from it stay valid
// for the life of the process.
//
// Errors are one line naming the feature that is unavailable, the library and
// the package that provides it.
//
// Thread-safety: Open may be called from any thread; one PrivateLibrary is used
// by one thread while it resolves its functions.
//
// Example:
//   Result<PrivateLibrary> lib = PrivateLibrary::Open("libcurl.so.4", "uploads", "libcurl4");
//   if (!lib.ok()) return lib.status();  // "uploads unavailable: libcurl.so.4 not found (...)"
//   lib->Bind("curl_easy_init", api.easy_init);
//   AUTOPROF_RETURN_IF_ERROR(lib->CheckBound("libcurl 7.66 or newer is needed"));
#ifndef AUTOPROF_PRIVATE_LIBRARY_H_
#define AUTOPROF_PRIVATE_LIBRARY_H_

#include <string>
#include <string_view>

#include "autoprof/status.h"

namespace autoprof {

class PrivateLibrary {
 public:
  // Opens `soname`. The error says "<feature> unavailable: <soname> not found
  // (Debian/Ubuntu package <package>)", or what the loader said when the file
  // exists but cannot be loaded (a dependency of its own is missing).
  static Result<PrivateLibrary> Open(const char* soname, std::string_view feature,
                                     std::string_view package);

  // Resolves `name` into `fn`; a missing one is remembered for CheckBound.
  template <typename Fn>
  void Bind(const char* name, Fn& fn) {
    fn = reinterpret_cast<Fn>(Symbol(name));
    if (fn == nullptr && missing_ == nullptr) missing_ = name;
  }

  // OK when every Bind found its function; otherwise closes the library and says
  // "<feature> unavailable: <soname> lacks <name> (<requirement>)".
  Status CheckBound(std::string_view requirement);

 private:
  PrivateLibrary(void* handle, const char* soname, std::string_view feature)
      : handle_(handle), soname_(soname), feature_(feature) {}
  void* Symbol(const char* name) const;

  void* handle_;
  std::string soname_;
  std::string feature_;
  const char* missing_ = nullptr;
};

// Frees a handle through a function of a table resolved from a PrivateLibrary:
//   using UniqueEasy = std::unique_ptr<CURL, LibraryDeleter<&CurlApi::easy_cleanup>>;
//   UniqueEasy easy(api->easy_init(), {api});
template <auto kFree>
struct LibraryDeleter {
  template <typename M>
  struct TableOf;
  template <typename Table, typename Fn>
  struct TableOf<Fn Table::*> {
    using type = Table;
  };

  const typename TableOf<decltype(kFree)>::type* api = nullptr;
  template <typename T>
  void operator()(T* handle) const {
    (api->*kFree)(handle);
  }
};

}  // namespace autoprof

#endif  // AUTOPROF_PRIVATE_LIBRARY_H_
