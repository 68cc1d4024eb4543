// The agent's public API (autoprof/agent.h) and its C entry points. Every entry
// point catches everything: no exception crosses into the host process.
#include <pthread.h>

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <mutex>
#include <new>

#include "agent_config.h"
#include "agent_runtime.h"
#include "autoprof/agent.h"

extern char* program_invocation_short_name;  // glibc

namespace autoprof {
namespace {

std::mutex g_mu;
AgentRuntime* g_runtime = nullptr;  // owned; leaked on purpose in a forked child
bool g_hooks_installed = false;

// A forked child has none of the parent's threads: forget the parent's agent
// without touching it (its mutexes may be held by threads that do not exist here).
void ForgetInChild() {
  new (&g_mu) std::mutex();
  g_runtime = nullptr;
}

void StopAtExit() { Agent::Stop(); }

AgentConfig Overlay(AgentConfig c, const AgentOptions& o) {
  if (o.enabled) c.enabled = *o.enabled;
  if (o.app) c.app = *o.app;
  if (o.labels) c.labels = *o.labels;
  if (o.cpu_threshold) c.cpu_threshold = *o.cpu_threshold;
  if (o.mem_threshold) c.mem_threshold = *o.mem_threshold;
  if (o.throttle_threshold) c.throttle_threshold = *o.throttle_threshold;
  if (o.interval) c.interval = *o.interval;
  if (o.cpu_duration) c.cpu_duration = *o.cpu_duration;
  if (o.cooldown) c.cooldown = *o.cooldown;
  if (o.max_per_hour) c.max_per_hour = *o.max_per_hour;
  if (o.output_dir) c.output_dir = *o.output_dir;
  if (o.upload_url) c.upload_url = *o.upload_url;
  if (o.upload_token) c.upload_token = *o.upload_token;
  if (o.cgroup_root) c.cgroup_root = *o.cgroup_root;
  if (o.baseline_every) c.baseline_every = *o.baseline_every;
  return c;
}

Status StartLocked(const AgentOptions& options) {
  if (g_runtime) return FailedPrecondition("the agent is already running");
  Result<AgentConfig> env = AgentConfigFromEnv([](const char* name) { return std::getenv(name); });
  if (!env.ok()) return env.status();
  AgentConfig config = Overlay(std::move(*env), options);
  AUTOPROF_RETURN_IF_ERROR(ValidateAgentConfig(config));
  if (!config.enabled) return Status::Ok();
  if (config.app.empty()) config.app = program_invocation_short_name;
  Result<std::unique_ptr<AgentRuntime>> runtime = AgentRuntime::Start(std::move(config));
  if (!runtime.ok()) return runtime.status();
  if (!g_hooks_installed) {
    pthread_atfork(nullptr, nullptr, ForgetInChild);
    std::atexit(StopAtExit);
    g_hooks_installed = true;
  }
  g_runtime = runtime->release();
  return Status::Ok();
}

}  // namespace

Status Agent::Start(const AgentOptions& options) {
  try {
    std::lock_guard<std::mutex> lock(g_mu);
    return StartLocked(options);
  } catch (const std::exception& e) {
    return Internal(std::string("autoprof agent failed to start: ") + e.what());
  } catch (...) {
    return Internal("autoprof agent failed to start");
  }
}

void Agent::Stop() {
  try {
    AgentRuntime* runtime;
    {
      std::lock_guard<std::mutex> lock(g_mu);
      runtime = g_runtime;
      g_runtime = nullptr;
    }
    delete runtime;  // joins its threads outside g_mu
  } catch (...) {
  }
}

Status Agent::TriggerNow(ProfileKind kind) {
  try {
    std::lock_guard<std::mutex> lock(g_mu);
    if (!g_runtime) return FailedPrecondition("the agent is not running");
    return g_runtime->TriggerNow(kind);
  } catch (...) {
    return Internal("autoprof agent: TriggerNow failed");
  }
}

bool Agent::Running() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_runtime != nullptr;
}

}  // namespace autoprof

extern "C" int autoprof_start_from_env(void) {
  autoprof::Status s = autoprof::Agent::Start({});
  if (s.ok()) return 0;
  std::fprintf(stderr, "autoprof: not started: %s\n", s.message().c_str());
  return -1;
}

extern "C" void autoprof_stop(void) { autoprof::Agent::Stop(); }
