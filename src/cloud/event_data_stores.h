// src/cloud/event_data_stores.h
//
// EventDataStores is the CloudTrail Lake registry of event data stores (spec lake.md §2): their
// configuration and lifecycle, kept in metadata.db (table lake_event_data_stores, migration 2 in
// data_dir.cc) beside the data folder's store registry (table stores), and the routing of new
// events to the stores whose advanced event selectors take them.
//
// Ownership and visibility (doc/access.md, doc/lake-api.md): a store belongs to the account and
// region it was created in. A principal sees, in its region, the stores of its own account and the
// organization stores; a management-account admin or auditor sees every account's stores. Only an
// admin of the owning account (or of the management account) may change a store; only the
// management account may create or change organization stores. Stores a principal may not see are
// reported as not found, so listings and errors never reveal other accounts' stores.
//
// Lifecycle (spec §2.4): CREATED (reported by Create only) -> ENABLED <-> STOPPED_INGESTION;
// Delete -> PENDING_DELETION (7 days, Restore brings it back) -> purged (registry row and folder).
// The purge runs lazily, at the next registry operation after the wait.
//
// The data folder's organization store that `cairn import` fills is adopted at Open as an
// organization store of the management account (all CloudTrail events, FIXED_RETENTION_PRICING).
//
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cloud/data_dir.h"
#include "cloud/event_data_store_selectors.h"
#include "cloud/principal.h"
#include "common/status.h"
#include "event/event.h"

namespace cairn::cloud {

using TagList = std::vector<std::pair<std::string, std::string>>;

// Tags as kept in metadata.db: a JSON array of {"Key","Value"} objects (event data stores and
// channels). TagsFromJson skips entries without both members and reads bad JSON as no tags.
std::string TagsJson(const TagList& tags);
TagList TagsFromJson(std::string_view json);

struct EventDataStoreInfo {
  std::string id;  // UUID: the SQL table name
  std::string account;
  std::string region;
  std::string name;
  std::string status;  // ENABLED, STOPPED_INGESTION, PENDING_DELETION
  EventSelectorSet selectors;
  bool multi_region = true;
  bool organization = false;
  bool termination_protection = true;
  uint32_t retention_days = 366;
  std::string billing_mode = "EXTENDABLE_RETENTION_PRICING";
  std::string kms_key_id;
  TagList tags;
  int64_t created_us = 0;
  int64_t updated_us = 0;
  int64_t deletion_us = 0;  // when PENDING_DELETION began

  std::string Arn() const;
};

struct CreateEventDataStoreRequest {
  std::string name;
  std::optional<EventSelectorSet> selectors;
  std::optional<bool> multi_region, organization, termination_protection, start_ingestion;
  std::optional<int64_t> retention_days;
  std::optional<std::string> billing_mode, kms_key_id;
  TagList tags;
};

struct UpdateEventDataStoreRequest {
  std::string store;  // ARN or id
  std::optional<std::string> name;
  std::optional<EventSelectorSet> selectors;
  std::optional<bool> multi_region, organization, termination_protection;
  std::optional<int64_t> retention_days;
  std::optional<std::string> billing_mode, kms_key_id;
};

// The caller of a registry operation.
struct Caller {
  const Principal* principal = nullptr;
  std::string region;
  int64_t now_us = 0;
};

class EventDataStores {
 public:
  struct Options {
    std::string management_account;         // adopts the import-created organization store when set
    std::string home_region = "us-east-1";  // the adopted store's region
    size_t max_stores = 10;                 // per account and region, every status counted
    int64_t deletion_wait_us = 7LL * 24 * 3600 * 1000000;
  };

  // REQUIRES: `dir` outlives the registry.
  static Result<std::unique_ptr<EventDataStores>> Open(DataDir* dir, Options options);

  // The operations; errors carry the AWS names of spec §2.
  Result<EventDataStoreInfo> Create(const Caller& caller, const CreateEventDataStoreRequest& req);
  Result<EventDataStoreInfo> Get(const Caller& caller, std::string_view ref);
  Result<std::vector<EventDataStoreInfo>> List(const Caller& caller);
  Result<EventDataStoreInfo> Update(const Caller& caller, const UpdateEventDataStoreRequest& req);
  Status Delete(const Caller& caller, std::string_view ref);
  Result<EventDataStoreInfo> Restore(const Caller& caller, std::string_view ref);
  Status StartIngestion(const Caller& caller, std::string_view ref);
  Status StopIngestion(const Caller& caller, std::string_view ref);
  // Tags (AddTags / ListTags / RemoveTags on the store's ARN): GetTags for a store the caller
  // sees, SetTags replaces the list of a store the caller may change (spec limits: ValidateTags).
  Result<TagList> GetTags(const Caller& caller, std::string_view ref);
  Status SetTags(const Caller& caller, std::string_view ref, const TagList& tags);

  // A store the caller may read (queries): visible and not PENDING_DELETION
  // (InactiveEventDataStoreException).
  Result<EventDataStoreInfo> ResolveForRead(const Caller& caller, std::string_view ref);
  // A store the caller may write to (imports, channel destinations): owned by the caller's
  // account (or the caller is a management admin), active.
  Result<EventDataStoreInfo> ResolveForWrite(const Caller& caller, std::string_view ref);
  // Any store by id, no access check (background work that already checked).
  std::optional<EventDataStoreInfo> FindById(const std::string& id);

  // The open event store behind `id`.
  Result<EventStore*> OpenStore(const std::string& id);

  // Appends to every ENABLED CloudTrail-family store the events of `batch` its selectors take,
  // within its scope (an organization store: every account; otherwise its own account's events,
  // by recipientAccountId, else userIdentity.accountId; a single-region store: its region's).
  // Returns the number of (store, event) pairs appended. Durable on return.
  Result<uint64_t> Ingest(const EventBatch& batch);

  // A check Delete runs before a store goes to PENDING_DELETION (channels: ChannelExistsForEDS,
  // imports: EventDataStoreHasOngoingImport). Returns the error that refuses the deletion.
  using DeleteGuard = std::function<Status(const EventDataStoreInfo&)>;
  void SetDeleteGuard(DeleteGuard guard);

  // Stores whose PENDING_DELETION wait is over are deleted (registry and folder).
  Status PurgeExpired(int64_t now_us);

  DataDir* data_dir() const { return dir_; }

 private:
  EventDataStores(DataDir* dir, Options options) : dir_(dir), options_(std::move(options)) {}
  Status Load();
  Status Adopt();
  Status Save(const EventDataStoreInfo& info, bool insert);
  // The store `ref` names, if the caller can see it; else the AWS error.
  Result<EventDataStoreInfo> FindVisible(const Caller& caller, std::string_view ref);
  Status CheckCanModify(const Caller& caller, const EventDataStoreInfo& info) const;
  bool VisibleTo(const Caller& caller, const EventDataStoreInfo& info) const;

  DataDir* const dir_;
  const Options options_;
  std::mutex mu_;                                     // serialises registry changes; guards stores_
  std::map<std::string, EventDataStoreInfo> stores_;  // by id
  std::vector<DeleteGuard> delete_guards_;
};

// Parses an event data store reference: the full ARN or the id alone. Returns the id, or
// EventDataStoreARNInvalidException when `ref` is neither.
Result<std::string> ParseEventDataStoreRef(std::string_view ref);

// The account an event belongs to (the tenancy key): recipientAccountId, else
// userIdentity.accountId; NULL when neither is present.
Str EventAccount(const Event& e);

}  // namespace cairn::cloud
