// AgentConfig: the agent's settings, read from AUTOPROF_* environment variables
// (SPEC.md, "The agent") with explicit options laid over them.
//
// A malformed value is an error naming the variable and what is wrong with it; the
// agent then does not start. Parsing is pure: the environment is passed in as a
// lookup function so tests need not touch the process environment.
//
// Thread-safety: plain values and free functions.
//
// Example:
//   autoprof::Result<autoprof::AgentConfig> c = autoprof::AgentConfigFromEnv(
//       [](const char* name) { return std::getenv(name); });
//   if (!c.ok()) log(c.status().message());   // "AUTOPROF_CPU_THRESHOLD: '1.5' is not in (0,1]"
#ifndef AUTOPROF_AGENT_AGENT_CONFIG_H_
#define AUTOPROF_AGENT_AGENT_CONFIG_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autoprof/status.h"

namespace autoprof {

using Millis = std::chrono::milliseconds;

struct AgentConfig {
  bool enabled = true;
  std::string app;                                          // default: executable name
  std::vector<std::pair<std::string, std::string>> labels;  // in the order given
  double cpu_threshold = 0.75;
  double mem_threshold = 0.75;
  double throttle_threshold = 0.25;
  Millis interval{1000};
  Millis cpu_duration{10'000};
  Millis sustain{3000};      // how long a value must stay over its threshold
  Millis cooldown{300'000};  // least time between two triggered profiles of one kind
  int max_per_hour = 6;
  Millis baseline_every{0};  // 0: no baseline captures
  std::string output_dir;    // default: $TMPDIR/autoprof or /tmp/autoprof
  std::string upload_url;
  std::string upload_token;
  std::string cgroup_root = "/";
};

// Returns the value of an environment variable, or nullptr when unset.
using EnvLookup = std::function<const char*(const char* name)>;

// Reads every AUTOPROF_* variable through `env` over the defaults above.
Result<AgentConfig> AgentConfigFromEnv(const EnvLookup& env);

// Checks a config after AgentOptions were laid over it; errors name the setting.
Status ValidateAgentConfig(const AgentConfig& config);

// "500ms", "5s", "1m", "1h" (a whole number and a unit). `name` prefixes errors.
Result<Millis> ParseDuration(std::string_view name, std::string_view text);

// A number in (0, 1].
Result<double> ParseRatio(std::string_view name, std::string_view text);

// "k=v,k2=v2"; keys non-empty, no duplicates.
Result<std::vector<std::pair<std::string, std::string>>> ParseLabels(std::string_view name,
                                                                     std::string_view text);

}  // namespace autoprof

#endif  // AUTOPROF_AGENT_AGENT_CONFIG_H_
