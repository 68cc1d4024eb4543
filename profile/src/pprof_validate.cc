// ValidateProfile: the invariants a pprof reader relies on. Ids are nonzero and
// unique per table, every reference names an existing entry, and each sample has
// one value per sample type. Line.function_id 0 is allowed, as in Go's reader:
// it means "no function known" for that line.
#include <string>

#include "autoprof/pprof.h"
#include "pprof_id_index.h"

namespace autoprof {
namespace {

template <typename T>
Status CheckIds(const std::vector<T>& table, const char* what, IdIndex* index) {
  size_t bad = 0;
  if (index->Build(table, &bad)) return Status::Ok();
  const std::string where = std::string("pprof: ") + what + " " + std::to_string(bad);
  if (table[bad].id == 0) return InvalidArgument(where + " has id 0");
  return InvalidArgument(where + " repeats id " + std::to_string(table[bad].id));
}

}  // namespace

Status ValidateProfile(const Profile& p) {
  IdIndex mappings, locations, functions;
  AUTOPROF_RETURN_IF_ERROR(CheckIds(p.mappings, "mapping", &mappings));
  AUTOPROF_RETURN_IF_ERROR(CheckIds(p.locations, "location", &locations));
  AUTOPROF_RETURN_IF_ERROR(CheckIds(p.functions, "function", &functions));

  for (const Location& l : p.locations) {
    if (l.mapping_id != 0 && mappings.Find(l.mapping_id) == IdIndex::kNone) {
      return InvalidArgument("pprof: location id " + std::to_string(l.id) +
                             " refers to mapping id " + std::to_string(l.mapping_id) +
                             ", which does not exist");
    }
    for (const Line& ln : l.lines) {
      if (ln.function_id != 0 && functions.Find(ln.function_id) == IdIndex::kNone) {
        return InvalidArgument("pprof: location id " + std::to_string(l.id) +
                               " refers to function id " + std::to_string(ln.function_id) +
                               ", which does not exist");
      }
    }
  }

  const size_t types = p.sample_types.size();
  for (size_t i = 0; i < p.samples.size(); ++i) {
    const Sample& s = p.samples[i];
    if (s.values.size() != types) {
      return InvalidArgument("pprof: sample " + std::to_string(i) + ": " +
                             std::to_string(s.values.size()) + " values, profile has " +
                             std::to_string(types) + " sample types");
    }
    for (uint64_t id : s.location_ids) {
      if (locations.Find(id) == IdIndex::kNone) {
        return InvalidArgument("pprof: sample " + std::to_string(i) + " refers to location id " +
                               std::to_string(id) + ", which does not exist");
      }
    }
  }
  return Status::Ok();
}

}  // namespace autoprof
