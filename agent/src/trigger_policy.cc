#include "trigger_policy.h"

namespace autoprof {

std::string_view KindName(ProfileKind kind) {
  return kind == ProfileKind::kCpu ? "cpu" : "heap";
}

std::string_view ReasonName(TriggerReason reason) {
  switch (reason) {
    case TriggerReason::kCpu: return "cpu";
    case TriggerReason::kMemory: return "memory";
    case TriggerReason::kThrottle: return "throttle";
    case TriggerReason::kManual: return "manual";
    case TriggerReason::kBaseline: return "baseline";
  }
  return "unknown";
}

TriggerPolicy::TriggerPolicy(const TriggerSettings& settings)
    : settings_(settings),
      cpu_{settings.cpu_threshold},
      memory_{settings.mem_threshold},
      throttle_{settings.throttle_threshold} {}

bool TriggerPolicy::Ready(Signal& s, SteadyTime now, std::optional<double> value) const {
  if (!value) {
    s.over_since.reset();
    return false;
  }
  double low = s.threshold - settings_.rearm_margin;
  if (*value < low) {
    s.armed = true;
    s.suppressed = false;
    s.over_since.reset();
    return false;
  }
  if (*value >= s.threshold && !s.over_since) s.over_since = now;
  // Between low and the threshold the wait goes on but does not start.
  return s.armed && s.over_since && *value >= s.threshold &&
         now - *s.over_since >= settings_.sustain;
}

std::optional<SteadyTime>& TriggerPolicy::LastEnd(ProfileKind kind) {
  return kind == ProfileKind::kCpu ? last_cpu_end_ : last_heap_end_;
}

bool TriggerPolicy::Allowed(ProfileKind kind, SteadyTime now) {
  while (!fired_.empty() && now - fired_.front() >= std::chrono::hours(1)) fired_.pop_front();
  const auto& last = LastEnd(kind);
  bool cooling = last && now - *last < settings_.cooldown;
  bool capped = static_cast<int>(fired_.size()) >= settings_.max_per_hour;
  return !cooling && !capped;
}

std::optional<TriggerDecision> TriggerPolicy::Observe(SteadyTime now, const SignalValues& u) {
  struct Candidate {
    Signal* signal;
    std::optional<double> value;
    ProfileKind kind;
    TriggerReason reason;
  };
  // Every signal advances every tick, whatever the others do. When several are
  // ready at once the more specific reason wins: throttling before plain CPU use.
  Candidate candidates[] = {
      {&memory_, u.memory, ProfileKind::kHeap, TriggerReason::kMemory},
      {&throttle_, u.throttle, ProfileKind::kCpu, TriggerReason::kThrottle},
      {&cpu_, u.cpu, ProfileKind::kCpu, TriggerReason::kCpu},
  };
  std::optional<TriggerDecision> decision;
  for (Candidate& c : candidates) {
    if (!Ready(*c.signal, now, c.value) || decision || running_) continue;
    if (!Allowed(c.kind, now)) {
      // Stays armed: an episode that began in the cooldown fires once it ends.
      if (!c.signal->suppressed) ++suppressed_;
      c.signal->suppressed = true;
      continue;
    }
    c.signal->armed = false;
    c.signal->suppressed = false;
    decision = TriggerDecision{c.kind, c.reason, *c.value, c.signal->threshold};
  }
  if (decision) {
    running_ = true;
    fired_.push_back(now);
  }
  return decision;
}

std::optional<TriggerDecision> TriggerPolicy::Manual(ProfileKind kind, SteadyTime now,
                                                     TriggerReason reason) {
  (void)now;
  if (running_) return std::nullopt;
  running_ = true;
  return TriggerDecision{kind, reason, 0, 0};
}

void TriggerPolicy::CaptureFinished(ProfileKind kind, SteadyTime now) {
  running_ = false;
  LastEnd(kind) = now;
}

}  // namespace autoprof
