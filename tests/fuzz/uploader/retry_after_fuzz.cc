// Fuzzes what the uploader reads from a server's answer: the Retry-After header
// (seconds or any HTTP-date form) and the one-line reason of an error body.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "retry_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto now = std::chrono::system_clock::from_time_t(1'700'000'000);
  std::optional<autoprof::upload_internal::Millis> wait =
      autoprof::upload_internal::ParseRetryAfter(text, now);
  if (wait && wait->count() < 0) __builtin_trap();
  std::string reason = autoprof::upload_internal::OneLineReason(text);
  if (reason.empty() || reason.size() > 200 || reason.find('\n') != std::string::npos) {
    __builtin_trap();
  }
  return 0;
}
