#include "autoprof/profile_store.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

#include "autoprof/atomic_file.h"
#include "durable_file.h"
#include "sqlite_db.h"

namespace autoprof {
namespace {

namespace fs = std::filesystem;
using viewer::SqliteDb;
using viewer::SqliteStatement;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS profiles (
  id TEXT PRIMARY KEY,
  app TEXT NOT NULL,
  kind TEXT NOT NULL,
  trigger_reason TEXT NOT NULL,
  start_ns INTEGER NOT NULL,
  size INTEGER NOT NULL,
  metadata TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS profiles_by_start ON profiles(start_ns DESC);
CREATE INDEX IF NOT EXISTS profiles_by_app ON profiles(app, start_ns DESC);
CREATE TABLE IF NOT EXISTS labels (
  id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (id, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS labels_by_pair ON labels(key, value);
)sql";

constexpr char kProfileColumns[] =
    "id, app, kind, trigger_reason, start_ns, size, metadata";

StoredProfile RowToProfile(const SqliteStatement& row) {
  StoredProfile p;
  p.id = row.ColumnText(0);
  p.app = row.ColumnText(1);
  p.kind = row.ColumnText(2);
  p.trigger_reason = row.ColumnText(3);
  p.start_time_ns = row.ColumnInt64(4);
  p.size_bytes = static_cast<uint64_t>(row.ColumnInt64(5));
  p.metadata_json = row.ColumnText(6);
  return p;
}

// Rolls a transaction back unless Commit() succeeded.
class Transaction {
 public:
  explicit Transaction(SqliteDb& db) : db_(db) {}
  ~Transaction() {
    if (open_) db_.Exec("ROLLBACK").IgnoreError();
  }
  Status Begin() {
    AUTOPROF_RETURN_IF_ERROR(db_.Exec("BEGIN IMMEDIATE"));
    open_ = true;
    return Status::Ok();
  }
  Status Commit() {
    AUTOPROF_RETURN_IF_ERROR(db_.Exec("COMMIT"));
    open_ = false;
    return Status::Ok();
  }

 private:
  SqliteDb& db_;
  bool open_ = false;
};

}  // namespace

ProfileStore::ProfileStore(std::string data_dir, StoreOptions options,
                           std::unique_ptr<viewer::SqliteDb> db)
    : data_dir_(std::move(data_dir)), options_(options), db_(std::move(db)) {}

ProfileStore::~ProfileStore() = default;

Result<std::unique_ptr<ProfileStore>> ProfileStore::Open(const std::string& data_dir,
                                                         const StoreOptions& options) {
  if (data_dir.empty()) return InvalidArgument("data folder: empty path");
  AUTOPROF_RETURN_IF_ERROR(MakeDirectories(data_dir + "/profiles", 0750));
  Result<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(data_dir + "/index.db");
  if (!db.ok()) return db.status();
  std::unique_ptr<ProfileStore> store(new ProfileStore(data_dir, options, std::move(*db)));
  AUTOPROF_RETURN_IF_ERROR(store->CreateSchema());
  AUTOPROF_RETURN_IF_ERROR(store->RemoveCrashLeftovers());
  return store;
}

Status ProfileStore::CreateSchema() {
  // FULL: a commit is on disk before Put returns, so a 2xx is a promise that
  // survives power loss, not only a crash of this process.
  AUTOPROF_RETURN_IF_ERROR(db_->Exec(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=5000;"));
  Result<SqliteStatement> mode = db_->Prepare("PRAGMA journal_mode");
  if (!mode.ok()) return mode.status();
  Result<bool> row = mode->Step();
  if (!row.ok()) return row.status();
  if (!*row || mode->ColumnText(0) != "wal") {
    return FailedPrecondition(data_dir_ + "/index.db: the file system does not support WAL mode");
  }
  AUTOPROF_RETURN_IF_ERROR(db_->Exec(kSchema));
  Result<SqliteStatement> totals = db_->Prepare("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM profiles");
  if (!totals.ok()) return totals.status();
  Result<bool> has = totals->Step();
  if (!has.ok()) return has.status();
  count_ = static_cast<size_t>(totals->ColumnInt64(0));
  total_bytes_ = static_cast<uint64_t>(totals->ColumnInt64(1));
  return Status::Ok();
}

std::string ProfileStore::PathOf(const std::string& id) const {
  return data_dir_ + "/profiles/" + id.substr(0, 2) + "/" + id + ".pb";
}

Status ProfileStore::RemoveCrashLeftovers() {
  std::map<std::string, uint64_t> listed;  // id -> size
  {
    Result<SqliteStatement> rows = db_->Prepare("SELECT id, size FROM profiles");
    if (!rows.ok()) return rows.status();
    while (true) {
      Result<bool> row = rows->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      listed.emplace(rows->ColumnText(0), static_cast<uint64_t>(rows->ColumnInt64(1)));
    }
  }
  std::error_code ec;
  std::string root = data_dir_ + "/profiles";
  for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::string name = it->path().filename().string();
    bool is_listed = name.size() == kContentIdLength + 3 && name.ends_with(".pb") &&
                     listed.count(name.substr(0, kContentIdLength)) > 0;
    if (!is_listed) fs::remove(it->path(), ec);  // a temp file, or bytes whose row never committed
  }
  if (ec) return Internal(root + ": cannot scan for crash leftovers: " + ec.message());
  // A row whose file is gone (deleted by hand) would be listed without bytes.
  for (const auto& [id, size] : listed) {
    if (!fs::exists(PathOf(id), ec)) AUTOPROF_RETURN_IF_ERROR(DeleteLocked(id, size));
  }
  return Status::Ok();
}

Result<PutOutcome> ProfileStore::Put(std::string_view bytes, const StoredProfile& profile) {
  if (!IsContentId(profile.id) || profile.id != ContentId(bytes)) {
    return InvalidArgument("profile id '" + profile.id.substr(0, 80) +
                           "' is not the SHA-256 of its bytes");
  }
  const std::string path = PathOf(profile.id);
  {
    Result<bool> found = Contains(profile.id);
    if (!found.ok()) return found.status();
    if (*found) return PutOutcome{profile.id, false};
  }
  // The slow part (write and fsync) runs outside the lock; concurrent writers of
  // the same id rename identical bytes over each other, which is harmless.
  AUTOPROF_RETURN_IF_ERROR(MakeDirectories(fs::path(path).parent_path().string(), 0750));
  AUTOPROF_RETURN_IF_ERROR(viewer::WriteFileDurably(path, bytes));

  // Group commit: the row joins the queue; whoever next holds the index lock
  // commits every queued row in one transaction (one WAL fsync for all), so
  // concurrent uploads share the cost of durability instead of queueing on it.
  PendingRow row{&profile, bytes};
  {
    std::lock_guard<std::mutex> queue(queue_mu_);
    pending_.push_back(&row);
  }
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<PendingRow*> batch;
  {
    std::lock_guard<std::mutex> queue(queue_mu_);
    if (!row.done) batch.swap(pending_);  // row is in it: only a batch commit sets done
  }
  if (!batch.empty()) CommitBatchLocked(batch);
  if (!row.status.ok()) return row.status;
  return PutOutcome{profile.id, row.created};
}

void ProfileStore::CommitBatchLocked(const std::vector<PendingRow*>& batch) {
  Status status = [&]() -> Status {
    Transaction tx(*db_);
    AUTOPROF_RETURN_IF_ERROR(tx.Begin());
    for (PendingRow* row : batch) {
      const StoredProfile& profile = *row->profile;
      // Eviction under the lock may have removed this very file since the rename
      // (a retention pass over an older copy of the same bytes): rewrite it.
      std::error_code ec;
      if (!fs::exists(PathOf(profile.id), ec)) {
        AUTOPROF_RETURN_IF_ERROR(viewer::WriteFileDurably(PathOf(profile.id), row->bytes));
      }
      Result<SqliteStatement> insert = db_->Prepare(
          "INSERT OR IGNORE INTO profiles (id, app, kind, trigger_reason, start_ns, size, metadata) "
          "VALUES (?, ?, ?, ?, ?, ?, ?)");
      if (!insert.ok()) return insert.status();
      insert->BindText(1, profile.id);
      insert->BindText(2, profile.app);
      insert->BindText(3, profile.kind);
      insert->BindText(4, profile.trigger_reason);
      insert->BindInt64(5, profile.start_time_ns);
      insert->BindInt64(6, static_cast<int64_t>(row->bytes.size()));
      insert->BindText(7, profile.metadata_json);
      AUTOPROF_RETURN_IF_ERROR(insert->Run());
      row->created = db_->Changes() > 0;  // false: an earlier Put of the same bytes won
      if (!row->created) continue;
      for (const auto& [key, value] : profile.labels) {
        Result<SqliteStatement> label =
            db_->Prepare("INSERT OR REPLACE INTO labels (id, key, value) VALUES (?, ?, ?)");
        if (!label.ok()) return label.status();
        label->BindText(1, profile.id);
        label->BindText(2, key);
        label->BindText(3, value);
        AUTOPROF_RETURN_IF_ERROR(label->Run());
      }
    }
    return tx.Commit();
  }();
  for (PendingRow* row : batch) {
    if (status.ok() && row->created) {
      total_bytes_ += row->bytes.size();
      ++count_;
    }
  }
  if (status.ok() && options_.max_total_bytes > 0 && total_bytes_ > options_.max_total_bytes) {
    Result<size_t> evicted = EvictLocked(std::nullopt);
    if (!evicted.ok()) status = evicted.status();  // the rows are stored; a retry dedups
  }
  std::lock_guard<std::mutex> queue(queue_mu_);
  for (PendingRow* row : batch) {
    row->status = status;
    row->done = true;
  }
}

Result<bool> ProfileStore::Contains(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  return ContainsLocked(id);
}

Result<bool> ProfileStore::ContainsLocked(const std::string& id) {
  Result<SqliteStatement> exists = db_->Prepare("SELECT 1 FROM profiles WHERE id = ?");
  if (!exists.ok()) return exists.status();
  exists->BindText(1, id);
  return exists->Step();
}

Result<StoredProfile> ProfileStore::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<SqliteStatement> select = db_->Prepare(
      std::string("SELECT ") + kProfileColumns + " FROM profiles WHERE id = ?");
  if (!select.ok()) return select.status();
  select->BindText(1, id);
  Result<bool> row = select->Step();
  if (!row.ok()) return row.status();
  if (!*row) return NotFound("profile " + id.substr(0, 80) + ": not found");
  StoredProfile p = RowToProfile(*select);
  Result<SqliteStatement> labels = db_->Prepare("SELECT key, value FROM labels WHERE id = ?");
  if (!labels.ok()) return labels.status();
  labels->BindText(1, id);
  while (true) {
    Result<bool> more = labels->Step();
    if (!more.ok()) return more.status();
    if (!*more) break;
    p.labels.emplace_back(labels->ColumnText(0), labels->ColumnText(1));
  }
  return p;
}

Result<std::string> ProfileStore::ReadBytes(const std::string& id) {
  if (!IsContentId(id)) return NotFound("profile " + id.substr(0, 80) + ": not found");
  // Only listed profiles are served: a file without its row is a crash leftover.
  Result<StoredProfile> listed = Get(id);
  if (!listed.ok()) return listed.status();
  Result<std::string> bytes = ReadWholeFile(PathOf(id), listed->size_bytes);
  if (!bytes.ok() && bytes.status().code() == StatusCode::kNotFound) {
    return NotFound("profile " + id + ": deleted by retention");
  }
  return bytes;
}

Result<std::vector<StoredProfile>> ProfileStore::List(const ProfileQuery& query) {
  std::string sql = std::string("SELECT ") + kProfileColumns + " FROM profiles p WHERE 1";
  if (query.app) sql += " AND app = ?";
  if (query.kind) sql += " AND kind = ?";
  if (query.trigger_reason) sql += " AND trigger_reason = ?";
  if (query.from_ns) sql += " AND start_ns >= ?";
  if (query.to_ns) sql += " AND start_ns <= ?";
  for (size_t i = 0; i < query.labels.size(); ++i) {
    sql += " AND EXISTS (SELECT 1 FROM labels l WHERE l.id = p.id AND l.key = ? AND l.value = ?)";
  }
  sql += " ORDER BY start_ns DESC, id LIMIT ?";

  std::lock_guard<std::mutex> lock(mu_);
  Result<SqliteStatement> select = db_->Prepare(sql);
  if (!select.ok()) return select.status();
  int n = 0;
  if (query.app) select->BindText(++n, *query.app);
  if (query.kind) select->BindText(++n, *query.kind);
  if (query.trigger_reason) select->BindText(++n, *query.trigger_reason);
  if (query.from_ns) select->BindInt64(++n, *query.from_ns);
  if (query.to_ns) select->BindInt64(++n, *query.to_ns);
  for (const auto& [key, value] : query.labels) {
    select->BindText(++n, key);
    select->BindText(++n, value);
  }
  select->BindInt64(++n, static_cast<int64_t>(query.limit));
  std::vector<StoredProfile> out;
  while (true) {
    Result<bool> row = select->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back(RowToProfile(*select));
  }
  return out;
}

Result<size_t> ProfileStore::EnforceRetention(int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<int64_t> cutoff;
  if (options_.max_age_seconds > 0) cutoff = now_ns - options_.max_age_seconds * 1'000'000'000;
  return EvictLocked(cutoff);
}

Result<size_t> ProfileStore::EvictLocked(std::optional<int64_t> older_than_ns) {
  std::vector<std::pair<std::string, uint64_t>> victims;
  {
    Result<SqliteStatement> oldest =
        db_->Prepare("SELECT id, size, start_ns FROM profiles ORDER BY start_ns ASC, id");
    if (!oldest.ok()) return oldest.status();
    uint64_t remaining = total_bytes_;
    while (true) {
      Result<bool> row = oldest->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      bool too_old = older_than_ns && oldest->ColumnInt64(2) < *older_than_ns;
      bool too_big = options_.max_total_bytes > 0 && remaining > options_.max_total_bytes;
      if (!too_old && !too_big) break;
      uint64_t size = static_cast<uint64_t>(oldest->ColumnInt64(1));
      victims.emplace_back(oldest->ColumnText(0), size);
      remaining -= std::min(remaining, size);
    }
  }  // the read statement is finalized before the deletes write
  for (const auto& [id, size] : victims) AUTOPROF_RETURN_IF_ERROR(DeleteLocked(id, size));
  return victims.size();
}

Status ProfileStore::DeleteLocked(const std::string& id, uint64_t size) {
  // The row goes first: a crash between the two steps leaves an unlisted file,
  // which the next Open removes, never a listed profile without bytes.
  Transaction tx(*db_);
  AUTOPROF_RETURN_IF_ERROR(tx.Begin());
  for (const char* sql : {"DELETE FROM profiles WHERE id = ?", "DELETE FROM labels WHERE id = ?"}) {
    Result<SqliteStatement> del = db_->Prepare(sql);
    if (!del.ok()) return del.status();
    del->BindText(1, id);
    AUTOPROF_RETURN_IF_ERROR(del->Run());
  }
  AUTOPROF_RETURN_IF_ERROR(tx.Commit());
  total_bytes_ -= std::min(total_bytes_, size);
  if (count_ > 0) --count_;
  std::error_code ec;
  fs::remove(PathOf(id), ec);
  return Status::Ok();
}

size_t ProfileStore::profile_count() {
  std::lock_guard<std::mutex> lock(mu_);
  return count_;
}

uint64_t ProfileStore::total_bytes() {
  std::lock_guard<std::mutex> lock(mu_);
  return total_bytes_;
}

}  // namespace autoprof
