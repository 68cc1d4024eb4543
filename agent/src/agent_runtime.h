// AgentRuntime: a running agent: the watcher thread that samples the cgroup and
// feeds the trigger policy, and the capture thread that takes the profiles.
//
// The watcher never waits on a capture and a capture never waits on the network:
// each capture goes into the uploader's spool (the output directory), from where
// its worker sends it, if an upload URL is set. Messages go to
// stderr prefixed "autoprof: ", each kind of warning once.
//
// Thread-safety: Start/Stop/TriggerNow may be called from any thread; the
// policy and the history are guarded by mu_.
#ifndef AUTOPROF_AGENT_AGENT_RUNTIME_H_
#define AUTOPROF_AGENT_AGENT_RUNTIME_H_

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "agent_config.h"
#include "autoprof/agent.h"
#include "autoprof/cgroup.h"
#include "autoprof/uploader.h"
#include "capture.h"
#include "trigger_policy.h"

namespace autoprof {

class AgentRuntime {
 public:
  // Checks the output directory and the cgroup, then starts both threads.
  static Result<std::unique_ptr<AgentRuntime>> Start(AgentConfig config);
  ~AgentRuntime();  // Stop()s

  void Stop();
  Status TriggerNow(ProfileKind kind);

 private:
  AgentRuntime(AgentConfig config, Cgroup cgroup, std::optional<int64_t> host_memory,
               std::unique_ptr<Uploader> uploader);
  void WatchLoop();
  void CaptureLoop();
  void Tick(CgroupSnapshot& previous);
  // A random moment within the next baseline period.
  SteadyTime NextBaseline(SteadyTime period_start);
  void Enqueue(const TriggerDecision& d);  // requires mu_ held
  CaptureRecord NewRecord(const TriggerDecision& d) const;  // requires mu_ held
  void WarnOnce(const std::string& key, const std::string& message);
  void WarnUnavailable(ProfileKind kind, const std::string& why);  // once per kind

  const AgentConfig config_;
  Cgroup cgroup_;                       // watcher thread only
  std::optional<int64_t> host_memory_;  // MemTotal, for a container without a memory limit
  Capturer capturer_;                   // capture thread only
  std::unique_ptr<Uploader> uploader_;  // the spool; sends when an upload URL is set

  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  TriggerPolicy policy_;
  std::deque<HistoryPoint> history_;
  CgroupSnapshot last_snapshot_;
  std::optional<TriggerDecision> pending_;
  std::set<std::string> warned_;
  // Why each kind cannot be captured here, found by the capture thread at start.
  std::optional<std::string> unavailable_[2];
  std::optional<SteadyTime> next_baseline_;  // watcher thread only
  SteadyTime baseline_period_start_;         // watcher thread only
  uint64_t rng_state_ = 1;                   // watcher thread only

  std::thread watcher_;
  std::thread capturer_thread_;
};

}  // namespace autoprof

#endif  // AUTOPROF_AGENT_AGENT_RUNTIME_H_
