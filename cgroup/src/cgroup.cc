// Cgroup: discovery at Open(), then one pread per file per Sample().
#include "autoprof/cgroup.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstring>

#include "cgroup_file.h"
#include "layout.h"
#include "parse.h"

namespace autoprof {

using cgroup_internal::CgroupFile;
using cgroup_internal::Hierarchy;
using cgroup_internal::Layout;

namespace {

// Every file the sampler reads fits here; memory.stat is the largest (a few KiB).
constexpr size_t kReadBufferSize = 64 * 1024;
// v1 reports "no limit" as LONG_MAX rounded down to the page size; 64 KiB pages are
// the largest in use.
constexpr int64_t kV1UnlimitedFloor = INT64_MAX & ~int64_t{0xFFFF};
// One-off files (mountinfo, meminfo, status) are read whole, up to this size.
constexpr size_t kMaxWholeFile = 4 << 20;

// File slots of a Level, per controller.
enum CpuSlot { kCpuLimit = 0, kCpuPeriod = 1, kCpuStat = 2 };
enum MemorySlot { kMemoryLimit = 0, kMemoryUsage = 1, kMemoryStat = 2 };
enum AcctSlot { kAcctUsage = 0 };
enum UnifiedSlot { kCpuPressure = 0, kMemoryPressure = 1 };

// One cgroup directory of a controller and the files read from it.
struct Level {
  std::string dir;       // on the machine
  std::string in_mount;  // relative to the mount point
  std::array<CgroupFile, 3> files;
};

struct Chain {
  bool present = false;
  bool v2 = false;
  std::vector<Level> levels;  // the process's cgroup first, the mount point last
};

std::chrono::nanoseconds MonotonicNow() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

Result<std::string> ReadWholeFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    std::string m = path + ": cannot open: " + std::strerror(errno);
    return errno == ENOENT ? NotFound(std::move(m)) : Unavailable(std::move(m));
  }
  std::string out;
  char chunk[8192];
  while (true) {
    ssize_t n = ::read(fd.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Unavailable(path + ": cannot read: " + std::strerror(errno));
    if (n == 0) return out;
    out.append(chunk, static_cast<size_t>(n));
    if (out.size() > kMaxWholeFile) {
      return ResourceExhausted(path + ": longer than " + std::to_string(kMaxWholeFile) + " bytes");
    }
  }
}

Chain MakeChain(const std::string& prefix, bool keep_open, const Hierarchy& h,
                std::initializer_list<const char*> names) {
  Chain chain;
  chain.present = h.present;
  chain.v2 = h.v2;
  for (size_t i = 0; i < h.dirs.size(); ++i) {
    Level level;
    level.dir = h.dirs[i];
    level.in_mount = std::string(h.InMount(i));
    size_t slot = 0;
    for (const char* name : names) {
      if (name != nullptr)
        level.files[slot] = CgroupFile(prefix + level.dir + "/" + name, keep_open);
      ++slot;
    }
    chain.levels.push_back(std::move(level));
  }
  return chain;
}

// The smaller of two limits; unlimited loses to any number.
template <typename T>
bool Stricter(const Measured<T>& a, const Measured<T>& b) {
  return a.is_number() && (!b.is_number() || *a.number() < *b.number());
}

}  // namespace

std::string_view CgroupVersionName(CgroupVersion version) {
  switch (version) {
    case CgroupVersion::kNone:
      return "none";
    case CgroupVersion::kV1:
      return "v1";
    case CgroupVersion::kV2:
      return "v2";
    case CgroupVersion::kHybrid:
      return "hybrid";
  }
  return "none";
}

