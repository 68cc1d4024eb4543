// Fuzzes the parsers of single cgroup files: /proc/self/cgroup, single-value files
// (memory.max, cpu.cfs_quota_us, cpuacct.usage), cpu.max and CPU lists. The first
// byte picks the parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "layout.h"
#include "parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace autoprof::cgroup_internal;
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0: {
      auto entries = ParseProcCgroup("cgroup", text);
      if (entries.ok()) {
        CgroupMount v1{"/docker", "/sys/fs/cgroup/memory", false, {"rw", "memory"}};
        CgroupMount v2{"/", "/sys/fs/cgroup", true, {"rw"}};
        (void)ResolveLayout({v1, v2}, *entries);
      }
      break;
    }
    case 1:
      (void)ParseInt64("f", text);
      break;
    case 2:
      (void)ParseMaxOrInt("memory.max", text);
      break;
    case 3:
      (void)ParseCpuMax("cpu.max", text);
      break;
    case 4:
      (void)CountCpuList("cpus", text);
      break;
    case 5:
      (void)ParseAllowedCpus("status", text);
      break;
  }
  return 0;
}
