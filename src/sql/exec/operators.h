// src/sql/exec/operators.h
//
// Factories of the executor's operators, one file each (internal to src/sql/exec). BuildOperator
// (operator.h) picks the right one for a plan node.
//
// Thread-safety: see operator.h.
#pragma once

#include <memory>

#include "sql/exec/operator.h"

namespace cairn::sql {

using OperatorPtr = std::unique_ptr<Operator>;

// Hash aggregation (GROUP BY, DISTINCT aggregates); with no aggregates and all columns as groups
// it is DISTINCT.
Result<OperatorPtr> MakeHashAggregate(const PlanNode& node, OperatorPtr child, ExecContext* ctx);
Result<OperatorPtr> MakeDistinct(const PlanNode& node, OperatorPtr child, ExecContext* ctx);
// ORDER BY; with `limit` >= 0 keeps only the first `limit` rows (top-N), in bounded memory.
Result<OperatorPtr> MakeSort(const PlanNode& node, OperatorPtr child, int64_t limit,
                             ExecContext* ctx);
// Joins: hash join on the equality conjuncts of the condition, nested loops otherwise.
Result<OperatorPtr> MakeJoin(const PlanNode& node, OperatorPtr left, OperatorPtr right,
                             ExecContext* ctx);
// Window functions.
Result<OperatorPtr> MakeWindow(const PlanNode& node, OperatorPtr child, ExecContext* ctx);

// Helpers shared by the operators.

// The canonical key of row `i` over `columns` (see AppendKey).
void RowKey(const std::vector<const Vector*>& columns, size_t i, std::string* key);
// Appends rows [from, from + n) of `src` to `dst` (same column types).
void AppendChunk(const Chunk& src, size_t from, size_t n, Chunk* dst);
// A chunk of `types` with no rows.
Chunk EmptyChunk(const std::vector<Type>& types);
// Approximate bytes held by a chunk (data and owned strings), for memory accounting.
int64_t ChunkBytes(const Chunk& c);

// `f` with the values of its IN-subquery terms (ScanFilter::Term::subquery) filled in from the
// subqueries' results (run on first use): each becomes a kIn term over the distinct non-NULL
// values, and a subquery without any makes the filter empty_result.
Result<ScanFilter> ResolveScanFilter(const ScanFilter& f, ExecContext* ctx);

}  // namespace cairn::sql
