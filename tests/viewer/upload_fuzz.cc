// libFuzzer target for everything the viewer parses from an upload: the sidecar
// JSON with the profile bytes (PrepareUpload), Pyroscope's name/from/until
// (PreparePyroscopeUpload), and times. Input: metadata, a NUL byte, profile bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "autoprof/profile_upload.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t nul = input.find('\0');
  std::string_view metadata = input.substr(0, nul);
  std::string_view bytes = nul == std::string_view::npos ? std::string_view() : input.substr(nul + 1);
  autoprof::DecodeLimits limits{1 << 20};
  constexpr int64_t kNow = 1'800'000'000'000'000'000;

  autoprof::Result<autoprof::StoredProfile> ours =
      autoprof::PrepareUpload(bytes, metadata, limits, kNow);
  if (ours.ok() && ours->id != autoprof::ContentId(bytes)) __builtin_trap();

  size_t space = metadata.find(' ');
  std::string_view name = metadata.substr(0, space);
  std::string_view from = space == std::string_view::npos ? std::string_view() : metadata.substr(space + 1);
  (void)autoprof::PreparePyroscopeUpload(bytes, name, from, from, limits, kNow);
  autoprof::Result<int64_t> t = autoprof::ParseTimestamp(metadata);
  if (t.ok() && *t < 0) __builtin_trap();
  return 0;
}
