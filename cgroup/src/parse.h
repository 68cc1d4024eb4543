// Parsers for the kernel files the cgroup module reads. Each takes the file's name
// (for the error message) and its text, and never throws; a malformed input gives
// an InvalidArgument status whose message names the file and what is wrong.
#ifndef AUTOPROF_CGROUP_PARSE_H_
#define AUTOPROF_CGROUP_PARSE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "autoprof/cgroup_snapshot.h"
#include "autoprof/status.h"

namespace autoprof::cgroup_internal {

// One cgroup or cgroup2 line of /proc/self/mountinfo.
struct CgroupMount {
  std::string root;                  // the mount's root inside the hierarchy (field 4)
  std::string mount_point;           // where it is mounted (field 5), octal escapes undone
  bool v2 = false;                   // cgroup2
  std::vector<std::string> options;  // super options (v1: holds the controllers)

  bool HasController(std::string_view name) const;
};

// The cgroup mounts of a mountinfo file, in file order; other mounts are skipped.
Result<std::vector<CgroupMount>> ParseMountInfo(std::string_view file, std::string_view text);

// Undoes mountinfo's octal escapes (\040 space, \011 tab, \012 newline, \134 '\').
std::string UnescapeMountPath(std::string_view field);

// One line of /proc/self/cgroup: "hierarchy-id:controller,list:path".
struct ProcCgroupEntry {
  int64_t hierarchy_id = 0;
  std::vector<std::string> controllers;  // empty for the cgroup2 "0::" line
  std::string path;                      // may itself contain ':'
};
Result<std::vector<ProcCgroupEntry>> ParseProcCgroup(std::string_view file, std::string_view text);

// A file holding one integer, optionally followed by a newline.
Result<int64_t> ParseInt64(std::string_view file, std::string_view text);

// A v2 limit file (memory.max): an integer or "max" (unlimited).
Result<Measured<int64_t>> ParseMaxOrInt(std::string_view file, std::string_view text);

// cgroup2 cpu.max: "<quota|max> <period>". Cores = quota / period.
Result<Measured<double>> ParseCpuMax(std::string_view file, std::string_view text);

// v1 cpu.cfs_quota_us and cpu.cfs_period_us; a quota of -1 means unlimited.
Result<Measured<double>> CfsQuotaCores(std::string_view file, int64_t quota_us, int64_t period_us);

// The value of `key` in a file of "key value" lines (cpu.stat, memory.stat,
// /proc/meminfo with its "Key:" and trailing unit). nullopt when the key is absent.
// The key must match a whole first field: "inactive_file" does not match
// "total_inactive_file".
Result<std::optional<int64_t>> FindKeyedValue(std::string_view file, std::string_view text,
                                              std::string_view key);

// A PSI file (cpu.pressure, memory.pressure): the total= of its "some" and "full"
// lines, in microseconds. A missing "full" line (older kernels' cpu.pressure) is
// nullopt; a missing "some" line is an error.
struct PressureTotals {
  int64_t some_total_us = 0;
  std::optional<int64_t> full_total_us;
};
Result<PressureTotals> ParsePressure(std::string_view file, std::string_view text);

// The number of CPUs in a list such as "0-3,8,10-11" (Cpus_allowed_list).
Result<int> CountCpuList(std::string_view file, std::string_view text);

// MemTotal of /proc/meminfo in bytes.
Result<int64_t> ParseMemTotal(std::string_view file, std::string_view text);

// Cpus_allowed_list of /proc/self/status, counted.
Result<int> ParseAllowedCpus(std::string_view file, std::string_view text);

}  // namespace autoprof::cgroup_internal

#endif  // AUTOPROF_CGROUP_PARSE_H_
