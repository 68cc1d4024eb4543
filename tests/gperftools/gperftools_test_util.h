// Test helpers for the gperftools tests: reading files, flat totals of a Profile
// by function, and the rows of `go tool pprof -top`.
#ifndef AUTOPROF_TESTS_GPERFTOOLS_GPERFTOOLS_TEST_UTIL_H_
#define AUTOPROF_TESTS_GPERFTOOLS_GPERFTOOLS_TEST_UTIL_H_

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "autoprof/profile.h"

namespace autoprof::testing {

inline std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Flat value (sample_types[index]) by the leaf's innermost function name.
inline std::map<std::string, int64_t> FlatByFunction(const Profile& p, size_t index) {
  std::unordered_map<uint64_t, const Location*> locations;
  for (const Location& l : p.locations) locations[l.id] = &l;
  std::unordered_map<uint64_t, std::string> names;
  for (const Function& f : p.functions) names[f.id] = f.name;
  std::map<std::string, int64_t> flat;
  for (const Sample& s : p.samples) {
    if (s.location_ids.empty()) continue;
    const Location* leaf = locations.at(s.location_ids[0]);
    std::string name = leaf->lines.empty() ? "?" : names.at(leaf->lines[0].function_id);
    flat[name] += s.values.at(index);
  }
  return flat;
}

// The `n` largest entries, largest first (ties by name).
inline std::vector<std::pair<std::string, int64_t>> Top(const std::map<std::string, int64_t>& m,
                                                        size_t n) {
  std::vector<std::pair<std::string, int64_t>> rows(m.begin(), m.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  if (rows.size() > n) rows.resize(n);
  return rows;
}

// One row of `go tool pprof -top` output: flat (as printed) and the rest of the line.
struct TopRow {
  std::string flat;
  std::string name;
};

inline std::vector<TopRow> ParseTopRows(const std::string& out) {
  std::vector<TopRow> rows;
  std::istringstream in(out);
  std::string line;
  bool table = false;
  while (std::getline(in, line)) {
    if (line.find("flat%") != std::string::npos) {
      table = true;
      continue;
    }
    if (!table) continue;
    std::istringstream fields(line);
    std::string flat, flat_pct, sum_pct, cum, cum_pct;
    if (!(fields >> flat >> flat_pct >> sum_pct >> cum >> cum_pct)) continue;
    std::string name;
    std::getline(fields, name);
    name.erase(0, name.find_first_not_of(' '));
    rows.push_back({flat, name});
  }
  return rows;
}

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_GPERFTOOLS_GPERFTOOLS_TEST_UTIL_H_
