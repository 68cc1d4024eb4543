// The legacy CPU profile of gperftools' libprofiler (profiledata.cc): native
// words, header (0, 3, 0, period_us, 0), records (count, depth, PCs leaf first),
// trailer (0, 1, 0), then the text of /proc/self/maps.
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "autoprof/gperftools.h"
#include "gperftools_maps.h"

namespace autoprof {
namespace {

using gperftools_internal::DropUnusedMappings;
using gperftools_internal::LocationTable;
using gperftools_internal::ParseMapsText;

// gperftools records at most 64 frames; anything far beyond is corrupt input.
constexpr uint64_t kMaxDepth = 1024;
constexpr std::string_view kWhat = "CPU profile";

Status Bad(const std::string& why) { return InvalidArgument(std::string(kWhat) + ": " + why); }

// Reads words of one width and byte order.
class WordReader {
 public:
  WordReader(std::string_view data, size_t width, bool big_endian)
      : data_(data), width_(width), big_endian_(big_endian) {}

  size_t size() const { return data_.size() / width_; }
  uint64_t at(size_t i) const {
    uint64_t v = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(data_.data() + i * width_);
    for (size_t b = 0; b < width_; ++b) {
      size_t shift = 8 * (big_endian_ ? width_ - 1 - b : b);
      v |= static_cast<uint64_t>(p[b]) << shift;
    }
    return v;
  }
  size_t width() const { return width_; }

 private:
  std::string_view data_;
  size_t width_;
  bool big_endian_;
};

// Finds the word layout whose first two words read (0, 3).
bool DetectLayout(std::string_view data, size_t* width, bool* big_endian) {
  for (size_t w : {size_t{8}, size_t{4}}) {
    for (bool be : {false, true}) {
      if (data.size() < 2 * w) continue;
      WordReader r(data, w, be);
      if (r.at(0) == 0 && r.at(1) == 3) {
        *width = w;
        *big_endian = be;
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Result<Profile> ParseCpuProfile(std::string_view data, const GperftoolsInfo& info,
                                MappingInodes* inodes) {
  size_t width = 0;
  bool big_endian = false;
  if (!DetectLayout(data, &width, &big_endian)) {
    return Bad("not a gperftools CPU profile (header words are not 0, 3)");
  }
  WordReader words(data, width, big_endian);
  const size_t n = words.size();
  if (n < 5) return Bad("truncated header");
  if (words.at(2) != 0) return Bad("unknown version " + std::to_string(words.at(2)));
  const uint64_t period_us = words.at(3);
  if (period_us == 0) return Bad("sampling period is 0");
  if (period_us > 60'000'000) return Bad("sampling period " + std::to_string(period_us) + "us");
  const int64_t period_ns = static_cast<int64_t>(period_us) * 1000;

  Profile profile;
  profile.sample_types = {{"samples", "count"}, {"cpu", "nanoseconds"}};
  profile.period_type = {"cpu", "nanoseconds"};
  profile.period = period_ns;
  profile.default_sample_type = "cpu";

  // Records are read first and interned once the mappings are known.
  struct Record {
    uint64_t count;
    size_t first_word;
    size_t depth;
  };
  std::vector<Record> records;
  size_t i = 5;
  size_t maps_begin = 0;
  for (;;) {
    if (i + 2 > n) return Bad("no trailer (truncated at word " + std::to_string(i) + ")");
    const uint64_t count = words.at(i);
    const uint64_t depth = words.at(i + 1);
    if (count == 0) {
      if (depth != 1 || i + 3 > n || words.at(i + 2) != 0) {
        return Bad("bad trailer at word " + std::to_string(i));
      }
      maps_begin = (i + 3) * width;
      break;
    }
    if (depth == 0 || depth > kMaxDepth) {
      return Bad("record at word " + std::to_string(i) + " has depth " + std::to_string(depth));
    }
    if (depth > n - i - 2) return Bad("truncated record at word " + std::to_string(i));
    records.push_back({count, i + 2, static_cast<size_t>(depth)});
    i += 2 + depth;
  }

  AUTOPROF_RETURN_IF_ERROR(ParseMapsText(data.substr(maps_begin), kWhat, &profile, inodes));

  LocationTable table(&profile);
  std::map<std::vector<uint64_t>, size_t> sample_of_stack;
  std::vector<uint64_t> stack;
  uint64_t total_samples = 0;
  for (const Record& r : records) {
    stack.clear();
    for (size_t d = 0; d < r.depth; ++d) {
      uint64_t pc = words.at(r.first_word + d);
      // Callers' PCs are return addresses: step back into the call instruction.
      stack.push_back(table.Intern(d == 0 || pc == 0 ? pc : pc - 1));
    }
    if (__builtin_add_overflow(total_samples, r.count, &total_samples) ||
        total_samples > static_cast<uint64_t>(INT64_MAX / period_ns)) {
      return Bad("sample counts overflow");
    }
    auto [it, inserted] = sample_of_stack.try_emplace(stack, profile.samples.size());
    if (inserted) {
      profile.samples.push_back({stack, {0, 0}, {}});
    }
    Sample& s = profile.samples[it->second];
    s.values[0] += static_cast<int64_t>(r.count);
    s.values[1] += static_cast<int64_t>(r.count) * period_ns;
  }
  DropUnusedMappings(&profile, inodes);

  profile.time_nanos = info.time_nanos;
  profile.duration_nanos = info.duration_nanos != 0
                               ? info.duration_nanos
                               : static_cast<int64_t>(total_samples) * period_ns;
  return profile;
}

}  // namespace autoprof
