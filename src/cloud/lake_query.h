// src/cloud/lake_query.h
//
// Runs one CloudTrail Lake SQL statement against the event data stores of a data folder: the
// shared back end of `cairn query` and of the Lake API (StartQuery). Table names are event data
// store ids from the folder's registry (DataDir); each store named is read through a snapshot
// taken when the statement is bound, so the whole query sees one consistent view of each store.
//
// Access: LakeQueryOptions::restrict_account confines every scan to one account's events
// (recipientAccountId = account), evaluated by the store inside the scan; no operator above the
// scan ever sees another account's rows, so counts, aggregates, joins, subqueries and UNNEST
// cannot leak them. The API layer sets it for a member account's principal.
//
// Limits: a time limit (kDeadlineExceeded), a memory limit on materialized state
// (kResourceExhausted) and an optional cancel flag (kCancelled), each ending only this query.
// Statement errors (Lake exception names, see src/sql/sql_error.h) are kInvalidArgument /
// kNotFound with the exception name at the start of the message.
//
// Thread-safety: RunLakeQuery and ValidateLakeQuery may run on many threads at once over the same
// DataDir (its methods are thread-safe); results are values.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "cloud/data_dir.h"
#include "common/status.h"
#include "sql/query_runner.h"

namespace cairn::cloud {

struct LakeQueryOptions {
  // Only events whose recipientAccountId is this account are visible (a member account's view).
  std::optional<std::string> restrict_account;
  // Which event data stores the statement may name (the caller's visible stores): a store id it
  // rejects resolves like an unknown table (EventDataStoreNotFoundException). Called while
  // binding, on the calling thread; null allows every store of the folder.
  std::function<bool(std::string_view store_id)> table_filter;
  // The query fails once it has run this long. Default: the Lake's 1 hour.
  int64_t time_limit_ms = 3'600'000;
  // Memory for materialized state (sort buffers, hash tables, the result).
  int64_t memory_limit_bytes = int64_t{2} << 30;
  // Set from another thread to cancel; may be null; must outlive the call.
  const std::atomic<bool>* cancel = nullptr;
  // current_timestamp / now(); 0 = the Env's clock when the query starts.
  int64_t now_micros = 0;
  // Run the planner's rewrites (tests compare plans with and without).
  bool optimize = true;
};

// The Lake's QueryStatistics of a finished query.
struct LakeQueryStatistics {
  uint64_t results_count = 0;  // rows of the result (TotalResultsCount)
  uint64_t events_matched = 0;
  uint64_t events_scanned = 0;
  uint64_t bytes_scanned = 0;
  int64_t execution_time_ms = 0;
};

struct LakeQueryResult {
  sql::QueryResult result;
  LakeQueryStatistics statistics;
};

// Parses and binds `sql` against the folder's event data stores without running it: what
// StartQuery checks synchronously (syntax, refused statements, unknown stores and columns).
Status ValidateLakeQuery(DataDir* dir, std::string_view sql, const LakeQueryOptions& options = {});

// Runs `sql`. REQUIRES: dir outlives the call.
Result<LakeQueryResult> RunLakeQuery(DataDir* dir, std::string_view sql,
                                     const LakeQueryOptions& options = {});

// The GetQueryResults document for a finished query (spec/lake.md §3.3, §5): QueryStatus
// "FINISHED", QueryStatistics {ResultsCount, TotalResultsCount, BytesScanned, EventsMatched,
// EventsScanned, ExecutionTimeInMillis}, QueryResultRows (each row a list of {column: value}
// objects, NULL as JSON null). `indent` as JsonWriter's.
std::string LakeResultsJson(const LakeQueryResult& r, int indent = 2);

}  // namespace cairn::cloud
