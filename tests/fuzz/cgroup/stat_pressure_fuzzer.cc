// Fuzzes the "key value" parsers (cpu.stat, memory.stat, /proc/meminfo) and the PSI
// files (cpu.pressure, memory.pressure).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace autoprof::cgroup_internal;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::string_view key : {"usage_usec", "nr_periods", "nr_throttled", "throttled_usec",
                               "throttled_time", "inactive_file", "total_inactive_file"}) {
    (void)FindKeyedValue("stat", text, key);
  }
  (void)ParseMemTotal("meminfo", text);
  (void)ParsePressure("pressure", text);
  return 0;
}
