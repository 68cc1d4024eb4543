// Sums of sample values from outside input: a hostile or broken profile can hold
// values near ±2^63, and a sum that overflows stays at the limit instead of
// wrapping (which would also be undefined behaviour).
#ifndef AUTOPROF_PROFILE_SATURATING_H_
#define AUTOPROF_PROFILE_SATURATING_H_

#include <cstdint>
#include <limits>

namespace autoprof {

inline void AddSaturating(int64_t& sum, int64_t v) {
  if (__builtin_add_overflow(sum, v, &sum)) {
    sum = v < 0 ? std::numeric_limits<int64_t>::min() : std::numeric_limits<int64_t>::max();
  }
}

}  // namespace autoprof

#endif  // AUTOPROF_PROFILE_SATURATING_H_
