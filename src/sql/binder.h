// src/sql/binder.h
//
// The binder turns a parsed query into a logical plan (src/sql/logical_plan.h): it resolves table
// names (CTEs first, then event data stores through a TableResolver), column names and dotted
// paths (case-insensitively, through table aliases, struct fields and lambda parameters), resolves
// functions with their argument types, inserts implicit coercions, checks aggregation rules, names
// the result columns as the Lake does, and folds constant expressions.
//
// Lake specifics (spec/lake.md §4-5):
//   - a string literal compared with a timestamp (=, <>, <, <=, >, >=, BETWEEN, IN) is read as a
//     timestamp: '2023-01-22', '2023-01-22 00:00:00[.fff]', ISO 8601 with T and Z; an invalid one
//     is an InvalidQueryStatementException at the literal;
//   - result column names: the alias; else the last path segment of a column reference as written
//     (userIdentity.principalid -> "principalid"); else "_col<N>" with N the item's 0-based
//     position in the select list.
//   - UNNEST(resources) AS t(r) binds r to the whole row; UNNEST(resources) without a column alias
//     list, or with one name per field, expands the row into columns (Trino's form).
//
// All errors are InvalidQueryStatementException with a position, except unknown tables
// (EventDataStoreNotFoundException).
//
// Thread-safety: Bind() is reentrant; a TableResolver may be called from it.
#pragma once

#include <string_view>

#include "common/status.h"
#include "sql/ast.h"
#include "sql/catalog.h"
#include "sql/logical_plan.h"

namespace cairn::sql {

struct BindOptions {
  const TableResolver* tables = nullptr;  // required for queries that read tables
  int64_t now_micros = 0;                 // current_timestamp / now() for this query
  int max_plan_nodes = 20000;             // refuses queries whose plans explode (CTE inlining)
};

Result<BoundQuery> Bind(const ast::Query& query, const BindOptions& options);

// ParseStatement + Bind.
Result<BoundQuery> ParseAndBind(std::string_view sql, const BindOptions& options);

// A TableResolver over a fixed list (tests, tools): every name maps to a family.
class FixedTableResolver : public TableResolver {
 public:
  void Add(std::string id, TableFamily family) { tables_.emplace_back(std::move(id), family); }
  std::optional<TableInfo> Resolve(std::string_view name) const override;

 private:
  std::vector<std::pair<std::string, TableFamily>> tables_;
};

}  // namespace cairn::sql
