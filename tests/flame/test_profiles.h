// Builds Profiles in memory for the flame tests and benchmarks: stacks given as
// function names root first, one location (one line) per frame unless a frame is
// written "outer~>inner", which makes one location with an inlined call.
#ifndef AUTOPROF_TESTS_FLAME_TEST_PROFILES_H_
#define AUTOPROF_TESTS_FLAME_TEST_PROFILES_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "autoprof/profile.h"

namespace autoprof::testing {

class ProfileBuilder {
 public:
  explicit ProfileBuilder(std::vector<ValueType> types = {{"samples", "count"},
                                                          {"cpu", "nanoseconds"}}) {
    p_.sample_types = std::move(types);
    p_.period_type = {"cpu", "nanoseconds"};
    p_.period = 10'000'000;
    p_.duration_nanos = 10'000'000'000;
  }

  // `stack` root first; `values` one per sample type.
  ProfileBuilder& Add(const std::vector<std::string>& stack, std::vector<int64_t> values) {
    Sample s;
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) s.location_ids.push_back(Location(*it));
    s.values = std::move(values);
    p_.samples.push_back(std::move(s));
    return *this;
  }

  // CPU-style sample: `count` samples of 10 ms each.
  ProfileBuilder& AddCpu(const std::vector<std::string>& stack, int64_t count) {
    return Add(stack, {count, count * 10'000'000});
  }

  ProfileBuilder& Duration(double seconds) {
    p_.duration_nanos = static_cast<int64_t>(seconds * 1e9);
    return *this;
  }

  Profile Build() const { return p_; }
  Profile& profile() { return p_; }

 private:
  uint64_t Function(const std::string& name) {
    auto [it, inserted] = functions_.try_emplace(name, functions_.size() + 1);
    if (inserted) p_.functions.push_back({it->second, name, "_Z" + name, name + ".cc", 1});
    return it->second;
  }

  uint64_t Location(const std::string& frame) {
    auto [it, inserted] = locations_.try_emplace(frame, locations_.size() + 1);
    if (!inserted) return it->second;
    autoprof::Location loc;
    loc.id = it->second;
    loc.address = 0x1000 + 16 * loc.id;
    // "outer~>inner": lines innermost first, the containing function last.
    std::vector<std::string> parts;
    for (size_t start = 0;;) {
      size_t gt = frame.find("~>", start);
      parts.push_back(frame.substr(start, gt - start));
      if (gt == std::string::npos) break;
      start = gt + 2;
    }
    for (auto part = parts.rbegin(); part != parts.rend(); ++part) {
      loc.lines.push_back({Function(*part), 10, 0});
    }
    p_.locations.push_back(std::move(loc));
    return it->second;
  }

  Profile p_;
  std::map<std::string, uint64_t> functions_, locations_;
};

// The node of a FlameTree or DiffTree reached by following `path` (names below
// the root), or -1.
template <typename Tree>
int FindNode(const Tree& t, const std::vector<std::string>& path) {
  int node = 0;
  for (const std::string& name : path) {
    int next = -1;
    for (size_t i = 0; i < t.nodes.size(); ++i) {
      if (t.nodes[i].parent == node && t.name(i) == name) next = static_cast<int>(i);
    }
    if (next < 0) return -1;
    node = next;
  }
  return node;
}

}  // namespace autoprof::testing

#endif  // AUTOPROF_TESTS_FLAME_TEST_PROFILES_H_
