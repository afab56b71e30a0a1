// src/sql/exec/operator.h
//
// The executor's operators: a pull-based, vectorized pipeline. Each operator hands out Chunks of at
// most kBatchSize rows (operators that materialize may hand out what they hold in larger pieces)
// until it reports the end. ExecContext carries what every operator of a query shares: the query
// time, subquery results, cancellation and limits.
//
// Thread-safety: an operator tree is driven by one thread. ExecContext::cancelled may be set from
// any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "common/env.h"
#include "common/status.h"
#include "sql/expression_eval.h"
#include "sql/logical_plan.h"
#include "sql/vector.h"

namespace cairn::sql {

class Operator;
class ExecContext;

// Opens scans of tables. The in-memory implementation serves tests and tools; the store adapter
// serves event data stores.
class ScanProvider {
 public:
  virtual ~ScanProvider() = default;
  // An operator producing scan.columns (in that order) for the rows of scan.table that satisfy
  // scan.scan_filter. REQUIRES: scan.kind == PlanKind::kScan.
  virtual Result<std::unique_ptr<Operator>> OpenScan(const PlanNode& scan, ExecContext* ctx) = 0;
  // An operator computing the aggregate `agg` (whose child is a kScan) inside the scan, or null
  // when the provider has no such path for it (the executor then aggregates over OpenScan).
  virtual Result<std::unique_ptr<Operator>> OpenAggregate(const PlanNode& /*agg*/,
                                                          ExecContext* /*ctx*/) {
    return std::unique_ptr<Operator>();
  }
};

struct ExecLimits {
  int64_t max_memory_bytes = int64_t{4} << 30;  // materialized state (sort, hash tables, results)
  // The query fails with kDeadlineExceeded once clock->NowMicros() passes this (0 = no limit).
  // REQUIRES: clock != nullptr when deadline_micros != 0.
  int64_t deadline_micros = 0;
  int64_t time_limit_ms = 0;  // the limit the deadline came from, for the message
  Env* clock = nullptr;
  // Set from any thread to cancel the query (e.g. CancelQuery); may be null. Must outlive the run.
  const std::atomic<bool>* cancel = nullptr;
};

// What the scans of one query read, for the Lake's QueryStatistics. Scans add to it as they go.
struct ScanCounters {
  std::atomic<uint64_t> events_scanned{0};  // events of the blocks read (plus memtable events)
  std::atomic<uint64_t> events_matched{0};  // events that passed the scans' pushed-down filters
  std::atomic<uint64_t> bytes_scanned{0};   // stored bytes of the blocks read (see store_scan.h)
};

class ExecContext : public SubqueryResults {
 public:
  ExecContext(const BoundQuery* query, ScanProvider* scans, int64_t now_micros);
  ~ExecContext() override;

  EvalContext& eval() { return eval_; }
  ScanProvider* scans() const { return scans_; }

  // Cancellation, the external cancel flag and the deadline: operators check them between batches.
  void Cancel() { cancelled_.store(true); }
  Status CheckCancelled() const;

  // Memory accounting for materializing operators: Reserve fails with kResourceExhausted when the
  // query would exceed its limit.
  Status Reserve(int64_t bytes);
  void Release(int64_t bytes) { used_bytes_ -= bytes; }
  void set_limits(ExecLimits limits) { limits_ = limits; }
  ScanCounters& counters() { return counters_; }

  // SubqueryResults: runs subquery `index` of the bound query on first use.
  Result<const SubqueryResult*> Get(int index) override;

 private:
  const BoundQuery* query_;
  ScanProvider* scans_;
  EvalContext eval_;
  std::atomic<bool> cancelled_{false};
  ExecLimits limits_;
  ScanCounters counters_;
  int64_t used_bytes_ = 0;
  std::vector<std::unique_ptr<SubqueryResult>> subquery_results_;
  std::vector<bool> subquery_running_;
};

class Operator {
 public:
  virtual ~Operator() = default;
  // Fills `out` with the next chunk (at least one row). Returns false at the end.
  virtual Result<bool> Next(Chunk* out) = 0;
};

// Builds the operator tree for a plan node.
Result<std::unique_ptr<Operator>> BuildOperator(const PlanNode& node, ExecContext* ctx);

// Runs `op` to the end, appending every chunk to `chunks`.
Status Drain(Operator* op, std::vector<Chunk>* chunks, ExecContext* ctx);

}  // namespace cairn::sql
