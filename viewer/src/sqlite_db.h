// A small RAII layer over SQLite: one connection (SqliteDb) and its prepared
// statements (SqliteStatement). Only the store includes it; no other file sees
// sqlite3.h.
//
// Thread-safety: none. The owner serializes every use of a connection and its
// statements (ProfileStore holds one mutex for it).
#ifndef AUTOPROF_VIEWER_SQLITE_DB_H_
#define AUTOPROF_VIEWER_SQLITE_DB_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "autoprof/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace autoprof::viewer {

class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&&) noexcept;
  SqliteStatement& operator=(SqliteStatement&&) noexcept;
  ~SqliteStatement();

  // Parameters are numbered from 1, as in SQL's `?`.
  void BindText(int index, std::string_view text);
  void BindInt64(int index, int64_t value);

  // Advances one row: true with a row, false when done; errors are a Status.
  Result<bool> Step();
  // Runs to completion, ignoring rows.
  Status Run();

  std::string ColumnText(int column) const;
  int64_t ColumnInt64(int column) const;

 private:
  friend class SqliteDb;
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}

  sqlite3* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  // Opens (creating) the database file; `path` names it in every error.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements without parameters.
  Status Exec(std::string_view sql);
  Result<SqliteStatement> Prepare(std::string_view sql);
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int64_t Changes() const;

 private:
  SqliteDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Error(std::string_view what) const;

  sqlite3* db_;
  std::string path_;
};

}  // namespace autoprof::viewer

#endif  // AUTOPROF_VIEWER_SQLITE_DB_H_
