// IdIndex: maps the ids of one profile table (mappings, locations, functions) to
// their positions in the table. Ids are usually dense (1..n), so a flat vector is
// used when it is small enough and a hash map otherwise. Private to the module.
#ifndef AUTOPROF_PROFILE_PPROF_ID_INDEX_H_
#define AUTOPROF_PROFILE_PPROF_ID_INDEX_H_

#include <cstddef>
#include <cstdint>
#include <unordered_map>
#include <vector>

namespace autoprof {

class IdIndex {
 public:
  static constexpr size_t kNone = static_cast<size_t>(-1);

  // Builds the index from a table whose elements have an `id` member. Returns
  // false when an id is 0 or repeats; *bad_position then names the element.
  template <typename T>
  bool Build(const std::vector<T>& table, size_t* bad_position) {
    uint64_t max_id = 0;
    for (const T& t : table) max_id = t.id > max_id ? t.id : max_id;
    dense_ = max_id <= 4 * table.size() + 1024;
    if (dense_) {
      positions_.assign(max_id + 1, kNone);
    } else {
      map_.reserve(table.size());
    }
    for (size_t i = 0; i < table.size(); ++i) {
      uint64_t id = table[i].id;
      bool fresh = id != 0;
      if (fresh && dense_) {
        fresh = positions_[id] == kNone;
        if (fresh) positions_[id] = i;
      } else if (fresh) {
        fresh = map_.try_emplace(id, i).second;
      }
      if (!fresh) {
        *bad_position = i;
        return false;
      }
    }
    return true;
  }

  // The position of `id` in the table, or kNone.
  size_t Find(uint64_t id) const {
    if (dense_) return id < positions_.size() ? positions_[id] : kNone;
    auto it = map_.find(id);
    return it == map_.end() ? kNone : it->second;
  }

 private:
  bool dense_ = true;
  std::vector<size_t> positions_;
  std::unordered_map<uint64_t, size_t> map_;
};

}  // namespace autoprof

#endif  // AUTOPROF_PROFILE_PPROF_ID_INDEX_H_
