// src/sql/exec/store_aggregate.h
//
// Aggregation done inside a store scan (see store_aggregate.cc): GROUP BY up to two string or
// integer keys with count(*), count(x) and count(DISTINCT x), computed by the scan workers on the
// segments' dictionary codes and merged per segment.
//
// Thread-safety: the operator is driven by one thread; it runs its own scan workers inside Next().
#pragma once

#include <memory>

#include "common/status.h"
#include "sql/exec/operator.h"
#include "sql/logical_plan.h"
#include "store/snapshot.h"

namespace cairn::sql {

// An operator computing `agg` (a kAggregate whose child is the kScan of the store read through
// `snapshot`), with `filter` (the scan's pushed-down filter plus any row restriction) applied by
// the store. Returns a null operator when the aggregate has a shape this path does not handle:
// the caller then runs the ordinary hash aggregation over the scan. When the blocks meeting the
// scan's time range hold at most `inline_rows` rows, the query's thread aggregates them itself
// instead of the scan workers.
Result<std::unique_ptr<Operator>> MakeStoreAggregate(const PlanNode& agg,
                                                     std::shared_ptr<const Snapshot> snapshot,
                                                     ExecContext* ctx, ScanFilter filter,
                                                     uint64_t inline_rows);

}  // namespace cairn::sql
