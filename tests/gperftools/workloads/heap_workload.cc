// heap_workload OUTPUT: in a thread other than main (tcmalloc 2.10 does not sample
// the main thread's first ~16 MiB), allocates known amounts from known functions
// and keeps them, then writes MallocExtension::GetHeapSample() to OUTPUT and
// prints the truth, one "FUNCTION BYTES" line per function. Run it with
// TCMALLOC_SAMPLE_PARAMETER set (the test uses 524288).
#include <gperftools/malloc_extension.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

namespace heapwork {

std::vector<void*> kept;

// Many small objects: sampled by bytes, about one sample per period.
__attribute__((noinline)) size_t KeepSmallObjects() {
  constexpr size_t kCount = 160'000, kSize = 1024;
  for (size_t i = 0; i < kCount; ++i) kept.push_back(std::malloc(kSize));
  return kCount * kSize;
}

// Medium objects, each below the sampling period.
__attribute__((noinline)) size_t KeepMediumObjects() {
  constexpr size_t kCount = 2048, kSize = 128 * 1024;
  for (size_t i = 0; i < kCount; ++i) kept.push_back(new char[kSize]);
  return kCount * kSize;
}

}  // namespace heapwork

// Large objects, each several periods long: almost always sampled.
__attribute__((noinline)) size_t KeepLargeObjects() {
  constexpr size_t kCount = 24, kSize = 4 << 20;
  for (size_t i = 0; i < kCount; ++i) heapwork::kept.push_back(std::malloc(kSize));
  return kCount * kSize;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: heap_workload OUTPUT\n");
    return 2;
  }
  heapwork::kept.reserve(200'000);  // the vector's own buffer is not a test subject
  size_t small = 0, medium = 0, large = 0;
  std::thread worker([&] {
    small = heapwork::KeepSmallObjects();
    medium = heapwork::KeepMediumObjects();
    large = KeepLargeObjects();
  });
  worker.join();
  std::string sample;
  MallocExtension::instance()->GetHeapSample(&sample);
  FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr || std::fwrite(sample.data(), 1, sample.size(), out) != sample.size() ||
      std::fclose(out) != 0) {
    std::fprintf(stderr, "heap_workload: cannot write %s\n", argv[1]);
    return 1;
  }
  std::printf(
      "heapwork::KeepSmallObjects %zu\nheapwork::KeepMediumObjects %zu\n"
      "KeepLargeObjects %zu\n",
      small, medium, large);
  return 0;
}
