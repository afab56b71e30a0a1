#include "cloud/queries.h"

#include <fmt/format.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <algorithm>
#include <set>

#include "cloud/access.h"
#include "common/json_writer.h"
#include "sql/result_format.h"
#include "sql/sql_error.h"

namespace cairn::cloud {
namespace {

constexpr std::string_view kQueued = "QUEUED";
constexpr std::string_view kRunning = "RUNNING";
constexpr std::string_view kFinished = "FINISHED";
constexpr std::string_view kFailed = "FAILED";
constexpr std::string_view kCancelled = "CANCELLED";
constexpr std::string_view kTimedOut = "TIMED_OUT";

Status Err(StatusCode code, const char* name, std::string message) {
  return Status(code, std::move(message)).WithAwsError(name);
}

bool Terminal(std::string_view s) { return s != kQueued && s != kRunning; }

bool ValidQueryId(std::string_view id) {
  if (id.size() != 36) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'f') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

std::string StatsJson(const LakeQueryStatistics& s) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject()
      .Member("ResultsCount", s.results_count)
      .Member("EventsMatched", s.events_matched)
      .Member("EventsScanned", s.events_scanned)
      .Member("BytesScanned", s.bytes_scanned)
      .Member("ExecutionTimeInMillis", s.execution_time_ms)
      .EndObject();
  return out;
}

LakeQueryStatistics StatsFromJson(std::string_view json) {
  LakeQueryStatistics s;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  if (parser.parse(padded).get(doc)) return s;
  uint64_t u;
  int64_t i;
  if (!doc["ResultsCount"].get(u)) s.results_count = u;
  if (!doc["EventsMatched"].get(u)) s.events_matched = u;
  if (!doc["EventsScanned"].get(u)) s.events_scanned = u;
  if (!doc["BytesScanned"].get(u)) s.bytes_scanned = u;
  if (!doc["ExecutionTimeInMillis"].get(i)) s.execution_time_ms = i;
  return s;
}

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::vector<std::string> Split(std::string_view s) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t comma = s.find(',', pos);
    if (comma == std::string_view::npos) comma = s.size();
    out.emplace_back(s.substr(pos, comma - pos));
    pos = comma + 1;
  }
  return out;
}

// The rows of a result as GetQueryResults sends them (spec lake.md §5).
std::vector<std::string> RenderRows(const sql::QueryResult& q) {
  std::vector<std::string> rows;
  rows.reserve(q.row_count);
  for (const sql::Chunk& c : q.chunks) {
    for (size_t row = 0; row < c.size; ++row) {
      std::string out;
      JsonWriter w(&out);
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
      rows.push_back(std::move(out));
    }
  }
  return rows;
}

// The Lake's ErrorMessage (4..1000 characters) for a failed query.
std::string ErrorMessageOf(const Status& s) {
  std::string m;
  if (auto e = sql::SqlError::FromStatus(s)) {
    m = e->Text();
  } else {
    m = s.message();
  }
  if (m.size() < 4) m = "query failed: " + m;
  if (m.size() > 1000) m = m.substr(0, 997) + "...";
  return m;
}

}  // namespace

struct Queries::Running {
  QueryRecord record;
  std::atomic<bool> cancel{false};
  bool cancel_requested = false;  // guarded by Queries::mu_
};

Result<std::unique_ptr<Queries>> Queries::Open(DataDir* dir, EventDataStores* stores,
                                               Options options) {
  std::unique_ptr<Queries> q(new Queries(dir, stores, options));
  RETURN_IF_ERROR(q->Recover());
  for (size_t i = 0; i < options.workers; ++i) {
    q->workers_.emplace_back([p = q.get()] { p->Worker(); });
  }
  return q;
}

Queries::~Queries() { Close().IgnoreError(); }

std::string Queries::ResultPath(const std::string& id) const {
  return dir_->dir() + "/query-results/" + id + ".jsonl";
}

