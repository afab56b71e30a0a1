#include "cloud/data_dir.h"

#include <openssl/rand.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

namespace cairn::cloud {
namespace {

// The registry schema, one entry per version (PRAGMA user_version). Never edit a released entry:
// append a migration.
const MetadataDb::Migrations& Migrations() {
  static const MetadataDb::Migrations kMigrations = {
      // 1: the store registry and data-folder settings.
      R"sql(
        CREATE TABLE stores (
          id             TEXT PRIMARY KEY,
          kind           TEXT NOT NULL CHECK (kind IN ('event-data-store', 'history')),
          name           TEXT NOT NULL DEFAULT '',
          account        TEXT NOT NULL DEFAULT '',
          region         TEXT NOT NULL DEFAULT '',
          path           TEXT NOT NULL UNIQUE,
          created_us     INTEGER NOT NULL,
          retention_days INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX stores_history ON stores (account, region) WHERE kind = 'history';
        CREATE TABLE settings (
          key   TEXT PRIMARY KEY,
          value BLOB NOT NULL
        );
      )sql",
      // 2: CloudTrail Lake control plane (src/cloud/event_data_stores.cc, queries.cc,
      // imports.cc, channels.cc; doc/lake-api.md).
      R"sql(
        CREATE TABLE lake_event_data_stores (
          id                     TEXT PRIMARY KEY REFERENCES stores (id),
          account                TEXT NOT NULL,
          region                 TEXT NOT NULL,
          name                   TEXT NOT NULL,
          status                 TEXT NOT NULL,
          selectors              TEXT NOT NULL,
          multi_region           INTEGER NOT NULL,
          organization           INTEGER NOT NULL,
          termination_protection INTEGER NOT NULL,
          billing_mode           TEXT NOT NULL,
          kms_key_id             TEXT NOT NULL DEFAULT '',
          tags                   TEXT NOT NULL DEFAULT '[]',
          created_us             INTEGER NOT NULL,
          updated_us             INTEGER NOT NULL,
          deletion_us            INTEGER NOT NULL DEFAULT 0,
          UNIQUE (account, region, name)
        );
        CREATE TABLE lake_queries (
          id           TEXT PRIMARY KEY,
          account      TEXT NOT NULL,
          region       TEXT NOT NULL,
          stores       TEXT NOT NULL,
          statement    TEXT NOT NULL,
          status       TEXT NOT NULL,
          error        TEXT NOT NULL DEFAULT '',
          statistics   TEXT NOT NULL DEFAULT '{}',
          restrict_account TEXT NOT NULL DEFAULT '',
          created_us   INTEGER NOT NULL,
          finished_us  INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX lake_queries_by_time ON lake_queries (account, created_us);
        CREATE TABLE lake_imports (
          id           TEXT PRIMARY KEY,
          account      TEXT NOT NULL,
          region       TEXT NOT NULL,
          destination  TEXT NOT NULL,
          source       TEXT NOT NULL,
          start_us     INTEGER NOT NULL DEFAULT 0,
          end_us       INTEGER NOT NULL DEFAULT 0,
          status       TEXT NOT NULL,
          statistics   TEXT NOT NULL DEFAULT '{}',
          created_us   INTEGER NOT NULL,
          updated_us   INTEGER NOT NULL
        );
        CREATE TABLE lake_channels (
          id           TEXT PRIMARY KEY,
          account      TEXT NOT NULL,
          region       TEXT NOT NULL,
          name         TEXT NOT NULL,
          source       TEXT NOT NULL,
          destinations TEXT NOT NULL,
          tags         TEXT NOT NULL DEFAULT '[]',
          ingestion    TEXT NOT NULL DEFAULT '{}',
          created_us   INTEGER NOT NULL,
          UNIQUE (account, region, name)
        );
      )sql",
      // 3: the organization's accounts and credentials (src/cloud/organization.h). Secrets are
      // sealed (AES-256-GCM, secret_box.h), never in plain text.
      R"sql(
        CREATE TABLE accounts (
          id         TEXT PRIMARY KEY,
          name       TEXT NOT NULL UNIQUE,
          management INTEGER NOT NULL DEFAULT 0 CHECK (management IN (0, 1)),
          created_us INTEGER NOT NULL
        );
        CREATE UNIQUE INDEX accounts_management ON accounts (management) WHERE management = 1;
        CREATE TABLE credentials (
          access_key_id TEXT PRIMARY KEY,
          account_id    TEXT NOT NULL REFERENCES accounts (id),
          role          TEXT NOT NULL CHECK (role IN ('admin', 'auditor', 'member-reader')),
          secret_sealed BLOB NOT NULL,
          created_us    INTEGER NOT NULL,
          revoked_us    INTEGER
        );
        CREATE INDEX credentials_account ON credentials (account_id);
      )sql",
      // 4: trails, the tags of trails (src/cloud/trails.h) and the per-region digest signing keys
      // (src/cloud/signing_keys.h; private keys sealed like secrets).
      R"sql(
        CREATE TABLE trails (
          account_id          TEXT NOT NULL,
          home_region         TEXT NOT NULL,
          name                TEXT NOT NULL,
          s3_bucket           TEXT NOT NULL,
          s3_key_prefix       TEXT,
          sns_topic           TEXT,
          include_global      INTEGER NOT NULL,
          multi_region        INTEGER NOT NULL,
          log_file_validation INTEGER NOT NULL,
          cw_log_group_arn    TEXT,
          cw_role_arn         TEXT,
          kms_key_id          TEXT,
          organization        INTEGER NOT NULL,
          event_selectors     TEXT NOT NULL,
          custom_selectors    INTEGER NOT NULL,
          insight_selectors   TEXT NOT NULL,
          logging             INTEGER NOT NULL,
          start_logging_us    INTEGER,
          stop_logging_us     INTEGER,
          created_us          INTEGER NOT NULL,
          updated_us          INTEGER NOT NULL,
          PRIMARY KEY (account_id, home_region, name)
        );
        CREATE TABLE resource_tags (
          resource_arn TEXT NOT NULL,
          key          TEXT NOT NULL,
          value        TEXT,
          PRIMARY KEY (resource_arn, key)
        );
        CREATE TABLE signing_keys (
          fingerprint    TEXT PRIMARY KEY,
          region         TEXT NOT NULL,
          public_der     BLOB NOT NULL,
          private_sealed BLOB NOT NULL,
          valid_from_us  INTEGER NOT NULL,
          valid_to_us    INTEGER NOT NULL
        );
        CREATE INDEX signing_keys_region ON signing_keys (region, valid_from_us);
      )sql",
  };
  return kMigrations;
}

