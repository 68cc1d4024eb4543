// FrameTable and FindSampleIndex: what every analysis needs before it can walk
// samples. Names are interned once per profile so the per-sample loops of top,
// diff and collapse work on small integers.
#include <charconv>
#include <string>
#include <unordered_map>

#include "autoprof/analysis.h"
#include "pprof_id_index.h"

namespace autoprof {

struct FrameTable::Tables {
  std::vector<std::string> names;
  std::vector<uint32_t> frames;          // every location's frames, back to back
  std::vector<uint32_t> location_begin;  // per location position, plus an end marker
  IdIndex location_index;
};

namespace {

std::string Hex(uint64_t value) {
  char buf[2 + 16];
  buf[0] = '0';
  buf[1] = 'x';
  char* end = std::to_chars(buf + 2, buf + sizeof(buf), value, 16).ptr;
  return std::string(buf, end);
}

// A frame without a symbol: "libfoo.so.1+0x3a4a2" (its file and offset in it)
// when its mapping is known, which stays the same from one run to the next,
// unlike the address that address-space randomization moves; else the address.
std::string AddressName(const Location& l, const Mapping* m) {
  if (m == nullptr || m->filename.empty() || l.address < m->memory_start) return Hex(l.address);
  std::string_view file = m->filename;
  file = file.substr(file.rfind('/') + 1);
  return std::string(file) + "+" + Hex(l.address - m->memory_start + m->file_offset);
}

}  // namespace

FrameTable::FrameTable(const Profile& profile) {
  auto t = std::make_shared<Tables>();
  std::unordered_map<std::string, uint32_t> ids;
  auto intern = [&](std::string name) {
    auto [it, inserted] = ids.try_emplace(std::move(name), static_cast<uint32_t>(t->names.size()));
    if (inserted) t->names.push_back(it->first);
    return it->second;
  };
  IdIndex function_index;
  size_t bad = 0;
  // A profile that failed validation still gets a table; lookups of bad ids fall
  // back to the address.
  const bool functions_ok = function_index.Build(profile.functions, &bad);
  std::vector<int64_t> function_frame(profile.functions.size(), -1);
  auto function_name = [&](uint64_t function_id) -> int64_t {
    size_t pos = functions_ok ? function_index.Find(function_id) : IdIndex::kNone;
    if (pos == IdIndex::kNone) return -1;
    if (function_frame[pos] < 0) {
      const Function& f = profile.functions[pos];
      if (!f.name.empty()) {
        function_frame[pos] = intern(f.name);
      } else if (!f.system_name.empty()) {
        function_frame[pos] = intern(f.system_name);
      }
    }
    return function_frame[pos];
  };

  IdIndex mapping_index;
  const bool mappings_ok = mapping_index.Build(profile.mappings, &bad);
  auto mapping_of = [&](const Location& l) -> const Mapping* {
    size_t pos = mappings_ok && l.mapping_id != 0 ? mapping_index.Find(l.mapping_id) : IdIndex::kNone;
    return pos == IdIndex::kNone ? nullptr : &profile.mappings[pos];
  };

  t->location_begin.reserve(profile.locations.size() + 1);
  for (const Location& l : profile.locations) {
    t->location_begin.push_back(static_cast<uint32_t>(t->frames.size()));
    for (const Line& line : l.lines) {
      int64_t frame = function_name(line.function_id);
      if (frame >= 0) t->frames.push_back(static_cast<uint32_t>(frame));
    }
    if (t->frames.size() == t->location_begin.back())
      t->frames.push_back(intern(AddressName(l, mapping_of(l))));
  }
  t->location_begin.push_back(static_cast<uint32_t>(t->frames.size()));
  if (!t->location_index.Build(profile.locations, &bad)) t->location_index = IdIndex();
  tables_ = std::move(t);
}

const std::vector<std::string>& FrameTable::names() const { return tables_->names; }

std::span<const uint32_t> FrameTable::LocationFrames(uint64_t location_id) const {
  size_t pos = tables_->location_index.Find(location_id);
  if (pos == IdIndex::kNone) return {};
  const uint32_t* base = tables_->frames.data();
  return {base + tables_->location_begin[pos], base + tables_->location_begin[pos + 1]};
}

void FrameTable::AppendLeafFirst(const Sample& sample, std::vector<uint32_t>* frames) const {
  for (uint64_t id : sample.location_ids) {
    std::span<const uint32_t> f = LocationFrames(id);
    frames->insert(frames->end(), f.begin(), f.end());
  }
}

Result<size_t> FindSampleIndex(const Profile& profile, std::string_view name) {
  const std::vector<ValueType>& types = profile.sample_types;
  if (types.empty()) return InvalidArgument("profile has no sample types");
  const bool by_default = name.empty();
  if (by_default) name = profile.default_sample_type;
  for (size_t i = 0; i < types.size(); ++i) {
    if (types[i].type == name) return i;
  }
  if (by_default) return types.size() - 1;  // no default, or one the profile lacks
  std::string known;
  for (const ValueType& t : types) known += (known.empty() ? "" : ", ") + t.type;
  return InvalidArgument("sample type '" + std::string(name) + "' is not in the profile (it has " +
                         known + ")");
}

Result<Normalization> ParseNormalization(std::string_view word) {
  if (word == "absolute" || word == "none") return Normalization::kAbsolute;
  if (word == "share") return Normalization::kShare;
  if (word == "per-second" || word == "per_second") return Normalization::kPerSecond;
  return InvalidArgument("unknown normalization '" + std::string(word) +
                         "' (expected absolute, share or per-second)");
}

std::string_view NormalizationName(Normalization n) {
  switch (n) {
    case Normalization::kAbsolute:
      return "absolute";
    case Normalization::kShare:
      return "share";
    case Normalization::kPerSecond:
      return "per-second";
  }
  return "absolute";
}

}  // namespace autoprof
