// ReadProfileFile and WriteProfileFile: the codec over base's whole-file read
// and atomic write (temporary file beside the destination, fsync, rename), so a
// reader or a crash never sees half a profile.
#include <string>

#include "autoprof/atomic_file.h"
#include "autoprof/pprof.h"

namespace autoprof {
namespace {

Status Prefixed(const std::string& path, const Status& s) {
  return Status(s.code(), path + ": " + s.message());
}

}  // namespace

Result<Profile> ReadProfileFile(const std::string& path, const DecodeLimits& limits) {
  // A compressed file is at most as large as its payload plus framing, so this
  // bound also stops an oversized file before it is read.
  Result<std::string> bytes = ReadWholeFile(path, limits.max_decompressed_bytes + 4096);
  if (!bytes.ok()) return bytes.status();
  if (IsGzip(*bytes)) {
    // Inflate here rather than in DecodeProfile so the compressed bytes are
    // released before the profile is built: peak memory is one copy less.
    Result<std::string> plain = Gunzip(*bytes, limits.max_decompressed_bytes);
    if (!plain.ok()) return Prefixed(path, plain.status());
    *bytes = std::move(*plain);
  }
  Result<Profile> p = DecodeProfile(*bytes, limits);
  if (!p.ok()) return Prefixed(path, p.status());
  return p;
}

Status WriteProfileFile(const std::string& path, const Profile& profile) {
  Result<std::string> gz = Gzip(EncodeProfile(profile));
  if (!gz.ok()) return Prefixed(path, gz.status());
  return WriteFileAtomically(path, *gz);
}

}  // namespace autoprof
