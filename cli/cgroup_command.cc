// autoprof cgroup: prints what the cgroup module sees, once (human or --json) or one
// line every --watch SECONDS until SIGINT/SIGTERM.
#include <signal.h>
#include <time.h>

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "args.h"
#include "autoprof/cgroup.h"

namespace autoprof::cli {
namespace {

using Json = nlohmann::ordered_json;

template <typename T>
Json OrNull(const Measured<T>& m) {
  return m.is_number() ? Json(*m.number()) : Json(nullptr);
}

Json PathOrNull(const std::string& path) { return path.empty() ? Json(nullptr) : Json(path); }

// The shape of SPEC.md, key order included.
Json ToJson(const CgroupSnapshot& s) {
  Json j;
  j["version"] = std::string(CgroupVersionName(s.version));
  j["cpu"] = {{"limit_cores", OrNull(s.cpu.limit_cores)},
              {"effective_cores", s.cpu.effective_cores},
              {"usage_seconds", OrNull(s.cpu.usage_seconds)},
              {"periods", OrNull(s.cpu.periods)},
              {"throttled_periods", OrNull(s.cpu.throttled_periods)},
              {"throttled_seconds", OrNull(s.cpu.throttled_seconds)},
              {"limit_path", PathOrNull(s.cpu.limit_path)}};
  j["memory"] = {{"limit_bytes", OrNull(s.memory.limit_bytes)},
                 {"usage_bytes", OrNull(s.memory.usage_bytes)},
                 {"working_set_bytes", OrNull(s.memory.working_set_bytes)},
                 {"limit_path", PathOrNull(s.memory.limit_path)}};
  j["pressure"] = {{"cpu_some_total_us", OrNull(s.pressure.cpu_some_total_us)},
                   {"memory_some_total_us", OrNull(s.pressure.memory_some_total_us)},
                   {"memory_full_total_us", OrNull(s.pressure.memory_full_total_us)}};
  return j;
}

template <typename T>
std::string Text(const Measured<T>& m, const char* unlimited, const char* format, double scale) {
  if (m.is_unlimited()) return unlimited;
  if (!m.is_number()) return "unknown";
  char buf[64];
  std::snprintf(buf, sizeof buf, format, static_cast<double>(*m.number()) * scale);
  return buf;
}

constexpr double kMiB = 1.0 / (1024 * 1024);

void PrintHuman(const CgroupSnapshot& s) {
  const CpuSnapshot& c = s.cpu;
  const MemorySnapshot& m = s.memory;
  std::printf("cgroup version:  %s\n", std::string(CgroupVersionName(s.version)).c_str());
  std::printf("cpu limit:       %s%s%s (effective %.3g cores)\n",
              Text(c.limit_cores, "unlimited", "%.3g cores", 1).c_str(),
              c.limit_path.empty() ? "" : " at ", c.limit_path.c_str(), c.effective_cores);
  std::printf("cpu usage:       %s; throttled %s of %s periods, %s\n",
              Text(c.usage_seconds, "-", "%.3f s", 1).c_str(),
              Text(c.throttled_periods, "-", "%.0f", 1).c_str(),
              Text(c.periods, "-", "%.0f", 1).c_str(),
              Text(c.throttled_seconds, "-", "%.3f s", 1).c_str());
  std::printf("memory limit:    %s%s%s\n",
              Text(m.limit_bytes, "unlimited", "%.1f MiB", kMiB).c_str(),
              m.limit_path.empty() ? "" : " at ", m.limit_path.c_str());
  std::printf("memory usage:    %s; working set %s\n",
              Text(m.usage_bytes, "-", "%.1f MiB", kMiB).c_str(),
              Text(m.working_set_bytes, "-", "%.1f MiB", kMiB).c_str());
  std::printf("pressure (us):   cpu some %s; memory some %s, full %s\n",
              Text(s.pressure.cpu_some_total_us, "-", "%.0f", 1).c_str(),
              Text(s.pressure.memory_some_total_us, "-", "%.0f", 1).c_str(),
              Text(s.pressure.memory_full_total_us, "-", "%.0f", 1).c_str());
  for (const auto& e : s.errors) std::printf("warning:         %s\n", e.c_str());
}

std::string Percent(const Measured<double>& m) { return Text(m, "no limit", "%.0f%%", 100); }

// One --watch line: CPU vs limit, throttling, working set vs limit.
void PrintWatchLine(const CgroupSnapshot& s, const Utilization& u) {
  char when[32];
  time_t now = time(nullptr);
  tm utc{};
  gmtime_r(&now, &utc);
  std::strftime(when, sizeof when, "%H:%M:%SZ", &utc);
  std::printf("%s cpu %s/%.2f cores (%s)  throttled %s  working set %s / %s (%s)%s\n", when,
              Text(u.cpu_cores, "-", "%.2f", 1).c_str(), s.cpu.effective_cores,
              Percent(u.cpu_fraction).c_str(), Percent(u.throttled_fraction).c_str(),
              Text(s.memory.working_set_bytes, "-", "%.1f MiB", kMiB).c_str(),
              Text(s.memory.limit_bytes, "unlimited", "%.1f MiB", kMiB).c_str(),
              Percent(u.memory_fraction).c_str(), u.restarted ? "  (counters restarted)" : "");
  std::fflush(stdout);
}

volatile sig_atomic_t g_stop = 0;
void OnStop(int) { g_stop = 1; }

int Watch(Cgroup& cgroup, double seconds) {
  struct sigaction sa {};
  sa.sa_handler = OnStop;  // no SA_RESTART: the sleep below returns on a signal
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  CgroupSnapshot previous = cgroup.Sample();
  timespec interval{static_cast<time_t>(seconds),
                    static_cast<long>((seconds - std::floor(seconds)) * 1e9)};
  while (!g_stop) {
    timespec left = interval;
    while (!g_stop && nanosleep(&left, &left) != 0 && errno == EINTR) {
    }
    if (g_stop) break;
    CgroupSnapshot current = cgroup.Sample();
    PrintWatchLine(current, ComputeUtilization(previous, current));
    previous = std::move(current);
  }
  return 0;
}

}  // namespace

int CgroupCommand(Args args) {
  Result<ParsedArgs> parsed = ParseArgs(args, {"--root", "--watch"}, {"--json"});
  if (!parsed.ok()) return UsageError("cgroup", parsed.status().message());
  if (!parsed->positional.empty()) {
    return UsageError("cgroup", "unexpected argument '" + parsed->positional[0] + "'");
  }
  CgroupOptions options;
  if (auto root = parsed->Value("--root")) {
    options.root = *root;
  } else if (const char* env = std::getenv("AUTOPROF_CGROUP_ROOT"); env && *env) {
    options.root = env;
  }
  double watch = 0;
  if (auto w = parsed->Value("--watch")) {
    auto [end, ec] = std::from_chars(w->data(), w->data() + w->size(), watch);
    if (ec != std::errc() || end != w->data() + w->size() || !(watch > 0) || watch > 86400) {
      return UsageError("cgroup", "--watch '" + *w + "': expected seconds in (0, 86400]");
    }
  }
  Result<Cgroup> cgroup = Cgroup::Open(options);
  if (!cgroup.ok()) return UsageError("cgroup", cgroup.status().message());
  if (watch > 0) return Watch(*cgroup, watch);
  CgroupSnapshot snapshot = cgroup->Sample();
  if (parsed->Has("--json")) {
    std::printf("%s\n", ToJson(snapshot).dump(2).c_str());
  } else {
    PrintHuman(snapshot);
  }
  return 0;
}

}  // namespace autoprof::cli