struct Cgroup::State {
  CgroupOptions options;
  std::string prefix;  // options.root without its trailing '/'; "" for "/"
  std::vector<cgroup_internal::CgroupMount> mounts;
  CgroupFile proc_cgroup;
  std::string proc_cgroup_text;
  CgroupVersion version = CgroupVersion::kNone;
  Chain cpu, cpuacct, memory, unified;
  int64_t mem_total = 0;  // 0 when /proc/meminfo could not be read
  int cpus = 1;
  uint64_t ticks = 0;
  std::vector<char> buffer = std::vector<char>(kReadBufferSize);
  std::vector<std::string>* errors = nullptr;  // of the sample being taken

  void Note(const Status& s) {
    if (errors != nullptr) errors->push_back(s.message());
  }

  // The file's text, or nullopt (noted unless it is missing and that is allowed).
  // `*missing` tells a file that does not exist from one that failed.
  std::optional<std::string_view> Read(CgroupFile& file, bool missing_ok, bool* missing = nullptr) {
    Result<std::string_view> r = file.Read(buffer);
    if (r.ok()) return *r;
    bool not_found = r.status().code() == StatusCode::kNotFound;
    if (missing != nullptr) *missing = not_found;
    if (!(missing_ok && not_found)) Note(r.status());
    return std::nullopt;
  }

  template <typename T>
  Measured<T> Keep(Result<T> r) {
    if (r.ok()) return Measured<T>::Of(*r);
    Note(r.status());
    return Measured<T>::Unknown();
  }

  void ApplyLayout(const Layout& layout) {
    version = layout.version;
    if (layout.cpu.v2) {
      cpu =
          MakeChain(prefix, options.keep_files_open, layout.cpu, {"cpu.max", nullptr, "cpu.stat"});
    } else {
      cpu = MakeChain(prefix, options.keep_files_open, layout.cpu,
                      {"cpu.cfs_quota_us", "cpu.cfs_period_us", "cpu.stat"});
    }
    cpuacct = MakeChain(prefix, options.keep_files_open, layout.cpuacct, {"cpuacct.usage"});
    if (layout.memory.v2) {
      memory = MakeChain(prefix, options.keep_files_open, layout.memory,
                         {"memory.max", "memory.current", "memory.stat"});
    } else {
      memory = MakeChain(prefix, options.keep_files_open, layout.memory,
                         {"memory.limit_in_bytes", "memory.usage_in_bytes", "memory.stat"});
    }
    unified = MakeChain(prefix, options.keep_files_open, layout.unified,
                        {"cpu.pressure", "memory.pressure"});
  }

  Status Resolve(std::string_view text) {
    Result<std::vector<cgroup_internal::ProcCgroupEntry>> entries =
        cgroup_internal::ParseProcCgroup(proc_cgroup.path(), text);
    if (!entries.ok()) return entries.status();
    proc_cgroup_text = std::string(text);
    ApplyLayout(cgroup_internal::ResolveLayout(mounts, *entries));
    return Status::Ok();
  }

  void ReadCpuCount() {
    if (prefix.empty()) {
      cpu_set_t set;
      CPU_ZERO(&set);
      if (sched_getaffinity(0, sizeof set, &set) == 0) {
        cpus = CPU_COUNT(&set);
        return;
      }
    } else {
      std::string path = prefix + "/proc/self/status";
      Result<std::string> text = ReadWholeFile(path);
      Result<int> n =
          text.ok() ? cgroup_internal::ParseAllowedCpus(path, *text) : Result<int>(text.status());
      if (n.ok()) {
        cpus = *n;
        return;
      }
      Note(n.status());
    }
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    cpus = online > 0 ? static_cast<int>(online) : 1;
  }

  // Re-reads /proc/self/cgroup and follows the process if it moved.
  void Reresolve() {
    ReadCpuCount();
    std::optional<std::string_view> text = Read(proc_cgroup, /*missing_ok=*/false);
    if (!text || *text == proc_cgroup_text) return;
    Status s = Resolve(*text);
    if (!s.ok()) Note(s);
  }

