// TriggerPolicy: decides, tick by tick, whether the agent should capture a
// profile, so that it neither flaps nor floods.
//
// Three signals feed it: CPU utilization (used / limit), memory (working set /
// limit) and throttling (throttled periods / periods). A signal fires when it has
// stayed at or over its threshold for the sustain period; a dip that stays within
// the re-arm margin does not restart that wait. After firing, the signal is
// disarmed until it drops below threshold - margin, so a value hovering at the
// threshold fires once, not on every tick (unlike autopprof, whose debounce resets
// on any dip). On top: a cooldown per kind, a cap per rolling hour over all
// triggered captures, and one capture at a time. A manual trigger bypasses the
// sustain, cooldown and cap, but not the one-at-a-time rule.
//
// Time is passed in by the caller (a steady clock in the agent, a fake one in
// tests). Thread-safety: not thread-safe; the agent's watcher thread owns it.
//
// Example:
//   TriggerPolicy policy(TriggerSettings{...});
//   if (auto d = policy.Observe(now, {.cpu = 0.9})) StartCapture(d->kind, d->reason);
//   ...
//   policy.CaptureFinished(d->kind, now);
#ifndef AUTOPROF_AGENT_TRIGGER_POLICY_H_
#define AUTOPROF_AGENT_TRIGGER_POLICY_H_

#include <chrono>
#include <deque>
#include <optional>
#include <string_view>

#include "autoprof/agent.h"

namespace autoprof {

using SteadyTime = std::chrono::steady_clock::time_point;

enum class TriggerReason { kCpu, kMemory, kThrottle, kManual, kBaseline };

std::string_view KindName(ProfileKind kind);       // "cpu", "heap"
std::string_view ReasonName(TriggerReason reason);  // "cpu", "memory", "throttle", ...

struct TriggerSettings {
  double cpu_threshold = 0.75;
  double mem_threshold = 0.75;
  double throttle_threshold = 0.25;
  double rearm_margin = 0.05;  // absolute, in the signal's own ratio
  std::chrono::milliseconds sustain{3000};
  std::chrono::milliseconds cooldown{300'000};
  int max_per_hour = 6;
};

// One tick's ratios; nullopt where the value is unknown this tick (not readable, or
// a counter restarted its window). An unknown value restarts that signal's wait.
struct SignalValues {
  std::optional<double> cpu;
  std::optional<double> memory;
  std::optional<double> throttle;
};

struct TriggerDecision {
  ProfileKind kind;
  TriggerReason reason;
  double value = 0;      // the signal's value when it fired
  double threshold = 0;  // its threshold
};

class TriggerPolicy {
 public:
  explicit TriggerPolicy(const TriggerSettings& settings);

  // Feeds one tick. Returns a decision when a capture should start now; the
  // capture is then counted as running until CaptureFinished.
  std::optional<TriggerDecision> Observe(SteadyTime now, const SignalValues& u);

  // A capture on demand (TriggerNow), or a baseline (reason kBaseline). nullopt
  // while another capture runs.
  std::optional<TriggerDecision> Manual(ProfileKind kind, SteadyTime now,
                                        TriggerReason reason = TriggerReason::kManual);

  void CaptureFinished(ProfileKind kind, SteadyTime now);

  bool capture_running() const { return running_; }
  // Episodes held back by a cooldown or the hourly cap, each counted once.
  int suppressed() const { return suppressed_; }

 private:
  struct Signal {
    double threshold;
    bool armed = true;
    bool suppressed = false;  // this episode was already counted as suppressed
    std::optional<SteadyTime> over_since;
  };
  // Advances one signal; true when it has been over long enough and is armed.
  bool Ready(Signal& s, SteadyTime now, std::optional<double> value) const;
  bool Allowed(ProfileKind kind, SteadyTime now);
  std::optional<SteadyTime>& LastEnd(ProfileKind kind);

  TriggerSettings settings_;
  Signal cpu_, memory_, throttle_;
  bool running_ = false;
  std::optional<SteadyTime> last_cpu_end_, last_heap_end_;
  std::deque<SteadyTime> fired_;  // start times of triggered captures in the last hour
  int suppressed_ = 0;
};

}  // namespace autoprof

#endif  // AUTOPROF_AGENT_TRIGGER_POLICY_H_
