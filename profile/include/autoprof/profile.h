// The profile model: an in-memory mirror of pprof's profile.proto.
//
// Every part of autoprof speaks this type: the gperftools and tcmalloc parsers
// produce it, the symbolizer fills its functions and lines, the pprof codec
// (autoprof/pprof.h) reads and writes it, and the analysis functions (top, diff,
// merge, folded stacks, flame trees) consume it. Strings are held directly; the
// string table exists only on the wire. Ids are the proto's: nonzero and unique
// per table, and referenced by id, not by index.
//
// Thread-safety: a plain value type. Distinct objects may be used concurrently;
// one object needs external synchronization for writes.
//
// Example:
//   autoprof::Profile p;
//   p.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};
//   p.period_type = {"cpu", "nanoseconds"};
//   p.period = 10'000'000;
#ifndef AUTOPROF_PROFILE_H_
#define AUTOPROF_PROFILE_H_

#include <cstdint>
#include <string>
#include <vector>

namespace autoprof {

struct ValueType {
  std::string type;  // e.g. "cpu", "inuse_space"
  std::string unit;  // e.g. "nanoseconds", "bytes", "count"

  friend bool operator==(const ValueType&, const ValueType&) = default;
};

struct Label {
  std::string key;
  std::string str;       // set for a string label...
  int64_t num = 0;       // ...or a number with an optional unit
  std::string num_unit;

  friend bool operator==(const Label&, const Label&) = default;
};

struct Sample {
  std::vector<uint64_t> location_ids;  // leaf first
  std::vector<int64_t> values;         // one per Profile::sample_types
  std::vector<Label> labels;
};

struct Mapping {
  uint64_t id = 0;
  uint64_t memory_start = 0;
  uint64_t memory_limit = 0;
  uint64_t file_offset = 0;
  std::string filename;
  std::string build_id;  // lower-case hex
  bool has_functions = false;
  bool has_filenames = false;
  bool has_line_numbers = false;
  bool has_inline_frames = false;
};

struct Line {
  uint64_t function_id = 0;
  int64_t line = 0;
  int64_t column = 0;
};

struct Location {
  uint64_t id = 0;
  uint64_t mapping_id = 0;  // 0: none
  uint64_t address = 0;     // the (adjusted) address that was symbolized
  std::vector<Line> lines;  // innermost (inlined) first, the containing function last
  bool is_folded = false;
};

struct Function {
  uint64_t id = 0;
  std::string name;         // demangled, as people read it
  std::string system_name;  // as the linker saw it (mangled)
  std::string filename;
  int64_t start_line = 0;
};

struct Profile {
  std::vector<ValueType> sample_types;
  std::vector<Sample> samples;
  std::vector<Mapping> mappings;
  std::vector<Location> locations;
  std::vector<Function> functions;
  std::string drop_frames;
  std::string keep_frames;
  int64_t time_nanos = 0;      // when collection started, ns since the epoch
  int64_t duration_nanos = 0;  // how long collection ran
  ValueType period_type;
  int64_t period = 0;
  std::vector<std::string> comments;
  std::string default_sample_type;  // a sample_types[i].type, or empty
};

}  // namespace autoprof

#endif  // AUTOPROF_PROFILE_H_