  // A missing limit file means no limit at that level (a cgroup2 root has none).
  Measured<double> CpuLimitAt(Level& level) {
    if (cpu.v2) {
      bool missing = false;
      std::optional<std::string_view> text = Read(level.files[kCpuLimit], true, &missing);
      if (!text) return missing ? Measured<double>::Unlimited() : Measured<double>();
      Result<Measured<double>> r =
          cgroup_internal::ParseCpuMax(level.files[kCpuLimit].path(), *text);
      if (r.ok()) return *r;
      Note(r.status());
      return {};
    }
    Measured<int64_t> quota = ReadInt(level.files[kCpuLimit], /*missing_ok=*/true);
    if (!quota.is_number())
      return quota.is_unlimited() ? Measured<double>::Unlimited() : Measured<double>();
    if (*quota.number() == -1) return Measured<double>::Unlimited();
    Measured<int64_t> period = ReadInt(level.files[kCpuPeriod], /*missing_ok=*/false);
    if (!period.is_number()) return {};
    Result<Measured<double>> r = cgroup_internal::CfsQuotaCores(level.files[kCpuLimit].path(),
                                                                *quota.number(), *period.number());
    if (r.ok()) return *r;
    Note(r.status());
    return {};
  }

  // An integer file: unlimited when missing and that is allowed, unknown on error.
  Measured<int64_t> ReadInt(CgroupFile& file, bool missing_ok) {
    Result<std::string_view> r = file.Read(buffer);
    if (!r.ok()) {
      if (missing_ok && r.status().code() == StatusCode::kNotFound) {
        return Measured<int64_t>::Unlimited();
      }
      Note(r.status());
      return {};
    }
    return Keep(cgroup_internal::ParseInt64(file.path(), *r));
  }

  Measured<int64_t> MemoryLimitAt(Level& level) {
    CgroupFile& file = level.files[kMemoryLimit];
    Measured<int64_t> limit;
    if (memory.v2) {
      bool missing = false;
      std::optional<std::string_view> text = Read(file, /*missing_ok=*/true, &missing);
      if (!text) return missing ? Measured<int64_t>::Unlimited() : Measured<int64_t>();
      Result<Measured<int64_t>> r = cgroup_internal::ParseMaxOrInt(file.path(), *text);
      if (!r.ok()) {
        Note(r.status());
        return {};
      }
      limit = *r;
    } else {
      limit = ReadInt(file, /*missing_ok=*/true);
      if (limit.is_number() && *limit.number() < 0) {
        Note(InvalidArgument(file.path() + ": negative limit " + std::to_string(*limit.number())));
        return {};
      }
    }
    if (!limit.is_number()) return limit;
    int64_t bytes = *limit.number();
    if (bytes >= kV1UnlimitedFloor || (mem_total > 0 && bytes >= mem_total)) {
      return Measured<int64_t>::Unlimited();
    }
    return limit;
  }

  // The strictest limit over the chain and the index of the level where it binds
  // (0, the process's own cgroup, when unlimited). Unknown if any level is unknown.
  template <typename T, typename LimitAt>
  std::pair<Measured<T>, size_t> Strictest(Chain& chain, LimitAt limit_at) {
    Measured<T> best = Measured<T>::Unlimited();
    size_t at = 0;
    bool unknown = false;
    for (size_t i = 0; i < chain.levels.size(); ++i) {
      Measured<T> m = limit_at(chain.levels[i]);
      if (m.is_unknown()) unknown = true;
      if (Stricter(m, best)) {
        best = m;
        at = i;
      }
    }
    if (unknown) best = Measured<T>::Unknown();
    return {best, at};
  }

  // A "key value" file read once, then looked up by key.
  struct KeyedFile {
    State* state;
    std::string_view file;
    std::optional<std::string_view> text;

    Measured<int64_t> Get(std::string_view key) const {
      if (!text) return {};
      Result<std::optional<int64_t>> r = cgroup_internal::FindKeyedValue(file, *text, key);
      if (!r.ok()) {
        state->Note(r.status());
        return {};
      }
      return *r ? Measured<int64_t>::Of(**r) : Measured<int64_t>();
    }
  };

