// The hot function that lives in a shared library of its own.
#include "hot_shared.h"

namespace sharedlib {

uint64_t HashInSharedLibrary(uint64_t n) {
  uint64_t h = 1469598103934665603ull;
  for (uint64_t i = 0; i < n; ++i) {
    h = (h ^ (i & 0xff)) * 1099511628211ull;
    asm volatile("" : "+r"(h));
  }
  return h;
}

}  // namespace sharedlib
