// libFuzzer target for the pprof decoder (gzipped or plain profile.proto).
// Whatever decodes must validate, re-encode, and decode again to the same
// number of entries: the codec may reject input, never crash or misread it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "autoprof/analysis.h"
#include "autoprof/pprof.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  autoprof::Result<autoprof::Profile> p =
      autoprof::DecodeProfile(bytes, autoprof::DecodeLimits{.max_decompressed_bytes = 4u << 20});
  if (!p.ok()) return 0;
  if (!autoprof::ValidateProfile(*p).ok()) std::abort();
  autoprof::Result<autoprof::Profile> again = autoprof::DecodeProfile(autoprof::EncodeProfile(*p));
  if (!again.ok() || again->samples.size() != p->samples.size() ||
      again->locations.size() != p->locations.size() ||
      again->functions.size() != p->functions.size()) {
    std::abort();
  }
  // The analysis must cope with anything that decodes.
  if (!p->sample_types.empty()) {
    (void)autoprof::Top(*p);
    (void)autoprof::CollapseStacks(*p);
  }
  return 0;
}
