// libFuzzer target: the tcmalloc heap sample parser and the allocator-frame
// removal must return a value or a one-line error for any input.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "autoprof/gperftools.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  autoprof::Result<autoprof::Profile> p = autoprof::ParseHeapSample(input);
  if (!p.ok()) {
    if (p.status().message().find('\n') != std::string::npos) __builtin_trap();
    return 0;
  }
  for (const auto& s : p->samples) {
    if (s.values.size() != 2 || s.values[0] < 0 || s.values[1] < 0) __builtin_trap();
  }
  autoprof::RemoveAllocatorFrames(&*p);
  return 0;
}
