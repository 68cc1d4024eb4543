#include "agent_runtime.h"

#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <sstream>

#include "autoprof/atomic_file.h"

namespace autoprof {
namespace {

constexpr size_t kHistoryPoints = 120;

void Log(const std::string& line) { std::fprintf(stderr, "autoprof: %s\n", line.c_str()); }

// MemTotal from <root>/proc/meminfo, for a container without a memory limit.
std::optional<int64_t> HostMemoryBytes(const std::string& root) {
  std::string base = root == "/" ? "" : root;
  Result<std::string> text = ReadWholeFile(base + "/proc/meminfo", 1 << 20);
  if (!text.ok()) return std::nullopt;
  std::istringstream in(*text);
  std::string key, unit;
  int64_t kib = 0;
  while (in >> key >> kib >> unit) {
    if (key == "MemTotal:" && kib > 0) return kib * 1024;
  }
  return std::nullopt;
}

std::string HostName() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return "";
  return name;
}

std::string Percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%%", v * 100);
  return buf;
}

}  // namespace

Result<std::unique_ptr<AgentRuntime>> AgentRuntime::Start(AgentConfig config) {
  if (Status s = MakeDirectories(config.output_dir); !s.ok()) {
    return Status(s.code(), "AUTOPROF_OUTPUT_DIR: " + s.message());
  }
  Result<Cgroup> cgroup = Cgroup::Open({.root = config.cgroup_root});
  if (!cgroup.ok()) return Status(cgroup.status().code(), "cgroup: " + cgroup.status().message());
  std::optional<int64_t> host_memory = HostMemoryBytes(config.cgroup_root);
  UploaderOptions upload{.spool_dir = config.output_dir,
                         .url = config.upload_url,
                         .token = config.upload_token};
  if (const char* ca = std::getenv("AUTOPROF_UPLOAD_CA_BUNDLE"); ca && *ca) upload.ca_bundle = ca;
  Result<std::unique_ptr<Uploader>> uploader = Uploader::Start(std::move(upload));
  if (!uploader.ok()) {
    return Status(uploader.status().code(), "AUTOPROF_UPLOAD_URL: " + uploader.status().message());
  }
  std::unique_ptr<AgentRuntime> runtime(new AgentRuntime(std::move(config), std::move(*cgroup),
                                                         host_memory, std::move(*uploader)));
  runtime->watcher_ = std::thread(&AgentRuntime::WatchLoop, runtime.get());
  runtime->capturer_thread_ = std::thread(&AgentRuntime::CaptureLoop, runtime.get());
  return runtime;
}

AgentRuntime::AgentRuntime(AgentConfig config, Cgroup cgroup, std::optional<int64_t> host_memory,
                           std::unique_ptr<Uploader> uploader)
    : config_(std::move(config)),
      cgroup_(std::move(cgroup)),
      host_memory_(host_memory),
      capturer_(config_.output_dir, config_.cpu_duration),
      uploader_(std::move(uploader)),

      policy_(TriggerSettings{.cpu_threshold = config_.cpu_threshold,
                              .mem_threshold = config_.mem_threshold,
                              .throttle_threshold = config_.throttle_threshold,
                              .sustain = config_.sustain,
                              .cooldown = config_.cooldown,
                              .max_per_hour = config_.max_per_hour}) {
  rng_state_ = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
               ((static_cast<uint64_t>(getpid()) << 32) | 1);  // xorshift needs a nonzero state
}

AgentRuntime::~AgentRuntime() { Stop(); }

void AgentRuntime::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (watcher_.joinable()) watcher_.join();
  if (capturer_thread_.joinable()) capturer_thread_.join();
  // A short drain: the service is stopping; what is not sent stays in the spool.
  if (uploader_) uploader_->Stop(std::chrono::seconds(2));
}

void AgentRuntime::WarnOnce(const std::string& key, const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!warned_.insert(key).second) return;
  }
  Log(message);
}

void AgentRuntime::WarnUnavailable(ProfileKind kind, const std::string& why) {
  const std::string name(KindName(kind));
  WarnOnce("unavailable-" + name, name + " profiles unavailable: " + why);
}

SteadyTime AgentRuntime::NextBaseline(SteadyTime period_start) {
  rng_state_ ^= rng_state_ << 13;  // xorshift64: enough to spread replicas apart
  rng_state_ ^= rng_state_ >> 7;
  rng_state_ ^= rng_state_ << 17;
  auto period = std::chrono::duration_cast<std::chrono::milliseconds>(config_.baseline_every);
  return period_start + std::chrono::milliseconds(rng_state_ % static_cast<uint64_t>(period.count()));
}

void AgentRuntime::WatchLoop() {
  pthread_setname_np(pthread_self(), "autoprof-watch");  // how `top -H` names it
  CgroupSnapshot previous = cgroup_.Sample();
  if (config_.baseline_every.count() > 0) {
    baseline_period_start_ = std::chrono::steady_clock::now();
    next_baseline_ = NextBaseline(baseline_period_start_);
  }
  if (previous.version == CgroupVersion::kNone) {
    WarnOnce("no-cgroup", "no cgroup found; measuring against the machine's CPUs and memory");
  }
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, config_.interval, [this] { return stopping_; })) {
    lock.unlock();
    Tick(previous);
    lock.lock();
  }
}

