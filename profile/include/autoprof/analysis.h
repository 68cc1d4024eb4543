// Analysis of profiles: merge, top (flat and cumulative by function), diff of a
// base against a target, folded stacks, and the FrameTable they share (stacks
// resolved to function names with inlined frames expanded).
//
// Functions are keyed by their display name (Function::name, else system_name,
// else the location's address in hex), as `go tool pprof -top` does. A function
// that appears several times in one stack (recursion) counts once in its
// cumulative value.
//
// Thread-safety: free functions without shared state; safe to call concurrently.
// A FrameTable is immutable after construction.
//
// Example:
//   autoprof::Result<autoprof::TopTable> t = autoprof::Top(profile, "cpu");
//   if (!t.ok()) return t.status();
//   for (const autoprof::TopRow& r : t->rows) printf("%s %lld\n", r.function.c_str(), r.flat);
#ifndef AUTOPROF_ANALYSIS_H_
#define AUTOPROF_ANALYSIS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "autoprof/profile.h"
#include "autoprof/status.h"

namespace autoprof {

// How a diff puts two sides on one scale. Always explicit: a comparison of a
// 10-second and a 30-second profile means different things under each.
enum class Normalization {
  kAbsolute,   // raw values
  kShare,      // each side as a fraction of its own total
  kPerSecond,  // each side divided by its profile duration in seconds
};

// "absolute" (or "none") | "share" | "per-second" (or "per_second") <-> Normalization. Parsing an unknown word is an
// error naming it.
Result<Normalization> ParseNormalization(std::string_view word);
std::string_view NormalizationName(Normalization n);

// The position in profile.sample_types of the sample type called `name` (its
// `type`, e.g. "cpu", "inuse_space"). An empty name picks default_sample_type
// when the profile names one it has, else the last sample type, as pprof does.
// Errors when the profile has no sample types or none is called `name`.
Result<size_t> FindSampleIndex(const Profile& profile, std::string_view name);

// Merges profiles of one kind into one. Their sample types must be equal (type
// and unit, in order); period types must match where set. Samples are
// concatenated and identical stacks with identical labels summed; mappings
// (same build id or file, size and offset), functions (same names, file and
// start line) and locations (same mapping-relative address and lines) are
// shared; ids are renumbered from 1. Durations are summed, the earliest start
// time is kept, the period is the largest. Errors name the profile by position.
Result<Profile> MergeProfiles(std::span<const Profile> profiles);

// Reads the files of a comma-separated list ("a.pb.gz,b.pb.gz") and merges them
// (one file is returned as read). Errors name the file, as ReadProfileFile does.
Result<Profile> ReadMergedProfiles(std::string_view comma_separated_paths);

struct TopRow {
  std::string function;
  int64_t flat = 0;  // value of samples whose leaf frame is this function
  int64_t cum = 0;   // value of samples with this function anywhere in the stack
};

struct TopTable {
  ValueType sample_type;     // the sample type the values come from
  int64_t total = 0;         // sum of that value over all samples
  std::vector<TopRow> rows;  // every function, by flat descending, then cum, then name
};

// Flat and cumulative values by function for the sample type named
// `sample_index` (see FindSampleIndex).
Result<TopTable> Top(const Profile& profile, std::string_view sample_index = {});

struct DiffRow {
  std::string function;
  int64_t base_flat = 0, target_flat = 0;  // raw values, as in Top
  int64_t base_cum = 0, target_cum = 0;
  // The flat and cum values after normalization; delta = target - base.
  double base = 0, target = 0, delta = 0;
  double base_cum_normalized = 0, target_cum_normalized = 0, cum_delta = 0;
};

struct DiffTable {
  ValueType sample_type;
  Normalization normalization = Normalization::kShare;
  int64_t base_total = 0, target_total = 0;     // raw
  double base_seconds = 0, target_seconds = 0;  // profile durations
  // Every function present on either side, by |delta| descending, then
  // |cum_delta|, then name.
  std::vector<DiffRow> rows;
};

// Compares `target` against `base` by function under `normalization`. Both must
// have the chosen sample type. kPerSecond needs a duration on both sides; kShare
// treats a side with total 0 as all zeros.
Result<DiffTable> Diff(const Profile& base, const Profile& target, Normalization normalization,
                       std::string_view sample_index = {});

// Folded stacks, the input of flamegraph.pl: one line per distinct stack,
// "root;caller;leaf VALUE\n", inlined frames expanded (the caller before its
// inlined callee), sorted by stack, zero-valued stacks left out. A ';' or a line
// break inside a function name is replaced by ':' or ' ' so the line stays
// parseable.
Result<std::string> CollapseStacks(const Profile& profile, std::string_view sample_index = {});

// A profile's stacks as function-name ids. Built once (one pass over functions
// and locations), then a sample's frames are a table lookup per location.
class FrameTable {
 public:
  explicit FrameTable(const Profile& profile);

  // Distinct display names; a frame id indexes this vector.
  const std::vector<std::string>& names() const;

  // The frames of the location with id `location_id`, innermost (inlined) first
  // and the containing function last; empty for an unknown id.
  std::span<const uint32_t> LocationFrames(uint64_t location_id) const;

  // Appends the frames of `sample`, leaf first, inlined frames expanded.
  void AppendLeafFirst(const Sample& sample, std::vector<uint32_t>* frames) const;

 private:
  struct Tables;
  std::shared_ptr<const Tables> tables_;
};

// JSON of a top table, the shape of the viewer's /top and `autoprof top --json`:
//   {"unit", "total", "rows": [{"function", "flat", "cum"}]}
// with the first `n` rows (0: all).
std::string TopTableJson(const TopTable& table, size_t n);

// JSON of a diff table, the shape of the viewer's /diff "table" and
// `autoprof diff --json`:
//   {"sample_type": {"type", "unit"}, "normalization",
//    "base": {"total", "seconds"}, "target": {"total", "seconds"},
//    "rows": [{"function", "before", "after", "delta",       raw flat values
//              "before_normalized", "after_normalized", "normalized_delta",
//              "cum_before", "cum_after", "normalized_cum_delta"}]}
// with the first `n` rows (0: all), biggest |normalized_delta| first.
std::string DiffTableJson(const DiffTable& table, size_t n);

}  // namespace autoprof

#endif  // AUTOPROF_ANALYSIS_H_
