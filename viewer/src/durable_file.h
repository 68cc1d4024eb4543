// Files that survive a crash: write to a temporary name in the target folder,
// fsync, rename over the final name, fsync the folder. A reader (or a restart
// after SIGKILL or power loss) sees either nothing or the whole file.
//
// Thread-safety: free functions; temporary names are unique per call, so
// concurrent writers of distinct or identical final files are safe.
#ifndef AUTOPROF_VIEWER_DURABLE_FILE_H_
#define AUTOPROF_VIEWER_DURABLE_FILE_H_

#include <string>
#include <string_view>

#include "autoprof/status.h"

namespace autoprof::viewer {

// Suffix of the temporary files WriteFileDurably leaves behind when killed.
inline constexpr std::string_view kTempSuffix = ".tmp";

// Writes `data` to `path` atomically and durably (see above). The temporary file
// is `path` + "." + a unique number + kTempSuffix, in the same folder.
Status WriteFileDurably(const std::string& path, std::string_view data);

// fsyncs a folder so a rename or unlink inside it is on disk.
Status SyncDirectory(const std::string& dir);

}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_DURABLE_FILE_H_
