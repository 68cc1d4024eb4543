// tcmalloc's heap sample text (MallocExtension::GetHeapSample, gperftools 2.10):
//   heap profile:     36:  2520000 [    36:  2520000] @ heap_v2/524288
//        1:    10000 [     1:    10000] @ 0x7f06a5e39a70 0x55619364444a ...
//   <blank>
//   MAPPED_LIBRARIES:
//   <the text of /proc/self/maps>
// and the heap profiler's dump, which has "@ heapprofile" and is not sampled.
#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "autoprof/gperftools.h"
#include "gperftools_maps.h"

namespace autoprof {
namespace {

using gperftools_internal::DropUnusedMappings;
using gperftools_internal::LocationTable;
using gperftools_internal::NextField;
using gperftools_internal::ParseMapsText;
using gperftools_internal::ParseUnsigned;

constexpr std::string_view kWhat = "heap sample";
constexpr size_t kMaxDepth = 1024;

Status Bad(size_t line_no, const std::string& why) {
  return InvalidArgument(std::string(kWhat) + ": line " + std::to_string(line_no) + ": " + why);
}

// Consumes optional blanks then `c`.
bool Expect(std::string_view* rest, char c) {
  size_t i = rest->find_first_not_of(" \t");
  if (i == std::string_view::npos || (*rest)[i] != c) return false;
  rest->remove_prefix(i + 1);
  return true;
}

// Consumes optional blanks then a decimal number.
bool Number(std::string_view* rest, uint64_t* out) {
  size_t begin = rest->find_first_not_of(" \t");
  if (begin == std::string_view::npos) return false;
  size_t end = rest->find_first_not_of("0123456789", begin);
  if (end == std::string_view::npos) end = rest->size();
  if (!ParseUnsigned(rest->substr(begin, end - begin), 10, out)) return false;
  rest->remove_prefix(end);
  return true;
}

// "<count>: <bytes> [<count>: <bytes>]": the in-use pair, then a second pair
// (also in-use for heap_v2, the allocated totals for the heap profiler's dump).
bool ParseCounts(std::string_view* rest, uint64_t* count, uint64_t* bytes) {
  uint64_t ignored = 0;
  return Number(rest, count) && Expect(rest, ':') && Number(rest, bytes) && Expect(rest, '[') &&
         Number(rest, &ignored) && Expect(rest, ':') && Number(rest, &ignored) && Expect(rest, ']');
}

std::string_view TakeLine(std::string_view* text) {
  size_t nl = text->find('\n');
  std::string_view line = text->substr(0, nl);
  text->remove_prefix(nl == std::string_view::npos ? text->size() : nl + 1);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

struct Group {
  uint64_t count = 0;
  uint64_t bytes = 0;
};

}  // namespace

Result<Profile> ParseHeapSample(std::string_view text, const GperftoolsInfo& info,
                                MappingInodes* inodes) {
  size_t line_no = 0;
  std::string_view header;
  while (!text.empty()) {  // tcmalloc prefixes "%warn" lines when sampling is off
    header = TakeLine(&text);
    ++line_no;
    if (!header.starts_with("%")) break;
  }
  if (!header.starts_with("heap profile:")) {
    return InvalidArgument(std::string(kWhat) + ": does not start with 'heap profile:'");
  }
  std::string_view rest = header.substr(13);
  uint64_t total_count = 0, total_bytes = 0;
  if (!ParseCounts(&rest, &total_count, &total_bytes) || NextField(&rest) != "@") {
    return Bad(line_no, "expected 'heap profile: N: BYTES [N: BYTES] @ heap_v2/PERIOD'");
  }
  std::string_view kind = NextField(&rest);
  uint64_t period = 0;
  if (kind.starts_with("heap_v2/")) {
    if (!ParseUnsigned(kind.substr(8), 10, &period) || period > (uint64_t{1} << 40)) {
      return Bad(line_no, "bad sampling period '" + std::string(kind.substr(8)) + "'");
    }
    if (period == 0) {
      return Bad(line_no,
                 "sampling period is 0: heap sampling was off (set TCMALLOC_SAMPLE_PARAMETER)");
    }
  } else if (kind != "heapprofile") {
    return Bad(line_no, "unknown profile kind '" + std::string(kind) + "'");
  }

  // (stack, object size) -> totals; stacks are raw return addresses, leaf first.
  std::map<std::pair<std::vector<uint64_t>, uint64_t>, Group> groups;
  while (!text.empty()) {
    std::string_view line = TakeLine(&text);
    ++line_no;
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    if (line.starts_with("MAPPED_LIBRARIES:")) break;
    std::string_view fields = line;
    uint64_t count = 0, bytes = 0;
    if (!ParseCounts(&fields, &count, &bytes) || NextField(&fields) != "@") {
      return Bad(line_no, "expected 'N: BYTES [N: BYTES] @ ADDRESS...'");
    }
    std::vector<uint64_t> stack;
    for (std::string_view a = NextField(&fields); !a.empty(); a = NextField(&fields)) {
      uint64_t pc = 0;
      if (!ParseUnsigned(a, 16, &pc)) return Bad(line_no, "bad address '" + std::string(a) + "'");
      if (stack.size() == kMaxDepth) return Bad(line_no, "stack deeper than 1024 frames");
      stack.push_back(pc);
    }
    if (stack.empty()) return Bad(line_no, "no stack");
    if (count == 0 || bytes == 0) continue;
    Group& g = groups[{std::move(stack), bytes / count}];
    if (__builtin_add_overflow(g.count, count, &g.count) ||
        __builtin_add_overflow(g.bytes, bytes, &g.bytes) || g.bytes > (uint64_t{1} << 62)) {
      return Bad(line_no, "counts overflow");
    }
  }

  Profile profile;
  profile.sample_types = {{"inuse_objects", "count"}, {"inuse_space", "bytes"}};
  profile.period_type = {"space", "bytes"};
  profile.period = static_cast<int64_t>(period);
  profile.default_sample_type = "inuse_space";
  profile.time_nanos = info.time_nanos;
  profile.duration_nanos = info.duration_nanos;
  AUTOPROF_RETURN_IF_ERROR(ParseMapsText(text, kWhat, &profile, inodes));

  LocationTable table(&profile);
  for (const auto& [key, g] : groups) {
    const auto& [stack, object_size] = key;
    double scale = 1.0;
    if (period > 0) {
      double average = static_cast<double>(g.bytes) / static_cast<double>(g.count);
      scale = 1.0 / -std::expm1(-average / static_cast<double>(period));
    }
    const double objects = static_cast<double>(g.count) * scale;
    const double bytes = static_cast<double>(g.bytes) * scale;
    if (!(objects < 9e18 && bytes < 9e18)) {
      return InvalidArgument(std::string(kWhat) + ": unsampled values overflow");
    }
    Sample s;
    for (uint64_t pc : stack) s.location_ids.push_back(table.Intern(pc == 0 ? 0 : pc - 1));
    s.values = {std::llround(objects), std::llround(bytes)};
    s.labels.push_back({"bytes", "", static_cast<int64_t>(object_size), "bytes"});
    profile.samples.push_back(std::move(s));
  }
  DropUnusedMappings(&profile, inodes);
  return profile;
}

}  // namespace autoprof
