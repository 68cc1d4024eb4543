// StackTree: the prefix tree behind FlameTree and DiffTree. Samples go in root
// first, one node per function name along the stack (inlined frames expanded);
// each node carries a fixed number of value columns (a flame tree uses one, a
// diff four: base value, target value, base count, target count). Flatten() emits
// the pruned tree in pre-order, siblings by name, aggregates last.
//
// Thread-safety: a plain object; one thread at a time.
#ifndef AUTOPROF_PROFILE_SRC_FLAME_STACK_TREE_H_
#define AUTOPROF_PROFILE_SRC_FLAME_STACK_TREE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "autoprof/profile.h"
#include "autoprof/status.h"

namespace autoprof::flame_internal {

// Where one column's value comes from in a sample: values[value_index], divided
// by `divisor` and rounded when divisor is not 1 (counts estimated from a period).
struct ColumnSource {
  int column = 0;
  size_t value_index = 0;
  int64_t divisor = 1;
};

// The tree after pruning, as columns.
struct FlatTree {
  size_t columns = 0;
  std::vector<std::string> names;
  std::vector<uint32_t> name;
  std::vector<int32_t> parent;
  std::vector<uint32_t> flags;   // kAggregate only; the caller adds its own
  std::vector<int64_t> self;     // node * columns + column
  std::vector<int64_t> total;
  size_t pruned_nodes = 0;

  size_t size() const { return name.size(); }
};

// Open-addressing map from (parent node, name) to child node: the tree's inner
// loop, where std::unordered_map's node allocations dominated.
class ChildIndex {
 public:
  ChildIndex() : slots_(1 << 12, kEmpty) {}
  // The child stored for `key`, or inserts `fresh` and returns it.
  uint32_t FindOrInsert(uint64_t key, uint32_t fresh);

 private:
  struct Slot {
    uint64_t key;
    uint32_t value;
  };
  static constexpr Slot kEmpty = {UINT64_MAX, 0};
  void Grow();

  std::vector<Slot> slots_;
  size_t used_ = 0;
};

class StackTree {
 public:
  explicit StackTree(size_t columns);

  // Adds every sample of `profile` whose selected values are all non-negative.
  void AddProfile(const Profile& profile, const std::vector<ColumnSource>& sources);

  size_t size() const { return parent_.size(); }
  int64_t Total(size_t node, size_t column) const { return total_[node * columns_ + column]; }

  // Keeps the nodes with width(node) >= min_fraction * width(root) (the root
  // always), tightened so that at most `max_nodes` come out (0: no cap), and
  // folds each parent's other children into one "(N pruned)" node. `width` must
  // not grow from parent to child (a positive mix of totals does not).
  FlatTree Flatten(const std::function<double(size_t)>& width, double min_fraction,
                   size_t max_nodes) const;

 private:
  uint32_t Intern(std::string_view name);
  uint32_t Child(uint32_t parent, uint32_t name);
  size_t columns_;
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t> name_ids_;
  std::vector<uint32_t> name_;
  std::vector<int32_t> parent_;
  std::vector<int64_t> self_;
  std::vector<int64_t> total_;
  ChildIndex children_;  // parent << 32 | name -> node
};

// The sample type the significance test counts, as a column source for `column`,
// and a description ("samples/count").
ColumnSource CountSource(const Profile& profile, size_t value_index, int column,
                         std::string* description);

}  // namespace autoprof::flame_internal

#endif  // AUTOPROF_PROFILE_SRC_FLAME_STACK_TREE_H_
