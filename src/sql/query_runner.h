// src/sql/query_runner.h
//
// The SQL engine's front door: statement text in, result rows out. RunSql parses, binds (resolving
// tables with a TableResolver), plans (src/sql/planner.h) and executes (scanning through a
// ScanProvider), and returns the result as typed column batches that render as the Lake renders
// them (src/sql/result_format.h).
//
// Errors: statement errors are InvalidQueryStatementException / EventDataStoreNotFoundException
// (SqlError::FromStatus recovers them); a query that fails while running returns a Status without
// an exception name (kInvalidArgument for data errors such as a failed CAST, kResourceExhausted
// for the memory limit, kCancelled when cancelled), which becomes FAILED with ErrorMessage.
//
// Thread-safety: RunSql is reentrant; results are values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/binder.h"
#include "sql/exec/operator.h"

namespace cairn::sql {

struct QueryOptions {
  int64_t now_micros = 0;  // current_timestamp / now(): the query's start time
  ExecLimits limits;
  bool optimize = true;  // run the planner's rewrites (tests compare with and without)
};

struct QueryResult {
  std::vector<std::string> column_names;
  std::vector<Type> column_types;
  std::vector<Chunk> chunks;
  size_t row_count = 0;
  // What the query's scans read (ScanCounters): the Lake's EventsScanned, EventsMatched and
  // BytesScanned. Zero for scans that do not count (in-memory tables).
  uint64_t events_scanned = 0;
  uint64_t events_matched = 0;
  uint64_t bytes_scanned = 0;

  // The Lake's rendering of one cell (nullopt for NULL).
  std::optional<std::string> Cell(size_t row, size_t column) const;
  // All rows, rendered.
  std::vector<std::vector<std::optional<std::string>>> Rows() const;
};

// Plans (unless options.optimize is false) and runs a bound query.
Result<QueryResult> RunBound(BoundQuery query, ScanProvider* scans, const QueryOptions& options);

Result<QueryResult> RunSql(std::string_view sql, const TableResolver& tables, ScanProvider* scans,
                           const QueryOptions& options);

}  // namespace cairn::sql
