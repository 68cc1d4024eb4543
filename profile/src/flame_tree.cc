// BuildFlameTree: one or more profiles of one kind merged into a pruned tree.
#include <string>
#include <vector>

#include "autoprof/analysis.h"
#include "autoprof/flame.h"
#include "flame_stack_tree.h"

namespace autoprof {

Result<FlameTree> BuildFlameTree(const Profile& profile, const FlameOptions& options) {
  return BuildFlameTree(std::span<const Profile>(&profile, 1), options);
}

Result<FlameTree> BuildFlameTree(std::span<const Profile> profiles, const FlameOptions& options) {
  if (profiles.empty()) return InvalidArgument("no profile to draw");
  Result<size_t> first = FindSampleIndex(profiles[0], options.sample_index);
  if (!first.ok()) return first.status();
  FlameTree tree;
  tree.options = options;
  tree.sample_type = profiles[0].sample_types[*first];
  for (const ValueType& t : profiles[0].sample_types) tree.sample_types.push_back(t.type);

  flame_internal::StackTree stacks(1);
  for (size_t i = 0; i < profiles.size(); ++i) {
    Result<size_t> index = FindSampleIndex(profiles[i], tree.sample_type.type);
    if (!index.ok()) {
      return InvalidArgument("profile " + std::to_string(i + 1) + ": " + index.status().message());
    }
    stacks.AddProfile(profiles[i], {{0, *index, 1}});
  }
  flame_internal::FlatTree flat = stacks.Flatten(
      [&](size_t node) { return static_cast<double>(stacks.Total(node, 0)); },
      options.min_fraction, options.max_nodes);

  tree.names = std::move(flat.names);
  tree.pruned_nodes = flat.pruned_nodes;
  tree.nodes.resize(flat.size());
  for (size_t i = 0; i < flat.size(); ++i) {
    tree.nodes[i] = {flat.name[i], flat.parent[i], flat.flags[i], flat.self[i], flat.total[i]};
  }
  return tree;
}

}  // namespace autoprof
