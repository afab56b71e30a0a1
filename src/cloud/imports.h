// src/cloud/imports.h
//
// Imports copies trail log files into an event data store in the background (spec lake.md §8):
// StartImport checks the request and starts one import thread; the thread walks the source folder
// (a `file://` URI: cairn's stand-in for the S3 bucket; every envelope of cloudtrail-events.md §9,
// gzip or not; digest and Insights files skipped), keeps the files whose delivery date (from the
// CloudTrail key layout) falls in [StartEventTime, EndEventTime], parses them on two threads and
// appends every event to the destination (its selectors and region are ignored, as the Lake does;
// duplicates by eventID are dropped by the store). Statuses: INITIALIZING -> IN_PROGRESS ->
// COMPLETED (no failed entries) | FAILED | STOPPED.
//
// Statistics (PrefixesFound, PrefixesCompleted, FilesCompleted, EventsCompleted, FailedEntries)
// are counted per account as well as in total: files and failed entries by the account of the
// file's key layout, events by the event's account. A caller that does not read every account
// (ReadScopeOf) sees only its own account's numbers, so an organization-wide import reveals
// nothing about other accounts to a member.
//
// Imports live in metadata.db (lake_imports); one import at a time per account
// (AccountHasOngoingImportException). An import running when the server stopped is FAILED at the
// next start.
//
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cloud/event_data_stores.h"
#include "common/status.h"

namespace cairn::cloud {

struct ImportStatistics {
  uint64_t prefixes_found = 0;
  uint64_t prefixes_completed = 0;
  uint64_t files_completed = 0;
  uint64_t events_completed = 0;
  uint64_t failed_entries = 0;
};

// One ListImportFailures entry: a file (relative to the source folder) and what went wrong.
struct ImportFailure {
  std::string location;
  std::string error_type;  // InvalidRecord (a rejected record), ImportError (the import stopped)
  std::string error_message;
  std::string account;  // the key layout's account ("" when the path has none)
  int64_t updated_us = 0;
};

struct ImportSource {
  std::string uri;  // file:///absolute/folder
  std::string bucket_region;
  std::string role_arn;
};

struct ImportRecord {
  std::string id;
  std::string account;  // who started it
  std::string region;
  std::string destination;  // the store's ARN
  ImportSource source;
  int64_t start_us = 0, end_us = 0;  // 0: unbounded
  std::string status;
  ImportStatistics total;
  std::map<std::string, ImportStatistics> by_account;
  std::vector<ImportFailure> failures;  // the first kMaxFailures
  int64_t created_us = 0, updated_us = 0;
};

class Imports {
 public:
  static constexpr size_t kMaxFailures = 1000;

  // REQUIRES: dir and stores outlive the registry. Registers a delete guard with `stores`
  // (EventDataStoreHasOngoingImportException).
  static Result<std::unique_ptr<Imports>> Open(DataDir* dir, EventDataStores* stores);
  ~Imports();  // Close()

  // A new import (`destinations` must hold exactly one store), or, with `retry_id`, runs a
  // FAILED or STOPPED import again.
  Result<ImportRecord> Start(const Caller& caller, const std::vector<std::string>& destinations,
                             const ImportSource& source, std::optional<int64_t> start_us,
                             std::optional<int64_t> end_us,
                             const std::optional<std::string>& retry_id);
  // The import as the caller may see it (statistics narrowed to its account when restricted).
  Result<ImportRecord> Get(const Caller& caller, std::string_view id);
  Result<ImportRecord> Stop(const Caller& caller, std::string_view id);
  Result<std::vector<ImportRecord>> List(const Caller& caller,
                                         const std::optional<std::string>& destination,
                                         const std::optional<std::string>& status);

  // The import's failures (only the caller's account's when it does not read every account).
  Result<std::vector<ImportFailure>> Failures(const Caller& caller, std::string_view id);

  // Stops running imports and waits for them.
  Status Close();

 private:
  struct Job;
  Imports(DataDir* dir, EventDataStores* stores) : dir_(dir), stores_(stores) {}
  Status Load();
  Status SaveLocked(const ImportRecord& r, bool insert);
  void RunJob(const std::shared_ptr<Job>& job);
  bool VisibleTo(const Caller& caller, const ImportRecord& r);
  ImportRecord ViewFor(const Caller& caller, const ImportRecord& r) const;

  DataDir* const dir_;
  EventDataStores* const stores_;
  std::mutex mu_;
  std::map<std::string, ImportRecord> imports_;
  std::map<std::string, std::shared_ptr<Job>> running_;
  std::vector<std::thread> threads_;
  bool closed_ = false;
};

}  // namespace cairn::cloud
