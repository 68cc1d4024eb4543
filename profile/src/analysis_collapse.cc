// CollapseStacks: folded stacks for flamegraph.pl ("root;caller;leaf 42").
#include <algorithm>
#include <cstring>
#include <string>
#include <unordered_map>

#include "autoprof/analysis.h"
#include "saturating.h"

namespace autoprof {
namespace {

// flamegraph.pl splits frames on ';' and records on line breaks.
std::string FoldedName(std::string_view name) {
  std::string out(name);
  for (char& c : out) {
    if (c == ';') c = ':';
    if (c == '\n' || c == '\r') c = ' ';
  }
  return out;
}

}  // namespace

Result<std::string> CollapseStacks(const Profile& profile, std::string_view sample_index) {
  Result<size_t> index = FindSampleIndex(profile, sample_index);
  if (!index.ok()) return index.status();
  const size_t vi = *index;
  FrameTable frames(profile);

  // Sum values per distinct stack; the key is the leaf-first frame ids' bytes.
  std::unordered_map<std::string, int64_t> totals;
  std::vector<uint32_t> stack;
  for (const Sample& s : profile.samples) {
    if (vi >= s.values.size() || s.values[vi] == 0) continue;
    stack.clear();
    frames.AppendLeafFirst(s, &stack);
    if (stack.empty()) continue;
    std::string key(reinterpret_cast<const char*>(stack.data()), stack.size() * sizeof(uint32_t));
    AddSaturating(totals[std::move(key)], s.values[vi]);
  }

  std::vector<std::string> names;
  names.reserve(frames.names().size());
  for (const std::string& n : frames.names()) names.push_back(FoldedName(n));
  std::vector<std::pair<std::string, int64_t>> lines;
  lines.reserve(totals.size());
  for (const auto& [key, value] : totals) {
    if (value == 0) continue;
    std::string line;
    const size_t depth = key.size() / sizeof(uint32_t);
    for (size_t i = depth; i-- > 0;) {  // root first
      uint32_t f;
      std::memcpy(&f, key.data() + i * sizeof(uint32_t), sizeof(f));
      if (!line.empty()) line += ';';
      line += names[f];
    }
    lines.emplace_back(std::move(line), value);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& [stack_text, value] : lines) {
    out += stack_text;
    out += ' ';
    out += std::to_string(value);
    out += '\n';
  }
  return out;
}

}  // namespace autoprof
