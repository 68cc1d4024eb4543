#include "dw_api.h"

#include "autoprof/private_library.h"

namespace autoprof::symbolizer_internal {
namespace {

// Runs once per process (LoadLibdw's static).
Result<const DwApi*> LoadOnce() {
  Result<DwApi> opened = OpenLibdw("libdw.so.1");
  if (!opened.ok()) return opened.status();
  static const DwApi api = *opened;
  return &api;
}

}  // namespace

Result<DwApi> OpenLibdw(const char* soname) {
  Result<PrivateLibrary> library = PrivateLibrary::Open(soname, "symbolization", "libdw1");
  if (!library.ok()) return library.status();
  // dlsym on libdw's handle also searches its dependencies: libelf's elf_/gelf_.
  DwApi api;
#define AUTOPROF_DW_BIND(name) library->Bind(#name, api.name);
  AUTOPROF_DW_FUNCTIONS(AUTOPROF_DW_BIND)
#undef AUTOPROF_DW_BIND
  AUTOPROF_RETURN_IF_ERROR(library->CheckBound("elfutils 0.159 or newer is needed"));
  return api;
}

Result<const DwApi*> LoadLibdw() {
  // A function-local static: the first caller loads, concurrent callers wait.
  static const Result<const DwApi*> loaded = LoadOnce();
  return loaded;
}

}  // namespace autoprof::symbolizer_internal
