#include "cloud/metadata_db.h"

#include <sqlite3.h>

namespace cairn::cloud {
namespace {

StatusCode CodeOf(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT:
      return StatusCode::kAlreadyExists;
    case SQLITE_NOTFOUND:
      return StatusCode::kNotFound;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return StatusCode::kDataLoss;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return StatusCode::kUnavailable;
    case SQLITE_FULL:
      return StatusCode::kResourceExhausted;
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_AUTH:
      return StatusCode::kPermissionDenied;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
      return StatusCode::kUnavailable;
    case SQLITE_MISUSE:
    case SQLITE_RANGE:
      return StatusCode::kInternal;
    default:
      return StatusCode::kUnknown;
  }
}

std::string Abbrev(std::string_view sql) {
  std::string s(sql.substr(0, 80));
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  return sql.size() > 80 ? s + "..." : s;
}

}  // namespace

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& o) noexcept
    : db_(o.db_), stmt_(o.stmt_), sql_(std::move(o.sql_)), bind_error_(std::move(o.bind_error_)) {
  o.stmt_ = nullptr;
}

Status Statement::Error(int rc) const { return db_->Error(rc, Abbrev(sql_)); }

Statement& Statement::Bind(int index, std::string_view text) {
  std::lock_guard<std::recursive_mutex> l(db_->mu_);
  int rc = sqlite3_bind_text(stmt_, index, text.data() ? text.data() : "",
                             static_cast<int>(text.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Error(rc);
  return *this;
}

Statement& Statement::Bind(int index, int64_t value) {
  std::lock_guard<std::recursive_mutex> l(db_->mu_);
  int rc = sqlite3_bind_int64(stmt_, index, value);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Error(rc);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  std::lock_guard<std::recursive_mutex> l(db_->mu_);
  int rc = sqlite3_bind_blob(stmt_, index, bytes.data() ? bytes.data() : "",
                             static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Error(rc);
  return *this;
}

Statement& Statement::BindNull(int index) {
  std::lock_guard<std::recursive_mutex> l(db_->mu_);
  int rc = sqlite3_bind_null(stmt_, index);
  if (rc != SQLITE_OK && bind_error_.ok()) bind_error_ = Error(rc);
  return *this;
}

Result<bool> Statement::Step() {
  if (!bind_error_.ok()) return bind_error_;
  std::lock_guard<std::recursive_mutex> l(db_->mu_);
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Error(rc);
}

Status Statement::Run() {
  while (true) {
    ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::OK();
  }
}

void Statement::Reset() {
  std::lock_guard<std::recursive_mutex> l(db_->mu_);
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  bind_error_ = Status::OK();
}

std::optional<std::string> Statement::Text(int column) const {
  std::lock_guard<std::recursive_mutex> l(db_->mu_);
  if (sqlite3_column_type(stmt_, column) == SQLITE_NULL) return std::nullopt;
  const void* p = sqlite3_column_blob(stmt_, column);
  const int n = sqlite3_column_bytes(stmt_, column);
  return std::string(p ? static_cast<const char*>(p) : "", static_cast<size_t>(n));
}

int64_t Statement::Int(int column) const {
  std::lock_guard<std::recursive_mutex> l(db_->mu_);
  return sqlite3_column_int64(stmt_, column);
}

bool Statement::IsNull(int column) const {
  std::lock_guard<std::recursive_mutex> l(db_->mu_);
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Status MetadataDb::Error(int rc, std::string_view what) const {
  std::string msg = path_ + ": " + std::string(what) + ": ";
  const char* detail = db_ ? sqlite3_errmsg(db_) : nullptr;
  msg += detail ? detail : sqlite3_errstr(rc);
  return Status(CodeOf(rc), msg);
}

Result<std::unique_ptr<MetadataDb>> MetadataDb::Open(const std::string& path,
                                                     const Migrations& migrations) {
  sqlite3* raw = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  std::unique_ptr<MetadataDb> db(new MetadataDb(raw, path));
  if (rc != SQLITE_OK) return db->Error(rc, "open");
  sqlite3_busy_timeout(raw, 5000);
  sqlite3_extended_result_codes(raw, 1);
  // WAL: readers never block the writer. synchronous=FULL: every commit is fsynced (registry
  // changes are rare, and a store must never exist on disk without its registry row surviving).
  if (path != ":memory:") RETURN_IF_ERROR(db->Exec("PRAGMA journal_mode=WAL"));
  RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON"));

  ASSIGN_OR_RETURN(Statement version, db->Prepare("PRAGMA user_version"));
  ASSIGN_OR_RETURN(bool row, version.Step());
  const int64_t current = row ? version.Int(0) : 0;
  if (current > static_cast<int64_t>(migrations.size())) {
    return Status::FailedPrecondition(path + ": schema version " + std::to_string(current) +
                                      " is newer than this cairn knows (" +
                                      std::to_string(migrations.size()) + "); upgrade cairn");
  }
  for (size_t v = static_cast<size_t>(current); v < migrations.size(); ++v) {
    Status s = db->Transaction([&] {
      RETURN_IF_ERROR(db->Exec(migrations[v]).WithPrefix("migration " + std::to_string(v + 1)));
      return db->Exec("PRAGMA user_version=" + std::to_string(v + 1));
    });
    RETURN_IF_ERROR(s);
  }
  db->schema_version_ = static_cast<int>(migrations.size());
  return db;
}

MetadataDb::~MetadataDb() {
  if (db_) sqlite3_close_v2(db_);
}

Status MetadataDb::ExecLocked(std::string_view sql) {
  char* err = nullptr;
  const std::string s(sql);
  int rc = sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = path_ + ": " + Abbrev(sql) + ": " + (err ? err : sqlite3_errstr(rc));
    sqlite3_free(err);
    return Status(CodeOf(rc), msg);
  }
  return Status::OK();
}

Status MetadataDb::Exec(std::string_view sql) {
  std::lock_guard<std::recursive_mutex> l(mu_);
  return ExecLocked(sql);
}

Result<Statement> MetadataDb::Prepare(std::string_view sql) {
  std::lock_guard<std::recursive_mutex> l(mu_);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "prepare " + Abbrev(sql));
  return Statement(this, stmt, std::string(sql));
}

Status MetadataDb::Transaction(const std::function<Status()>& fn) {
  std::lock_guard<std::recursive_mutex> l(mu_);
  RETURN_IF_ERROR(ExecLocked("BEGIN IMMEDIATE"));
  Status s = fn();
  if (!s.ok()) {
    ExecLocked("ROLLBACK").IgnoreError();
    return s;
  }
  s = ExecLocked("COMMIT");
  if (!s.ok()) ExecLocked("ROLLBACK").IgnoreError();
  return s;
}

}  // namespace cairn::cloud