Status Queries::Recover() {
  MetadataDb* db = dir_->metadata();
  const int64_t now = dir_->env()->NowMicros();
  const int64_t horizon = now - options_.retention_us;
  std::vector<std::string> expired;
  {
    ASSIGN_OR_RETURN(Statement q,
                     db->Prepare("SELECT id, account, region, stores, statement, status, error, "
                                 "statistics, restrict_account, created_us, finished_us "
                                 "FROM lake_queries"));
    while (true) {
      ASSIGN_OR_RETURN(bool row, q.Step());
      if (!row) break;
      QueryRecord r;
      r.id = q.Text(0).value_or("");
      r.account = q.Text(1).value_or("");
      r.region = q.Text(2).value_or("");
      r.stores = Split(q.Text(3).value_or(""));
      r.statement = q.Text(4).value_or("");
      r.status = q.Text(5).value_or("");
      r.error_message = q.Text(6).value_or("");
      r.statistics = StatsFromJson(q.Text(7).value_or("{}"));
      r.restrict_account = q.Text(8).value_or("");
      r.created_us = q.Int(9);
      r.finished_us = q.Int(10);
      if (r.created_us < horizon) {
        expired.push_back(r.id);
        continue;
      }
      if (!Terminal(r.status)) {
        r.status = std::string(kFailed);
        r.error_message = "cairn stopped before the query finished; run it again.";
        r.finished_us = now;
      }
      queries_[r.id] = std::move(r);
    }
  }
  std::lock_guard<std::mutex> l(mu_);
  for (auto& [id, r] : queries_) RETURN_IF_ERROR(SaveLocked(r, false));
  for (const std::string& id : expired) {
    ASSIGN_OR_RETURN(Statement del, db->Prepare("DELETE FROM lake_queries WHERE id = ?"));
    RETURN_IF_ERROR(del.Bind(1, id).Run());
    dir_->env()->RemoveFile(ResultPath(id)).IgnoreError();
  }
  return Status::OK();
}

Status Queries::SaveLocked(const QueryRecord& r, bool insert) {
  ASSIGN_OR_RETURN(
      Statement s,
      dir_->metadata()->Prepare(
          insert ? "INSERT INTO lake_queries (id, account, region, stores, statement, status, "
                   "error, statistics, restrict_account, created_us, finished_us) VALUES "
                   "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                 : "UPDATE lake_queries SET account = ?2, region = ?3, stores = ?4, "
                   "statement = ?5, status = ?6, error = ?7, statistics = ?8, "
                   "restrict_account = ?9, created_us = ?10, finished_us = ?11 WHERE id = ?1"));
  return s.Bind(1, r.id)
      .Bind(2, r.account)
      .Bind(3, r.region)
      .Bind(4, Join(r.stores))
      .Bind(5, r.statement)
      .Bind(6, r.status)
      .Bind(7, r.error_message)
      .Bind(8, StatsJson(r.statistics))
      .Bind(9, r.restrict_account)
      .Bind(10, r.created_us)
      .Bind(11, r.finished_us)
      .Run();
}

Result<QueryRecord> Queries::Start(const Caller& caller, const std::string& statement) {
  if (statement.empty() || statement.size() > 10000) {
    return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
               fmt::format("QueryStatement has {} characters; it must have 1 to 10000.",
                           statement.size()));
  }
  // Which stores the statement names, and whether the caller may read them: resolved while the
  // statement is bound, so syntax errors and unknown stores fail here (spec §3.1, suggested).
  std::vector<std::string> named;
  Status refused;
  LakeQueryOptions check;
  check.table_filter = [&](std::string_view name) {
    Result<EventDataStoreInfo> info = stores_->ResolveForRead(caller, name);
    if (!info.ok()) {
      if (refused.ok() && info.status().aws_error() == "InactiveEventDataStoreException") {
        refused = info.status();
      }
      return false;
    }
    if (std::find(named.begin(), named.end(), info->id) == named.end()) named.push_back(info->id);
    return true;
  };
  Status valid = ValidateLakeQuery(dir_, statement, check);
  RETURN_IF_ERROR(refused);
  if (!valid.ok()) {
    if (auto e = sql::SqlError::FromStatus(valid)) {
      return Status(valid.code(), e->Text()).WithAwsError(e->exception);
    }
    return valid;
  }

  auto run = std::make_shared<Running>();
  QueryRecord& r = run->record;
  r.id = NewUuid();
  r.account = caller.principal->account_id;
  r.region = caller.region;
  r.statement = statement;
  r.stores = named;
  r.status = std::string(kQueued);
  if (!ReadScopeOf(*caller.principal).all_accounts) r.restrict_account = r.account;
  r.created_us = caller.now_us;

  std::lock_guard<std::mutex> l(mu_);
  if (stop_) return Status::Unavailable("the server is shutting down");
  size_t active = 0;
  for (const auto& [id, a] : active_) active += a->record.account == r.account;
  if (active >= options_.max_concurrent) {
    return Err(StatusCode::kResourceExhausted, "MaxConcurrentQueriesException",
               fmt::format("Account {} already has {} queries queued or running (the limit). "
                           "Wait for one to finish and try again.",
                           r.account, active));
  }
  // Forget what is past the horizon (rows, files) now and then: at each start.
  const int64_t horizon = caller.now_us - options_.retention_us;
  for (auto it = queries_.begin(); it != queries_.end();) {
    if (it->second.created_us < horizon && Terminal(it->second.status)) {
      ASSIGN_OR_RETURN(Statement del,
                       dir_->metadata()->Prepare("DELETE FROM lake_queries WHERE id = ?"));
      RETURN_IF_ERROR(del.Bind(1, it->first).Run());
      dir_->env()->RemoveFile(ResultPath(it->first)).IgnoreError();
      it = queries_.erase(it);
    } else {
      ++it;
    }
  }
  RETURN_IF_ERROR(SaveLocked(r, /*insert=*/true));
  queries_[r.id] = r;
  active_[r.id] = run;
  queue_.push_back(run);
  cv_.notify_one();
  return r;
}