  KeyedFile ReadKeyed(CgroupFile& file, bool missing_ok) {
    return KeyedFile{this, file.path(), Read(file, missing_ok)};
  }

  void SampleCpu(CpuSnapshot& out) {
    out.effective_cores = cpus;
    if (!cpu.present || cpu.levels.empty()) {
      out.limit_cores = Measured<double>::Unlimited();
      return;
    }
    auto [limit, at] = Strictest<double>(cpu, [this](Level& l) { return CpuLimitAt(l); });
    out.limit_cores = limit;
    if (limit.is_number()) {
      out.limit_path = cpu.levels[at].dir;
      out.effective_cores = std::min(*limit.number(), static_cast<double>(cpus));
    }
    Level& level = cpu.levels[at];
    out.counters_path = level.dir;
    bool at_root = at + 1 == cpu.levels.size();
    KeyedFile stat = ReadKeyed(level.files[kCpuStat], /*missing_ok=*/at_root);
    out.periods = stat.Get("nr_periods");
    out.throttled_periods = stat.Get("nr_throttled");
    if (cpu.v2) {
      out.usage_seconds = Seconds(stat.Get("usage_usec"), 1e6);
      out.throttled_seconds = Seconds(stat.Get("throttled_usec"), 1e6);
      return;
    }
    out.throttled_seconds = Seconds(stat.Get("throttled_time"), 1e9);
    if (!cpuacct.present || cpuacct.levels.empty()) return;
    // cpuacct may be mounted apart from cpu: read it at the same place in its own
    // hierarchy when the process sits there, else at the process's own cgroup.
    Level* acct = &cpuacct.levels[0];
    for (Level& l : cpuacct.levels) {
      if (l.in_mount == level.in_mount) acct = &l;
    }
    Measured<int64_t> ns = ReadInt(acct->files[kAcctUsage], /*missing_ok=*/false);
    if (ns.is_number() && *ns.number() < 0) {
      Note(InvalidArgument(acct->files[kAcctUsage].path() + ": negative usage"));
      ns = {};
    }
    out.usage_seconds = Seconds(ns, 1e9);
  }

  // A counter in µs or ns as seconds; dividing keeps "5000000000 ns" exactly 5.0.
  static Measured<double> Seconds(const Measured<int64_t>& v, double units_per_second) {
    if (!v.is_number()) return {};
    return Measured<double>::Of(static_cast<double>(*v.number()) / units_per_second);
  }

  void SampleMemory(MemorySnapshot& out) {
    if (!memory.present || memory.levels.empty()) {
      out.limit_bytes = Measured<int64_t>::Unlimited();
      return;
    }
    auto [limit, at] = Strictest<int64_t>(memory, [this](Level& l) { return MemoryLimitAt(l); });
    out.limit_bytes = limit;
    if (limit.is_number()) out.limit_path = memory.levels[at].dir;
    Level& level = memory.levels[at];
    bool at_root = at + 1 == memory.levels.size();
    std::optional<std::string_view> usage_text = Read(level.files[kMemoryUsage], at_root);
    if (usage_text) {
      out.usage_bytes =
          Keep(cgroup_internal::ParseInt64(level.files[kMemoryUsage].path(), *usage_text));
      if (out.usage_bytes.is_number() && *out.usage_bytes.number() < 0) {
        Note(InvalidArgument(level.files[kMemoryUsage].path() + ": negative usage"));
        out.usage_bytes = {};
      }
    }
    KeyedFile stat = ReadKeyed(level.files[kMemoryStat], /*missing_ok=*/false);
    Measured<int64_t> inactive = stat.Get(memory.v2 ? "inactive_file" : "total_inactive_file");
    if (out.usage_bytes.is_number() && inactive.is_number()) {
      out.working_set_bytes = Measured<int64_t>::Of(
          std::max<int64_t>(0, *out.usage_bytes.number() - *inactive.number()));
    }
  }