constexpr const char* kStoreColumns =
    "id, kind, name, account, region, path, created_us, retention_days";

StoreRecord RecordOf(const Statement& s) {
  StoreRecord r;
  r.id = s.Text(0).value_or("");
  r.kind = s.Text(1).value_or("") == "history" ? StoreKind::kHistory : StoreKind::kEventDataStore;
  r.name = s.Text(2).value_or("");
  r.account = s.Text(3).value_or("");
  r.region = s.Text(4).value_or("");
  r.path = s.Text(5).value_or("");
  r.created_us = s.Int(6);
  r.retention_days = static_cast<uint32_t>(s.Int(7));
  return r;
}

bool ValidKeyPart(std::string_view s) {
  if (s.empty() || s.size() > 64 || s[0] == '.') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string_view StoreKindName(StoreKind kind) {
  return kind == StoreKind::kHistory ? "history" : "event-data-store";
}

DataDirOptions::DataDirOptions() {
  // A history holds one account+region: small memtables keep an organization's many histories
  // within the memory of one event data store.
  history_options.memtable_bytes = 4ull << 20;
  // A history's merges read up to this much back: small, since the organization store and a
  // dozen histories share the data folder's memory (and one compaction gate, see Open).
  history_options.compaction.max_input_raw_bytes = 32ull << 20;
  // ... and a history's segment stops being small (a merge candidate) at that size too, so the
  // segments an import writes directly (RouterOptions::direct_history_raw_bytes) stay as written.
  history_options.compaction.small_segment_raw_bytes = 32ull << 20;
  // Event data stores: two memtables (one filling, one flushing) of this size are the largest
  // steady part of an import's memory (doc/history.md, "Memory").
  store_options.memtable_bytes = 48ull << 20;
  // Compaction outputs and an import's direct writes: zstd level 1 for the plain, UUID and fixed
  // pages (the code group and dictionaries keep their own minimum levels, segment_writer.cc).
  // Against level 6 it cuts ~25% of the segment writer's CPU for ~2.6 bytes per event on the 1M
  // dataset, paid for by smaller trained zstd dictionaries (doc/benchmarks.md "ingest").
  store_options.compaction_segment_options.compression_level = 1;
  // The event histories too (they were at the default, 3): an import writes two thirds of its
  // events a second time into them, and level 1 costs ~7% less of that writing for +0.15 bytes
  // per history event (doc/benchmarks.md "ingest", session 5).
  history_options.compaction_segment_options.compression_level = 1;
  // The histories' segments are small (<= 36 MB of records, many less): their zstd dictionaries
  // are trained once and kept for the next 8 segments of any history (~5% of the history writer's
  // CPU for +0.2 bytes per history event). Not for the organization store: there it cost
  // +0.35 bytes per event for no measurable CPU.
  history_options.compaction_segment_options.dictionaries = std::make_shared<TrainedDictionaries>();
}

std::string NewUuid() {
  unsigned char b[16];
  if (RAND_bytes(b, sizeof b) != 1) {
    // OpenSSL's generator failing is not recoverable input; fall back to the clock-seeded libc one.
    for (unsigned char& c : b) c = static_cast<unsigned char>(std::rand());
  }
  b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
  char out[37];
  std::snprintf(out, sizeof out,
                "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
                b[15]);
  return out;
}

bool DataDir::ValidHistoryKey(std::string_view account, std::string_view region) {
  return ValidKeyPart(account) && ValidKeyPart(region);
}

Result<std::unique_ptr<DataDir>> DataDir::Open(Env* env, const std::string& dir,
                                               const DataDirOptions& options) {
  const std::string metadata_path =
      options.metadata_path.empty() ? dir + "/metadata.db" : options.metadata_path;
  if (!env->IsDirectory(dir) || (metadata_path != ":memory:" && !env->FileExists(metadata_path))) {
    if (!options.create_if_missing) {
      return Status::NotFound(dir + ": not a cairn data folder (no metadata.db)");
    }
    RETURN_IF_ERROR(env->CreateDirs(dir));
  }
  std::unique_ptr<FileLock> lock;
  if (options.lock) {
    auto l = env->LockFile(dir + "/LOCK", options.holder);
    if (!l.ok()) {
      if (l.status().code() != StatusCode::kUnavailable) return l.status();
      return Status::Unavailable(
          l.status().message() +
          "; one process at a time may open a data folder's stores: stop that process, or use "
          "its API (`cairn serve` answers LookupEvents and Lake queries)");
    }
    lock = std::move(*l);
  }
  ASSIGN_OR_RETURN(std::unique_ptr<MetadataDb> db, MetadataDb::Open(metadata_path, Migrations()));
  DataDirOptions opts = options;
  // One compaction gate for every store of the folder (CompactionOptions::gate), unless the
  // caller gave one.
  auto gate = std::make_shared<std::mutex>();
  if (!opts.store_options.compaction.gate) opts.store_options.compaction.gate = gate;
  if (!opts.history_options.compaction.gate) opts.history_options.compaction.gate = gate;
  // One key digest cache too (doc/store.md, "Key digests"): the dedupe shortcut of all the
  // folder's stores shares one memory budget, whatever their number.
  auto digests = std::make_shared<KeyDigestCache>(opts.store_options.max_digest_bytes);
  if (!opts.store_options.digest_cache) opts.store_options.digest_cache = digests;
  if (!opts.history_options.digest_cache) opts.history_options.digest_cache = digests;
  std::unique_ptr<DataDir> d(
      new DataDir(env, dir, std::move(opts), std::move(lock), std::move(db)));
  RETURN_IF_ERROR(d->LoadSettings());
  return d;
}

Status DataDir::LoadSettings() {
  return db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Statement get,
                     db_->Prepare("SELECT value FROM settings WHERE key = 'token_key'"));
    ASSIGN_OR_RETURN(bool found, get.Step());
    if (found) {
      token_key_ = get.Text(0).value_or("");
      return Status::OK();
    }
    token_key_.resize(32);
    if (RAND_bytes(reinterpret_cast<unsigned char*>(token_key_.data()), 32) != 1) {
      return Status::Internal(dir_ + ": cannot make a random token key (RAND_bytes failed)");
    }
    ASSIGN_OR_RETURN(Statement put,
                     db_->Prepare("INSERT INTO settings (key, value) VALUES ('token_key', ?)"));
    return put.BindBlob(1, token_key_).Run();
  });
}

