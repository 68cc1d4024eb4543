// The agent's run-time bindings to gperftools. This binary links neither
// libprofiler nor tcmalloc: the CPU profiler must be found by dlopen, and heap
// sampling must say it is unavailable. heap_sampler_test covers tcmalloc.
#include "gperftools_runtime.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

#include "autoprof/atomic_file.h"
#include "autoprof/gperftools.h"

namespace autoprof {
namespace {

std::string TempPath(const char* name) {
  return testing::TempDir() + "/" + name + "-" + std::to_string(getpid());
}

void BurnCpu(std::chrono::milliseconds how_long) {
  volatile uint64_t x = 0;
  auto end = std::chrono::steady_clock::now() + how_long;
  while (std::chrono::steady_clock::now() < end) {
    for (int i = 0; i < 100000; ++i) x = x * 31 + i;
  }
}

TEST(CpuProfiler, IsLoadedWithoutLinkingAndWritesALegacyProfile) {
  auto profiler = CpuProfiler::Load();
  ASSERT_TRUE(profiler.ok()) << profiler.status().message();
  ASSERT_TRUE(profiler->CheckFree().ok()) << profiler->CheckFree().message();
  std::string path = TempPath("raw.prof");
  ASSERT_TRUE(profiler->Start(path).ok());
  BurnCpu(std::chrono::milliseconds(400));
  profiler->Stop();

  std::ifstream in(path, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GE(bytes.size(), 5 * sizeof(uintptr_t));
  const auto* words = reinterpret_cast<const uintptr_t*>(bytes.data());
  // Legacy header: 0, 3 (header words), 0 (version), period in us, 0.
  EXPECT_EQ(words[0], 0u);
  EXPECT_EQ(words[1], 3u);
  EXPECT_EQ(words[2], 0u);
  EXPECT_EQ(words[3], 10000u);  // 100 Hz
  EXPECT_GT(bytes.size(), 5 * sizeof(uintptr_t) + 3 * sizeof(uintptr_t));  // some samples
  unlink(path.c_str());
}

TEST(CpuProfiler, ChildForkedDuringACaptureLeavesTheParentsProfileWhole) {
  auto profiler = CpuProfiler::Load();
  ASSERT_TRUE(profiler.ok()) << profiler.status().message();
  std::string path = TempPath("forked.prof");
  ASSERT_TRUE(profiler->Start(path).ok());
  BurnCpu(std::chrono::milliseconds(200));
  pid_t child = fork();
  // A normal exit: libprofiler's destructor stops the profile the child inherited.
  if (child == 0) std::exit(0);
  ASSERT_GT(child, 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  BurnCpu(std::chrono::milliseconds(200));
  profiler->Stop();

  Result<std::string> raw = ReadWholeFile(path, 64 << 20);
  ASSERT_TRUE(raw.ok()) << raw.status().message();
  Result<Profile> profile = ParseCpuProfile(*raw);
  ASSERT_TRUE(profile.ok()) << profile.status().message();
  int64_t samples = 0;
  for (const Sample& sample : profile->samples) samples += sample.values[0];
  EXPECT_GT(samples, 10) << "0.4 s of one busy thread at 100 Hz";
  unlink(path.c_str());
}

void ServiceHandler(int) {}

TEST(CpuProfiler, StaysOutWhenTheServiceOwnsSigprof) {
  auto profiler = CpuProfiler::Load();
  ASSERT_TRUE(profiler.ok());
  struct sigaction mine {}, old {};
  mine.sa_handler = ServiceHandler;
  ASSERT_EQ(sigaction(SIGPROF, &mine, &old), 0);
  Status s = profiler->CheckFree();
  Status started = profiler->Start(TempPath("never.prof"));
  sigaction(SIGPROF, &old, nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.message(),
            "the service has its own SIGPROF handler; autoprof does not take CPU profiles here");
  EXPECT_FALSE(started.ok());
}

TEST(CpuProfiler, RefusesGperftoolsLibgccUnwinderWhichCrashesInItsSignalHandler) {
  ASSERT_EQ(setenv("TCMALLOC_STACKTRACE_METHOD", "libgcc", 1), 0);
  auto refused = CpuProfiler::Load();
  ASSERT_EQ(setenv("TCMALLOC_STACKTRACE_METHOD", "libunwind", 1), 0);
  auto accepted = CpuProfiler::Load();
  unsetenv("TCMALLOC_STACKTRACE_METHOD");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().rfind("TCMALLOC_STACKTRACE_METHOD=libgcc", 0), 0u)
      << refused.status().message();
  EXPECT_TRUE(accepted.ok()) << accepted.status().message();
}

TEST(HeapSampler, SaysHowToEnableTcmallocWhenItIsNotTheAllocator) {
  auto sampler = HeapSampler::Find();
  ASSERT_FALSE(sampler.ok());
  EXPECT_NE(sampler.status().message().find("TCMALLOC_SAMPLE_PARAMETER"), std::string::npos);
  EXPECT_NE(sampler.status().message().find("autoprof run"), std::string::npos);
}

}  // namespace
}  // namespace autoprof
