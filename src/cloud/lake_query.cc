#include "cloud/lake_query.h"

#include <chrono>
#include <mutex>

#include "common/json_writer.h"
#include "sql/binder.h"
#include "sql/exec/store_scan.h"
#include "sql/result_format.h"

namespace cairn::cloud {
namespace {

// Resolves table names to the folder's event data stores, opening each store and taking its
// snapshot the first time the statement names it (while binding, i.e. when the query starts).
// Histories are not tables: only event data stores are.
class DataDirTables : public sql::TableResolver, public sql::ScanProvider {
 public:
  DataDirTables(DataDir* dir, std::function<bool(std::string_view)> filter)
      : dir_(dir), filter_(std::move(filter)) {}

  void RestrictToAccount(std::string account) { catalog_.RestrictToAccount(std::move(account)); }

  std::optional<sql::TableInfo> Resolve(std::string_view name) const override {
    std::lock_guard<std::mutex> l(mu_);
    if (auto hit = catalog_.Resolve(name)) return hit;
    if (filter_ && !filter_(name)) return std::nullopt;
    Result<std::optional<StoreRecord>> record = dir_->FindStore(std::string(name));
    if (!record.ok()) {
      if (error_.ok()) error_ = record.status();
      return std::nullopt;
    }
    if (!record->has_value() || (*record)->kind != StoreKind::kEventDataStore) return std::nullopt;
    Result<EventStore*> store = dir_->OpenEventDataStore(**record);
    if (!store.ok()) {
      if (error_.ok()) error_ = store.status();
      return std::nullopt;
    }
    catalog_.Add(std::string(name), (*store)->GetSnapshot());
    return catalog_.Resolve(name);
  }

  Result<std::unique_ptr<sql::Operator>> OpenScan(const sql::PlanNode& scan,
                                                  sql::ExecContext* ctx) override {
    std::lock_guard<std::mutex> l(mu_);
    return catalog_.OpenScan(scan, ctx);
  }

  Result<std::unique_ptr<sql::Operator>> OpenAggregate(const sql::PlanNode& agg,
                                                       sql::ExecContext* ctx) override {
    std::lock_guard<std::mutex> l(mu_);
    return catalog_.OpenAggregate(agg, ctx);
  }

  // A failure to read the registry or open a store while resolving (reported instead of the
  // EventDataStoreNotFoundException the binder raises for it).
  Status error() const {
    std::lock_guard<std::mutex> l(mu_);
    return error_;
  }

 private:
  DataDir* dir_;
  std::function<bool(std::string_view)> filter_;
  mutable std::mutex mu_;
  mutable sql::StoreCatalog catalog_;
  mutable Status error_;
};

}  // namespace

Status ValidateLakeQuery(DataDir* dir, std::string_view sql, const LakeQueryOptions& options) {
  DataDirTables tables(dir, options.table_filter);
  sql::BindOptions bind;
  bind.tables = &tables;
  bind.now_micros = dir->env()->NowMicros();
  Result<sql::BoundQuery> bound = sql::ParseAndBind(sql, bind);
  RETURN_IF_ERROR(tables.error());
  return bound.status();
}

Result<LakeQueryResult> RunLakeQuery(DataDir* dir, std::string_view sql,
                                     const LakeQueryOptions& options) {
  if (options.time_limit_ms <= 0) {
    return Status::InvalidArgument("the query time limit must be positive, got " +
                                   std::to_string(options.time_limit_ms) + " ms");
  }
  if (options.memory_limit_bytes <= 0) {
    return Status::InvalidArgument("the query memory limit must be positive, got " +
                                   std::to_string(options.memory_limit_bytes) + " bytes");
  }
  Env* env = dir->env();
  // Execution time is measured on a monotonic clock; the deadline uses the Env's clock so tests
  // can move time.
  const auto started = std::chrono::steady_clock::now();
  const int64_t start_us = env->NowMicros();

  DataDirTables tables(dir, options.table_filter);
  if (options.restrict_account) tables.RestrictToAccount(*options.restrict_account);
  sql::QueryOptions q;
  q.now_micros = options.now_micros != 0 ? options.now_micros : start_us;
  q.optimize = options.optimize;
  q.limits.max_memory_bytes = options.memory_limit_bytes;
  q.limits.time_limit_ms = options.time_limit_ms;
  q.limits.deadline_micros = start_us + options.time_limit_ms * 1000;
  q.limits.clock = env;
  q.limits.cancel = options.cancel;

  sql::BindOptions bind;
  bind.tables = &tables;
  bind.now_micros = q.now_micros;
  Result<sql::BoundQuery> bound = sql::ParseAndBind(sql, bind);
  RETURN_IF_ERROR(tables.error());
  if (!bound.ok()) return bound.status();

  LakeQueryResult out;
  ASSIGN_OR_RETURN(out.result, sql::RunBound(std::move(*bound), &tables, q));
  LakeQueryStatistics& st = out.statistics;
  st.results_count = out.result.row_count;
  st.events_scanned = out.result.events_scanned;
  st.events_matched = out.result.events_matched;
  st.bytes_scanned = out.result.bytes_scanned;
  st.execution_time_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
  return out;
}

std::string LakeResultsJson(const LakeQueryResult& r, int indent) {
  std::string out;
  JsonWriter w(&out, indent);
  w.BeginObject();
  w.Member("QueryStatus", "FINISHED");
  w.Key("QueryStatistics").BeginObject();
  w.Member("ResultsCount", r.statistics.results_count);
  w.Member("TotalResultsCount", r.statistics.results_count);
  w.Member("BytesScanned", r.statistics.bytes_scanned);
  w.Member("EventsMatched", r.statistics.events_matched);
  w.Member("EventsScanned", r.statistics.events_scanned);
  w.Member("ExecutionTimeInMillis", r.statistics.execution_time_ms);
  w.EndObject();
  w.Key("QueryResultRows").BeginArray();
  const sql::QueryResult& q = r.result;
  for (const sql::Chunk& c : q.chunks) {
    for (size_t row = 0; row < c.size; ++row) {
      w.BeginArray();
      for (size_t col = 0; col < c.columns.size(); ++col) {
        w.BeginObject().Key(q.column_names[col]);
        std::optional<std::string> cell = sql::RenderCell(c.columns[col], row);
        if (cell) {
          w.String(*cell);
        } else {
          w.Null();
        }
        w.EndObject();
      }
      w.EndArray();
    }
  }
  w.EndArray();
  w.EndObject();
  return out;
}

}  // namespace cairn::cloud
