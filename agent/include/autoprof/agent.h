// autoprof's agent: link it into a service (or preload it) and it captures a CPU
// or heap profile when the container runs hot.
//
// The agent samples the container's cgroup every interval, compares CPU use,
// working set and throttling with their limits, and when one stays over its
// threshold it captures a profile with gperftools, symbolizes it in the process
// and writes <app>-<kind>-<UTC time>-<pid>.pb.gz plus a .json sidecar into the
// output directory, from where it is uploaded if an upload URL is set. Settings
// come from AUTOPROF_* environment variables (see README); fields set in
// AgentOptions override them.
//
// Contract with the host process: no function here throws, blocks for long (Stop
// waits at most for a capture in progress to be cut short and written), or kills
// anything. Where the agent cannot work (no cgroup, no libprofiler, SIGPROF owned
// by the service, tcmalloc absent for heap profiles) it says why once on stderr
// and stays out of the way. A forked child does not inherit a running agent.
//
// Thread-safety: every function may be called from any thread.
//
// Example:
//   #include <autoprof/agent.h>
//   int main() {
//     autoprof::AgentOptions options;
//     options.app = "checkout";
//     if (autoprof::Status s = autoprof::Agent::Start(options); !s.ok())
//       fprintf(stderr, "%s\n", s.message().c_str());   // the service goes on
//     ...
//     autoprof::Agent::Stop();
//   }
// From C: `if (autoprof_start_from_env() != 0) ...; autoprof_stop();`
#ifndef AUTOPROF_AGENT_H_
#define AUTOPROF_AGENT_H_

// Marks what the agent's shared library exports; everything else is hidden.
#define AUTOPROF_AGENT_API __attribute__((visibility("default")))

#ifdef __cplusplus
#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "autoprof/status.h"

namespace autoprof {

enum class ProfileKind { kCpu, kHeap };

// Each field left empty takes its AUTOPROF_* variable, or else the default.
struct AgentOptions {
  std::optional<bool> enabled;                        // AUTOPROF_ENABLED
  std::optional<std::string> app;                     // AUTOPROF_APP
  std::optional<std::vector<std::pair<std::string, std::string>>> labels;  // AUTOPROF_LABELS
  std::optional<double> cpu_threshold;                // AUTOPROF_CPU_THRESHOLD
  std::optional<double> mem_threshold;                // AUTOPROF_MEM_THRESHOLD
  std::optional<double> throttle_threshold;           // AUTOPROF_THROTTLE_THRESHOLD
  std::optional<std::chrono::milliseconds> interval;  // AUTOPROF_INTERVAL
  std::optional<std::chrono::milliseconds> cpu_duration;  // AUTOPROF_CPU_DURATION
  std::optional<std::chrono::milliseconds> cooldown;  // AUTOPROF_COOLDOWN
  std::optional<int> max_per_hour;                    // AUTOPROF_MAX_PER_HOUR
  std::optional<std::string> output_dir;              // AUTOPROF_OUTPUT_DIR
  std::optional<std::string> upload_url;              // AUTOPROF_UPLOAD_URL
  std::optional<std::string> upload_token;            // AUTOPROF_UPLOAD_TOKEN
  std::optional<std::string> cgroup_root;             // AUTOPROF_CGROUP_ROOT
  // A CPU profile at a random moment in each such period, so an incident has a
  // calm profile of the same service to be compared with; 0 (default): none.
  std::optional<std::chrono::milliseconds> baseline_every;  // AUTOPROF_BASELINE_EVERY
};

class AUTOPROF_AGENT_API Agent {
 public:
  // Starts the agent. Fails, with a one-line reason, on a malformed setting (the
  // agent then does not start) or when it is already running. AUTOPROF_ENABLED=0
  // is not an error: the agent stays off and Start returns OK.
  static Status Start(const AgentOptions& options = {});

  // Stops watching; cuts a capture in progress short and writes what it has,
  // then gives the uploader up to 2 s to send what is queued (the rest stays in
  // the output directory for the next start). Safe to call when not running.
  static void Stop();

  // Captures a profile of `kind` now (a CPU profile lasts the configured duration;
  // the capture runs on the agent's thread, this call returns at once). Fails when
  // the agent is not running, a capture is already in progress, or the kind is
  // unavailable here.
  static Status TriggerNow(ProfileKind kind);

  static bool Running();
};

}  // namespace autoprof

extern "C" {
#endif  // __cplusplus

// Starts the agent from the environment only. 0 on success (including
// AUTOPROF_ENABLED=0); -1 otherwise, after one line on stderr saying why.
AUTOPROF_AGENT_API int autoprof_start_from_env(void);
// Stops the agent; safe to call when not running.
AUTOPROF_AGENT_API void autoprof_stop(void);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // AUTOPROF_AGENT_H_
