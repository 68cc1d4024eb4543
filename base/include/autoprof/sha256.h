// SHA-256 of a byte string: the content id of a profile (the uploader sends it,
// the viewer stores under it) and the hashes of the flame page's CSP.
//
// Thread-safety: pure functions.
//
// Example:
//   std::string id = autoprof::Sha256Hex(pprof_gz);   // 64 lower-case hex digits
#ifndef AUTOPROF_SHA256_H_
#define AUTOPROF_SHA256_H_

#include <array>
#include <string>
#include <string_view>

namespace autoprof {

using Sha256Digest = std::array<unsigned char, 32>;

Sha256Digest Sha256(std::string_view data);

// The digest as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace autoprof

#endif  // AUTOPROF_SHA256_H_
