// src/sql/expression_eval.h
//
// Evaluates bound expressions over a Chunk, one batch at a time, with SQL's three-valued logic:
//   AND: FALSE if any argument is FALSE, else NULL if any is NULL, else TRUE
//   OR:  TRUE if any argument is TRUE, else NULL if any is NULL, else FALSE
//   NOT NULL is NULL; x IN (...) is NULL when x is NULL, or when no element matches and one is
//   NULL.
// CASE and COALESCE evaluate a branch only on the rows that reach it, so a branch that would fail
// on other rows (a cast, a division) does not fail the query. TRY(x) turns rows that fail into
// NULL.
//
// Lambdas (transform, filter, ...) run their body over all elements of the batch at once: the body
// sees its parameters as vectors of elements and the enclosing batch's columns gathered per
// element.
//
// Uncorrelated subqueries are computed once per query by the executor and reached through
// SubqueryResults.
//
// Thread-safety: Evaluate() is reentrant; an EvalContext belongs to one thread.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "common/status.h"
#include "sql/bound_expr.h"
#include "sql/vector.h"

namespace cairn::sql {

// The result of an uncorrelated subquery, computed on first use.
struct SubqueryResult {
  Vector column;  // the first (only) column, all rows
  size_t rows = 0;
  bool has_null = false;  // some row is NULL (IN semantics)
  // For IN: the non-NULL values, in a hash set keyed by their canonical bytes.
  std::vector<std::string> keys;  // sorted, for binary search
};

class SubqueryResults {
 public:
  virtual ~SubqueryResults() = default;
  // The result of subquery `index` (BoundQuery::subqueries). Computes it on first call.
  virtual Result<const SubqueryResult*> Get(int index) = 0;
};

struct EvalContext {
  int64_t now_micros = 0;
  SubqueryResults* subqueries = nullptr;  // required only by expressions with subqueries
};

// out := e evaluated over the rows of `input` (out is reset to input.size rows of e.type).
Status Evaluate(const BoundExpr& e, const Chunk& input, EvalContext& ctx, Vector* out);

// Evaluates an expression without column references (a constant expression) to a Value.
Result<Value> EvaluateConstant(const BoundExpr& e, EvalContext& ctx);

// Evaluates a boolean predicate and returns the rows where it is TRUE (not FALSE, not NULL).
Status EvaluateFilter(const BoundExpr& predicate, const Chunk& input, EvalContext& ctx,
                      std::vector<uint32_t>* rows);

// A key for hashing / set membership: the canonical bytes of row i of v (type-tagged, so equal
// SQL values of the same type give equal keys). NULL gives a distinct key.
void AppendKey(const Vector& v, size_t i, std::string* key);

}  // namespace cairn::sql
