// src/sql/exec/store_scan.h
//
// StoreCatalog runs SQL over event data stores: it resolves table names to stores (CloudTrail
// family) and scans a store's Snapshot, taken when the query starts, so flushes, compactions and
// retention never disturb a running query.
//
// A scan reads each segment through the store's column scan API (src/store/scan.h): the planner's
// projection becomes the ScanSpec projection (struct columns read only the leaves the query uses),
// and its pushed-down filter becomes the time range and predicates, so the store skips segments and
// blocks by zone maps, dictionaries and bloom filters. Then it reads the snapshot's memtable events
// (acknowledged but not yet flushed) and applies the same filter itself.
//
// Columns the store does not keep read as NULL (resources.arnprefix); eventjsonchecksum is computed
// from eventjson: base64(SHA-256(eventjson)) — cairn's choice, the Lake does not document it.
//
// Thread-safety: a StoreCatalog is filled before the query runs and then only read; a scan belongs
// to one thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "sql/catalog.h"
#include "sql/exec/operator.h"
#include "store/snapshot.h"

namespace cairn::sql {

class StoreCatalog : public TableResolver, public ScanProvider {
 public:
  // Registers event data store `id` (CloudTrail family) read through `snapshot`.
  void Add(std::string id, std::shared_ptr<const Snapshot> snapshot);

  // Restricts every scan to events whose recipientAccountId is `account` (a member account's
  // view). The restriction is a predicate the store evaluates inside the scan, before any operator
  // sees a row, so counts, aggregates, joins, subqueries and UNNEST only ever see that account.
  void RestrictToAccount(std::string account) { restrict_account_ = std::move(account); }

  // In-scan aggregates over at most this many rows (counted from the blocks meeting the query's
  // time range) run on the query's thread instead of the scan workers: starting and waiting for
  // workers is most of a small query's time on a busy machine. Tests set 0 (always workers) and
  // the maximum (never) to cover both ways.
  static constexpr uint64_t kDefaultInlineAggregateRows = 200'000;
  void SetInlineAggregateRows(uint64_t rows) { inline_aggregate_rows_ = rows; }

  std::optional<TableInfo> Resolve(std::string_view name) const override;
  Result<std::unique_ptr<Operator>> OpenScan(const PlanNode& scan, ExecContext* ctx) override;
  // GROUP BY with counts over a store, computed inside the scan (store_aggregate.h); null for
  // other aggregates.
  Result<std::unique_ptr<Operator>> OpenAggregate(const PlanNode& agg, ExecContext* ctx) override;

 private:
  std::map<std::string, std::shared_ptr<const Snapshot>, std::less<>> stores_;
  std::optional<std::string> restrict_account_;
  uint64_t inline_aggregate_rows_ = kDefaultInlineAggregateRows;
};

// base64(SHA-256(bytes)).
std::string EventJsonChecksum(std::string_view bytes);

}  // namespace cairn::sql
