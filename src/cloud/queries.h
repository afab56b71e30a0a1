// src/cloud/queries.h
//
// Queries runs CloudTrail Lake queries asynchronously (spec lake.md §3): StartQuery checks the
// statement and the stores it names synchronously, then queues the query on a worker pool; a
// worker runs it through RunLakeQuery (src/cloud/lake_query.h) and keeps the rendered result rows
// for GetQueryResults paging. Statuses: QUEUED -> RUNNING -> FINISHED | FAILED | CANCELLED |
// TIMED_OUT, with the Lake's statistics.
//
// Access: a query may name only stores its caller can see (EventDataStores::ResolveForRead); a
// caller whose principal does not read every account (ReadScopeOf) gets restrict_account set to
// its own account, so every scan of the query sees only that account's events. A query belongs to
// its caller's account and region: other accounts' queries are QueryIdNotFound.
//
// Persistence: the query's row (statement, status, statistics, error) is in metadata.db
// (lake_queries); result rows are written to DIR/query-results/<id>.jsonl (one JSON row per line,
// through Env) when the query ends, and read back from there after a restart. Queries that were
// QUEUED or RUNNING when the server stopped are FAILED at the next start. Results and queries are
// kept for 7 days (the Lake's retention), then forgotten.
//
// Limits: 10 QUEUED + RUNNING queries per account (MaxConcurrentQueriesException); each query's
// time limit (TIMED_OUT; partial results are not kept) and memory limit.
//
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cloud/event_data_stores.h"
#include "cloud/lake_query.h"
#include "common/status.h"

namespace cairn::cloud {

struct QueryRecord {
  std::string id;
  std::string account;
  std::string region;
  std::string statement;
  std::vector<std::string> stores;  // ids of the stores the statement names
  std::string status;               // QUEUED, RUNNING, FINISHED, FAILED, CANCELLED, TIMED_OUT
  std::string error_message;
  std::string restrict_account;  // empty: every account
  LakeQueryStatistics statistics;
  int64_t created_us = 0;
  int64_t finished_us = 0;
};

struct QueryResultsPage {
  QueryRecord query;
  std::vector<std::string> rows;  // each row's JSON: [{"col":"value"}, ...]
  std::optional<std::string> next_token;
};

class Queries {
 public:
  struct Options {
    size_t workers = 2;          // 0: queries stay QUEUED (tests of the queue and its limits)
    size_t max_concurrent = 10;  // QUEUED + RUNNING per account
    int64_t time_limit_ms = 3'600'000;
    int64_t memory_limit_bytes = int64_t{2} << 30;
    int64_t retention_us = 7LL * 24 * 3600 * 1000000;  // results and ListQueries horizon
    size_t cached_results = 16;                        // results kept in memory
  };

  // REQUIRES: dir and stores outlive the Queries.
  static Result<std::unique_ptr<Queries>> Open(DataDir* dir, EventDataStores* stores,
                                               Options options);
  ~Queries();  // Close()

  Result<QueryRecord> Start(const Caller& caller, const std::string& statement);
  Result<QueryRecord> Describe(const Caller& caller, std::string_view query_id);
  // REQUIRES: 1 <= max_results <= 1000.
  Result<QueryResultsPage> GetResults(const Caller& caller, std::string_view query_id,
                                      const std::optional<std::string>& next_token,
                                      size_t max_results);
  // Queries on store `store_ref` of the past 7 days, newest first, filtered by creation time
  // and status (empty: any).
  Result<std::vector<QueryRecord>> List(const Caller& caller, std::string_view store_ref,
                                        std::optional<int64_t> start_us,
                                        std::optional<int64_t> end_us, std::string_view status);
  Result<QueryRecord> Cancel(const Caller& caller, std::string_view query_id);

  // Queries QUEUED and RUNNING now, over all accounts (the /metrics gauges).
  struct ActiveCounts {
    size_t queued = 0;
    size_t running = 0;
  };
  ActiveCounts Active();

  // Cancels running queries, drains the queue (queued queries end CANCELLED) and joins workers.
  Status Close();

 private:
  struct Running;
  Queries(DataDir* dir, EventDataStores* stores, Options options)
      : dir_(dir), stores_(stores), options_(options) {}
  Status Recover();
  void Worker();
  void Run(const std::shared_ptr<Running>& q);
  Status SaveLocked(const QueryRecord& r, bool insert);
  Result<QueryRecord> FindVisible(const Caller& caller, std::string_view query_id);
  std::string ResultPath(const std::string& id) const;
  Result<std::shared_ptr<const std::vector<std::string>>> LoadRows(const QueryRecord& r);
  std::string Token(const std::string& id, size_t offset) const;

  DataDir* const dir_;
  EventDataStores* const stores_;
  const Options options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, QueryRecord> queries_;              // by id (the last 7 days)
  std::map<std::string, std::shared_ptr<Running>> active_;  // QUEUED and RUNNING
  std::deque<std::shared_ptr<Running>> queue_;
  std::deque<std::pair<std::string, std::shared_ptr<const std::vector<std::string>>>> cache_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace cairn::cloud
