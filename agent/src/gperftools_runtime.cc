#include "gperftools_runtime.h"

#include <dirent.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <gperftools/malloc_extension.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <charconv>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string_view>

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

// libprofiler's ProfilerStop ends with an unconditional
//   fprintf(stderr, "PROFILE: interrupts/evictions/bytes = %d/%d/%zu\n", ...)
// (gperftools 2.10 profiledata.cc; PERFTOOLS_VERBOSE does not gate it): a line
// in the service's log for every capture. While the agent's own ProfilerStop
// runs, libprofiler's PLT slot for fprintf points at one of these filters, which
// drop that line and print everything else.
__attribute__((format(printf, 2, 0))) int PrintUnlessStopLine(FILE* stream, const char* format,
                                                              va_list ap) {
  if (std::string_view(format).starts_with("PROFILE: interrupts/evictions/bytes")) return 0;
  return std::vfprintf(stream, format, ap);
}

__attribute__((format(printf, 3, 4))) int FilterFprintfChk(FILE* stream, int /*flag*/,
                                                           const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = PrintUnlessStopLine(stream, format, ap);
  va_end(ap);
  return n;
}

__attribute__((format(printf, 2, 3))) int FilterFprintf(FILE* stream, const char* format, ...) {
  va_list ap;
  va_start(ap, format);
  int n = PrintUnlessStopLine(stream, format, ap);
  va_end(ap);
  return n;
}

struct PltSlotSearch {
  ElfW(Addr) inside;  // an address in the object searched
  const char* name;   // the function it calls through its PLT
  void** slot = nullptr;
};

// dl_iterate_phdr callback: fills search->slot when the object holding
// search->inside calls search->name through a PLT slot that stays writable
// (outside PT_GNU_RELRO, i.e. not linked with -z now).
int FindPltSlotIn(dl_phdr_info* info, size_t, void* data) {
  auto* search = static_cast<PltSlotSearch*>(data);
  const ElfW(Addr) base = info->dlpi_addr;
  bool holds = false;
  const ElfW(Dyn)* dyn = nullptr;
  ElfW(Addr) relro_begin = 0, relro_end = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& ph = info->dlpi_phdr[i];
    ElfW(Addr) begin = base + ph.p_vaddr;
    if (ph.p_type == PT_LOAD && search->inside >= begin && search->inside < begin + ph.p_memsz) {
      holds = true;
    } else if (ph.p_type == PT_DYNAMIC) {
      dyn = reinterpret_cast<const ElfW(Dyn)*>(begin);
    } else if (ph.p_type == PT_GNU_RELRO) {
      relro_begin = begin;
      relro_end = begin + ph.p_memsz;
    }
  }
  if (!holds) return 0;
  if (!dyn) return 1;
  // glibc relocates these entries in place; other loaders may leave offsets.
  auto address = [base](ElfW(Addr) a) { return a < base ? a + base : a; };
  const char* strtab = nullptr;
  const ElfW(Sym)* symtab = nullptr;
  const ElfW(Rela)* plt = nullptr;
  size_t plt_bytes = 0;
  bool rela = false;
  for (; dyn->d_tag != DT_NULL; ++dyn) {
    switch (dyn->d_tag) {
      case DT_STRTAB:
        strtab = reinterpret_cast<const char*>(address(dyn->d_un.d_ptr));
        break;
      case DT_SYMTAB:
        symtab = reinterpret_cast<const ElfW(Sym)*>(address(dyn->d_un.d_ptr));
        break;
      case DT_JMPREL:
        plt = reinterpret_cast<const ElfW(Rela)*>(address(dyn->d_un.d_ptr));
        break;
      case DT_PLTRELSZ:
        plt_bytes = dyn->d_un.d_val;
        break;
      case DT_PLTREL:
        rela = dyn->d_un.d_val == DT_RELA;
        break;
    }
  }
  if (!strtab || !symtab || !plt || !rela) return 1;
  for (size_t i = 0; i < plt_bytes / sizeof(ElfW(Rela)); ++i) {
    const ElfW(Sym)& sym =
        symtab[sizeof(ElfW(Addr)) == 8 ? ELF64_R_SYM(plt[i].r_info) : ELF32_R_SYM(plt[i].r_info)];
    if (std::strcmp(strtab + sym.st_name, search->name) != 0) continue;
    ElfW(Addr) slot = base + plt[i].r_offset;
    if (slot < relro_begin || slot >= relro_end) search->slot = reinterpret_cast<void**>(slot);
    break;
  }
  return 1;
}

