// Analysis of profiles: merge, top (flat and cumulative by function), diff of a
// base against a target, folded stacks.
//
// Thread-safety: free functions without shared state; safe to call concurrently.
#ifndef AUTOPROF_ANALYSIS_H_
#define AUTOPROF_ANALYSIS_H_

namespace autoprof {

// How a diff puts two sides on one scale. Always explicit: a comparison of a
// 10-second and a 30-second profile means different things under each.
enum class Normalization {
  kAbsolute,   // raw values
  kShare,      // each side as a fraction of its own total
  kPerSecond,  // each side divided by its profile duration in seconds
};

}  // namespace autoprof

#endif  // AUTOPROF_ANALYSIS_H_
