// Reading and writing pprof: gzipped (or plain) profile.proto <-> autoprof::Profile.
//
// A wire-format codec of our own, written from profile.proto's public field
// numbers: the agent runs inside services that link their own libprotobuf, so this
// library must not bring another one. Decoding accepts any valid pprof (Go's
// runtime/pprof, `go tool pprof -proto`, other agents) and rejects invalid input
// with a one-line reason: zero or duplicate ids, dangling references, sample value
// counts that differ from sample_type, bad string indexes, truncated input,
// oversized decompressed data.
//
// Thread-safety: free functions without shared state; safe to call concurrently.
//
// Example:
//   autoprof::Result<autoprof::Profile> p = autoprof::ReadProfileFile("cpu.pb.gz");
//   if (!p.ok()) { fprintf(stderr, "%s\n", p.status().message().c_str()); return 2; }
//   autoprof::Status s = autoprof::WriteProfileFile("copy.pb.gz", *p);
#ifndef AUTOPROF_PPROF_H_
#define AUTOPROF_PPROF_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "autoprof/profile.h"
#include "autoprof/status.h"

namespace autoprof {

struct DecodeLimits {
  size_t max_decompressed_bytes = 256u << 20;  // a larger gzip payload is refused
};

// profile.proto bytes, not compressed.
std::string EncodeProfile(const Profile& profile);

// Gzip helpers (zlib). Gunzip refuses output larger than `max_output`.
Result<std::string> Gzip(std::string_view data);
Result<std::string> Gunzip(std::string_view data, size_t max_output);

// True when `bytes` start with the gzip magic (1f 8b); DecodeProfile inflates
// such input first.
bool IsGzip(std::string_view bytes);

// Decodes gzipped or plain profile.proto, then validates it (ValidateProfile).
Result<Profile> DecodeProfile(std::string_view bytes, const DecodeLimits& limits = {});

// Checks the invariants a pprof reader relies on; the message names the first
// violation, e.g. "sample 12: 3 values, profile has 2 sample types".
Status ValidateProfile(const Profile& profile);

// Reads and decodes a file; errors are prefixed with the path.
Result<Profile> ReadProfileFile(const std::string& path, const DecodeLimits& limits = {});

// Writes gzipped profile.proto atomically: a temporary file in the same folder,
// fsync, then rename, so a reader never sees a partial file.
Status WriteProfileFile(const std::string& path, const Profile& profile);

}  // namespace autoprof

#endif  // AUTOPROF_PPROF_H_
