// Run-time bindings to gperftools, found in the process (or, for the CPU
// profiler, loaded) with dlsym/dlopen, so that linking the agent never makes a
// service link libprofiler or tcmalloc it would not otherwise need.
//
// CpuProfiler wraps libprofiler's ProfilerStart/ProfilerStop. It refuses to start
// when the service already owns SIGPROF or runs gperftools itself (CPUPROFILE):
// the agent says so and leaves both alone. Its Stop keeps libprofiler's
// "PROFILE: interrupts/evictions/bytes = ..." line out of the service's stderr,
// unless PERFTOOLS_VERBOSE is set; every other gperftools message still prints.
// A child forked during a capture does not write into the parent's profile.
//
// HeapSampler wraps tcmalloc's MallocExtension::GetHeapSample. It exists only when
// tcmalloc is the process's allocator; sampling must have been switched on before
// the allocator started (TCMALLOC_SAMPLE_PARAMETER), which `autoprof run` does.
//
// Thread-safety: CpuProfiler drives process-wide state: one capture at a time (the
// agent's capture thread). HeapSampler::Sample may be called from any thread.
//
// Example:
//   auto cpu = autoprof::CpuProfiler::Load();
//   if (cpu.ok() && cpu->CheckFree().ok() && cpu->Start("/tmp/raw.prof").ok()) {
//     sleep(10);
//     cpu->Stop();   // the raw legacy profile is now complete in /tmp/raw.prof
//   }
#ifndef AUTOPROF_AGENT_GPERFTOOLS_RUNTIME_H_
#define AUTOPROF_AGENT_GPERFTOOLS_RUNTIME_H_

#include <string>

#include "autoprof/status.h"

namespace autoprof {

class CpuProfiler {
 public:
  // Finds libprofiler in the process or loads libprofiler.so.0. The error says
  // which package provides it.
  static Result<CpuProfiler> Load();

  // OK when the agent may start a profile now; otherwise why not (another SIGPROF
  // handler is installed, or gperftools is already profiling, e.g. CPUPROFILE).
  Status CheckFree() const;

  // Starts writing a legacy CPU profile to `path`.
  Status Start(const std::string& path);
  // Stops and flushes the profile, without libprofiler's statistics line.
  void Stop();

 private:
  struct State {
    int enabled;
    long start_time;
    char profile_name[1024];
    int samples_gathered;
  };
  int (*start_)(const char*) = nullptr;
  void (*stop_)() = nullptr;
  void (*flush_)() = nullptr;
  void (*state_)(State*) = nullptr;
  // libprofiler's PLT slot for fprintf, and the filter Stop puts there; null
  // when the slot is not found or read-only, or PERFTOOLS_VERBOSE is set.
  void** print_slot_ = nullptr;
  void* print_filter_ = nullptr;
};

class HeapSampler {
 public:
  // Succeeds only when tcmalloc is the allocator of this process; the error says
  // how to make it so.
  static Result<HeapSampler> Find();

  // tcmalloc's heap sample text ("heap profile: ... @ heap_v2/<period>").
  Result<std::string> Sample() const;

 private:
  void* extension_ = nullptr;  // MallocExtension*
};

}  // namespace autoprof

#endif  // AUTOPROF_AGENT_GPERFTOOLS_RUNTIME_H_