void Queries::Worker() {
  while (true) {
    std::shared_ptr<Running> q;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      q = queue_.front();
      queue_.pop_front();
    }
    Run(q);
  }
}

void Queries::Run(const std::shared_ptr<Running>& q) {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (q->cancel_requested || stop_) {
      QueryRecord& r = q->record;
      r.status = std::string(kCancelled);
      r.finished_us = dir_->env()->NowMicros();
      SaveLocked(r, false).IgnoreError();
      queries_[r.id] = r;
      active_.erase(r.id);
      return;
    }
    q->record.status = std::string(kRunning);
    queries_[q->record.id] = q->record;
    Status s = SaveLocked(q->record, false);
    if (!s.ok())
      std::fprintf(stderr, "cairn: query %s: %s\n", q->record.id.c_str(), s.ToString().c_str());
  }
  const QueryRecord& rec = q->record;
  LakeQueryOptions o;
  if (!rec.restrict_account.empty()) o.restrict_account = rec.restrict_account;
  o.time_limit_ms = options_.time_limit_ms;
  o.memory_limit_bytes = options_.memory_limit_bytes;
  o.cancel = &q->cancel;
  o.now_micros = rec.created_us;
  // Only the stores checked at StartQuery (they may have been deleted since: then not found).
  const std::set<std::string> allowed(rec.stores.begin(), rec.stores.end());
  o.table_filter = [&](std::string_view name) {
    if (allowed.count(std::string(name)) == 0) return false;
    std::optional<EventDataStoreInfo> info = stores_->FindById(std::string(name));
    return info && info->status != "PENDING_DELETION";
  };
  Result<LakeQueryResult> result = RunLakeQuery(dir_, rec.statement, o);
  std::shared_ptr<const std::vector<std::string>> rows;
  Status outcome = result.status();
  if (result.ok()) {
    auto rendered = std::make_shared<std::vector<std::string>>(RenderRows(result->result));
    std::string file;
    for (const std::string& row : *rendered) file += row + "\n";
    Env* env = dir_->env();
    outcome = env->CreateDirs(dir_->dir() + "/query-results");
    if (outcome.ok()) outcome = env->WriteFileAtomic(ResultPath(rec.id), file);
    rows = std::move(rendered);
  }
  std::lock_guard<std::mutex> l(mu_);
  QueryRecord& r = q->record;
  r.finished_us = dir_->env()->NowMicros();
  if (result.ok()) {
    r.statistics = result->statistics;
    if (!r.restrict_account.empty()) {
      // The scan read other accounts' rows too (they share blocks); counting them would let a
      // member infer how many events the other accounts have. Report the caller's share only:
      // its rows, and the bytes in proportion.
      LakeQueryStatistics& st = r.statistics;
      st.bytes_scanned = st.events_scanned == 0
                             ? 0
                             : static_cast<uint64_t>(static_cast<double>(st.bytes_scanned) *
                                                     static_cast<double>(st.events_matched) /
                                                     static_cast<double>(st.events_scanned));
      st.events_scanned = st.events_matched;
    }
  }
  if (q->cancel_requested || outcome.code() == StatusCode::kCancelled) {
    r.status = std::string(kCancelled);
  } else if (outcome.ok()) {
    r.status = std::string(kFinished);
    cache_.emplace_back(r.id, rows);
    while (cache_.size() > options_.cached_results) cache_.pop_front();
  } else if (outcome.code() == StatusCode::kDeadlineExceeded) {
    r.status = std::string(kTimedOut);
    r.error_message = ErrorMessageOf(outcome);
  } else {
    r.status = std::string(kFailed);
    r.error_message = ErrorMessageOf(outcome);
  }
  Status s = SaveLocked(r, false);
  if (!s.ok()) std::fprintf(stderr, "cairn: query %s: %s\n", r.id.c_str(), s.ToString().c_str());
  queries_[r.id] = r;
  active_.erase(r.id);
  cv_.notify_all();
}

