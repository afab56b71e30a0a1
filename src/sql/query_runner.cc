#include "sql/query_runner.h"

#include "sql/planner.h"
#include "sql/result_format.h"

namespace cairn::sql {

std::optional<std::string> QueryResult::Cell(size_t row, size_t column) const {
  for (const Chunk& c : chunks) {
    if (row < c.size) return RenderCell(c.columns[column], row);
    row -= c.size;
  }
  return std::nullopt;
}

std::vector<std::vector<std::optional<std::string>>> QueryResult::Rows() const {
  std::vector<std::vector<std::optional<std::string>>> out;
  out.reserve(row_count);
  for (const Chunk& c : chunks) {
    for (size_t r = 0; r < c.size; ++r) {
      std::vector<std::optional<std::string>> row;
      row.reserve(c.columns.size());
      for (const Vector& v : c.columns) row.push_back(RenderCell(v, r));
      out.push_back(std::move(row));
    }
  }
  return out;
}

Result<QueryResult> RunBound(BoundQuery query, ScanProvider* scans, const QueryOptions& options) {
  if (options.optimize) RETURN_IF_ERROR(Optimize(&query));
  ExecContext ctx(&query, scans, options.now_micros);
  ctx.set_limits(options.limits);
  ASSIGN_OR_RETURN(auto root, BuildOperator(*query.root, &ctx));
  QueryResult result;
  result.column_names = query.column_names;
  result.column_types = query.column_types;
  RETURN_IF_ERROR(Drain(root.get(), &result.chunks, &ctx));
  for (const Chunk& c : result.chunks) result.row_count += c.size;
  root.reset();  // scans still open (LIMIT) add their figures as they close
  result.events_scanned = ctx.counters().events_scanned.load();
  result.events_matched = ctx.counters().events_matched.load();
  result.bytes_scanned = ctx.counters().bytes_scanned.load();
  return result;
}

Result<QueryResult> RunSql(std::string_view sql, const TableResolver& tables, ScanProvider* scans,
                           const QueryOptions& options) {
  BindOptions bind;
  bind.tables = &tables;
  bind.now_micros = options.now_micros;
  ASSIGN_OR_RETURN(BoundQuery query, ParseAndBind(sql, bind));
  return RunBound(std::move(query), scans, options);
}

}  // namespace cairn::sql
