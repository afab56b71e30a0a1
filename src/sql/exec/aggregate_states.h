// src/sql/exec/aggregate_states.h
//
// AggregateStates holds one aggregate's state for every group of a hash aggregation (or every
// partition frame of a window) and updates it a batch at a time: the caller maps each input row to
// a group id and passes the evaluated arguments. Semantics follow Trino: NULL inputs are ignored
// (except by count(*) and array_agg), an aggregate over no rows is NULL (count is 0),
// sum(bigint) fails on overflow, approx_distinct is exact up to 4096 distinct values per group and
// a HyperLogLog (2^12 registers, ~1.6% error) beyond.
//
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "common/status.h"
#include "sql/function_registry.h"
#include "sql/logical_plan.h"
#include "sql/vector.h"

namespace cairn::sql {

inline constexpr uint32_t kNoGroup = UINT32_MAX;  // a row that must not be aggregated

class AggregateStates {
 public:
  virtual ~AggregateStates() = default;
  // Makes room for `groups` groups; new groups start empty.
  virtual void Resize(size_t groups) = 0;
  // Adds rows [0, n): row i goes to group groups[i] (kNoGroup: skipped). args are the evaluated
  // arguments (for array_agg with ORDER BY, the order keys follow the arguments).
  virtual Status Update(std::span<const uint32_t> groups, std::span<const Vector* const> args,
                        size_t n) = 0;
  // Writes one row per group into `out` (already typed with the result type; resized here).
  virtual Status Finalize(size_t groups, Vector* out) = 0;
  // Resets group `g` to empty (windows reuse states).
  virtual void Clear(uint32_t g) = 0;
  // Approximate bytes held.
  virtual int64_t MemoryBytes() const = 0;
};

// `order` describes ORDER BY keys inside the call (array_agg); they arrive after the arguments.
Result<std::unique_ptr<AggregateStates>> MakeAggregateStates(const BoundAggregate& aggregate,
                                                             const std::vector<SortKey>& order);

}  // namespace cairn::sql
