// Test support: real child cgroups and processes started inside them.
//
// ScopedCgroup creates a fresh group in the v1 cpu, cpuacct and memory
// hierarchies of this machine (the memory one under this process's current memory
// group, where this sandbox keeps its processes), sets a CPU quota and a memory
// limit, and on destruction kills every process it started and removes the
// groups, retrying while the kernel still counts a dead task. Tests that cannot
// have one (not root, no v1 hierarchies, read-only) get the reason and skip.
//
// Thread-safety: one test thread.
//
// Example:
//   std::string why;
//   auto cg = autoprof::testing::ScopedCgroup::Create("agent-cpu", 0.5, 256 << 20, &why);
//   if (!cg) GTEST_SKIP() << why;
//   pid_t pid = cg->Spawn({"/path/demo_service", "--port", "0"}, {{"AUTOPROF_APP", "demo"}});
#ifndef AUTOPROF_TESTS_SUPPORT_TEST_CGROUP_H_
#define AUTOPROF_TESTS_SUPPORT_TEST_CGROUP_H_

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace autoprof::testing {

class ScopedCgroup {
 public:
  // cpu_cores <= 0: no quota; memory_bytes <= 0: no limit. nullptr and `why` set
  // when this machine cannot have one.
  static std::unique_ptr<ScopedCgroup> Create(const std::string& name, double cpu_cores,
                                              int64_t memory_bytes, std::string* why);
  ~ScopedCgroup();
  ScopedCgroup(const ScopedCgroup&) = delete;
  ScopedCgroup& operator=(const ScopedCgroup&) = delete;

  // Forks; the child joins the groups, adds `env` to its environment, sends its
  // stdout and stderr to `log_path` (if not empty) and execs argv. -1 on failure.
  pid_t Spawn(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
              const std::string& log_path = "");

  // Sends SIGTERM, waits up to `grace_ms`, then SIGKILL; returns the exit status
  // as waitpid gives it, or nullopt when the process was not ours.
  std::optional<int> Stop(pid_t pid, int grace_ms = 5000);

  const std::vector<std::string>& directories() const { return dirs_; }

 private:
  ScopedCgroup() = default;
  std::vector<std::string> dirs_;   // created, in creation order
  std::vector<std::string> procs_;  // the cgroup.procs files a child writes itself into
  std::vector<pid_t> children_;
};

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_SUPPORT_TEST_CGROUP_H_
