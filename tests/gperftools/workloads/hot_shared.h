// A hot function in a shared library, for the CPU profile test.
#ifndef AUTOPROF_TESTS_GPERFTOOLS_WORKLOADS_HOT_SHARED_H_
#define AUTOPROF_TESTS_GPERFTOOLS_WORKLOADS_HOT_SHARED_H_

#include <cstdint>

namespace sharedlib {
__attribute__((noinline)) uint64_t HashInSharedLibrary(uint64_t n);
}  // namespace sharedlib

#endif  // AUTOPROF_TESTS_GPERFTOOLS_WORKLOADS_HOT_SHARED_H_
