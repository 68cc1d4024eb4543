#include "layout.h"

namespace autoprof::cgroup_internal {
namespace {

constexpr std::string_view kCgroupFsDir = "/sys/fs/cgroup";

bool UnderCgroupFs(const CgroupMount& m) {
  std::string_view p = m.mount_point;
  return p.starts_with(kCgroupFsDir) &&
         (p.size() == kCgroupFsDir.size() || p[kCgroupFsDir.size()] == '/');
}

// True when `path` is `prefix` or lies below it, component-wise.
bool IsPathWithin(std::string_view path, std::string_view prefix) {
  if (prefix == "/") return true;
  return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

bool ReachesAbove(std::string_view path) {
  return path == "/.." || path.starts_with("/../") || path.find("/../") != std::string_view::npos ||
         path.ends_with("/..");
}

// The mount to use for `controller` ("" picks the cgroup2 mount): one under
// /sys/fs/cgroup when it is mounted more than once.
const CgroupMount* FindMount(const std::vector<CgroupMount>& mounts, std::string_view controller) {
  const CgroupMount* found = nullptr;
  for (const auto& m : mounts) {
    bool match = controller.empty() ? m.v2 : (!m.v2 && m.HasController(controller));
    if (!match) continue;
    if (found == nullptr || (!UnderCgroupFs(*found) && UnderCgroupFs(m))) found = &m;
  }
  return found;
}

const ProcCgroupEntry* FindEntry(const std::vector<ProcCgroupEntry>& entries,
                                 std::string_view controller) {
  for (const auto& e : entries) {
    if (controller.empty()) {
      if (e.hierarchy_id == 0 && e.controllers.empty()) return &e;
      continue;
    }
    for (const auto& c : e.controllers) {
      if (c == controller) return &e;
    }
  }
  return nullptr;
}

Hierarchy MakeHierarchy(const CgroupMount& mount, std::string_view cgroup_path) {
  Hierarchy h;
  h.present = true;
  h.v2 = mount.v2;
  h.mount_point = mount.mount_point;
  if (h.mount_point.size() > 1 && h.mount_point.back() == '/') h.mount_point.pop_back();
  std::string dir = MapCgroupPath(mount, cgroup_path);
  while (true) {
    h.dirs.push_back(dir);
    if (dir.size() <= h.mount_point.size()) break;
    dir.resize(dir.rfind('/'));
    if (dir.size() < h.mount_point.size()) dir = h.mount_point;
  }
  return h;
}

Hierarchy FindHierarchy(const std::vector<CgroupMount>& mounts,
                        const std::vector<ProcCgroupEntry>& entries, std::string_view controller) {
  const CgroupMount* m = FindMount(mounts, controller);
  const ProcCgroupEntry* e = FindEntry(entries, controller);
  if (m == nullptr || e == nullptr) return {};
  return MakeHierarchy(*m, e->path);
}

}  // namespace

std::string MapCgroupPath(const CgroupMount& mount, std::string_view cgroup_path) {
  std::string base = mount.mount_point;
  if (base.size() > 1 && base.back() == '/') base.pop_back();
  if (ReachesAbove(cgroup_path) || !IsPathWithin(cgroup_path, mount.root)) return base;
  std::string_view rest = cgroup_path.substr(mount.root == "/" ? 0 : mount.root.size());
  while (rest.size() > 1 && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest == "/") return base;
  return base + std::string(rest);
}

Layout ResolveLayout(const std::vector<CgroupMount>& mounts,
                     const std::vector<ProcCgroupEntry>& entries) {
  Layout layout;
  bool any_v1 = false, any_v2 = false;
  for (const auto& m : mounts) (m.v2 ? any_v2 : any_v1) = true;
  if (any_v1 && any_v2) {
    layout.version = CgroupVersion::kHybrid;
  } else if (any_v1) {
    layout.version = CgroupVersion::kV1;
  } else if (any_v2) {
    layout.version = CgroupVersion::kV2;
  }
  layout.unified = FindHierarchy(mounts, entries, "");
  // A v1 mount of a controller wins; otherwise the controller lives on cgroup2.
  layout.cpu = FindHierarchy(mounts, entries, "cpu");
  if (!layout.cpu.present) layout.cpu = layout.unified;
  layout.cpuacct = FindHierarchy(mounts, entries, "cpuacct");
  layout.memory = FindHierarchy(mounts, entries, "memory");
  if (!layout.memory.present) layout.memory = layout.unified;
  return layout;
}

}  // namespace autoprof::cgroup_internal
