// src/sql/bound_expr.h
//
// A bound expression: the binder's output for one expression, with every name resolved to a
// column position of the operator's input, every type known and every function call resolved to a
// kernel. The expression evaluator (src/sql/expression_eval.h) runs it over a Chunk.
//
// Special forms (everything that is not a plain kernel call) keep their own kinds because they
// decide which rows their arguments are evaluated on (CASE, COALESCE, TRY), implement three-valued
// logic (AND, OR, NOT) or reach outside the batch (subqueries, lambdas).
//
// Thread-safety: immutable after binding; may be evaluated from many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sql/function_registry.h"
#include "sql/sql_error.h"
#include "sql/types.h"
#include "sql/value.h"

namespace cairn::sql {

struct BoundExpr;
using BoundExprPtr = std::unique_ptr<BoundExpr>;

enum class BoundKind : uint8_t {
  kConstant,        // constant
  kColumn,          // index: a column of the input chunk
  kLambdaParam,     // depth (0 = innermost enclosing lambda), index (parameter)
  kFunction,        // function(args)
  kCast,            // CAST(args[0] AS type) / TRY_CAST (try_cast)
  kAnd,             // args[0] AND args[1] AND ...   (three-valued)
  kOr,              // args[0] OR args[1] OR ...     (three-valued)
  kNot,             // NOT args[0]
  kIsNull,          // args[0] IS NULL
  kCase,            // WHEN args[0] THEN args[1] ... ELSE args.back(); pairs then one else
  kCoalesce,        // first non-NULL of args, evaluated left to right on the rows still NULL
  kInList,          // args[0] IN (args[1..]) with SQL NULL semantics
  kInSubquery,      // args[0] IN (subquery), uncorrelated
  kExists,          // EXISTS (subquery)
  kScalarSubquery,  // (subquery): its single value, NULL when empty; error when > 1 row
  kFieldAccess,     // args[0].field (index)
  kSubscript,       // args[0][args[1]]: array (1-based, error when out of range) or map (NULL)
  kLambda,          // (params) -> args[0]; type is function(params..., result)
  kTry,             // TRY(args[0]): rows that fail become NULL
  kAggregate,       // binder-internal: an aggregate call, replaced by kColumn before planning
  kWindow,          // binder-internal: a window call, replaced by kColumn before planning
};

struct BoundExpr {
  BoundKind kind;
  Type type;
  SourcePos pos;
  std::vector<BoundExprPtr> args;

  Value constant;                                 // kConstant
  int index = -1;                                 // kColumn, kLambdaParam, kFieldAccess, subquery #
  int depth = 0;                                  // kLambdaParam
  std::shared_ptr<const BoundFunction> function;  // kFunction
  bool try_cast = false;                          // kCast
  std::string text;  // SQL text of the expression as written (for messages and column names)

  // kAggregate / kWindow (only while binding): the call, resolved.
  int call = -1;  // index into the binder's list of aggregate or window calls

  BoundExpr(BoundKind k, Type t) : kind(k), type(std::move(t)) {}

  BoundExprPtr Clone() const;
  // Structural equality: same kind, type, columns, constants, functions and arguments.
  bool SameAs(const BoundExpr& o) const;
  // Whether the expression (or any sub-expression) reads a column of the input.
  bool ReferencesColumns() const;
  // A readable form for tests and EXPLAIN: "$eq(#3, 'x')".
  std::string ToString() const;
};

BoundExprPtr MakeConstant(Value v);
BoundExprPtr MakeColumn(int index, Type type);

}  // namespace cairn::sql
