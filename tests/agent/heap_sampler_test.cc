// HeapSampler in a process whose allocator is tcmalloc. CTest runs this binary
// twice: with TCMALLOC_SAMPLE_PARAMETER=524288 and without it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

#include "gperftools_runtime.h"

namespace autoprof {
namespace {

TEST(HeapSampler, SamplesWhenSamplingIsOnAndExplainsWhenItIsOff) {
  auto sampler = HeapSampler::Find();
  ASSERT_TRUE(sampler.ok()) << sampler.status().message();
  std::vector<std::unique_ptr<char[]>> held;
  std::thread([&] {  // the main thread's first allocations are not sampled
    for (int i = 0; i < 400; ++i) held.emplace_back(new char[100000]);
  }).join();
  auto text = sampler->Sample();
  if (std::getenv("TCMALLOC_SAMPLE_PARAMETER")) {
    ASSERT_TRUE(text.ok()) << text.status().message();
    EXPECT_NE(text->find("@ heap_v2/524288"), std::string::npos);
    EXPECT_NE(text->find("MAPPED_LIBRARIES:"), std::string::npos);
  } else {
    ASSERT_FALSE(text.ok());
    EXPECT_NE(text.status().message().find("sampling is off"), std::string::npos);
  }
}

}  // namespace
}  // namespace autoprof
