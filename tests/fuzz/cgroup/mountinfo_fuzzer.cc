// Fuzzes /proc/self/mountinfo parsing and the mapping of cgroup paths onto the mounts
// found, as Cgroup::Open does.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "layout.h"
#include "parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace autoprof::cgroup_internal;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto mounts = ParseMountInfo("mountinfo", text);
  if (!mounts.ok()) return 0;
  for (const auto& m : *mounts) {
    (void)MapCgroupPath(m, m.root);
    (void)MapCgroupPath(m, m.root + "/sub/dir");
    (void)MapCgroupPath(m, "/../outside");
  }
  Layout layout = ResolveLayout(
      *mounts, {{0, {}, "/a/b"}, {3, {"cpu", "cpuacct"}, "/docker/x"}, {4, {"memory"}, "/"}});
  for (const Hierarchy* h : {&layout.cpu, &layout.cpuacct, &layout.memory, &layout.unified}) {
    for (size_t i = 0; i < h->dirs.size(); ++i) (void)h->InMount(i);
  }
  return 0;
}
