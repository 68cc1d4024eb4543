// Format detection, allocator-frame removal and the one-call conversion.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "autoprof/gperftools.h"

namespace autoprof {
namespace {

// The name up to its parameter list: "tcmalloc::Foo(int)" -> "tcmalloc::Foo".
std::string_view Unqualified(std::string_view name) {
  size_t paren = name.find('(');
  return paren == std::string_view::npos || paren == 0 ? name : name.substr(0, paren);
}

// The allocator's entry points and internals (pprof's list for legacy heap
// profiles, plus the C++ operators).
bool IsAllocatorFunction(std::string_view name) {
  static const std::unordered_set<std::string_view> kExact = {"malloc",
                                                              "calloc",
                                                              "realloc",
                                                              "free",
                                                              "cfree",
                                                              "memalign",
                                                              "do_memalign",
                                                              "posix_memalign",
                                                              "__posix_memalign",
                                                              "pvalloc",
                                                              "valloc",
                                                              "aligned_alloc",
                                                              "__libc_malloc",
                                                              "__libc_calloc",
                                                              "__libc_realloc",
                                                              "__libc_memalign",
                                                              "__start_google_malloc",
                                                              "__stop_google_malloc",
                                                              "__start_malloc_hook",
                                                              "__stop_malloc_hook"};
  name = Unqualified(name);
  return kExact.count(name) > 0 || name.starts_with("tc_") || name.starts_with("tcmalloc::") ||
         name.starts_with("operator new") || name.starts_with("operator delete") ||
         name.starts_with("(anonymous namespace)::do_") || name.starts_with("MallocHook::");
}

}  // namespace

GperftoolsFormat DetectGperftoolsFormat(std::string_view data) {
  if (data.starts_with("heap profile:") || data.starts_with("%warn")) {
    return GperftoolsFormat::kHeapSample;
  }
  for (size_t width : {size_t{8}, size_t{4}}) {
    if (data.size() < 2 * width) continue;
    std::string_view first = data.substr(0, width), second = data.substr(width, width);
    bool zero = first.find_first_not_of('\0') == std::string_view::npos;
    bool three_le =
        second[0] == 3 && second.substr(1).find_first_not_of('\0') == std::string_view::npos;
    bool three_be = second[width - 1] == 3 &&
                    second.substr(0, width - 1).find_first_not_of('\0') == std::string_view::npos;
    if (zero && (three_le || three_be)) return GperftoolsFormat::kCpuProfile;
  }
  return GperftoolsFormat::kUnknown;
}

void RemoveAllocatorFrames(Profile* profile) {
  std::unordered_map<uint64_t, const Function*> functions;
  for (const Function& f : profile->functions) functions[f.id] = &f;
  std::unordered_map<uint64_t, const Mapping*> mappings;
  for (const Mapping& m : profile->mappings) mappings[m.id] = &m;
  std::unordered_map<uint64_t, bool> is_allocator;
  for (const Location& loc : profile->locations) {
    bool allocator = false;
    if (auto m = mappings.find(loc.mapping_id); m != mappings.end()) {
      allocator = m->second->filename.find("/libtcmalloc") != std::string::npos;
    }
    for (const Line& line : loc.lines) {
      auto f = functions.find(line.function_id);
      if (f != functions.end() && IsAllocatorFunction(f->second->name)) allocator = true;
    }
    is_allocator[loc.id] = allocator;
  }
  std::unordered_set<uint64_t> used;
  for (Sample& s : profile->samples) {
    size_t drop = 0;
    while (drop + 1 < s.location_ids.size() && is_allocator[s.location_ids[drop]]) ++drop;
    s.location_ids.erase(s.location_ids.begin(), s.location_ids.begin() + static_cast<long>(drop));
    used.insert(s.location_ids.begin(), s.location_ids.end());
  }
  std::erase_if(profile->locations, [&](const Location& l) { return used.count(l.id) == 0; });
  std::unordered_set<uint64_t> used_functions, used_mappings;
  for (const Location& l : profile->locations) {
    used_mappings.insert(l.mapping_id);
    for (const Line& line : l.lines) used_functions.insert(line.function_id);
  }
  std::erase_if(profile->functions, [&](const Function& f) { return !used_functions.count(f.id); });
  std::unordered_set<std::string> dropped_files;
  std::erase_if(profile->mappings, [&](const Mapping& m) {
    if (used_mappings.count(m.id)) return false;
    dropped_files.insert(m.filename + ":");
    return true;
  });
  // Notes about files no location uses any more say nothing about this profile.
  std::erase_if(profile->comments, [&](const std::string& c) {
    return dropped_files.count(c.substr(0, c.find(": ") + 1)) > 0;
  });
}

Result<Profile> ConvertGperftoolsOutput(std::string_view data, const GperftoolsInfo& info,
                                        Symbolizer& symbolizer) {
  MappingInodes inodes;
  GperftoolsFormat format = DetectGperftoolsFormat(data);
  if (format == GperftoolsFormat::kUnknown) {
    return InvalidArgument("neither a gperftools CPU profile nor a tcmalloc heap sample");
  }
  Result<Profile> profile = format == GperftoolsFormat::kCpuProfile
                                ? ParseCpuProfile(data, info, &inodes)
                                : ParseHeapSample(data, info, &inodes);
  if (!profile.ok()) return profile;
  symbolizer.Symbolize(&*profile, inodes);
  if (format == GperftoolsFormat::kHeapSample) RemoveAllocatorFrames(&*profile);
  return profile;
}

}  // namespace autoprof
