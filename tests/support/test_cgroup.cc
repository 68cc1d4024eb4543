#include "test_cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

namespace autoprof::testing {
namespace {

const std::string kCgroupFs = "/sys/fs/cgroup";

bool Exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

bool WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

// This process's path in the v1 hierarchy holding `controller`.
std::string OwnV1Path(const std::string& controller) {
  std::ifstream in("/proc/self/cgroup");
  for (std::string line; std::getline(in, line);) {
    size_t c1 = line.find(':'), c2 = line.find(':', c1 + 1);
    if (c1 == std::string::npos || c2 == std::string::npos) continue;
    std::string list = "," + line.substr(c1 + 1, c2 - c1 - 1) + ",";
    if (list.find("," + controller + ",") != std::string::npos) return line.substr(c2 + 1);
  }
  return "";
}

std::string Hierarchy(const char* controller, const char* probe_file) {
  for (std::string name : {std::string(controller), std::string("cpu,cpuacct")}) {
    if (Exists(kCgroupFs + "/" + name + "/" + probe_file)) return kCgroupFs + "/" + name;
  }
  return "";
}

}  // namespace

std::unique_ptr<ScopedCgroup> ScopedCgroup::Create(const std::string& name, double cpu_cores,
                                                   int64_t memory_bytes, std::string* why) {
  if (::geteuid() != 0) {
    *why = "needs root to create cgroups";
    return nullptr;
  }
  std::string cpu = Hierarchy("cpu", "cpu.cfs_quota_us");
  std::string cpuacct = Hierarchy("cpuacct", "cpuacct.usage");
  std::string memory_own = OwnV1Path("memory");
  std::string memory = Exists(kCgroupFs + "/memory/memory.limit_in_bytes") && !memory_own.empty()
                           ? kCgroupFs + "/memory" + (memory_own == "/" ? "" : memory_own)
                           : "";
  if (cpu.empty() || cpuacct.empty() || memory.empty()) {
    *why = "no cgroup v1 cpu, cpuacct and memory hierarchies under /sys/fs/cgroup";
    return nullptr;
  }
  std::unique_ptr<ScopedCgroup> cg(new ScopedCgroup);
  std::string leaf = "autoprof-test-" + name + "-" + std::to_string(::getpid());
  std::vector<std::string> parents = {cpu};
  if (cpuacct != cpu) parents.push_back(cpuacct);
  parents.push_back(memory);
  for (const std::string& parent : parents) {
    std::string dir = parent + "/" + leaf;
    if (::mkdir(dir.c_str(), 0755) != 0) {
      *why = dir + ": " + std::strerror(errno) + " (cgroup filesystem not writable)";
      return nullptr;
    }
    cg->dirs_.push_back(dir);
    cg->procs_.push_back(dir + "/cgroup.procs");
  }
  if (cpu_cores > 0) {
    int64_t quota = std::llround(cpu_cores * 100000);
    if (!WriteText(cpu + "/" + leaf + "/cpu.cfs_period_us", "100000") ||
        !WriteText(cpu + "/" + leaf + "/cpu.cfs_quota_us", std::to_string(quota))) {
      *why = "cannot set the CPU quota under " + cpu;
      return nullptr;
    }
  }
  if (memory_bytes > 0 &&
      !WriteText(memory + "/" + leaf + "/memory.limit_in_bytes", std::to_string(memory_bytes))) {
    *why = "cannot set the memory limit under " + memory;
    return nullptr;
  }
  return cg;
}

ScopedCgroup::~ScopedCgroup() {
  for (pid_t pid : children_) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
  }
  for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
    for (int attempt = 0; attempt < 200 && ::rmdir(it->c_str()) != 0 && errno == EBUSY; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

pid_t ScopedCgroup::Spawn(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env,
                          const std::string& log_path) {
  // Everything the child needs is prepared before fork: it only writes and execs.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string kv = *e;
    if (!env.count(kv.substr(0, kv.find('=')))) env_strings.push_back(kv);
  }
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, args;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (std::string& s : argv_copy) args.push_back(s.data());
  args.push_back(nullptr);
  std::vector<std::string> procs = procs_;

  pid_t pid = ::fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    char self[32];
    int n = std::snprintf(self, sizeof self, "%d\n", static_cast<int>(::getpid()));
    for (const std::string& p : procs) {
      int fd = ::open(p.c_str(), O_WRONLY | O_CLOEXEC);
      if (fd < 0 || ::write(fd, self, static_cast<size_t>(n)) != n) ::_exit(126);
      ::close(fd);
    }
    if (!log_path.empty()) {
      int fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
    }
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  children_.push_back(pid);
  return pid;
}

std::optional<int> ScopedCgroup::Stop(pid_t pid, int grace_ms) {
  auto it = std::find(children_.begin(), children_.end(), pid);
  if (it == children_.end()) return std::nullopt;
  children_.erase(it);
  ::kill(pid, SIGTERM);
  int status = 0;
  for (int waited = 0; waited < grace_ms; waited += 10) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return status;
}

}  // namespace autoprof::testing