void** FindPltSlot(const void* inside, const char* name) {
  PltSlotSearch search{.inside = reinterpret_cast<ElfW(Addr)>(inside), .name = name};
  dl_iterate_phdr(FindPltSlotIn, &search);
  return search.slot;
}

// The descriptor libprofiler writes the agent's capture through, while one
// runs; -1 otherwise.
std::atomic<int> g_capture_fd{-1};

// Held from ProfilerStart until g_capture_fd names its descriptor, and by a
// forking thread (pthread_atfork prepare) until the fork is done, so that no
// child is made in between, with the profile open but not yet known.
std::mutex g_starting;
void LockStarting() { g_starting.lock(); }
void UnlockStarting() { g_starting.unlock(); }

// pthread_atfork child handler: async-signal-safe calls only. A child forked
// during a capture inherits libprofiler's open profile, and when it exits,
// libprofiler's destructor stops that profile, writing a trailer and the child's
// maps into the parent's file through the descriptor they share. The child's
// copy of it goes to /dev/null instead.
void DetachInheritedCapture() {
  UnlockStarting();
  int fd = g_capture_fd.exchange(-1);
  if (fd < 0) return;
  int null = open("/dev/null", O_WRONLY);
  if (null < 0) return;
  dup2(null, fd);
  close(null);
}

// The descriptor open on `path` in this process (libprofiler does not say which
// one it opened); -1 when there is none.
int DescriptorOpenOn(const std::string& path) {
  struct stat target {};
  if (stat(path.c_str(), &target) != 0) return -1;
  std::unique_ptr<DIR, int (*)(DIR*)> dir(opendir("/proc/self/fd"), closedir);
  if (!dir) return -1;
  while (const dirent* entry = readdir(dir.get())) {
    std::string_view name(entry->d_name);
    int fd = -1;
    if (std::from_chars(name.data(), name.data() + name.size(), fd).ec != std::errc{}) continue;
    struct stat st {};
    if (fd != dirfd(dir.get()) && fstat(fd, &st) == 0 && st.st_dev == target.st_dev &&
        st.st_ino == target.st_ino) {
      return fd;
    }
  }
  return -1;
}

}  // namespace

Result<CpuProfiler> CpuProfiler::Load() {
  // libprofiler picks its unwinder from this variable, as tcmalloc does. With
  // libgcc's, its SIGPROF handler crashes a thread interrupted while it unwinds an
  // exception (tests/agent/stress_test.cc, run with it set, dies within a second;
  // libunwind and the frame-pointer methods pass), so the agent stays out.
  if (const char* method = std::getenv("TCMALLOC_STACKTRACE_METHOD");
      method && std::string_view(method) == "libgcc") {
    return FailedPrecondition(
        "TCMALLOC_STACKTRACE_METHOD=libgcc would make gperftools' CPU profiler unwind with "
        "libgcc in its signal handler, which crashes a service that is throwing an exception; "
        "unset it (or use libunwind) for CPU profiles");
  }
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
  // Whoever set PERFTOOLS_VERBOSE wants to hear from gperftools: let it speak.
  if (!std::getenv("PERFTOOLS_VERBOSE")) {
    const void* libprofiler = reinterpret_cast<const void*>(p.stop_);
    if ((p.print_slot_ = FindPltSlot(libprofiler, "__fprintf_chk"))) {
      p.print_filter_ = reinterpret_cast<void*>(&FilterFprintfChk);
    } else if ((p.print_slot_ = FindPltSlot(libprofiler, "fprintf"))) {
      p.print_filter_ = reinterpret_cast<void*>(&FilterFprintf);
    }
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
  static std::once_flag at_fork;
  std::call_once(at_fork,
                 [] { pthread_atfork(LockStarting, UnlockStarting, DetachInheritedCapture); });
  std::lock_guard<std::mutex> starting(g_starting);
  if (!start_(path.c_str())) return Internal(path + ": ProfilerStart failed");
  g_capture_fd = DescriptorOpenOn(path);
  return Status::Ok();
}

void CpuProfiler::Stop() {
  // Before libprofiler closes it: a child forked from here on must not touch a
  // descriptor number the parent may already have reused.
  g_capture_fd = -1;
  flush_();
  if (!print_slot_) {
    stop_();
    return;
  }
  // Only this call sees the filter: a later ProfilerStop of the service's own
  // prints its line as ever. The slot is a word, so each store is atomic.
  void* resolved = __atomic_load_n(print_slot_, __ATOMIC_ACQUIRE);
  __atomic_store_n(print_slot_, print_filter_, __ATOMIC_RELEASE);
  stop_();
  __atomic_store_n(print_slot_, resolved, __ATOMIC_RELEASE);
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
Result<std::string>
HeapSampler::Sample() const {
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
