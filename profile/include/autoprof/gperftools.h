// gperftools' raw output -> autoprof::Profile: the legacy CPU profile written by
// libprofiler (ProfilerStart/CPUPROFILE) and the heap sample text tcmalloc returns
// from MallocExtension::GetHeapSample().
//
// The parsers fill samples, mappings (the executable lines of the maps text that
// follows the data) and one Location per distinct adjusted address; they add no
// functions. Symbolize the result with autoprof::Symbolizer (autoprof/symbolizer.h),
// then, for heap profiles, call RemoveAllocatorFrames. ConvertGperftoolsOutput does
// all of that in one call.
//
// Addresses: a CPU sample's leaf PC is exact; every other CPU frame and every heap
// frame is a return address and is stored minus one, so that it falls inside the
// call instruction. That adjusted address is what is symbolized and what
// Location.address holds.
//
// Inputs supported:
//   * CPU: the binary format of gperftools 2.x profiledata.cc, 32- or 64-bit words
//     of either byte order: header (0, 3, 0, period_us, 0), records (count, depth,
//     PCs leaf first; identical stacks may repeat and are summed), trailer
//     (0, 1, 0), then /proc/self/maps text.
//   * Heap: tcmalloc's "heap profile: N: S [N: S] @ heap_v2/<period>" text, one line
//     per sampled object, then MAPPED_LIBRARIES (what GetHeapSample returns in 2.10).
//     Objects are grouped by (stack, object size) and unsampled with
//     scale = 1 / (1 - exp(-(size/count)/period)); values are rounded at the end.
//     The heap-profiler dump ("@ heapprofile", HEAPPROFILE=...) has the same line
//     shape but records every allocation: it is accepted with scale 1, taking the
//     in-use pair of each line. A period of 0 (sampling off) is an error.
//
// Thread-safety: free functions without shared state; safe to call concurrently.
//
// Example (the agent, after ProfilerStop()):
//   autoprof::Symbolizer symbolizer(autoprof::SymbolizerOptions::LiveProcess());
//   autoprof::GperftoolsInfo info{.time_nanos = start_ns, .duration_nanos = 10'000'000'000};
//   autoprof::Result<autoprof::Profile> p =
//       autoprof::ConvertGperftoolsOutput(raw_bytes, info, symbolizer);
//   if (p.ok()) autoprof::WriteProfileFile(path, *p);
#ifndef AUTOPROF_GPERFTOOLS_H_
#define AUTOPROF_GPERFTOOLS_H_

#include <cstdint>
#include <string_view>

#include "autoprof/profile.h"
#include "autoprof/status.h"
#include "autoprof/symbolizer.h"

namespace autoprof {

enum class GperftoolsFormat {
  kUnknown,
  kCpuProfile,  // binary legacy CPU profile
  kHeapSample,  // "heap profile: ..." text
};

// Looks at the first bytes only; kUnknown when neither header matches.
GperftoolsFormat DetectGperftoolsFormat(std::string_view data);

// What the raw data does not say about itself.
struct GperftoolsInfo {
  int64_t time_nanos = 0;      // when collection started (ns since the epoch); 0: unknown
  int64_t duration_nanos = 0;  // how long collection ran; 0: unknown (see ParseCpuProfile)
};

// Parses a legacy CPU profile. Sample types samples/count and cpu/nanoseconds,
// period_type cpu/nanoseconds, period = the header's period in ns. When
// info.duration_nanos is 0 the duration is the sampled CPU time (samples x
// period), exact for one busy thread and an upper bound otherwise. Errors name
// what is wrong: "CPU profile: truncated record at word 1234".
// `inodes`, when given, receives each mapping's inode for Symbolizer::Symbolize.
Result<Profile> ParseCpuProfile(std::string_view data, const GperftoolsInfo& info = {},
                                MappingInodes* inodes = nullptr);

// Parses a tcmalloc heap sample. Sample types inuse_objects/count and
// inuse_space/bytes, period_type space/bytes, period = the sampling period; each
// sample carries a numeric label "bytes" with its object size.
Result<Profile> ParseHeapSample(std::string_view text, const GperftoolsInfo& info = {},
                                MappingInodes* inodes = nullptr);

// For a symbolized heap profile: removes the allocator's own frames (tcmalloc,
// malloc, operator new, ...) from the top of every stack, so the first frame is
// the caller's allocation site. Locations no sample uses any more are dropped.
void RemoveAllocatorFrames(Profile* profile);

// Detects the format, parses, symbolizes with `symbolizer` and, for heap samples,
// removes allocator frames. Error messages do not name the input: callers prefix
// the file name.
Result<Profile> ConvertGperftoolsOutput(std::string_view data, const GperftoolsInfo& info,
                                        Symbolizer& symbolizer);

}  // namespace autoprof

#endif  // AUTOPROF_GPERFTOOLS_H_
