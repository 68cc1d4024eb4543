// Cgroup: cheap, exact sampling of the container's CPU and memory limits and usage.
//
// Open() reads /proc/self/mountinfo and /proc/self/cgroup (under a root directory,
// "/" by default, so a fixture tree can stand in for a machine), finds the cgroup
// directories of the cpu, cpuacct and memory controllers (v1, v2 or hybrid, with
// cgroup namespaces and nested groups) and the cgroup2 directory for PSI. Sample()
// then reads limits, usage, throttling and pressure: each file is opened once and
// read with pread at offset 0 on every tick, reopened when the kernel says it is gone
// (ENODEV, ENOENT, EBADF). Limits are re-read every tick, so an in-place resize is
// seen at once; /proc/self/cgroup is re-read every `reresolve_every` ticks, so a
// process moved to another cgroup is followed.
//
// Nothing throws. Open() fails only when the root or its /proc/self/mountinfo cannot
// be read; a machine without cgroups yields version kNone. Sample() never fails: a
// file it cannot read makes its figures unknown and adds a line to
// CgroupSnapshot::errors naming the file.
//
// Thread-safety: a Cgroup is not thread-safe; sample it from one thread (or lock).
// Distinct Cgroup objects are independent.
//
// Example:
//   autoprof::Result<autoprof::Cgroup> cg = autoprof::Cgroup::Open({});
//   if (!cg.ok()) { log(cg.status().message()); return; }
//   autoprof::CgroupSnapshot before = cg->Sample();
//   sleep(1);
//   autoprof::CgroupSnapshot after = cg->Sample();
//   autoprof::Utilization u = autoprof::ComputeUtilization(before, after);
//   if (u.cpu_fraction.is_number() && *u.cpu_fraction.number() > 0.75) { ... }
#ifndef AUTOPROF_CGROUP_H_
#define AUTOPROF_CGROUP_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "autoprof/cgroup_snapshot.h"
#include "autoprof/cgroup_utilization.h"
#include "autoprof/status.h"

namespace autoprof {

struct CgroupOptions {
  // Every path read (/proc/self/..., /proc/meminfo, the cgroup mount points) is
  // taken under this directory. With "/" the CPU count comes from
  // sched_getaffinity; otherwise from <root>/proc/self/status (Cpus_allowed_list).
  std::string root = "/";
  // Re-read /proc/self/cgroup (and the CPU affinity) every this many Sample() calls.
  int reresolve_every = 10;
  // The monotonic clock stamped on each snapshot; CLOCK_MONOTONIC when empty.
  std::function<std::chrono::nanoseconds()> clock;
  // false opens and closes every file on each read instead of keeping it open and
  // using pread; only the benchmark's baseline wants that.
  bool keep_files_open = true;
};

class Cgroup {
 public:
  // Discovers the cgroup layout under options.root. Fails with a message naming the
  // path when the root is not a directory or <root>/proc/self/mountinfo is unreadable.
  static Result<Cgroup> Open(CgroupOptions options);

  Cgroup(Cgroup&&) noexcept;
  Cgroup& operator=(Cgroup&&) noexcept;
  ~Cgroup();

  // Reads the current limits, usage, throttling and pressure. Never fails; see
  // CgroupSnapshot::errors.
  CgroupSnapshot Sample();

  CgroupVersion version() const;

 private:
  struct State;
  explicit Cgroup(std::unique_ptr<State> state);

  std::unique_ptr<State> state_;
};

}  // namespace autoprof

#endif  // AUTOPROF_CGROUP_H_
