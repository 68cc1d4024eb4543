// libFuzzer target: any bytes the pprof decoder accepts must become a flame tree,
// a diff tree (the profile against itself with its samples halved) and their
// JSON without a crash, with every total equal to self plus its children's.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "autoprof/flame.h"
#include "autoprof/pprof.h"

namespace {

template <typename Tree, typename Self, typename Total>
void CheckTotals(const Tree& tree, Self self, Total total) {
  if (tree.nodes.empty() || total(tree.nodes[0]) > (int64_t{1} << 60)) return;  // may saturate
  std::vector<int64_t> children(tree.nodes.size(), 0);
  for (size_t i = 1; i < tree.nodes.size(); ++i) {
    if (tree.nodes[i].parent < 0 || static_cast<size_t>(tree.nodes[i].parent) >= i) std::abort();
    children[tree.nodes[i].parent] += total(tree.nodes[i]);
  }
  for (size_t i = 0; i < tree.nodes.size(); ++i) {
    if (total(tree.nodes[i]) != self(tree.nodes[i]) + children[i]) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  autoprof::DecodeLimits limits;
  limits.max_decompressed_bytes = 4u << 20;
  auto profile = autoprof::DecodeProfile(
      std::string_view(reinterpret_cast<const char*>(data), size), limits);
  if (!profile.ok()) return 0;

  autoprof::FlameOptions options;
  options.min_fraction = 0.01;
  options.max_nodes = 64;
  auto tree = autoprof::BuildFlameTree(*profile, options);
  if (tree.ok()) {
    if (tree->nodes.size() > 64) std::abort();
    CheckTotals(*tree, [](const auto& n) { return n.self; }, [](const auto& n) { return n.total; });
    (void)autoprof::FlameTreeToJson(*tree);
  }

  std::vector<autoprof::Profile> base = {*profile}, target = {*profile};
  for (auto& s : target[0].samples) {
    for (auto& v : s.values) v /= 2;
  }
  for (auto n : {autoprof::Normalization::kAbsolute, autoprof::Normalization::kShare,
                 autoprof::Normalization::kPerSecond}) {
    autoprof::DiffOptions diff;
    diff.normalization = n;
    diff.flame.max_nodes = 256;
    auto d = autoprof::BuildDiffTree(base, target, diff);
    if (!d.ok()) continue;
    CheckTotals(*d, [](const auto& x) { return x.before_self; }, [](const auto& x) { return x.before_total; });
    CheckTotals(*d, [](const auto& x) { return x.after_self; }, [](const auto& x) { return x.after_total; });
    (void)autoprof::DiffTreeToJson(*d);
  }
  return 0;
}
