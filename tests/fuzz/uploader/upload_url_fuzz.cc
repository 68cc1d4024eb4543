// Fuzzes AUTOPROF_UPLOAD_URL parsing and the spool's stem check.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "spool.h"
#include "upload_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto target = autoprof::upload_internal::ParseUploadTarget(text);
  if (target.ok() && target->base.empty()) __builtin_trap();
  if (!target.ok() && target.status().message().rfind("AUTOPROF_UPLOAD_URL: ", 0) != 0) {
    __builtin_trap();
  }
  (void)autoprof::upload_internal::CheckStem(text);
  return 0;
}