void AgentRuntime::Tick(CgroupSnapshot& previous) {
  CgroupSnapshot now = cgroup_.Sample();
  for (const std::string& error : now.errors) WarnOnce(error, error);
  Utilization u = ComputeUtilization(previous, now);
  previous = now;

  SignalValues values{.cpu = u.cpu_fraction.number(),
                      .memory = u.memory_fraction.number(),
                      .throttle = u.throttled_fraction.number()};
  if (now.cpu.limit_cores.is_unlimited()) {
    char cores[32];
    std::snprintf(cores, sizeof cores, "%g", now.cpu.effective_cores);
    WarnOnce("no-cpu-limit", std::string("no CPU limit; measuring CPU against the ") + cores +
                                 " CPUs this process may use");
  }
  std::optional<int64_t> working_set = now.memory.working_set_bytes.number();
  if (u.memory_fraction.is_unlimited() && host_memory_ && working_set) {
    WarnOnce("no-memory-limit", "no memory limit; measuring memory against the machine's " +
                                    std::to_string(*host_memory_ >> 20) + " MiB");
    values.memory = static_cast<double>(*working_set) / static_cast<double>(*host_memory_);
  }

  std::lock_guard<std::mutex> lock(mu_);
  last_snapshot_ = now;
  history_.push_back({std::chrono::system_clock::now(), values.cpu, values.memory, values.throttle,
                      working_set});
  if (history_.size() > kHistoryPoints) history_.pop_front();
  SteadyTime tick = std::chrono::steady_clock::now();
  if (auto decision = policy_.Observe(tick, values)) {
    Enqueue(*decision);
  } else if (next_baseline_ && tick >= *next_baseline_) {
    // A calm profile of the same service, for comparing an incident with. When a
    // capture is running, the baseline waits for the next tick.
    if (auto baseline = policy_.Manual(ProfileKind::kCpu, tick, TriggerReason::kBaseline)) {
      Enqueue(*baseline);
      // The next one falls at random within the period after the current one.
      while (baseline_period_start_ + config_.baseline_every <= tick) {
        baseline_period_start_ += config_.baseline_every;  // periods missed while busy
      }
      next_baseline_ = NextBaseline(baseline_period_start_ + config_.baseline_every);
    }
  }
}

void AgentRuntime::Enqueue(const TriggerDecision& d) {
  pending_ = d;
  cv_.notify_all();
}

CaptureRecord AgentRuntime::NewRecord(const TriggerDecision& d) const {
  CaptureRecord r;
  r.app = config_.app;
  r.kind = d.kind;
  r.trigger = d;
  r.host = HostName();
  r.pid = getpid();
  r.labels = config_.labels;
  r.cpu_limit_cores = last_snapshot_.cpu.limit_cores.number();
  r.memory_limit_bytes = last_snapshot_.memory.limit_bytes.number();
  if (!last_snapshot_.cpu.limit_path.empty()) r.cpu_limit_path = last_snapshot_.cpu.limit_path;
  if (!last_snapshot_.memory.limit_path.empty()) {
    r.memory_limit_path = last_snapshot_.memory.limit_path;
  }
  r.history.assign(history_.begin(), history_.end());
  return r;
}

Status AgentRuntime::TriggerNow(ProfileKind kind) {
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) return FailedPrecondition("the agent is stopping");
  if (const auto& why = unavailable_[static_cast<int>(kind)]) return FailedPrecondition(*why);
  auto decision = policy_.Manual(kind, std::chrono::steady_clock::now());
  if (!decision) return FailedPrecondition("a capture is already in progress");
  Enqueue(*decision);
  return Status::Ok();
}

void AgentRuntime::CaptureLoop() {
  pthread_setname_np(pthread_self(), "autoprof-capt");
  // Said here, once, rather than at the first trigger: a service whose CPU
  // gperftools already profiles (CPUPROFILE) may never run hot, and TriggerNow
  // only answers its caller.
  for (ProfileKind kind : {ProfileKind::kCpu, ProfileKind::kHeap}) {
    std::optional<std::string> why = capturer_.Unavailable(kind);
    if (why) WarnUnavailable(kind, *why);
    std::lock_guard<std::mutex> lock(mu_);
    unavailable_[static_cast<int>(kind)] = why;
  }
  for (;;) {
    CaptureRecord record;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || pending_.has_value(); });
      if (stopping_) return;
      record = NewRecord(*pending_);
      pending_.reset();
    }
    if (auto why = capturer_.Unavailable(record.kind)) {
      WarnUnavailable(record.kind, *why);
    } else {
      Result<CapturedProfile> captured =
          capturer_.Capture(record, [this](std::chrono::milliseconds d) {
            std::unique_lock<std::mutex> lock(mu_);
            cv_.wait_for(lock, d, [this] { return stopping_; });
          });
      Status submitted = captured.status();
      if (captured.ok()) {
        captured->record.dropped_profiles = uploader_->TakeDroppedCount();
        submitted = uploader_->Submit(captured->stem, captured->pprof_gz,
                                      SidecarJson(captured->record));
      }
      if (submitted.ok()) {
        const TriggerDecision& t = record.trigger;
        Log("captured " + captured->stem + ".pb.gz (" + std::string(ReasonName(t.reason)) +
            (t.threshold > 0 ? " " + Percent(t.value) + " >= " + Percent(t.threshold) : "") + ")");
      } else {
        WarnOnce(submitted.message(), submitted.message());
      }
    }
    std::lock_guard<std::mutex> lock(mu_);
    policy_.CaptureFinished(record.kind, std::chrono::steady_clock::now());
  }
}

}  // namespace autoprof
