// The libraries the agent loads only when it needs them, through the shared
// library a service links: libdw at the first capture (to symbolize it), libcurl
// at the first HTTP(S) upload (so never, for captures kept in a directory), both
// RTLD_LOCAL so that neither they nor their dependencies join the service's
// global symbol namespace.
//
// What a process has loaded is process state, so the capture test runs in a
// fresh child (a threadsafe death test re-executes this binary, which links
// neither library).
#include <dlfcn.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "autoprof/agent.h"
#include "autoprof/analysis.h"
#include "autoprof/pprof.h"
#include "dw_api.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;

bool Loaded(const char* soname) {
  void* handle = dlopen(soname, RTLD_LAZY | RTLD_NOLOAD);
  if (handle != nullptr) dlclose(handle);
  return handle != nullptr;
}

__attribute__((noinline)) void BurnUntil(const std::atomic<bool>& stop) {
  volatile double x = 1;
  while (!stop) {
    for (int i = 0; i < 100000; ++i) x = x * 1.0000001 + 1e-9;
  }
}

// One manual CPU capture into `dir`; "" when the libraries were loaded as they
// should be, else what went wrong.
std::string CaptureAndCheckLibraries(const std::string& dir) {
  if (Loaded("libdw.so.1") || Loaded("libcurl.so.4")) return "loaded before the agent started";
  AgentOptions options;
  options.app = "lazytest";
  options.output_dir = dir;
  options.cpu_duration = std::chrono::seconds(1);
  options.cpu_threshold = options.mem_threshold = options.throttle_threshold = 1.0;
  if (Status s = Agent::Start(options); !s.ok()) return "start: " + s.message();
  if (Loaded("libdw.so.1")) return "starting the agent loaded libdw";
  std::atomic<bool> stop{false};
  std::thread burner([&] { BurnUntil(stop); });
  Status triggered = Agent::TriggerNow(ProfileKind::kCpu);
  std::string pprof;
  for (int i = 0; i < 400 && pprof.empty() && triggered.ok(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (const auto& e : fs::directory_iterator(dir)) {
      if (e.path().string().ends_with(".pb.gz")) pprof = e.path();
    }
  }
  stop = true;
  burner.join();
  Agent::Stop();
  if (!triggered.ok()) return "trigger: " + triggered.message();
  if (pprof.empty()) return "no profile within 20 s";
  if (!Loaded("libdw.so.1")) return "a profile was symbolized without loading libdw";
  for (const char* name : {"dwfl_begin", "elf_begin"}) {
    if (dlsym(RTLD_DEFAULT, name) != nullptr) return std::string(name) + " is global";
  }
  if (Loaded("libcurl.so.4")) return "captures kept in a directory loaded libcurl";
  Result<Profile> p = ReadProfileFile(pprof);
  if (!p.ok()) return p.status().message();
  Result<TopTable> top = Top(*p, "cpu");
  if (!top.ok() || top->rows.empty()) return "an empty profile";
  if (top->rows[0].function.find("BurnUntil") == std::string::npos) {
    return "the top function is " + top->rows[0].function;
  }
  return "";
}

TEST(LazyLibraries, TheFirstCaptureLoadsLibdwPrivatelyAndADirectoryNeverLibcurl) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  std::string dir = ::testing::TempDir() + "agent-lazy-" + std::to_string(getpid());
  EXPECT_EXIT(
      {
        fs::remove_all(dir);
        std::string failure = CaptureAndCheckLibraries(dir);
        if (!failure.empty()) std::fprintf(stderr, "%s\n", failure.c_str());
        fs::remove_all(dir);
        std::_Exit(failure.empty() ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "");
}

TEST(LazyLibraries, AMissingLibdwIsNamedWithItsPackage) {
  Result<symbolizer_internal::DwApi> dw =
      symbolizer_internal::OpenLibdw("libautoprof-test-no-such-dw.so.1");
  ASSERT_FALSE(dw.ok());
  EXPECT_EQ(dw.status().message(),
            "symbolization unavailable: libautoprof-test-no-such-dw.so.1 not found "
            "(Debian/Ubuntu package libdw1)");
}

}  // namespace
}  // namespace autoprof
