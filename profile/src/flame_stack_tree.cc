#include "flame_stack_tree.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "autoprof/analysis.h"
#include "autoprof/flame.h"
#include "saturating.h"

namespace autoprof::flame_internal {
namespace {

uint64_t Mix(uint64_t key) {
  key ^= key >> 33;
  key *= 0xff51afd7ed558ccdULL;
  key ^= key >> 33;
  return key;
}

}  // namespace

uint32_t ChildIndex::FindOrInsert(uint64_t key, uint32_t fresh) {
  if (2 * (used_ + 1) > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  for (size_t i = Mix(key) & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (slot.key == key) return slot.value;
    if (slot.key == UINT64_MAX) {
      slot = {key, fresh};
      ++used_;
      return fresh;
    }
  }
}

void ChildIndex::Grow() {
  std::vector<Slot> old(slots_.size() * 2, kEmpty);
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.key == UINT64_MAX) continue;
    size_t i = Mix(slot.key) & mask;
    while (slots_[i].key != UINT64_MAX) i = (i + 1) & mask;
    slots_[i] = slot;
  }
}

StackTree::StackTree(size_t columns) : columns_(columns) {
  name_.push_back(Intern("all"));
  parent_.push_back(-1);
  self_.assign(columns_, 0);
  total_.assign(columns_, 0);
}

uint32_t StackTree::Intern(std::string_view name) {
  auto [it, inserted] = name_ids_.try_emplace(std::string(name), names_.size());
  if (inserted) names_.emplace_back(name);
  return it->second;
}

uint32_t StackTree::Child(uint32_t parent, uint32_t name) {
  const uint32_t fresh = static_cast<uint32_t>(parent_.size());
  uint32_t node = children_.FindOrInsert((uint64_t{parent} << 32) | name, fresh);
  if (node == fresh) {
    name_.push_back(name);
    parent_.push_back(static_cast<int32_t>(parent));
    self_.resize(self_.size() + columns_, 0);
    total_.resize(total_.size() + columns_, 0);
  }
  return node;
}

void StackTree::AddProfile(const Profile& profile, const std::vector<ColumnSource>& sources) {
  // The profile's frame names (shared with top, diff and collapse), mapped to ours.
  FrameTable frames(profile);
  std::vector<uint32_t> tree_name(frames.names().size());
  name_ids_.reserve(name_ids_.size() + tree_name.size());
  for (size_t i = 0; i < tree_name.size(); ++i) tree_name[i] = Intern(frames.names()[i]);

  std::vector<uint32_t> leaf_first;
  std::vector<int64_t> add(columns_, 0);
  for (const Sample& sample : profile.samples) {
    std::fill(add.begin(), add.end(), 0);
    bool usable = true;
    for (const ColumnSource& src : sources) {
      if (src.value_index >= sample.values.size() || sample.values[src.value_index] < 0) {
        usable = false;
        break;
      }
      int64_t v = sample.values[src.value_index];
      add[src.column] =
          src.divisor == 1 ? v : std::llround(static_cast<double>(v) / src.divisor);
    }
    if (!usable) continue;

    uint32_t node = 0;
    auto credit_total = [&](uint32_t n) {
      for (size_t c = 0; c < columns_; ++c) AddSaturating(total_[n * columns_ + c], add[c]);
    };
    credit_total(0);
    leaf_first.clear();
    frames.AppendLeafFirst(sample, &leaf_first);
    for (auto frame = leaf_first.rbegin(); frame != leaf_first.rend(); ++frame) {
      node = Child(node, tree_name[*frame]);
      credit_total(node);
    }
    for (size_t c = 0; c < columns_; ++c) AddSaturating(self_[node * columns_ + c], add[c]);
  }
}