Result<QueryRecord> Queries::FindVisible(const Caller& caller, std::string_view query_id) {
  if (!ValidQueryId(query_id)) {
    return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
               fmt::format("QueryId '{}' is not valid: a query id has 36 characters of a-f, 0-9 "
                           "and '-'.",
                           query_id.substr(0, 100)));
  }
  QueryRecord r;
  {
    std::lock_guard<std::mutex> l(mu_);
    auto it = queries_.find(std::string(query_id));
    if (it == queries_.end() || it->second.account != caller.principal->account_id ||
        it->second.region != caller.region ||
        it->second.created_us < caller.now_us - options_.retention_us) {
      return Err(StatusCode::kNotFound, "QueryIdNotFoundException",
                 fmt::format("The query ID {} does not exist or does not belong to this account.",
                             query_id));
    }
    r = it->second;
  }
  // Queries of a deleted store stop working (spec §2.3).
  for (const std::string& id : r.stores) {
    RETURN_IF_ERROR(stores_->ResolveForRead(caller, id).status());
  }
  return r;
}

Result<QueryRecord> Queries::Describe(const Caller& caller, std::string_view query_id) {
  return FindVisible(caller, query_id);
}

std::string Queries::Token(const std::string& id, size_t offset) const {
  const std::string payload = fmt::format("{}:{}", id, offset);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  const std::string& key = dir_->token_key();
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac, &len);
  std::string hex;
  for (unsigned int i = 0; i < 12; ++i) hex += fmt::format("{:02x}", mac[i]);
  return fmt::format("{}.{}", offset, hex);
}

Result<std::shared_ptr<const std::vector<std::string>>> Queries::LoadRows(const QueryRecord& r) {
  {
    std::lock_guard<std::mutex> l(mu_);
    for (const auto& [id, rows] : cache_) {
      if (id == r.id) return rows;
    }
  }
  ASSIGN_OR_RETURN(std::string text, dir_->env()->ReadFile(ResultPath(r.id)));
  auto rows = std::make_shared<std::vector<std::string>>();
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    rows->emplace_back(text.substr(pos, nl - pos));
    pos = nl + 1;
  }
  if (rows->size() != r.statistics.results_count) {
    return Status::DataLoss(fmt::format("{}: {} rows, the query produced {}", ResultPath(r.id),
                                        rows->size(), r.statistics.results_count));
  }
  std::shared_ptr<const std::vector<std::string>> out = rows;
  std::lock_guard<std::mutex> l(mu_);
  cache_.emplace_back(r.id, out);
  while (cache_.size() > options_.cached_results) cache_.pop_front();
  return out;
}