DataDir::~DataDir() { Close().IgnoreError(); }

Status DataDir::Close() {
  std::lock_guard<std::mutex> l(mu_);
  if (closed_) return Status::OK();
  closed_ = true;
  Status first;
  for (auto& [id, h] : histories_) {
    Status s = h->Close();
    if (first.ok() && !s.ok()) first = s.WithPrefix(id);
  }
  for (auto& [id, store] : stores_) {
    Status s = store->Close();
    if (first.ok() && !s.ok()) first = s.WithPrefix(id);
  }
  histories_.clear();
  stores_.clear();
  return first;
}

Status DataDir::FlushOpenStores() {
  std::vector<std::pair<std::string, EventStore*>> stores;
  {
    std::lock_guard<std::mutex> l(mu_);
    for (auto& [id, h] : histories_) stores.emplace_back(id, h->store());
    for (auto& [id, s] : stores_) stores.emplace_back(id, s.get());
  }
  // A few at a time: while one store compresses its segment, another waits on its fsync.
  std::vector<Status> results(stores.size());
  std::atomic<size_t> next{0};
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min<size_t>(4, stores.size()); ++t) {
    threads.emplace_back([&] {
      for (size_t i = next++; i < stores.size(); i = next++) {
        results[i] = stores[i].second->Flush().WithPrefix(stores[i].first);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Status& s : results) RETURN_IF_ERROR(s);
  return Status::OK();
}

Result<std::vector<StoreRecord>> DataDir::ListStores() {
  ASSIGN_OR_RETURN(Statement q, db_->Prepare(std::string("SELECT ") + kStoreColumns +
                                             " FROM stores ORDER BY kind, account, region, id"));
  std::vector<StoreRecord> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(RecordOf(q));
  }
  return out;
}

Result<std::optional<StoreRecord>> DataDir::FindStore(const std::string& id) {
  ASSIGN_OR_RETURN(Statement q, db_->Prepare(std::string("SELECT ") + kStoreColumns +
                                             " FROM stores WHERE id = ?"));
  q.Bind(1, id);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<StoreRecord>();
  return std::optional<StoreRecord>(RecordOf(q));
}

Status DataDir::Register(const StoreRecord& r) {
  ASSIGN_OR_RETURN(Statement ins, db_->Prepare(std::string("INSERT INTO stores (") + kStoreColumns +
                                               ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
  ins.Bind(1, r.id)
      .Bind(2, StoreKindName(r.kind))
      .Bind(3, r.name)
      .Bind(4, r.account)
      .Bind(5, r.region)
      .Bind(6, r.path)
      .Bind(7, r.created_us)
      .Bind(8, static_cast<int64_t>(r.retention_days));
  return ins.Run();
}

Result<StoreRecord> DataDir::OrganizationStore(bool create) {
  std::lock_guard<std::mutex> l(mu_);
  StoreRecord found;
  bool exists = false;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Statement q, db_->Prepare(std::string("SELECT ") + kStoreColumns +
                                               " FROM stores WHERE kind = 'event-data-store' AND "
                                               "name = ? ORDER BY created_us LIMIT 1"));
    q.Bind(1, kOrganizationStoreName);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (row) {
      found = RecordOf(q);
      exists = true;
      return Status::OK();
    }
    if (!create) return Status::OK();
    found.id = NewUuid();
    found.kind = StoreKind::kEventDataStore;
    found.name = std::string(kOrganizationStoreName);
    found.path = "eds/" + found.id;
    found.created_us = env_->NowMicros();
    found.retention_days = kOrganizationRetentionDays;
    return Register(found);
  }));
  if (!exists && !create) {
    return Status::NotFound(dir_ + ": no organization event data store yet (run `cairn import`)");
  }
  return found;
}

