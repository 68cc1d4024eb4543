// Spool: the directory of captures waiting to be sent, as pairs
// `<stem>.pb.gz` + `<stem>.json`, and the few operations on it that must stay
// crash-safe: atomic writes, listing complete pairs oldest first, removing,
// moving to `sent/` or `quarantine/`, the size caps, and the cross-process lock.
//
// Crash safety: a pair is written .pb.gz first, .json last (each as temp file,
// fsync, rename, then the directory fsync), removed .pb.gz first, and moved .json
// first. So a .json alone is the tail of a removal (deleted on sight); a .pb.gz
// alone whose .json is in sent/ or quarantine/ is an interrupted move (finished);
// any other .pb.gz alone is an interrupted write (quarantined once it is an hour
// old, never deleted).
// Temporary files carry their writer's pid and are removed once it is gone.
//
// Thread-safety: functions on distinct stems may run concurrently; the caller
// serializes EnforceCaps. SpoolLock is one flock per object.
#ifndef AUTOPROF_UPLOADER_SPOOL_H_
#define AUTOPROF_UPLOADER_SPOOL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "autoprof/status.h"

namespace autoprof::upload_internal {

struct SpoolEntry {
  std::string stem;
  int64_t bytes = 0;         // both files
  int64_t mtime_ns = 0;      // of the .json: when the pair became complete
};

using LogLine = std::function<void(const std::string&)>;

// A stem is one plain file name: not empty, at most 200 bytes, no '/', no NUL,
// not starting with '.'.
Status CheckStem(std::string_view stem);

// Creates `dir` (and parents) when missing; errors when it is not a writable dir.
Status EnsureDirectory(const std::string& dir);

// Writes `data` to dir/name atomically (temp, fsync, rename). No directory fsync.
Status WriteFileAtomically(const std::string& dir, const std::string& name, std::string_view data);

// Writes the pair atomically, .pb.gz first, then fsyncs the directory.
Status WritePair(const std::string& dir, const std::string& stem, std::string_view pprof_gz,
                 std::string_view sidecar_json);

Result<std::string> ReadFile(const std::string& path, int64_t max_bytes);

// Complete pairs, oldest first (ties by stem). Tidies on the way: a lone .json
// is deleted; a lone .pb.gz older than an hour goes to quarantine/; temporary
// files of dead writers are deleted. Each tidy-up is logged.
std::vector<SpoolEntry> ListPairs(const std::string& dir, const LogLine& log);

// Removes the pair (.pb.gz first). A file already gone is not an error.
Status RemovePair(const std::string& dir, const std::string& stem);

// Moves the pair into dir/subdir (created when missing), .pb.gz first.
Status MovePair(const std::string& dir, const std::string& stem, const std::string& subdir);

// Writes quarantine/<stem>.reason.txt with `reason`, then moves the pair there.
Status QuarantinePair(const std::string& dir, const std::string& stem, const std::string& reason);

// Deletes the oldest pairs until at most `max_files` pairs and `max_bytes` remain,
// never `keep_stem` (the pair just written). Logs one line per pair; returns how
// many it deleted.
int64_t EnforceCaps(const std::string& dir, int64_t max_bytes, int max_files,
                    const std::string& keep_stem, const LogLine& log);

// An exclusive flock on dir/.upload.lock, taken without waiting. Released when
// the object goes (or the process dies).
class SpoolLock {
 public:
  explicit SpoolLock(const std::string& dir) : path_(dir + "/.upload.lock") {}
  ~SpoolLock() { Unlock(); }
  SpoolLock(const SpoolLock&) = delete;
  SpoolLock& operator=(const SpoolLock&) = delete;

  bool TryLock();  // true when held (already or now)
  void Unlock();
  bool held() const { return fd_ >= 0; }

 private:
  std::string path_;
  int fd_ = -1;
};

}  // namespace autoprof::upload_internal

#endif  // AUTOPROF_UPLOADER_SPOOL_H_
