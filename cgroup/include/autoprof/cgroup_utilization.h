// Utilization: how much of its limits the container used between two snapshots.
//
// Rates come from counter deltas over the snapshots' monotonic timestamps. A counter
// that went backwards (the cgroup was recreated, or the process moved to another
// cgroup) restarts the window: the rates are unknown and `restarted` is set, and the
// caller should take the later snapshot as its new baseline. Never a negative rate.
//
// Thread-safety: a pure function of its arguments.
//
// Example:
//   autoprof::Utilization u = autoprof::ComputeUtilization(previous, current);
//   if (u.restarted) previous = current;  // start a fresh window
//   else if (auto f = u.cpu_fraction.number(); f && *f > threshold) Trigger();
#ifndef AUTOPROF_CGROUP_UTILIZATION_H_
#define AUTOPROF_CGROUP_UTILIZATION_H_

#include "autoprof/cgroup_snapshot.h"

namespace autoprof {

struct Utilization {
  double interval_seconds = 0;  // later.taken_at - earlier.taken_at
  // A counter went backwards or the cgroup the counters come from changed; the CPU
  // figures below are unknown.
  bool restarted = false;
  Measured<double> cpu_cores;     // average cores used over the interval
  Measured<double> cpu_fraction;  // cpu_cores / later.cpu.effective_cores
  // Throttled periods / periods elapsed in the interval (0 when no period elapsed).
  Measured<double> throttled_fraction;
  // later working set / later memory limit; unlimited when there is no limit.
  Measured<double> memory_fraction;
};

// Compares two snapshots of the same Cgroup, `earlier` taken before `later`.
// A non-positive interval yields unknown rates.
Utilization ComputeUtilization(const CgroupSnapshot& earlier, const CgroupSnapshot& later);

}  // namespace autoprof

#endif  // AUTOPROF_CGROUP_UTILIZATION_H_
