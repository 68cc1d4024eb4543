// MergeProfiles: several profiles of one kind -> one. Entries that mean the same
// thing in two profiles (one binary mapped at two addresses, one function, one
// code location) become one entry, so a merged profile is no larger than needed
// and its top equals the sum of the inputs' tops.
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
#include <unordered_map>

#include "autoprof/analysis.h"
#include "autoprof/pprof.h"
#include "saturating.h"

namespace autoprof {
namespace {

std::string TypesText(const std::vector<ValueType>& types) {
  std::string s;
  for (const ValueType& t : types) s += (s.empty() ? "" : ", ") + t.type + "/" + t.unit;
  return s.empty() ? "none" : s;
}

// Identity of a mapping across processes: ASLR moves it, so the address is not
// part of it.
using MappingKey = std::tuple<std::string, uint64_t, uint64_t>;  // build id or file, size, offset
using FunctionKey = std::tuple<std::string, std::string, std::string, int64_t>;

class Merger {
 public:
  Status Add(const Profile& in, size_t position) {
    if (position == 0) {
      out_.sample_types = in.sample_types;
      out_.period_type = in.period_type;
      out_.default_sample_type = in.default_sample_type;
      out_.drop_frames = in.drop_frames;
      out_.keep_frames = in.keep_frames;
    } else {
      AUTOPROF_RETURN_IF_ERROR(CheckCompatible(in, position));
    }
    out_.period = std::max(out_.period, in.period);
    out_.duration_nanos += in.duration_nanos;
    if (in.time_nanos != 0 && (out_.time_nanos == 0 || in.time_nanos < out_.time_nanos)) {
      out_.time_nanos = in.time_nanos;
    }
    for (const std::string& c : in.comments) {
      if (std::find(out_.comments.begin(), out_.comments.end(), c) == out_.comments.end()) {
        out_.comments.push_back(c);
      }
    }

    std::unordered_map<uint64_t, const Mapping*> old_mapping;  // input mapping id -> input mapping
    std::unordered_map<uint64_t, uint64_t> mapping_id, function_id, location_id;
    for (const Mapping& m : in.mappings) {
      old_mapping[m.id] = &m;
      mapping_id[m.id] = MergeMapping(m);
    }
    for (const Function& f : in.functions) function_id[f.id] = MergeFunction(f);
    for (const Location& l : in.locations) {
      Location copy = l;
      copy.mapping_id = 0;
      if (l.mapping_id != 0) {
        auto it = old_mapping.find(l.mapping_id);
        if (it == old_mapping.end())
          return Dangling(position, "location", l.id, "mapping", l.mapping_id);
        copy.mapping_id = mapping_id[l.mapping_id];
        // Rebase the address onto the merged mapping's start.
        const Mapping& merged = out_.mappings[copy.mapping_id - 1];
        copy.address = l.address - it->second->memory_start + merged.memory_start;
      }
      for (Line& line : copy.lines) {
        if (line.function_id == 0) continue;
        auto it = function_id.find(line.function_id);
        if (it == function_id.end()) {
          return Dangling(position, "location", l.id, "function", line.function_id);
        }
        line.function_id = it->second;
      }
      location_id[l.id] = MergeLocation(std::move(copy));
    }
    for (size_t i = 0; i < in.samples.size(); ++i) {
      const Sample& s = in.samples[i];
      if (s.values.size() != out_.sample_types.size()) {
        return InvalidArgument("profile " + std::to_string(position + 1) + ": sample " +
                               std::to_string(i) + " has " + std::to_string(s.values.size()) +
                               " values, expected " + std::to_string(out_.sample_types.size()));
      }
      Sample copy;
      copy.location_ids.reserve(s.location_ids.size());
      for (uint64_t id : s.location_ids) {
        auto it = location_id.find(id);
        if (it == location_id.end()) return Dangling(position, "sample", i, "location", id);
        copy.location_ids.push_back(it->second);
      }
      copy.labels = s.labels;
      AddSample(std::move(copy), s.values);
    }
    return Status::Ok();
  }

  Profile Take() { return std::move(out_); }

 private:
  Status CheckCompatible(const Profile& in, size_t position) const {
    if (in.sample_types != out_.sample_types) {
      return InvalidArgument("profile " + std::to_string(position + 1) + " has sample types " +
                             TypesText(in.sample_types) + ", profile 1 has " +
                             TypesText(out_.sample_types));
    }
    const bool both_set = !in.period_type.type.empty() && !out_.period_type.type.empty();
    if (both_set && !(in.period_type == out_.period_type)) {
      return InvalidArgument("profile " + std::to_string(position + 1) + " has period type " +
                             in.period_type.type + "/" + in.period_type.unit + ", profile 1 has " +
                             out_.period_type.type + "/" + out_.period_type.unit);
    }
    return Status::Ok();
  }

