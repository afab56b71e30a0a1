// src/sql/logical_plan.h
//
// The logical plan: a tree of relational operators that the binder builds from a query. Each node
// produces columns (name, type); expressions of a node refer to its input by column position (for a
// join: the left input's columns, then the right's). The planner rewrites this tree (pushes
// predicates and projections into scans) and the executor runs it.
//
//   kScan       a table: every top-level column of the schema, or the projection the planner chose
//   kValues     literal rows (VALUES ...)
//   kSingleRow  one row with no columns (SELECT without FROM)
//   kFilter     rows of the child where predicate is TRUE
//   kProject    exprs over the child
//   kAggregate  group by `groups`, compute `aggregates`; output = groups then aggregates
//   kDistinct   distinct rows of the child
//   kSort       child ordered by sort_keys (column positions)
//   kLimit      offset / limit rows of the child
//   kJoin       join_type of children[0] and children[1] on condition (null = cross)
//   kSetOp      UNION / EXCEPT / INTERSECT [ALL] of children[0] and children[1]
//   kUnnest     each child row joined with the rows of unnest_exprs (arrays / maps), laterally
//   kWindow     child columns, then one column per window call
//
// Thread-safety: immutable after planning.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/ast.h"
#include "sql/bound_expr.h"
#include "sql/catalog.h"
#include "store/columns.h"

namespace cairn::sql {

struct PlanColumn {
  std::string name;  // the result column name (Lake naming rules), also used for lookups
  Type type;
};

// A column a scan produces: a path into the table's row type. For a leaf with a store column,
// `store_column` says which; nested values (whole structs, resources) are assembled from leaves.
struct ScanColumn {
  std::string path;  // lower-case dotted path ("eventtime", "useridentity", "useridentity.arn")
  Type type;
  std::optional<ColumnId> store_column;
  // For a struct column: the paths below it the query reads (full dotted paths, leaves or whole
  // sub-structs); the other fields may be left NULL by the scan. Empty: the whole value.
  std::vector<std::string> leaves;
};

// Predicates the planner pushed into a scan (evaluated by the store on its encodings).
struct ScanFilter {
  int64_t min_time_us = INT64_MIN;  // eventtime >= min (inclusive)
  int64_t max_time_us = INT64_MAX;  // eventtime <= max (inclusive)
  struct Term {
    std::string path;  // a leaf column path
    // kMatch: `match` (a boolean expression whose only column, #0, is the leaf) is TRUE. Unlike
    // the others it is only a pre-filter: the same term also stays in a Filter above the scan,
    // so a scan may apply it or not (memory tables and memtable events do not).
    enum class Op : uint8_t { kEq, kIn, kPrefix, kIsNull, kIsNotNull, kBoolEq, kMatch } op;
    std::vector<std::string> values;
    bool bool_value = false;
    std::shared_ptr<const BoundExpr> match;  // kMatch
    // kIn: when >= 0, `values` are those of this uncorrelated subquery (BoundQuery::subqueries,
    // one varchar column), known only when the query runs; ResolveScanFilter fills them in.
    int subquery = -1;
  };
  std::vector<Term> terms;    // all must hold
  bool empty_result = false;  // the time range is empty: the scan produces nothing
};

struct SortKey {
  int column = 0;
  bool descending = false;
  bool nulls_first = false;  // Trino's default: NULLS LAST for both ASC and DESC
};

struct AggregateCall {
  BoundAggregate function;
  std::vector<BoundExprPtr> args;  // over the aggregate's input
  bool distinct = false;
  BoundExprPtr filter;                    // FILTER (WHERE ...), may be null
  std::vector<BoundExprPtr> order_exprs;  // array_agg(x ORDER BY ...)
  std::vector<SortKey> order;             // column = index into order_exprs
  std::string text;                       // as written, for messages
};

struct WindowFrameSpec {
  ast::WindowFrame::Unit unit = ast::WindowFrame::Unit::kRange;
  ast::FrameBound::Kind start = ast::FrameBound::Kind::kUnboundedPreceding;
  ast::FrameBound::Kind end = ast::FrameBound::Kind::kCurrentRow;
  int64_t start_offset = 0;
  int64_t end_offset = 0;
  bool explicit_frame = false;
};

struct WindowCall {
  bool is_aggregate = false;
  BoundWindowFunction function;  // when !is_aggregate
  BoundAggregate aggregate;      // when is_aggregate
  std::vector<BoundExprPtr> args;
  std::vector<BoundExprPtr> partition_by;
  std::vector<BoundExprPtr> order_exprs;
  std::vector<SortKey> order;  // column = index into order_exprs
  WindowFrameSpec frame;
  Type type;
};

enum class PlanKind : uint8_t {
  kScan,
  kValues,
  kSingleRow,
  kFilter,
  kProject,
  kAggregate,
  kDistinct,
  kSort,
  kLimit,
  kJoin,
  kSetOp,
  kUnnest,
  kWindow,
};

struct PlanNode;
using PlanPtr = std::unique_ptr<PlanNode>;

struct PlanNode {
  PlanKind kind;
  std::vector<PlanColumn> columns;
  std::vector<PlanPtr> children;

  // kScan
  TableInfo table;
  std::vector<ScanColumn> scan_columns;
  ScanFilter scan_filter;
  // kValues: rows of constant expressions, one per column
  std::vector<std::vector<BoundExprPtr>> rows;
  // kFilter
  BoundExprPtr predicate;
  // kProject
  std::vector<BoundExprPtr> exprs;
  // kAggregate
  std::vector<BoundExprPtr> groups;
  std::vector<AggregateCall> aggregates;
  // kSort
  std::vector<SortKey> sort_keys;
  // kLimit
  std::optional<int64_t> limit;
  int64_t offset = 0;
  // kJoin (condition over left ++ right; null for a cross join)
  ast::JoinType join_type = ast::JoinType::kInner;
  BoundExprPtr condition;
  // kSetOp
  ast::SetOpKind set_op = ast::SetOpKind::kUnion;
  bool all = false;
  // kUnnest: output = child columns, then per expr: the element (or its fields when
  // expand_rows[i]), or key and value for a map; then the ordinality column.
  std::vector<BoundExprPtr> unnest_exprs;
  std::vector<bool> expand_rows;
  bool with_ordinality = false;
  bool outer = false;  // LEFT JOIN UNNEST: keep rows whose arrays are empty or NULL
  // kWindow
  std::vector<WindowCall> windows;

  explicit PlanNode(PlanKind k) : kind(k) {}
  std::vector<Type> Types() const;
  // An indented readable form, for tests and EXPLAIN.
  std::string ToString(int indent = 0) const;
};

// A bound query: the plan, the uncorrelated subqueries its expressions refer to (by index), and the
// result column names.
struct BoundQuery {
  PlanPtr root;
  std::vector<PlanPtr> subqueries;
  std::vector<std::string> column_names;
  std::vector<Type> column_types;
};

}  // namespace cairn::sql
