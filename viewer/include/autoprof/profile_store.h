// ProfileStore: the viewer's embedded store. Profiles are kept as their original
// bytes in content-addressed files under a data folder, and indexed in an SQLite
// database (WAL mode) by app, kind, trigger reason, start time and labels.
//
// Layout of the data folder:
//   index.db (+ -wal, -shm)        the index
//   profiles/<id[0:2]>/<id>.pb     the bytes exactly as uploaded
//
// Durability: Put writes the file atomically (temporary file, fsync, rename,
// fsync of the folder) before the index row is committed, so a crash at any point
// (SIGKILL, power loss) never leaves a listed profile without its bytes. Open
// removes what a crash can leave behind: temporary files, and profile files that
// no index row names. The id is the SHA-256 of the bytes (ContentId), so the same
// profile sent twice is stored once and gets the same id.
//
// Retention: a maximum age (by the profile's start time) and a maximum total size
// of profile bytes; the oldest profiles go first. Put enforces the size bound;
// EnforceRetention (called periodically by the server) enforces both.
//
// Thread-safety: all methods may be called concurrently; index access is
// serialized by an internal mutex, file writes run in parallel.
//
// Example:
//   auto store = autoprof::ProfileStore::Open("./var/autoprof", {});
//   if (!store.ok()) return Fail(store.status());
//   autoprof::StoredProfile p;
//   p.id = autoprof::ContentId(bytes);
//   p.app = "checkout"; p.kind = "cpu"; p.start_time_ns = now;
//   p.metadata_json = R"({"id":"...","app":"checkout","kind":"cpu"})";
//   autoprof::Result<autoprof::PutOutcome> put = (*store)->Put(bytes, p);
#ifndef AUTOPROF_PROFILE_STORE_H_
#define AUTOPROF_PROFILE_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "autoprof/status.h"

namespace autoprof {

// Lower-case hex SHA-256 of `bytes`: the id of a stored profile.
std::string ContentId(std::string_view bytes);
inline constexpr size_t kContentIdLength = 64;
// True when `text` has the form of a ContentId (64 lower-case hex digits).
bool IsContentId(std::string_view text);

struct StoreOptions {
  int64_t max_age_seconds = 0;   // 0: keep regardless of age
  uint64_t max_total_bytes = 0;  // 0: no bound on the sum of profile sizes
};

// One profile as the index knows it.
struct StoredProfile {
  std::string id;  // ContentId of the bytes
  std::string app;
  std::string kind;            // "cpu", "heap", or the profile's first sample type
  std::string trigger_reason;  // empty when not triggered (manual, Pyroscope)
  int64_t start_time_ns = 0;   // since the epoch; orders the list, drives retention
  std::vector<std::pair<std::string, std::string>> labels;
  std::string metadata_json;  // the sidecar JSON object, including "id"
  uint64_t size_bytes = 0;    // set by the store
};

struct PutOutcome {
  std::string id;
  bool created = false;  // false: the same bytes were already stored
};

// Filters of List; unset members match everything. Newest first.
struct ProfileQuery {
  std::optional<std::string> app;
  std::optional<std::string> kind;
  std::optional<std::string> trigger_reason;
  std::optional<int64_t> from_ns;  // start_time_ns >= from_ns
  std::optional<int64_t> to_ns;    // start_time_ns <= to_ns
  std::vector<std::pair<std::string, std::string>> labels;  // all must match
  size_t limit = 1000;
};

namespace viewer {
class SqliteDb;
}

class ProfileStore {
 public:
  // Opens or creates the store in `data_dir`, then removes crash leftovers.
  // Fails with a one-line reason naming the folder or database.
  static Result<std::unique_ptr<ProfileStore>> Open(const std::string& data_dir,
                                                    const StoreOptions& options);
  ~ProfileStore();
  ProfileStore(const ProfileStore&) = delete;
  ProfileStore& operator=(const ProfileStore&) = delete;

  // Stores `bytes` under profile.id, which must equal ContentId(bytes). When the
  // id is already stored nothing changes and `created` is false. Then evicts the
  // oldest profiles beyond max_total_bytes (possibly this one, if it is older).
  Result<PutOutcome> Put(std::string_view bytes, const StoredProfile& profile);

  // Whether a profile with this id is listed.
  Result<bool> Contains(const std::string& id);
  // NotFound when no profile has this id.
  Result<StoredProfile> Get(const std::string& id);
  Result<std::string> ReadBytes(const std::string& id);
  Result<std::vector<StoredProfile>> List(const ProfileQuery& query);

  // Deletes profiles older than max_age_seconds before `now_ns`, then the oldest
  // until the total fits max_total_bytes. Returns how many were deleted.
  Result<size_t> EnforceRetention(int64_t now_ns);

  size_t profile_count();
  uint64_t total_bytes();

 private:
  ProfileStore(std::string data_dir, StoreOptions options, std::unique_ptr<viewer::SqliteDb> db);
  std::string PathOf(const std::string& id) const;
  Status CreateSchema();
  Status RemoveCrashLeftovers();
  Result<size_t> EvictLocked(std::optional<int64_t> older_than_ns);
  Status DeleteLocked(const std::string& id, uint64_t size);
  Result<bool> ContainsLocked(const std::string& id);

  const std::string data_dir_;
  const StoreOptions options_;
  std::mutex mu_;
  std::unique_ptr<viewer::SqliteDb> db_;  // guarded by mu_
  uint64_t total_bytes_ = 0;              // guarded by mu_
  size_t count_ = 0;                      // guarded by mu_
};

}  // namespace autoprof

#endif  // AUTOPROF_PROFILE_STORE_H_
