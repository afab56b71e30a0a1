// src/cloud/data_dir.h
//
// DataDir is cairn's data folder (DESIGN.md §2, §5): it opens DIR, keeps the registry of the
// stores in DIR/metadata.db (MetadataDb), and opens the stores themselves lazily:
//
//   DIR/metadata.db                   registry: stores, settings (schema: data_dir.cc)
//   DIR/eds/<id>/                     an event data store (EventStore folder)
//   DIR/history/<account>/<region>/   an account's event history in a region (EventHistory)
//
// The organization's event data store (all events of all accounts, filled by `cairn import`) is
// created on first use with a Lake-style id (a random UUID). A history is registered and created
// the first time an event of its account and region arrives. How events are split between them is
// src/cloud/router.h; the storage model is in doc/history.md.
//
// A store is registered before its folder is created, so a crash in between leaves a registered
// store without a MANIFEST, which the next open creates; never a folder nobody knows about.
//
// One opener at a time: Open takes an exclusive lock on DIR/LOCK (Env::LockFile) that it holds
// until destruction, so a second process (say `cairn query` while `cairn serve` runs) gets a clear
// kUnavailable naming the holder instead of replaying the same write-ahead logs concurrently.
// Callers that only use the registry's SQLite database, which has its own locking, may open with
// `lock = false` (the `accounts` and `credentials` commands, which run beside `cairn serve`).
//
// Thread-safety: every method may be called from many threads at once. Store pointers returned
// stay valid until Close() or destruction.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cloud/metadata_db.h"
#include "common/env.h"
#include "common/status.h"
#include "store/event_history.h"
#include "store/event_store.h"

namespace cairn::cloud {

enum class StoreKind { kEventDataStore, kHistory };
// "event-data-store" / "history": the names used in metadata.db and `cairn stores`.
std::string_view StoreKindName(StoreKind kind);

struct StoreRecord {
  std::string id;  // event data store: a UUID; history: "history/<account>/<region>"
  StoreKind kind = StoreKind::kEventDataStore;
  std::string name;     // event data store name ("organization"); empty for histories
  std::string account;  // history: its account
  std::string region;   // history: its region
  std::string path;     // the store folder, relative to the data folder
  int64_t created_us = 0;
  uint32_t retention_days = 0;
};

struct DataDirOptions {
  // Engine options of event data stores and of histories (settings are filled in per store).
  StoreOptions store_options;
  StoreOptions history_options;
  // Where the registry lives; default DIR/metadata.db. ":memory:" for tests over a MemEnv.
  std::string metadata_path;
  // Create DIR (and the registry) when missing; otherwise kNotFound.
  bool create_if_missing = true;
  // Take DIR/LOCK. false: the caller promises to use metadata() only, never a store.
  bool lock = true;
  // Who is opening ("pid 12 (cairn serve)"), written into DIR/LOCK for the next opener's error.
  std::string holder = "a cairn process";

  DataDirOptions();
};

class DataDir {
 public:
  static constexpr std::string_view kOrganizationStoreName = "organization";
  static constexpr uint32_t kOrganizationRetentionDays = 2557;  // FIXED_RETENTION default (7 years)

  // Opens the data folder `dir` (creating it if allowed). REQUIRES: env outlives the DataDir.
  static Result<std::unique_ptr<DataDir>> Open(Env* env, const std::string& dir,
                                               const DataDirOptions& options = {});
  ~DataDir();  // Close()s, ignoring errors
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;

  // The registry, ordered by kind (event data stores first), then account, region, id.
  Result<std::vector<StoreRecord>> ListStores();
  Result<std::optional<StoreRecord>> FindStore(const std::string& id);

  // The organization's event data store. When it does not exist yet: creates it if `create`,
  // else kNotFound.
  Result<StoreRecord> OrganizationStore(bool create);
  // The open store of an event data store record (opened on first call, then cached).
  Result<EventStore*> OpenEventDataStore(const StoreRecord& record);

  // The history of `account` in `region`, opened (and registered and created, if `create`) on
  // first call, then cached. kNotFound when it does not exist and !create; kInvalidArgument when
  // the account or region cannot name a folder (see ValidHistoryKey).
  Result<EventHistory*> History(const std::string& account, const std::string& region, bool create);

  // Whether `account` and `region` can name a history: 1 to 64 characters of [A-Za-z0-9._-],
  // not starting with '.'. Event data is untrusted: nothing else may reach a path.
  static bool ValidHistoryKey(std::string_view account, std::string_view region);

  // The key that signs LookupEvents tokens: 32 random bytes made with the data folder.
  const std::string& token_key() const { return token_key_; }
  Env* env() const { return env_; }
  const std::string& dir() const { return dir_; }
  MetadataDb* metadata() { return db_.get(); }

  // Adds `record` to the registry (an INSERT, no transaction of its own: callers may run it inside
  // theirs). The store folder is created by the first OpenEventDataStore.
  Status Register(const StoreRecord& record);
  // Deletes event data store `id`: its registry row (in one transaction with `in_transaction`,
  // which removes the rows that reference it), then closes it if open and removes its folder.
  Status DropEventDataStore(const std::string& id,
                            const std::function<Status()>& in_transaction = nullptr);

  // Flushes the memtables of every open store into segments (in parallel); the first error is
  // returned. Import calls it at the end so that the data is in segments rather than WAL files.
  Status FlushOpenStores();

  // Closes every open store; the first error is returned. Later calls do nothing.
  Status Close();

 private:
  DataDir(Env* env, std::string dir, DataDirOptions options, std::unique_ptr<FileLock> lock,
          std::unique_ptr<MetadataDb> db)
      : env_(env),
        dir_(std::move(dir)),
        options_(std::move(options)),
        lock_(std::move(lock)),
        db_(std::move(db)) {}
  Status LoadSettings();
  Result<std::optional<StoreRecord>> FindHistoryLocked(const std::string& account,
                                                       const std::string& region);
  std::string Path(const StoreRecord& record) const { return dir_ + "/" + record.path; }

  Env* const env_;
  const std::string dir_;
  const DataDirOptions options_;
  std::unique_ptr<FileLock> lock_;  // null when opened with lock = false; released last
  std::unique_ptr<MetadataDb> db_;
  std::string token_key_;

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<EventStore>> stores_;       // by id
  std::map<std::string, std::unique_ptr<EventHistory>> histories_;  // by id
  bool closed_ = false;
};

// A random (version 4) UUID in the Lake's form: 36 lower-case hex digits and dashes.
std::string NewUuid();

}  // namespace cairn::cloud
