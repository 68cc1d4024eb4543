#include "autoprof/cgroup_utilization.h"

namespace autoprof {
namespace {

// later - earlier when both are numbers; nullopt otherwise.
template <typename T>
std::optional<T> Delta(const Measured<T>& earlier, const Measured<T>& later) {
  if (!earlier.is_number() || !later.is_number()) return std::nullopt;
  return *later.number() - *earlier.number();
}

}  // namespace

Utilization ComputeUtilization(const CgroupSnapshot& earlier, const CgroupSnapshot& later) {
  Utilization u;
  u.interval_seconds = std::chrono::duration<double>(later.taken_at - earlier.taken_at).count();

  const MemorySnapshot& mem = later.memory;
  if (mem.limit_bytes.is_unlimited()) {
    u.memory_fraction = Measured<double>::Unlimited();
  } else if (mem.limit_bytes.is_number() && mem.working_set_bytes.is_number() &&
             *mem.limit_bytes.number() > 0) {
    u.memory_fraction = Measured<double>::Of(static_cast<double>(*mem.working_set_bytes.number()) /
                                             static_cast<double>(*mem.limit_bytes.number()));
  }

  std::optional<double> used = Delta(earlier.cpu.usage_seconds, later.cpu.usage_seconds);
  std::optional<int64_t> periods = Delta(earlier.cpu.periods, later.cpu.periods);
  std::optional<int64_t> throttled =
      Delta(earlier.cpu.throttled_periods, later.cpu.throttled_periods);
  if (earlier.cpu.counters_path != later.cpu.counters_path || (used && *used < 0) ||
      (periods && *periods < 0) || (throttled && *throttled < 0)) {
    u.restarted = true;
    return u;
  }
  if (u.interval_seconds <= 0) return u;
  if (used) {
    double cores = *used / u.interval_seconds;
    u.cpu_cores = Measured<double>::Of(cores);
    if (later.cpu.effective_cores > 0) {
      u.cpu_fraction = Measured<double>::Of(cores / later.cpu.effective_cores);
    }
  }
  if (periods && throttled) {
    u.throttled_fraction = Measured<double>::Of(
        *periods == 0 ? 0.0 : static_cast<double>(*throttled) / static_cast<double>(*periods));
  }
  return u;
}

}  // namespace autoprof
