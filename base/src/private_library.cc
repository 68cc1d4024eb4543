#include "autoprof/private_library.h"

#include <dlfcn.h>

namespace autoprof {

Result<PrivateLibrary> PrivateLibrary::Open(const char* soname, std::string_view feature,
                                            std::string_view package) {
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  std::string unavailable = std::string(feature) + " unavailable: ";
  std::string from = "(Debian/Ubuntu package " + std::string(package) + ")";
  if (handle == nullptr) {
    const char* why = dlerror();
    std::string detail = why != nullptr ? why : "";
    // The loader names the file it could not find: this one, or a dependency.
    if (detail.rfind(std::string(soname) + ": cannot open shared object file", 0) == 0) {
      return FailedPrecondition(unavailable + soname + " not found " + from);
    }
    return FailedPrecondition(unavailable + "cannot load " + soname + " " + from + ": " + detail);
  }
  return PrivateLibrary(handle, soname, feature);
}

void* PrivateLibrary::Symbol(const char* name) const { return dlsym(handle_, name); }

Status PrivateLibrary::CheckBound(std::string_view requirement) {
  if (missing_ == nullptr) return Status::Ok();
  dlclose(handle_);
  handle_ = nullptr;
  return FailedPrecondition(feature_ + " unavailable: " + soname_ + " lacks " + missing_ + " (" +
                            std::string(requirement) + ")");
}

}  // namespace autoprof