Result<QueryResultsPage> Queries::GetResults(const Caller& caller, std::string_view query_id,
                                             const std::optional<std::string>& next_token,
                                             size_t max_results) {
  QueryResultsPage page;
  ASSIGN_OR_RETURN(page.query, FindVisible(caller, query_id));
  size_t offset = 0;
  if (next_token) {
    const size_t dot = next_token->find('.');
    bool ok = dot != std::string::npos && dot > 0 && dot < 20;
    if (ok) {
      for (size_t i = 0; i < dot; ++i)
        ok = ok && (*next_token)[i] >= '0' && (*next_token)[i] <= '9';
    }
    if (ok) offset = std::stoull(next_token->substr(0, dot));
    if (!ok || Token(page.query.id, offset) != *next_token ||
        offset > page.query.statistics.results_count) {
      return Err(StatusCode::kInvalidArgument, "InvalidNextTokenException",
                 "NextToken is not valid for this query.");
    }
  }
  if (page.query.status != kFinished) return page;
  ASSIGN_OR_RETURN(std::shared_ptr<const std::vector<std::string>> rows, LoadRows(page.query));
  const size_t end = std::min(rows->size(), offset + max_results);
  page.rows.assign(rows->begin() + static_cast<std::ptrdiff_t>(offset),
                   rows->begin() + static_cast<std::ptrdiff_t>(end));
  if (end < rows->size()) page.next_token = Token(page.query.id, end);
  return page;
}

Result<std::vector<QueryRecord>> Queries::List(const Caller& caller, std::string_view store_ref,
                                               std::optional<int64_t> start_us,
                                               std::optional<int64_t> end_us,
                                               std::string_view status) {
  static const std::set<std::string_view> kStatuses = {kQueued, kRunning,   kFinished,
                                                       kFailed, kCancelled, kTimedOut};
  if (!status.empty() && kStatuses.count(status) == 0) {
    return Err(StatusCode::kInvalidArgument, "InvalidQueryStatusException",
               fmt::format("QueryStatus '{}' is not one of QUEUED, RUNNING, FINISHED, FAILED, "
                           "CANCELLED, TIMED_OUT.",
                           status));
  }
  if (start_us && end_us && *start_us > *end_us) {
    return Err(StatusCode::kInvalidArgument, "InvalidDateRangeException",
               "StartTime must not be later than EndTime.");
  }
  ASSIGN_OR_RETURN(EventDataStoreInfo store, stores_->ResolveForRead(caller, store_ref));
  std::vector<QueryRecord> out;
  std::lock_guard<std::mutex> l(mu_);
  for (const auto& [id, r] : queries_) {
    if (r.account != caller.principal->account_id || r.region != caller.region) continue;
    if (std::find(r.stores.begin(), r.stores.end(), store.id) == r.stores.end()) continue;
    if (r.created_us < caller.now_us - options_.retention_us) continue;
    if (start_us && r.created_us < *start_us) continue;
    if (end_us && r.created_us > *end_us) continue;
    if (!status.empty() && r.status != status) continue;
    out.push_back(r);
  }
  std::sort(out.begin(), out.end(), [](const QueryRecord& a, const QueryRecord& b) {
    return std::tie(b.created_us, b.id) < std::tie(a.created_us, a.id);
  });
  return out;
}

Result<QueryRecord> Queries::Cancel(const Caller& caller, std::string_view query_id) {
  ASSIGN_OR_RETURN(QueryRecord r, FindVisible(caller, query_id));
  std::lock_guard<std::mutex> l(mu_);
  auto it = active_.find(r.id);
  if (it == active_.end()) {
    return Err(
        StatusCode::kFailedPrecondition, "InactiveQueryException",
        fmt::format("The query {} is {}: it cannot be cancelled.", r.id, queries_[r.id].status));
  }
  it->second->cancel_requested = true;
  it->second->cancel.store(true);
  QueryRecord out = it->second->record;
  out.status = std::string(kCancelled);  // the Lake may report CANCELLED before it is done
  return out;
}

Queries::ActiveCounts Queries::Active() {
  std::lock_guard<std::mutex> l(mu_);
  ActiveCounts c;
  for (const auto& [id, q] : active_) {
    if (q->record.status == kRunning) {
      ++c.running;
    } else {
      ++c.queued;
    }
  }
  return c;
}

Status Queries::Close() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (stop_ && workers_.empty()) return Status::OK();
    stop_ = true;
    for (auto& [id, q] : active_) {
      q->cancel_requested = true;
      q->cancel.store(true);
    }
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  // Queued queries no worker took.
  std::lock_guard<std::mutex> l(mu_);
  for (auto& q : queue_) {
    q->record.status = std::string(kCancelled);
    q->record.finished_us = dir_->env()->NowMicros();
    SaveLocked(q->record, false).IgnoreError();
    queries_[q->record.id] = q->record;
    active_.erase(q->record.id);
  }
  queue_.clear();
  return Status::OK();
}

}  // namespace cairn::cloud