  void SamplePressure(PressureSnapshot& out) {
    if (!unified.present || unified.levels.empty()) return;
    Level& leaf = unified.levels[0];
    if (auto cpu_psi = ReadPressure(leaf.files[kCpuPressure])) {
      out.cpu_some_total_us = Measured<int64_t>::Of(cpu_psi->some_total_us);
    }
    if (auto mem_psi = ReadPressure(leaf.files[kMemoryPressure])) {
      out.memory_some_total_us = Measured<int64_t>::Of(mem_psi->some_total_us);
      if (mem_psi->full_total_us)
        out.memory_full_total_us = Measured<int64_t>::Of(*mem_psi->full_total_us);
    }
  }

  // PSI is "unavailable" when the file is missing or cannot be read (a kernel
  // booted with psi=0 answers EOPNOTSUPP); only a malformed file is an error.
  std::optional<cgroup_internal::PressureTotals> ReadPressure(CgroupFile& file) {
    Result<std::string_view> text = file.Read(buffer);
    if (!text.ok()) return std::nullopt;
    Result<cgroup_internal::PressureTotals> r = cgroup_internal::ParsePressure(file.path(), *text);
    if (r.ok()) return *r;
    Note(r.status());
    return std::nullopt;
  }
};

Cgroup::Cgroup(std::unique_ptr<State> state) : state_(std::move(state)) {}
Cgroup::Cgroup(Cgroup&&) noexcept = default;
Cgroup& Cgroup::operator=(Cgroup&&) noexcept = default;
Cgroup::~Cgroup() = default;

CgroupVersion Cgroup::version() const { return state_->version; }

Result<Cgroup> Cgroup::Open(CgroupOptions options) {
  auto state = std::make_unique<State>();
  std::string prefix = options.root;
  while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
  struct stat st {};
  if (::stat(options.root.c_str(), &st) != 0) {
    return InvalidArgument(options.root + ": cgroup root: " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode))
    return InvalidArgument(options.root + ": cgroup root is not a directory");
  if (!options.clock) options.clock = MonotonicNow;
  if (options.reresolve_every < 1) options.reresolve_every = 1;
  state->options = std::move(options);
  state->prefix = prefix;

  std::string mountinfo_path = prefix + "/proc/self/mountinfo";
  Result<std::string> mountinfo = ReadWholeFile(mountinfo_path);
  if (!mountinfo.ok()) return mountinfo.status();
  auto mounts = cgroup_internal::ParseMountInfo(mountinfo_path, *mountinfo);
  if (!mounts.ok()) return mounts.status();
  state->mounts = std::move(*mounts);

  std::string meminfo_path = prefix + "/proc/meminfo";
  Result<std::string> meminfo = ReadWholeFile(meminfo_path);
  if (meminfo.ok()) {
    state->mem_total = cgroup_internal::ParseMemTotal(meminfo_path, *meminfo).value_or(0);
  }
  state->ReadCpuCount();

  state->proc_cgroup = CgroupFile(prefix + "/proc/self/cgroup", state->options.keep_files_open);
  Result<std::string_view> text = state->proc_cgroup.Read(state->buffer);
  if (text.ok()) {
    AUTOPROF_RETURN_IF_ERROR(state->Resolve(*text));
  } else if (!state->mounts.empty()) {
    return text.status();  // cgroups are mounted but the process's are unreadable
  }
  return Cgroup(std::move(state));
}

CgroupSnapshot Cgroup::Sample() {
  State& s = *state_;
  CgroupSnapshot snap;
  s.errors = &snap.errors;
  snap.taken_at = s.options.clock();
  if (++s.ticks % static_cast<uint64_t>(s.options.reresolve_every) == 0) s.Reresolve();
  snap.version = s.version;
  s.SampleCpu(snap.cpu);
  s.SampleMemory(snap.memory);
  s.SamplePressure(snap.pressure);
  s.errors = nullptr;
  return snap;
}

}  // namespace autoprof