Result<EventStore*> DataDir::OpenEventDataStore(const StoreRecord& record) {
  std::lock_guard<std::mutex> l(mu_);
  if (closed_) return Status::FailedPrecondition(dir_ + ": data folder is closed");
  auto it = stores_.find(record.id);
  if (it != stores_.end()) return it->second.get();
  StoreOptions opts = options_.store_options;
  opts.settings.id = record.id;
  opts.settings.kind = std::string(StoreKindName(record.kind));
  opts.settings.retention_days = record.retention_days;
  const std::string path = Path(record);
  std::unique_ptr<EventStore> store;
  if (env_->FileExists(path + "/MANIFEST")) {
    ASSIGN_OR_RETURN(store, EventStore::Open(env_, path, opts));
  } else {
    ASSIGN_OR_RETURN(store, EventStore::Create(env_, path, opts));
  }
  EventStore* raw = store.get();
  stores_[record.id] = std::move(store);
  return raw;
}

Status DataDir::DropEventDataStore(const std::string& id,
                                   const std::function<Status()>& in_transaction) {
  std::lock_guard<std::mutex> l(mu_);
  StoreRecord record;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Statement q,
                     db_->Prepare(std::string("SELECT ") + kStoreColumns +
                                  " FROM stores WHERE id = ? AND kind = 'event-data-store'"));
    q.Bind(1, id);
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) return Status::NotFound("no event data store " + id);
    record = RecordOf(q);
    if (in_transaction) RETURN_IF_ERROR(in_transaction());
    ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE FROM stores WHERE id = ?"));
    return del.Bind(1, id).Run();
  }));
  auto it = stores_.find(id);
  if (it != stores_.end()) {
    Status s = it->second->Close();
    stores_.erase(it);
    RETURN_IF_ERROR(s.WithPrefix(id));
  }
  // Unregistered now: a crash before the folder is gone leaves a folder nobody opens (garbage, not
  // data anyone can see); the registry never names a store without its data.
  if (env_->IsDirectory(Path(record))) RETURN_IF_ERROR(env_->RemoveAll(Path(record)));
  return Status::OK();
}

