// src/cloud/metadata_db.h
//
// MetadataDb is a thin wrapper over an embedded SQLite database (the control plane's
// DIR/metadata.db, DESIGN.md §5): it opens the file in WAL mode with foreign keys on, upgrades the
// schema with numbered migrations recorded in PRAGMA user_version, and turns SQLite errors into
// Status values that name the database file and the statement.
//
// SQLite does its own file I/O (it does not go through Env); tests that want no files use the
// path ":memory:".
//
// Thread-safety: a MetadataDb may be used from many threads; calls are serialised by an internal
// mutex (SQLite's connection is opened in serialized mode as well). A Statement belongs to one
// thread and must not outlive its MetadataDb.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace cairn::cloud {

class MetadataDb;

// A prepared statement. Bind parameters are 1-based, as in SQLite.
class Statement {
 public:
  ~Statement();
  Statement(Statement&& o) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;

  Statement& Bind(int index, std::string_view text);
  Statement& Bind(int index, int64_t value);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);

  // Runs one step: true when a row is available (read it with the column accessors), false when
  // the statement is done. A bind error is reported here.
  Result<bool> Step();
  // Steps until done (for INSERT/UPDATE/DELETE).
  Status Run();
  // Clears bindings and rewinds, for reuse.
  void Reset();

  // Columns of the current row, 0-based. NULL text reads as nullopt.
  std::optional<std::string> Text(int column) const;
  int64_t Int(int column) const;
  bool IsNull(int column) const;

 private:
  friend class MetadataDb;
  Statement(MetadataDb* db, sqlite3_stmt* stmt, std::string sql)
      : db_(db), stmt_(stmt), sql_(std::move(sql)) {}
  Status Error(int rc) const;

  MetadataDb* db_;
  sqlite3_stmt* stmt_;
  std::string sql_;
  Status bind_error_;
};

class MetadataDb {
 public:
  // One schema upgrade: the SQL that takes the schema from version `index` to `index + 1`
  // (index 0 creates it). Migrations run in a transaction each.
  using Migrations = std::vector<std::string>;

  // Opens (creating if missing) the database at `path` and brings its schema up to
  // migrations.size(). kFailedPrecondition if the file's schema is newer than the migrations know
  // (written by a newer cairn); kDataLoss if the file is not a database.
  static Result<std::unique_ptr<MetadataDb>> Open(const std::string& path,
                                                  const Migrations& migrations);

  ~MetadataDb();
  MetadataDb(const MetadataDb&) = delete;
  MetadataDb& operator=(const MetadataDb&) = delete;

  // Runs one or more statements that return no rows.
  Status Exec(std::string_view sql);
  Result<Statement> Prepare(std::string_view sql);
  // Runs `fn` inside BEGIN IMMEDIATE ... COMMIT; rolls back if it returns an error.
  Status Transaction(const std::function<Status()>& fn);

  int schema_version() const { return schema_version_; }
  const std::string& path() const { return path_; }

 private:
  friend class Statement;
  MetadataDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  // A Status for SQLite result code `rc`, naming the file and what was being done.
  Status Error(int rc, std::string_view what) const;
  Status ExecLocked(std::string_view sql);

  sqlite3* db_;
  std::string path_;
  int schema_version_ = 0;
  std::recursive_mutex mu_;
};

}  // namespace cairn::cloud
