#include "capture.h"

#include <time.h>
#include <unistd.h>

#include "autoprof/atomic_file.h"
#include "autoprof/gperftools.h"
#include "autoprof/pprof.h"

namespace autoprof {
namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

int64_t Nanos(WallTime t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

constexpr size_t kMaxRawProfileBytes = 512u << 20;

}  // namespace

Capturer::Capturer(std::string output_dir, std::chrono::milliseconds cpu_duration)
    : output_dir_(std::move(output_dir)),
      cpu_duration_(cpu_duration),
      symbolizer_(SymbolizerOptions::LiveProcess()) {}

std::optional<std::string> Capturer::Unavailable(ProfileKind kind) {
  if (kind == ProfileKind::kCpu) {
    if (!cpu_) cpu_ = CpuProfiler::Load();
    if (!cpu_->ok()) return cpu_->status().message();
    if (Status free = (*cpu_)->CheckFree(); !free.ok()) return free.message();
    return std::nullopt;
  }
  if (!heap_) heap_ = HeapSampler::Find();
  if (!heap_->ok()) return heap_->status().message();
  return std::nullopt;
}

Result<std::string> Capturer::TakeCpu(CaptureRecord& record, const std::string& stem,
                                      const InterruptibleWait& wait) {
  if (auto why = Unavailable(ProfileKind::kCpu)) return FailedPrecondition(*why);
  std::string raw_path = output_dir_ + "/." + stem + ".cpu.raw";
  auto started = std::chrono::steady_clock::now();
  record.start = std::chrono::system_clock::now();
  AUTOPROF_RETURN_IF_ERROR((*cpu_)->Start(raw_path));
  // The wait is not this thread's CPU time; only what follows is the agent's cost.
  wait(cpu_duration_);
  (*cpu_)->Stop();
  record.duration = std::chrono::steady_clock::now() - started;
  Result<std::string> raw = ReadWholeFile(raw_path, kMaxRawProfileBytes);
  ::unlink(raw_path.c_str());
  return raw;
}

Result<std::string> Capturer::TakeHeap(CaptureRecord& record) {
  if (auto why = Unavailable(ProfileKind::kHeap)) return FailedPrecondition(*why);
  record.start = std::chrono::system_clock::now();
  record.duration = std::chrono::nanoseconds(0);  // a heap profile is an instant
  return (*heap_)->Sample();
}

Result<CapturedProfile> Capturer::Capture(CaptureRecord record, const InterruptibleWait& wait) {
  double cpu_before = ThreadCpuSeconds();
  WallTime now = std::chrono::system_clock::now();
  std::string stem = CaptureStem(record.app, record.kind, now, record.pid);
  // Two captures of one kind within a second (on demand, or a baseline right after
  // a trigger) would share a stem and the second would replace the first: only
  // then does the stem get "-2", "-3", ...
  repeats_ = stem == last_stem_ ? repeats_ + 1 : 1;
  last_stem_ = stem;
  if (repeats_ > 1) stem += "-" + std::to_string(repeats_);
  Result<std::string> raw =
      record.kind == ProfileKind::kCpu ? TakeCpu(record, stem, wait) : TakeHeap(record);
  if (!raw.ok()) return raw.status();

  GperftoolsInfo info{.time_nanos = Nanos(record.start),
                      .duration_nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            record.duration)
                                            .count()};
  Result<Profile> profile = ConvertGperftoolsOutput(*raw, info, symbolizer_);
  if (!profile.ok()) {
    return Status(profile.status().code(),
                  std::string(KindName(record.kind)) + " capture: " + profile.status().message());
  }
  for (const auto& [key, value] : record.labels) profile->comments.push_back(key + "=" + value);

  Result<std::string> gz = Gzip(EncodeProfile(*profile));
  if (!gz.ok()) return gz.status();
  record.agent_cpu_seconds = ThreadCpuSeconds() - cpu_before;
  return CapturedProfile{std::move(stem), std::move(*gz), std::move(record)};
}

}  // namespace autoprof
