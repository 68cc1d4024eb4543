// libFuzzer target: the legacy gperftools CPU profile parser must return a value
// or a one-line error for any input, and a parsed profile must be consistent.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_set>

#include "autoprof/gperftools.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  autoprof::Result<autoprof::Profile> p = autoprof::ParseCpuProfile(input);
  if (!p.ok()) {
    if (p.status().message().find('\n') != std::string::npos) __builtin_trap();
    return 0;
  }
  std::unordered_set<uint64_t> ids;
  for (const auto& l : p->locations) ids.insert(l.id);
  for (const auto& s : p->samples) {
    if (s.values.size() != 2) __builtin_trap();
    for (uint64_t id : s.location_ids) {
      if (!ids.count(id)) __builtin_trap();
    }
  }
  return 0;
}
