// CgroupSnapshot: what the container may use and has used, at one instant.
//
// Every figure is a Measured<T> with three states: unknown (the file is missing or
// could not be read or parsed), unlimited (a limit that is not set), or a number.
// A snapshot is a plain value; Cgroup::Sample() (autoprof/cgroup.h) makes one per
// tick and ComputeUtilization() (autoprof/cgroup_utilization.h) compares two.
//
// Thread-safety: plain values; distinct objects may be used from distinct threads.
//
// Example:
//   const autoprof::CgroupSnapshot& s = ...;
//   if (s.memory.limit_bytes.is_number())
//     printf("limit %lld bytes at %s\n", (long long)*s.memory.limit_bytes.number(),
//            s.memory.limit_path.c_str());
#ifndef AUTOPROF_CGROUP_SNAPSHOT_H_
#define AUTOPROF_CGROUP_SNAPSHOT_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace autoprof {

// A figure read from the kernel: unknown, unlimited, or a number.
template <typename T>
class Measured {
 public:
  enum class State { kUnknown, kUnlimited, kNumber };

  Measured() = default;  // unknown
  static Measured Unknown() { return Measured(); }
  static Measured Unlimited() { return Measured(State::kUnlimited, T{}); }
  static Measured Of(T value) { return Measured(State::kNumber, value); }

  State state() const { return state_; }
  bool is_unknown() const { return state_ == State::kUnknown; }
  bool is_unlimited() const { return state_ == State::kUnlimited; }
  bool is_number() const { return state_ == State::kNumber; }
  // The number, or nullopt when unknown or unlimited.
  std::optional<T> number() const { return is_number() ? std::optional<T>(value_) : std::nullopt; }

  friend bool operator==(const Measured&, const Measured&) = default;

 private:
  Measured(State state, T value) : state_(state), value_(value) {}

  State state_ = State::kUnknown;
  T value_{};
};

// How the machine mounts cgroups. kHybrid: v1 controllers beside a cgroup2 mount
// (the cgroup2 side then usually holds only PSI files).
enum class CgroupVersion { kNone, kV1, kV2, kHybrid };

// "none", "v1", "v2" or "hybrid", as in `autoprof cgroup --json`.
std::string_view CgroupVersionName(CgroupVersion version);

struct CpuSnapshot {
  // The strictest quota/period from the process's cgroup up to the mount root, in
  // cores (0.5 = half a CPU). Never derived from shares or weight.
  Measured<double> limit_cores;
  // min(limit_cores, CPUs in the affinity mask); the CPU count when unlimited.
  double effective_cores = 0;
  // CPU time used by the cgroup where the limit binds (the process's own cgroup
  // when unlimited), since that cgroup was created.
  Measured<double> usage_seconds;
  Measured<int64_t> periods;            // enforcement periods elapsed
  Measured<int64_t> throttled_periods;  // periods in which the cgroup was throttled
  Measured<double> throttled_seconds;   // total time spent throttled
  // Directory holding the binding limit, as a path on the machine (not prefixed by
  // the root given to Cgroup::Open); empty when unlimited.
  std::string limit_path;
  // The cpu-controller directory the counters above were read from (the binding
  // one, or the process's own cgroup when unlimited). ComputeUtilization restarts
  // its window when this changes.
  std::string counters_path;
};

struct MemorySnapshot {
  // The strictest limit on the way up; at or above MemTotal counts as unlimited.
  Measured<int64_t> limit_bytes;
  Measured<int64_t> usage_bytes;
  // usage - inactive_file (v1: total_inactive_file), floored at 0.
  Measured<int64_t> working_set_bytes;
  std::string limit_path;  // as CpuSnapshot::limit_path
};

// Pressure stall totals (cgroup2 cpu.pressure / memory.pressure), in microseconds.
// Unknown where the files do not exist or cannot be read.
struct PressureSnapshot {
  Measured<int64_t> cpu_some_total_us;
  Measured<int64_t> memory_some_total_us;
  Measured<int64_t> memory_full_total_us;
};

struct CgroupSnapshot {
  CgroupVersion version = CgroupVersion::kNone;
  CpuSnapshot cpu;
  MemorySnapshot memory;
  PressureSnapshot pressure;
  // When the sample was taken, from the monotonic clock of CgroupOptions.
  std::chrono::nanoseconds taken_at{0};
  // One line per file that could not be read or parsed in this sample, each naming
  // the file; the figures it feeds are unknown. Empty on a clean sample.
  std::vector<std::string> errors;
};

}  // namespace autoprof

#endif  // AUTOPROF_CGROUP_SNAPSHOT_H_