  static Status Dangling(size_t position, const char* what, uint64_t which, const char* target,
                         uint64_t id) {
    return InvalidArgument("profile " + std::to_string(position + 1) + ": " + what + " " +
                           std::to_string(which) + " refers to missing " + target + " id " +
                           std::to_string(id));
  }

  uint64_t MergeMapping(const Mapping& m) {
    MappingKey key{m.build_id.empty() ? m.filename : m.build_id, m.memory_limit - m.memory_start,
                   m.file_offset};
    auto [it, inserted] = mappings_.try_emplace(std::move(key), out_.mappings.size() + 1);
    if (inserted) {
      out_.mappings.push_back(m);
      out_.mappings.back().id = it->second;
    } else {
      // Symbolized in one profile, not in another: keep what is known.
      Mapping& kept = out_.mappings[it->second - 1];
      kept.has_functions = kept.has_functions && m.has_functions;
      kept.has_filenames = kept.has_filenames && m.has_filenames;
      kept.has_line_numbers = kept.has_line_numbers && m.has_line_numbers;
      kept.has_inline_frames = kept.has_inline_frames && m.has_inline_frames;
    }
    return it->second;
  }

  uint64_t MergeFunction(const Function& f) {
    FunctionKey key{f.name, f.system_name, f.filename, f.start_line};
    auto [it, inserted] = functions_.try_emplace(std::move(key), out_.functions.size() + 1);
    if (inserted) {
      out_.functions.push_back(f);
      out_.functions.back().id = it->second;
    }
    return it->second;
  }

  // `l` already refers to merged mapping and function ids.
  uint64_t MergeLocation(Location l) {
    std::string key;
    auto put = [&key](uint64_t v) { key.append(reinterpret_cast<const char*>(&v), sizeof(v)); };
    put(l.mapping_id);
    put(l.address);
    put(l.is_folded);
    for (const Line& line : l.lines) {
      put(line.function_id);
      put(static_cast<uint64_t>(line.line));
      put(static_cast<uint64_t>(line.column));
    }
    auto [it, inserted] = locations_.try_emplace(std::move(key), out_.locations.size() + 1);
    if (inserted) {
      l.id = it->second;
      out_.locations.push_back(std::move(l));
    }
    return it->second;
  }

  void AddSample(Sample s, const std::vector<int64_t>& values) {
    std::string key;
    key.append(reinterpret_cast<const char*>(s.location_ids.data()),
               s.location_ids.size() * sizeof(uint64_t));
    for (const Label& l : s.labels) {
      key += '\0' + l.key + '\0' + l.str + '\0' + std::to_string(l.num) + '\0' + l.num_unit;
    }
    auto [it, inserted] = samples_.try_emplace(std::move(key), out_.samples.size());
    if (inserted) {
      s.values = values;
      out_.samples.push_back(std::move(s));
      return;
    }
    std::vector<int64_t>& sum = out_.samples[it->second].values;
    for (size_t i = 0; i < sum.size(); ++i) AddSaturating(sum[i], values[i]);
  }

  Profile out_;
  std::map<MappingKey, uint64_t> mappings_;
  std::map<FunctionKey, uint64_t> functions_;
  std::unordered_map<std::string, uint64_t> locations_;
  std::unordered_map<std::string, size_t> samples_;
};

}  // namespace

Result<Profile> MergeProfiles(std::span<const Profile> profiles) {
  if (profiles.empty()) return InvalidArgument("no profiles to merge");
  Merger merger;
  for (size_t i = 0; i < profiles.size(); ++i) {
    AUTOPROF_RETURN_IF_ERROR(merger.Add(profiles[i], i));
  }
  return merger.Take();
}

Result<Profile> ReadMergedProfiles(std::string_view comma_separated_paths) {
  std::vector<Profile> profiles;
  std::string_view rest = comma_separated_paths;
  while (true) {
    size_t comma = rest.find(',');
    std::string path(rest.substr(0, comma));
    if (path.empty()) {
      return InvalidArgument("empty file name in list '" + std::string(comma_separated_paths) +
                             "'");
    }
    Result<Profile> p = ReadProfileFile(path);
    if (!p.ok()) return p.status();
    profiles.push_back(std::move(*p));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  if (profiles.size() == 1) return std::move(profiles[0]);
  Result<Profile> merged = MergeProfiles(profiles);
  if (!merged.ok()) {
    return InvalidArgument(std::string(comma_separated_paths) + ": " + merged.status().message());
  }
  return merged;
}

}  // namespace autoprof
