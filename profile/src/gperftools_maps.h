// Private to the gperftools parsers: the maps text that follows their data, and
// the table that turns raw addresses into Locations.
#ifndef AUTOPROF_PROFILE_SRC_GPERFTOOLS_MAPS_H_
#define AUTOPROF_PROFILE_SRC_GPERFTOOLS_MAPS_H_

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "autoprof/profile.h"
#include "autoprof/status.h"
#include "autoprof/symbolizer.h"

namespace autoprof::gperftools_internal {

// Parses /proc/self/maps text into profile->mappings (executable lines only, ids
// from 1) and, when `inodes` is set, records each mapping's inode. `what` names
// the input in errors ("CPU profile"). Blank lines are skipped.
Status ParseMapsText(std::string_view text, std::string_view what, Profile* profile,
                     MappingInodes* inodes);

// Interns adjusted addresses as Locations of `profile`, each tied to the mapping
// that contains it. Build it after ParseMapsText.
class LocationTable {
 public:
  explicit LocationTable(Profile* profile);
  uint64_t Intern(uint64_t address);

 private:
  uint64_t MappingFor(uint64_t address) const;

  Profile* profile_;
  std::vector<const Mapping*> by_start_;
  std::unordered_map<uint64_t, uint64_t> ids_;
};

// Drops mappings no location refers to, keeping the others' ids and order.
void DropUnusedMappings(Profile* profile, MappingInodes* inodes);

// Parses an unsigned number in `base` (16 accepts an optional 0x); false on junk.
bool ParseUnsigned(std::string_view text, int base, uint64_t* out);

// Splits off the next whitespace-separated field of `*rest`.
std::string_view NextField(std::string_view* rest);

}  // namespace autoprof::gperftools_internal

#endif  // AUTOPROF_PROFILE_SRC_GPERFTOOLS_MAPS_H_