FlatTree StackTree::Flatten(const std::function<double(size_t)>& width, double min_fraction,
                            size_t max_nodes) const {
  const size_t n = size();
  std::vector<double> w(n);
  for (size_t i = 0; i < n; ++i) w[i] = width(i);

  double threshold = std::max(0.0, min_fraction) * w[0];
  // Kept nodes form a connected subtree (width never grows downwards), and each
  // kept node adds at most one aggregate, so keeping max_nodes / 2 fits the cap.
  if (max_nodes > 0) {
    size_t kept = std::count_if(w.begin(), w.end(), [&](double x) { return x >= threshold; });
    if (2 * kept > max_nodes) {
      std::vector<double> sorted = w;
      size_t k = std::max<size_t>(1, max_nodes / 2);
      std::nth_element(sorted.begin(), sorted.begin() + k, sorted.end(), std::greater<>());
      threshold = std::max(threshold,
                           std::nextafter(sorted[k], std::numeric_limits<double>::infinity()));
    }
  }

  // Children lists (CSR), then sorted by name.
  std::vector<uint32_t> first(n + 1, 0), kids(n > 0 ? n - 1 : 0);
  for (size_t i = 1; i < n; ++i) ++first[parent_[i] + 1];
  for (size_t i = 0; i < n; ++i) first[i + 1] += first[i];
  {
    std::vector<uint32_t> fill(first.begin(), first.end() - 1);
    for (size_t i = 1; i < n; ++i) kids[fill[parent_[i]]++] = static_cast<uint32_t>(i);
  }
  // Siblings are ordered by name; rank the names once so the sort compares integers.
  std::vector<uint32_t> by_rank(names_.size()), rank(names_.size());
  for (uint32_t i = 0; i < by_rank.size(); ++i) by_rank[i] = i;
  std::sort(by_rank.begin(), by_rank.end(),
            [&](uint32_t a, uint32_t b) { return names_[a] < names_[b]; });
  for (uint32_t r = 0; r < by_rank.size(); ++r) rank[by_rank[r]] = r;
  auto by_name = [&](uint32_t a, uint32_t b) { return rank[name_[a]] < rank[name_[b]]; };

  std::vector<size_t> subtree(n, 1);
  for (size_t i = n; i-- > 1;) subtree[parent_[i]] += subtree[i];

  FlatTree out;
  out.columns = columns_;
  // Only the names of emitted nodes go out, renumbered.
  std::vector<uint32_t> name_remap(names_.size(), UINT32_MAX);
  std::unordered_map<std::string, size_t> aggregate_names;
  auto out_name = [&](uint32_t id) {
    if (name_remap[id] == UINT32_MAX) {
      name_remap[id] = static_cast<uint32_t>(out.names.size());
      out.names.push_back(names_[id]);
    }
    return name_remap[id];
  };
  auto emit = [&](uint32_t name, int32_t parent, uint32_t flags) {
    out.name.push_back(name);
    out.parent.push_back(parent);
    out.flags.push_back(flags);
    out.self.resize(out.self.size() + columns_, 0);
    out.total.resize(out.total.size() + columns_, 0);
    return static_cast<int32_t>(out.name.size() - 1);
  };

  // Iterative pre-order. An item is a source node, or (src == kAggregate) the
  // aggregate of a parent's folded children, emitted after its siblings.
  struct Aggregate {
    size_t nodes;
    std::vector<int64_t> total;
  };
  struct Item {
    uint32_t src;
    int32_t out_parent;
    size_t aggregate;
  };
  constexpr uint32_t kAggregateItem = UINT32_MAX;
  std::vector<Aggregate> aggregates;
  std::vector<Item> stack = {{0, -1, 0}};
  std::vector<uint32_t> kept_kids;
  while (!stack.empty()) {
    Item item = stack.back();
    stack.pop_back();
    if (item.src == kAggregateItem) {
      const Aggregate& agg = aggregates[item.aggregate];
      std::string label = "(" + std::to_string(agg.nodes) + " pruned)";
      auto [it, inserted] = aggregate_names.try_emplace(label, out.names.size());
      if (inserted) out.names.push_back(label);
      int32_t me = emit(static_cast<uint32_t>(it->second), item.out_parent, kAggregate);
      for (size_t c = 0; c < columns_; ++c) {
        out.self[me * columns_ + c] = agg.total[c];
        out.total[me * columns_ + c] = agg.total[c];
      }
      continue;
    }
    const uint32_t src = item.src;
    int32_t me = emit(out_name(name_[src]), item.out_parent, 0);
    for (size_t c = 0; c < columns_; ++c) {
      out.self[me * columns_ + c] = self_[src * columns_ + c];
      out.total[me * columns_ + c] = total_[src * columns_ + c];
    }
    kept_kids.clear();
    Aggregate folded{0, std::vector<int64_t>(columns_, 0)};
    for (uint32_t k = first[src]; k < first[src + 1]; ++k) {
      uint32_t child = kids[k];
      if (w[child] >= threshold) {
        kept_kids.push_back(child);
      } else {
        folded.nodes += subtree[child];
        for (size_t c = 0; c < columns_; ++c) {
          AddSaturating(folded.total[c], total_[child * columns_ + c]);
        }
      }
    }
    std::sort(kept_kids.begin(), kept_kids.end(), by_name);
    // Pushed in reverse: the first child by name is emitted first, the aggregate last.
    if (folded.nodes > 0) {
      out.pruned_nodes += folded.nodes;
      stack.push_back({kAggregateItem, me, aggregates.size()});
      aggregates.push_back(std::move(folded));
    }
    for (auto it = kept_kids.rbegin(); it != kept_kids.rend(); ++it) stack.push_back({*it, me, 0});
  }
  return out;
}

ColumnSource CountSource(const Profile& profile, size_t value_index, int column,
                         std::string* description) {
  const ValueType& chosen = profile.sample_types[value_index];
  auto describe = [&](const ValueType& t) { *description = t.type + "/" + t.unit; };
  if (chosen.unit == "count") {
    describe(chosen);
    return {column, value_index, 1};
  }
  for (size_t i = 0; i < profile.sample_types.size(); ++i) {
    if (profile.sample_types[i].unit == "count") {
      describe(profile.sample_types[i]);
      return {column, i, 1};
    }
  }
  if (profile.period > 0 && profile.period_type.unit == chosen.unit) {
    describe(chosen);
    *description += " / period";
    return {column, value_index, profile.period};
  }
  describe(chosen);
  return {column, value_index, 1};
}

}  // namespace autoprof::flame_internal
