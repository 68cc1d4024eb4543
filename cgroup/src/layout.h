// Layout: where each controller's cgroup directories are, from the process's cgroup
// up to the mount root, worked out from mountinfo and /proc/self/cgroup.
#ifndef AUTOPROF_CGROUP_LAYOUT_H_
#define AUTOPROF_CGROUP_LAYOUT_H_

#include <string>
#include <string_view>
#include <vector>

#include "autoprof/cgroup_snapshot.h"
#include "parse.h"

namespace autoprof::cgroup_internal {

// One controller's chain of directories, as paths on the machine (not re-rooted).
struct Hierarchy {
  bool present = false;
  bool v2 = false;
  std::string mount_point;
  // The process's cgroup first, then each parent, ending at the mount point.
  std::vector<std::string> dirs;

  // dirs[i] relative to the mount point ("" for the mount point itself).
  std::string_view InMount(size_t i) const {
    return std::string_view(dirs[i]).substr(mount_point.size());
  }
};

struct Layout {
  CgroupVersion version = CgroupVersion::kNone;
  Hierarchy cpu;      // cpu.cfs_* and cpu.stat (v1), cpu.max and cpu.stat (v2)
  Hierarchy cpuacct;  // v1 cpuacct.usage; absent on v2
  Hierarchy memory;
  Hierarchy unified;  // the cgroup2 hierarchy: PSI files
};

// Maps a /proc/self/cgroup path to the directory under `mount` that holds it:
// the mount root equals the path (the usual container), the path lies below the
// mount root (a sub-group, also with a cgroup namespace shared with the host), the
// mount root is "/" (host or namespaced view). A path outside the mount root, or
// one reaching above the namespace root ("/../x"), maps to the mount point.
std::string MapCgroupPath(const CgroupMount& mount, std::string_view cgroup_path);

Layout ResolveLayout(const std::vector<CgroupMount>& mounts,
                     const std::vector<ProcCgroupEntry>& entries);

}  // namespace autoprof::cgroup_internal

#endif  // AUTOPROF_CGROUP_LAYOUT_H_
