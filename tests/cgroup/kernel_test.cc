// The cgroup module against the real kernel (cgroup v1 or hybrid, as root): child
// cgroups with a 0.5-core quota and a 256 MiB limit, a child process moved into them
// that burns CPU and allocates; the module, running inside that child, must report
// the limits exactly and a CPU usage that matches the child's own CPU time. The
// cgroups are removed afterwards, also when the test fails. Skipped, with the
// reason, where it cannot run (not root, no v1 cpu/cpuacct/memory at /sys/fs/cgroup,
// or the cgroup filesystem is read-only).
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "autoprof/cgroup.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;

const fs::path kCgroupFs = "/sys/fs/cgroup";
constexpr int64_t kLimitBytes = 256 << 20;

std::string ReadText(const fs::path& p) {
  std::stringstream ss;
  ss << std::ifstream(p).rdbuf();
  return ss.str();
}

bool WriteText(const fs::path& p, const std::string& text) {
  std::ofstream out(p);
  out << text;
  out.flush();
  return static_cast<bool>(out);
}

// This process's path in a v1 hierarchy, from /proc/self/cgroup.
std::string OwnV1Path(const std::string& controller) {
  std::istringstream in(ReadText("/proc/self/cgroup"));
  for (std::string line; std::getline(in, line);) {
    size_t c1 = line.find(':'), c2 = line.find(':', c1 + 1);
    std::string list = "," + line.substr(c1 + 1, c2 - c1 - 1) + ",";
    if (list.find("," + controller + ",") != std::string::npos) return line.substr(c2 + 1);
  }
  return "";
}

double ProcessCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Child cgroups made for one test and removed when it ends: the process in them is
// killed and reaped first, then each directory removed (retrying while the kernel
// still counts the dead task).
class TestCgroups {
 public:
  ~TestCgroups() {
    if (child_ > 0) {
      kill(child_, SIGKILL);
      waitpid(child_, nullptr, 0);
    }
    for (auto it = dirs_.rbegin(); it != dirs_.rend(); ++it) {
      for (int attempt = 0; attempt < 100 && rmdir(it->c_str()) != 0 && errno == EBUSY; ++attempt) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }

  // Creates `dir`; an empty string on success, else why not.
  std::string Make(const fs::path& dir) {
    if (mkdir(dir.c_str(), 0755) != 0) return dir.string() + ": " + std::strerror(errno);
    dirs_.push_back(dir);
    return "";
  }
  void Remove(const fs::path& dir) {
    if (rmdir(dir.c_str()) == 0) std::erase(dirs_, dir);
  }
  void Adopt(pid_t child) { child_ = child; }
  void Reaped() { child_ = -1; }

 private:
  std::vector<fs::path> dirs_;
  pid_t child_ = -1;
};

// Where this machine's v1 controllers are; skips the test when the layout is not v1.
struct V1Dirs {
  fs::path cpu, cpuacct, memory;  // memory: this process's current memory cgroup
};

std::optional<V1Dirs> FindV1Dirs(std::string* why) {
  if (geteuid() != 0) {
    *why = "needs root to create cgroups";
    return std::nullopt;
  }
  V1Dirs d;
  for (const char* name : {"cpu", "cpu,cpuacct"}) {
    if (fs::exists(kCgroupFs / name / "cpu.cfs_quota_us")) d.cpu = kCgroupFs / name;
  }
  for (const char* name : {"cpuacct", "cpu,cpuacct"}) {
    if (fs::exists(kCgroupFs / name / "cpuacct.usage")) d.cpuacct = kCgroupFs / name;
  }
  std::string mem = OwnV1Path("memory");
  if (fs::exists(kCgroupFs / "memory/memory.limit_in_bytes") && !mem.empty()) {
    d.memory = kCgroupFs / ("memory" + mem);
  }
  if (d.cpu.empty() || d.cpuacct.empty() || d.memory.empty()) {
    *why = "no cgroup v1 cpu, cpuacct and memory hierarchies under /sys/fs/cgroup";
    return std::nullopt;
  }
  return d;
}

// What the child measured, sent back through a pipe.
struct ChildReport {
  int opened = 0;
  int errors = 0;
  char first_error[256] = {};
  double limit_cores = -1, effective_cores = -1;
  int64_t limit_bytes = -1;
  char cpu_limit_path[256] = {}, memory_limit_path[256] = {};
  double usage_delta = -1, own_cpu_delta = -1, cpu_cores = -1, interval = -1;
  int64_t periods_delta = -1, throttled_delta = -1;
  int64_t periods = -1, throttled = -1;  // absolute, at the second sample
  int64_t memory_usage = -1, working_set = -1;
};

// Runs in the child once it sits in the test cgroups: samples, burns `burn_seconds` of
// CPU and touches `alloc_bytes`, samples again.
ChildReport MeasureInChild(double burn_seconds, size_t alloc_bytes) {
  ChildReport r;
  Result<Cgroup> cg = Cgroup::Open({});
  if (!cg.ok()) {
    std::snprintf(r.first_error, sizeof r.first_error, "%s", cg.status().message().c_str());
    return r;
  }
  r.opened = 1;
  CgroupSnapshot before = cg->Sample();
  double cpu0 = ProcessCpuSeconds();
  // Two threads, so the group asks for more than its quota even on a busy machine.
  auto burn = [&] {
    volatile uint64_t sink = 0;
    while (ProcessCpuSeconds() - cpu0 < burn_seconds) {
      for (int i = 0; i < 100000; ++i) sink = sink + static_cast<uint64_t>(i) * 2654435761u;
    }
  };
  std::thread helper(burn);
  burn();
  helper.join();
  std::vector<char> block(alloc_bytes);
  for (size_t i = 0; i < block.size(); i += 4096) block[i] = static_cast<char>(i);
  CgroupSnapshot after = cg->Sample();
  r.own_cpu_delta = ProcessCpuSeconds() - cpu0;
  Utilization u = ComputeUtilization(before, after);

  r.errors = static_cast<int>(before.errors.size() + after.errors.size());
  if (!after.errors.empty()) {
    std::snprintf(r.first_error, sizeof r.first_error, "%s", after.errors[0].c_str());
  }
  r.limit_cores = after.cpu.limit_cores.number().value_or(-1);
  r.effective_cores = after.cpu.effective_cores;
  r.limit_bytes = after.memory.limit_bytes.number().value_or(-1);
  std::snprintf(r.cpu_limit_path, sizeof r.cpu_limit_path, "%s", after.cpu.limit_path.c_str());
  std::snprintf(r.memory_limit_path, sizeof r.memory_limit_path, "%s",
                after.memory.limit_path.c_str());
  if (before.cpu.usage_seconds.is_number() && after.cpu.usage_seconds.is_number()) {
    r.usage_delta = *after.cpu.usage_seconds.number() - *before.cpu.usage_seconds.number();
  }
  r.cpu_cores = u.cpu_cores.number().value_or(-1);
  r.interval = u.interval_seconds;
  if (before.cpu.periods.is_number() && after.cpu.periods.is_number()) {
    r.periods = *after.cpu.periods.number();
    r.throttled = *after.cpu.throttled_periods.number();
    r.periods_delta = *after.cpu.periods.number() - *before.cpu.periods.number();
    r.throttled_delta =
        *after.cpu.throttled_periods.number() - *before.cpu.throttled_periods.number();
  }
  r.memory_usage = after.memory.usage_bytes.number().value_or(-1);
  r.working_set = after.memory.working_set_bytes.number().value_or(-1);
  return r;
}

TEST(CgroupKernelTest, ReportsExactLimitsAndTheCpuTheChildBurned) {
  std::string why;
  std::optional<V1Dirs> v1 = FindV1Dirs(&why);
  if (!v1) GTEST_SKIP() << why;
  const std::string name = "autoprof-test-" + std::to_string(getpid());
  const fs::path cpu = v1->cpu / name, acct = v1->cpuacct / name, mem = v1->memory / name;
  TestCgroups cgroups;
  for (const fs::path& dir : {cpu, acct, mem}) {
    if (std::string err = cgroups.Make(dir); !err.empty()) {
      GTEST_SKIP() << "cgroup filesystem not writable: " << err;
    }
  }
  ASSERT_TRUE(WriteText(cpu / "cpu.cfs_period_us", "100000"));
  ASSERT_TRUE(WriteText(cpu / "cpu.cfs_quota_us", "50000"));
  ASSERT_TRUE(WriteText(mem / "memory.limit_in_bytes", std::to_string(kLimitBytes)));

  int go[2], report[2];
  ASSERT_EQ(pipe(go), 0);
  ASSERT_EQ(pipe(report), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(go[1]);
    close(report[0]);
    char byte;
    if (read(go[0], &byte, 1) != 1) _exit(3);
    ChildReport r = MeasureInChild(/*burn_seconds=*/0.6, /*alloc_bytes=*/64 << 20);
    _exit(write(report[1], &r, sizeof r) == sizeof r ? 0 : 4);
  }
  cgroups.Adopt(child);
  close(go[0]);
  close(report[1]);
  for (const fs::path& dir : {cpu, acct, mem}) {
    ASSERT_TRUE(WriteText(dir / "cgroup.procs", std::to_string(child))) << dir;
  }
  ASSERT_EQ(write(go[1], "g", 1), 1);
  ChildReport r;
  ssize_t got = read(report[0], &r, sizeof r);
  int status = 0;
  waitpid(child, &status, 0);
  cgroups.Reaped();
  close(go[1]);
  close(report[0]);
  ASSERT_EQ(got, static_cast<ssize_t>(sizeof r)) << "child died, status " << status;
  ASSERT_EQ(r.opened, 1) << r.first_error;
  EXPECT_EQ(r.errors, 0) << r.first_error;

  std::printf(
      "child burned %.3f s of CPU; module saw %.3f s, %.3f cores over %.3f s, "
      "%ld of %ld periods throttled, %ld bytes used\n",
      r.own_cpu_delta, r.usage_delta, r.cpu_cores, r.interval, static_cast<long>(r.throttled_delta),
      static_cast<long>(r.periods_delta), static_cast<long>(r.memory_usage));
  EXPECT_EQ(r.limit_cores, 0.5);
  EXPECT_EQ(r.effective_cores, 0.5);
  EXPECT_EQ(r.limit_bytes, 268435456);
  EXPECT_EQ(std::string(r.cpu_limit_path), cpu.string());
  EXPECT_EQ(std::string(r.memory_limit_path), mem.string());

  // cpuacct counts only the child: its usage is the child's own CPU time.
  EXPECT_NEAR(r.usage_delta, r.own_cpu_delta, 0.02 + 0.05 * r.own_cpu_delta);
  EXPECT_GE(r.own_cpu_delta, 0.6);
  // The utilization is that usage over the same monotonic interval, and the quota
  // holds it at half a core.
  ASSERT_GT(r.interval, 0);
  EXPECT_NEAR(r.cpu_cores, r.usage_delta / r.interval, 1e-9);
  // No lower bound: on a busy machine the child may get well under its quota.
  EXPECT_GT(r.cpu_cores, 0);
  EXPECT_LE(r.cpu_cores, 0.5 * 1.1);
  // Throttling counters come from the cgroup holding the quota: the kernel's own
  // cpu.stat there, read once the child is gone, is at most a few periods ahead.
  std::string stat = ReadText(cpu / "cpu.stat");
  int64_t kernel_periods = -1, kernel_throttled = -1;
  std::sscanf(stat.c_str(), "nr_periods %ld nr_throttled %ld", &kernel_periods, &kernel_throttled);
  EXPECT_GT(r.periods_delta, 0);
  EXPECT_GE(r.throttled_delta, 0);
  EXPECT_LE(r.throttled_delta, r.periods_delta);
  EXPECT_GE(kernel_periods, r.periods);
  EXPECT_LE(kernel_periods - r.periods, 20) << stat;
  EXPECT_GE(kernel_throttled, r.throttled);
  EXPECT_LE(kernel_throttled - r.throttled, 20) << stat;

  EXPECT_GE(r.memory_usage, 64 << 20);
  EXPECT_LE(r.memory_usage, kLimitBytes);
  EXPECT_GE(r.working_set, 60 << 20);
  EXPECT_LE(r.working_set, r.memory_usage);
}

// This machine's own cgroup files, whatever their layout, parse without an error.
TEST(CgroupKernelTest, ThisMachineSamplesWithoutErrors) {
  if (!fs::exists(kCgroupFs)) GTEST_SKIP() << "no " << kCgroupFs << " on this machine";
  Result<Cgroup> cg = Cgroup::Open({});
  ASSERT_TRUE(cg.ok()) << cg.status().message();
  CgroupSnapshot s = cg->Sample();
  EXPECT_NE(s.version, CgroupVersion::kNone);
  EXPECT_TRUE(s.errors.empty()) << s.errors[0];
  EXPECT_TRUE(s.cpu.usage_seconds.is_number());
  EXPECT_TRUE(s.memory.usage_bytes.is_number());
  EXPECT_TRUE(s.memory.working_set_bytes.is_number());
  EXPECT_GT(s.cpu.effective_cores, 0);
}

// A fake root whose /proc/self/cgroup puts "the process" in a memory cgroup of the
// real kernel (the rest of the tree links to the real /sys), so the cgroup can be
// removed and recreated under an open Cgroup.
TEST(CgroupKernelTest, ReopensFilesOfACgroupRemovedAndRecreated) {
  std::string why;
  std::optional<V1Dirs> v1 = FindV1Dirs(&why);
  if (!v1) GTEST_SKIP() << why;
  const std::string name = "autoprof-reopen-" + std::to_string(getpid());
  const fs::path mem = v1->memory / name;
  TestCgroups cgroups;
  if (std::string err = cgroups.Make(mem); !err.empty()) {
    GTEST_SKIP() << "cgroup filesystem not writable: " << err;
  }
  ASSERT_TRUE(WriteText(mem / "memory.limit_in_bytes", std::to_string(100 << 20)));

  fs::path root = fs::temp_directory_path() / name;
  fs::remove_all(root);
  fs::create_directories(root / "proc/self");
  struct RemoveRoot {
    fs::path p;
    ~RemoveRoot() { fs::remove_all(p); }
  } remove_root{root};
  WriteText(root / "proc/self/cgroup", "4:memory:" + OwnV1Path("memory") + "/" + name + "\n");
  WriteText(root / "proc/self/mountinfo", ReadText("/proc/self/mountinfo"));
  WriteText(root / "proc/self/status", ReadText("/proc/self/status"));
  WriteText(root / "proc/meminfo", ReadText("/proc/meminfo"));
  fs::create_directory_symlink("/sys", root / "sys");

  Result<Cgroup> cg = Cgroup::Open({.root = root.string()});
  ASSERT_TRUE(cg.ok()) << cg.status().message();
  CgroupSnapshot first = cg->Sample();
  EXPECT_EQ(first.memory.limit_bytes.number(), 100 << 20);
  EXPECT_EQ(first.memory.limit_path, mem.string());

  ASSERT_TRUE(WriteText(mem / "memory.limit_in_bytes", std::to_string(150 << 20)));
  EXPECT_EQ(cg->Sample().memory.limit_bytes.number(), 150 << 20) << "in-place resize";

  cgroups.Remove(mem);
  ASSERT_FALSE(fs::exists(mem));
  ASSERT_TRUE(cgroups.Make(mem).empty());
  ASSERT_TRUE(WriteText(mem / "memory.limit_in_bytes", std::to_string(200 << 20)));
  CgroupSnapshot again = cg->Sample();
  EXPECT_EQ(again.memory.limit_bytes.number(), 200 << 20);
  EXPECT_TRUE(again.errors.empty()) << again.errors[0];
}

}  // namespace
}  // namespace autoprof
