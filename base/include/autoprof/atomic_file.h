// Writing a file so that nobody ever sees half of it.
//
// WriteFileAtomically puts the bytes in a temporary file beside the destination
// (".<name>.tmp.XXXXXX"), fsyncs it, renames it over the destination and fsyncs
// the folder. A reader sees the old file or the new one; after a crash, at worst a
// leftover temporary (RemoveStaleTemporaries cleans those up).
//
// Thread-safety: free functions; concurrent writers of one path each leave a
// whole file, the last rename wins.
//
// Example:
//   autoprof::Status s = autoprof::WriteFileAtomically("/var/autoprof/a.json", json);
#ifndef AUTOPROF_ATOMIC_FILE_H_
#define AUTOPROF_ATOMIC_FILE_H_

#include <string>
#include <string_view>
#include <sys/types.h>

#include "autoprof/status.h"

namespace autoprof {

// Errors name the path and the failing step: "/x/a.json: rename: No space left".
Status WriteFileAtomically(const std::string& path, std::string_view bytes, mode_t mode = 0644);

// Reads a whole regular file of at most `max_bytes`.
Result<std::string> ReadWholeFile(const std::string& path, size_t max_bytes);

// Creates `path` and its parents (like mkdir -p).
Status MakeDirectories(const std::string& path, mode_t mode = 0755);

// Removes ".*.tmp.*" files older than `min_age_seconds` from `dir`; returns how many.
int RemoveStaleTemporaries(const std::string& dir, int min_age_seconds);

}  // namespace autoprof

#endif  // AUTOPROF_ATOMIC_FILE_H_
