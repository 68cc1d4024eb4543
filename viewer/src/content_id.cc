#include "autoprof/profile_store.h"
#include "autoprof/sha256.h"

namespace autoprof {

std::string ContentId(std::string_view bytes) { return Sha256Hex(bytes); }

bool IsContentId(std::string_view text) {
  if (text.size() != kContentIdLength) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace autoprof
