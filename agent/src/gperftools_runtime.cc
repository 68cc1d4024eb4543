#include "gperftools_runtime.h"

#include <dlfcn.h>
#include <signal.h>

#include <cstring>
#include <string_view>

#include <gperftools/malloc_extension.h>

namespace autoprof {
namespace {

template <typename Fn>
Fn Symbol(void* handle, const char* name) {
  return reinterpret_cast<Fn>(dlsym(handle, name));
}

// True when `handler` lives in the shared object that also holds `anchor`.
bool SameObject(const void* handler, const void* anchor) {
  Dl_info a{}, b{};
  return dladdr(handler, &a) && dladdr(anchor, &b) && a.dli_fbase == b.dli_fbase;
}

}  // namespace

Result<CpuProfiler> CpuProfiler::Load() {
  void* handle = RTLD_DEFAULT;
  if (!dlsym(handle, "ProfilerStart")) {
    // RTLD_NODELETE: once loaded it stays, whatever happens to our handle.
    handle = dlopen("libprofiler.so.0", RTLD_NOW | RTLD_GLOBAL | RTLD_NODELETE);
    if (!handle) {
      return FailedPrecondition(
          "libprofiler.so.0 not found (Debian/Ubuntu package libgoogle-perftools4)");
    }
  }
  CpuProfiler p;
  p.start_ = Symbol<int (*)(const char*)>(handle, "ProfilerStart");
  p.stop_ = Symbol<void (*)()>(handle, "ProfilerStop");
  p.flush_ = Symbol<void (*)()>(handle, "ProfilerFlush");
  p.state_ = Symbol<void (*)(State*)>(handle, "ProfilerGetCurrentState");
  if (!p.start_ || !p.stop_ || !p.flush_ || !p.state_) {
    return FailedPrecondition("libprofiler lacks ProfilerStart/Stop");
  }
  return p;
}

Status CpuProfiler::CheckFree() const {
  State state{};
  state_(&state);
  if (state.enabled) {
    return FailedPrecondition(std::string("gperftools is already profiling this process (to '") +
                              state.profile_name +
                              "', e.g. through CPUPROFILE); autoprof leaves it alone");
  }
  struct sigaction current {};
  if (sigaction(SIGPROF, nullptr, &current) != 0) return Internal("sigaction(SIGPROF) failed");
  void* handler = (current.sa_flags & SA_SIGINFO) ? reinterpret_cast<void*>(current.sa_sigaction)
                                                  : reinterpret_cast<void*>(current.sa_handler);
  bool unowned = handler == reinterpret_cast<void*>(SIG_DFL) ||
                 handler == reinterpret_cast<void*>(SIG_IGN) ||
                 SameObject(handler, reinterpret_cast<const void*>(start_));
  if (!unowned) {
    return FailedPrecondition(
        "the service has its own SIGPROF handler; autoprof does not take CPU profiles here");
  }
  return Status::Ok();
}

Status CpuProfiler::Start(const std::string& path) {
  AUTOPROF_RETURN_IF_ERROR(CheckFree());
  if (!start_(path.c_str())) return Internal(path + ": ProfilerStart failed");
  return Status::Ok();
}

void CpuProfiler::Stop() {
  flush_();
  stop_();
}

Result<HeapSampler> HeapSampler::Find() {
  using InstanceFn = MallocExtension* (*)();
  auto instance = Symbol<InstanceFn>(RTLD_DEFAULT, "_ZN15MallocExtension8instanceEv");
  // tcmalloc defines tc_malloc; other allocators may ship a MallocExtension stub.
  if (!instance || !dlsym(RTLD_DEFAULT, "tc_malloc")) {
    return FailedPrecondition(
        "tcmalloc is not this process's allocator; link -ltcmalloc or start the service "
        "under 'autoprof run', with TCMALLOC_SAMPLE_PARAMETER=524288");
  }
  HeapSampler s;
  s.extension_ = instance();
  if (!s.extension_) return FailedPrecondition("tcmalloc has no MallocExtension");
  return s;
}

// UBSan's vptr check would need tcmalloc's typeinfo at link time, which is
// exactly the link dependency this file exists to avoid.
#if defined(__clang__)
__attribute__((no_sanitize("vptr")))
#endif
Result<std::string> HeapSampler::Sample() const {
  std::string text;
  static_cast<MallocExtension*>(extension_)->GetHeapSample(&text);
  if (text.empty()) return FailedPrecondition("tcmalloc returned an empty heap sample");
  // gperftools writes "heap_v2/0" when sampling is off.
  size_t at = text.find("@ heap_v2/");
  if (at != std::string::npos && text.compare(at + 10, 2, "0\n") == 0) {
    return FailedPrecondition(
        "heap profiling unavailable: tcmalloc sampling is off; set "
        "TCMALLOC_SAMPLE_PARAMETER=524288 before the service starts (autoprof run does)");
  }
  return text;
}

}  // namespace autoprof
