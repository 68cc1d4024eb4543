// The maps text of gperftools' outputs and the address -> Location table.
#include "gperftools_maps.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <unordered_set>

namespace autoprof::gperftools_internal {

bool ParseUnsigned(std::string_view text, int base, uint64_t* out) {
  if (base == 16 && text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out, base);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string_view NextField(std::string_view* rest) {
  size_t begin = rest->find_first_not_of(" \t");
  if (begin == std::string_view::npos) {
    *rest = {};
    return {};
  }
  size_t end = rest->find_first_of(" \t", begin);
  if (end == std::string_view::npos) end = rest->size();
  std::string_view field = rest->substr(begin, end - begin);
  rest->remove_prefix(end);
  return field;
}

namespace {

// One line: "start-end perms offset dev inode [path]".
Status ParseMapsLine(std::string_view line, size_t line_no, std::string_view what, Profile* profile,
                     MappingInodes* inodes) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument(std::string(what) + ": maps line " + std::to_string(line_no) + ": " +
                           std::string(why));
  };
  std::string_view rest = line;
  std::string_view range = NextField(&rest);
  std::string_view perms = NextField(&rest);
  std::string_view offset = NextField(&rest);
  std::string_view dev = NextField(&rest);
  std::string_view inode = NextField(&rest);
  size_t dash = range.find('-');
  uint64_t start = 0, limit = 0, file_offset = 0, inode_no = 0;
  if (dash == std::string_view::npos || !ParseUnsigned(range.substr(0, dash), 16, &start) ||
      !ParseUnsigned(range.substr(dash + 1), 16, &limit)) {
    return bad("expected 'start-end perms offset dev inode [path]'");
  }
  if (start >= limit) return bad("start is not below end");
  if (perms.size() != 4 || !ParseUnsigned(offset, 16, &file_offset) ||
      dev.find(':') == std::string_view::npos || !ParseUnsigned(inode, 10, &inode_no)) {
    return bad("expected 'start-end perms offset dev inode [path]'");
  }
  if (perms[2] != 'x') return Status::Ok();
  size_t path_begin = rest.find_first_not_of(" \t");
  std::string path(path_begin == std::string_view::npos ? std::string_view()
                                                        : rest.substr(path_begin));
  while (!path.empty() && (path.back() == ' ' || path.back() == '\r')) path.pop_back();
  Mapping m;
  m.id = profile->mappings.size() + 1;
  m.memory_start = start;
  m.memory_limit = limit;
  m.file_offset = file_offset;
  m.filename = std::move(path);
  if (inodes != nullptr && inode_no != 0) (*inodes)[m.id] = inode_no;
  profile->mappings.push_back(std::move(m));
  return Status::Ok();
}

}  // namespace

Status ParseMapsText(std::string_view text, std::string_view what, Profile* profile,
                     MappingInodes* inodes) {
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    AUTOPROF_RETURN_IF_ERROR(ParseMapsLine(line, line_no, what, profile, inodes));
  }
  return Status::Ok();
}

LocationTable::LocationTable(Profile* profile) : profile_(profile) {
  for (const Mapping& m : profile->mappings) by_start_.push_back(&m);
  std::sort(by_start_.begin(), by_start_.end(),
            [](const Mapping* a, const Mapping* b) { return a->memory_start < b->memory_start; });
}

uint64_t LocationTable::MappingFor(uint64_t address) const {
  auto it = std::upper_bound(by_start_.begin(), by_start_.end(), address,
                             [](uint64_t a, const Mapping* m) { return a < m->memory_start; });
  if (it == by_start_.begin()) return 0;
  const Mapping* m = *(it - 1);
  return address < m->memory_limit ? m->id : 0;
}

uint64_t LocationTable::Intern(uint64_t address) {
  auto [it, inserted] = ids_.try_emplace(address, profile_->locations.size() + 1);
  if (inserted) {
    Location loc;
    loc.id = it->second;
    loc.address = address;
    loc.mapping_id = MappingFor(address);
    profile_->locations.push_back(std::move(loc));
  }
  return it->second;
}

void DropUnusedMappings(Profile* profile, MappingInodes* inodes) {
  std::unordered_set<uint64_t> used;
  for (const Location& loc : profile->locations) used.insert(loc.mapping_id);
  std::erase_if(profile->mappings, [&](const Mapping& m) {
    if (used.count(m.id)) return false;
    if (inodes != nullptr) inodes->erase(m.id);
    return true;
  });
}

}  // namespace autoprof::gperftools_internal
