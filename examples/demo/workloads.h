// The demo service's workloads, kept apart from its HTTP plumbing so that their
// names are what a flame graph shows.
//
// - cpu:   RenderReport hashes and sorts records: pure CPU, the hot path.
// - alloc: BuildResponse assembles a response out of many small objects. The
//          tuning knob picks how: kNaive allocates every piece anew (the
//          "before" of an allocator or GC tuning), kPooled reuses per-thread
//          buffers (the "after"). Same output, very different profiles.
// - leak:  LeakCache::Remember keeps what it is given forever.
#ifndef AUTOPROF_EXAMPLES_DEMO_WORKLOADS_H_
#define AUTOPROF_EXAMPLES_DEMO_WORKLOADS_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace demo {

enum class AllocMode { kNaive, kPooled };

// Burns CPU for about `iterations` units of work; returns a checksum.
uint64_t RenderReport(int iterations);

// Builds a response of `items` entries; returns its size in bytes.
size_t BuildResponse(int items, AllocMode mode);

// Holds `bytes` more bytes forever; returns the total held.
size_t LeakRemember(size_t bytes);

}  // namespace demo

#endif  // AUTOPROF_EXAMPLES_DEMO_WORKLOADS_H_
