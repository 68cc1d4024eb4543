// Fuzzes the sidecar reader (a spooled .json may come from anyone who can write to
// the output directory) and what is built from it: the content id, the Pyroscope
// name and the ingest request.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sidecar.h"
#include "upload_target.h"

using namespace autoprof::upload_internal;  // NOLINT(google-build-using-namespace)

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)WithContentId(text, "00");
  autoprof::Result<SidecarInfo> info = ParseSidecar(text);
  if (!info.ok()) return 0;
  std::string name = PyroscopeName(info->app, info->labels);
  // A sanitized name never holds what would end a label early.
  size_t open = name.find('{');
  if (open == std::string::npos || name.back() != '}') __builtin_trap();
  for (char c : name.substr(0, open)) {
    if (c == '{' || c == '}' || c == ',' || c == ' ') __builtin_trap();
  }
  UploadTarget target{UploadTarget::Kind::kPyroscope, "http://h:1", "http://h:1"};
  autoprof::HttpRequest r = BuildRequest(target, "", "s", "x", text, *info, 0);
  if (r.url.find_first_of(" {}\n") != std::string::npos) __builtin_trap();
  return 0;
}
