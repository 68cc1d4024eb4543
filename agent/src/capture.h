// Capturer: takes one profile and returns it gzipped and symbolized, with its
// file stem (SPEC.md: <app>-<kind>-<UTC time>-<pid>); the agent hands both to the
// uploader, whose spool writes <stem>.pb.gz and <stem>.json atomically.
//
// A CPU capture runs gperftools' profiler for the configured duration on the
// calling thread (the agent's capture thread), waiting on `stop` so Stop() cuts it
// short; a heap capture takes tcmalloc's sampled heap. Both are symbolized in the
// process, so the profile carries its names when the container and its binaries
// are gone.
//
// Thread-safety: one capture at a time per process (gperftools is process-wide);
// the agent guarantees it.
#ifndef AUTOPROF_AGENT_CAPTURE_H_
#define AUTOPROF_AGENT_CAPTURE_H_

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "autoprof/symbolizer.h"
#include "capture_record.h"
#include "gperftools_runtime.h"

namespace autoprof {

struct CapturedProfile {
  std::string stem;
  std::string pprof_gz;  // gzipped profile.proto
  CaptureRecord record;  // with start, duration and agent_cpu_seconds filled
};

// Waits for up to `duration`; returns early when the agent is stopping.
using InterruptibleWait = std::function<void(std::chrono::milliseconds duration)>;

class Capturer {
 public:
  Capturer(std::string output_dir, std::chrono::milliseconds cpu_duration);

  // Takes the profile `record.kind`. `record` arrives with the trigger, app,
  // labels, limits and history filled; the capture adds the start, duration and
  // its own CPU cost (this thread's CPU time, waiting excluded).
  Result<CapturedProfile> Capture(CaptureRecord record, const InterruptibleWait& wait);

  // Why a kind cannot be captured here (nullopt: it can); computed once.
  std::optional<std::string> Unavailable(ProfileKind kind);

 private:
  Result<std::string> TakeCpu(CaptureRecord& record, const std::string& stem,
                              const InterruptibleWait& wait);
  Result<std::string> TakeHeap(CaptureRecord& record);

  std::string output_dir_;
  std::chrono::milliseconds cpu_duration_;
  Symbolizer symbolizer_;  // kept across captures: its caches make later ones cheap
  std::optional<Result<CpuProfiler>> cpu_;
  std::optional<Result<HeapSampler>> heap_;
  std::string last_stem_;  // SPEC's stem has one-second resolution: see Capture
  int repeats_ = 0;
};

}  // namespace autoprof

#endif  // AUTOPROF_AGENT_CAPTURE_H_