Result<std::optional<StoreRecord>> DataDir::FindHistoryLocked(const std::string& account,
                                                              const std::string& region) {
  ASSIGN_OR_RETURN(Statement q, db_->Prepare(std::string("SELECT ") + kStoreColumns +
                                             " FROM stores WHERE kind = 'history' AND account = ? "
                                             "AND region = ?"));
  q.Bind(1, account).Bind(2, region);
  ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<StoreRecord>();
  return std::optional<StoreRecord>(RecordOf(q));
}

Result<EventHistory*> DataDir::History(const std::string& account, const std::string& region,
                                       bool create) {
  if (!ValidHistoryKey(account, region)) {
    return Status::InvalidArgument("event history: account '" + account + "' / region '" + region +
                                   "' cannot name a history");
  }
  const std::string id = "history/" + account + "/" + region;
  std::lock_guard<std::mutex> l(mu_);
  if (closed_) return Status::FailedPrecondition(dir_ + ": data folder is closed");
  auto it = histories_.find(id);
  if (it != histories_.end()) return it->second.get();
  StoreRecord record;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(std::optional<StoreRecord> found, FindHistoryLocked(account, region));
    if (found) {
      record = *found;
      return Status::OK();
    }
    if (!create)
      return Status::NotFound("no event history for account " + account + " in " + region);
    record.id = id;
    record.kind = StoreKind::kHistory;
    record.account = account;
    record.region = region;
    record.path = id;
    record.created_us = env_->NowMicros();
    record.retention_days = EventHistory::kRetentionDays;
    return Register(record);
  }));
  ASSIGN_OR_RETURN(
      std::unique_ptr<EventHistory> h,
      EventHistory::Open(env_, Path(record), account, region, options_.history_options));
  EventHistory* raw = h.get();
  histories_[id] = std::move(h);
  return raw;
}

}  // namespace cairn::cloud
