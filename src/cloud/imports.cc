#include "cloud/imports.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <set>
#include <tuple>

#include "cloud/access.h"
#include "common/json_writer.h"
#include "event/input_walker.h"
#include "event/key_layout.h"

namespace cairn::cloud {
namespace {

constexpr std::string_view kInitializing = "INITIALIZING";
constexpr std::string_view kInProgress = "IN_PROGRESS";
constexpr std::string_view kFailed = "FAILED";
constexpr std::string_view kStopped = "STOPPED";
constexpr std::string_view kCompleted = "COMPLETED";

Status Err(StatusCode code, const char* name, std::string message) {
  return Status(code, std::move(message)).WithAwsError(name);
}

bool Running(std::string_view s) { return s == kInitializing || s == kInProgress; }

void WriteStats(JsonWriter* w, const ImportStatistics& s) {
  w->BeginObject()
      .Member("PrefixesFound", s.prefixes_found)
      .Member("PrefixesCompleted", s.prefixes_completed)
      .Member("FilesCompleted", s.files_completed)
      .Member("EventsCompleted", s.events_completed)
      .Member("FailedEntries", s.failed_entries)
      .EndObject();
}

ImportStatistics ReadStats(simdjson::dom::element e) {
  ImportStatistics s;
  uint64_t v;
  if (!e["PrefixesFound"].get(v)) s.prefixes_found = v;
  if (!e["PrefixesCompleted"].get(v)) s.prefixes_completed = v;
  if (!e["FilesCompleted"].get(v)) s.files_completed = v;
  if (!e["EventsCompleted"].get(v)) s.events_completed = v;
  if (!e["FailedEntries"].get(v)) s.failed_entries = v;
  return s;
}

std::string StatsJson(const ImportRecord& r) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("total");
  WriteStats(&w, r.total);
  w.Key("accounts").BeginObject();
  for (const auto& [a, s] : r.by_account) {
    w.Key(a);
    WriteStats(&w, s);
  }
  w.EndObject();
  w.Key("failures").BeginArray();
  for (const ImportFailure& f : r.failures) {
    w.BeginObject()
        .Member("Location", f.location)
        .Member("ErrorType", f.error_type)
        .Member("ErrorMessage", f.error_message)
        .Member("Account", f.account)
        .Member("Updated", f.updated_us)
        .EndObject();
  }
  w.EndArray().EndObject();
  return out;
}

std::string DayOf(int64_t us) {
  time_t secs = static_cast<time_t>(us / 1000000);
  struct tm tm;
  gmtime_r(&secs, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}

}  // namespace

struct Imports::Job {
  std::string id;
  std::string store_id;
  std::atomic<bool> stop{false};
};

Result<std::unique_ptr<Imports>> Imports::Open(DataDir* dir, EventDataStores* stores) {
  std::unique_ptr<Imports> r(new Imports(dir, stores));
  RETURN_IF_ERROR(r->Load());
  Imports* self = r.get();
  stores->SetDeleteGuard([self](const EventDataStoreInfo& store) -> Status {
    std::lock_guard<std::mutex> l(self->mu_);
    for (const auto& [id, imp] : self->imports_) {
      if (Running(imp.status) && imp.destination == store.Arn()) {
        return Err(
            StatusCode::kFailedPrecondition, "EventDataStoreHasOngoingImportException",
            fmt::format("Import {} into {} is still running; stop it first.", id, store.Arn()));
      }
    }
    return Status::OK();
  });
  return r;
}

Imports::~Imports() { Close().IgnoreError(); }

Status Imports::Load() {
  ASSIGN_OR_RETURN(Statement q, dir_->metadata()->Prepare(
                                    "SELECT id, account, region, destination, source, start_us, "
                                    "end_us, status, statistics, created_us, updated_us "
                                    "FROM lake_imports"));
  std::lock_guard<std::mutex> l(mu_);
  std::vector<std::string> interrupted;
  while (true) {
    ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    ImportRecord r;
    r.id = q.Text(0).value_or("");
    r.account = q.Text(1).value_or("");
    r.region = q.Text(2).value_or("");
    r.destination = q.Text(3).value_or("");
    simdjson::dom::parser parser;
    {
      simdjson::padded_string padded(q.Text(4).value_or("{}"));
      simdjson::dom::element src;
      if (!parser.parse(padded).get(src)) {
        std::string_view s;
        if (!src["S3LocationUri"].get(s)) r.source.uri = std::string(s);
        if (!src["S3BucketRegion"].get(s)) r.source.bucket_region = std::string(s);
        if (!src["S3BucketAccessRoleArn"].get(s)) r.source.role_arn = std::string(s);
      }
    }
    r.start_us = q.Int(5);
    r.end_us = q.Int(6);
    r.status = q.Text(7).value_or("");
    {
      simdjson::padded_string padded(q.Text(8).value_or("{}"));
      simdjson::dom::element st;
      if (!parser.parse(padded).get(st)) {
        simdjson::dom::element total;
        if (!st["total"].get(total)) r.total = ReadStats(total);
        simdjson::dom::object accounts;
        if (!st["accounts"].get(accounts)) {
          for (auto [k, v] : accounts) r.by_account[std::string(k)] = ReadStats(v);
        }
        simdjson::dom::array failures;
        if (!st["failures"].get(failures)) {
          for (simdjson::dom::element f : failures) {
            ImportFailure x;
            std::string_view sv;
            int64_t t = 0;
            if (!f["Location"].get(sv)) x.location = std::string(sv);
            if (!f["ErrorType"].get(sv)) x.error_type = std::string(sv);
            if (!f["ErrorMessage"].get(sv)) x.error_message = std::string(sv);
            if (!f["Account"].get(sv)) x.account = std::string(sv);
            if (!f["Updated"].get(t)) x.updated_us = t;
            r.failures.push_back(std::move(x));
          }
        }
      }
    }
    r.created_us = q.Int(9);
    r.updated_us = q.Int(10);
    if (Running(r.status)) {
      r.status = std::string(kFailed);
      interrupted.push_back(r.id);
    }
    imports_[r.id] = std::move(r);
  }
  for (const std::string& id : interrupted) RETURN_IF_ERROR(SaveLocked(imports_[id], false));
  return Status::OK();
}

Status Imports::SaveLocked(const ImportRecord& r, bool insert) {
  std::string source;
  JsonWriter w(&source);
  w.BeginObject()
      .Member("S3LocationUri", r.source.uri)
      .Member("S3BucketRegion", r.source.bucket_region)
      .Member("S3BucketAccessRoleArn", r.source.role_arn)
      .EndObject();
  ASSIGN_OR_RETURN(
      Statement s,
      dir_->metadata()->Prepare(
          insert ? "INSERT INTO lake_imports (id, account, region, destination, source, start_us, "
                   "end_us, status, statistics, created_us, updated_us) VALUES (?1, ?2, ?3, ?4, "
                   "?5, ?6, ?7, ?8, ?9, ?10, ?11)"
                 : "UPDATE lake_imports SET account = ?2, region = ?3, destination = ?4, "
                   "source = ?5, start_us = ?6, end_us = ?7, status = ?8, statistics = ?9, "
                   "created_us = ?10, updated_us = ?11 WHERE id = ?1"));
  return s.Bind(1, r.id)
      .Bind(2, r.account)
      .Bind(3, r.region)
      .Bind(4, r.destination)
      .Bind(5, source)
      .Bind(6, r.start_us)
      .Bind(7, r.end_us)
      .Bind(8, r.status)
      .Bind(9, StatsJson(r))
      .Bind(10, r.created_us)
      .Bind(11, r.updated_us)
      .Run();
}

bool Imports::VisibleTo(const Caller& caller, const ImportRecord& r) {
  if (r.region != caller.region) return false;
  if (r.account == caller.principal->account_id || ReadScopeOf(*caller.principal).all_accounts) {
    return true;
  }
  // A member sees the imports into stores it can see (organization stores), with its own numbers.
  Result<std::string> id = ParseEventDataStoreRef(r.destination);
  if (!id.ok()) return false;
  std::optional<EventDataStoreInfo> store = stores_->FindById(*id);
  return store && store->organization;
}

ImportRecord Imports::ViewFor(const Caller& caller, const ImportRecord& r) const {
  ImportRecord v = r;
  if (!ReadScopeOf(*caller.principal).all_accounts) {
    auto it = r.by_account.find(caller.principal->account_id);
    v.total = it == r.by_account.end() ? ImportStatistics{} : it->second;
    v.by_account.clear();
  }
  return v;
}

Result<ImportRecord> Imports::Start(const Caller& caller,
                                    const std::vector<std::string>& destinations,
                                    const ImportSource& source, std::optional<int64_t> start_us,
                                    std::optional<int64_t> end_us,
                                    const std::optional<std::string>& retry_id) {
  ImportRecord r;
  bool insert = true;
  if (retry_id) {
    std::lock_guard<std::mutex> l(mu_);
    auto it = imports_.find(*retry_id);
    if (it == imports_.end() || it->second.account != caller.principal->account_id ||
        it->second.region != caller.region) {
      return Err(StatusCode::kNotFound, "ImportNotFoundException",
                 fmt::format("The import {} was not found.", *retry_id));
    }
    if (it->second.status != kFailed && it->second.status != kStopped) {
      return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
                 fmt::format("The import {} is {}; only a FAILED or STOPPED import can be "
                             "retried.",
                             *retry_id, it->second.status));
    }
    r = it->second;
    insert = false;
  } else {
    if (destinations.size() != 1) {
      return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
                 fmt::format("Destinations has {} entries; an import has exactly one.",
                             destinations.size()));
    }
    r.destination = destinations[0];
    r.source = source;
    if (!source.uri.starts_with("file://") || source.uri.size() <= 7 || source.uri[7] != '/') {
      return Err(StatusCode::kInvalidArgument, "InvalidImportSourceException",
                 fmt::format("S3LocationUri '{}' is not supported: cairn imports from a local "
                             "folder given as file:///absolute/path.",
                             source.uri));
    }
    if (source.bucket_region.empty() || source.role_arn.empty()) {
      return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
                 "ImportSource.S3 needs S3LocationUri, S3BucketRegion and S3BucketAccessRoleArn.");
    }
    r.start_us = start_us.value_or(0);
    r.end_us = end_us.value_or(0);
    if (start_us && end_us && *start_us > *end_us) {
      return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
                 "StartEventTime must not be later than EndEventTime.");
    }
    r.id = NewUuid();
    r.account = caller.principal->account_id;
    r.region = caller.region;
    r.created_us = caller.now_us;
  }
  ASSIGN_OR_RETURN(EventDataStoreInfo store, stores_->ResolveForWrite(caller, r.destination));
  if (store.selectors.family() != EventFamily::kCloudTrail) {
    return Err(StatusCode::kInvalidArgument, "InvalidEventDataStoreCategoryException",
               fmt::format("The event data store {} holds {} events; imports copy CloudTrail "
                           "events.",
                           store.Arn(), EventFamilyName(store.selectors.family())));
  }
  const std::string folder = r.source.uri.substr(7);
  if (!dir_->env()->IsDirectory(folder)) {
    return Err(StatusCode::kInvalidArgument, "InvalidImportSourceException",
               fmt::format("S3LocationUri {}: {} is not a folder.", r.source.uri, folder));
  }
  r.destination = store.Arn();
  r.status = std::string(kInitializing);
  r.total = {};
  r.by_account.clear();
  r.failures.clear();
  r.updated_us = caller.now_us;
  auto job = std::make_shared<Job>();
  job->id = r.id;
  job->store_id = store.id;
  std::lock_guard<std::mutex> l(mu_);
  if (closed_) return Status::Unavailable("the server is shutting down");
  for (const auto& [id, other] : imports_) {
    if (other.account == r.account && Running(other.status)) {
      return Err(StatusCode::kFailedPrecondition, "AccountHasOngoingImportException",
                 fmt::format("Account {} already has an import in progress ({}).", r.account, id));
    }
  }
  RETURN_IF_ERROR(SaveLocked(r, insert));
  imports_[r.id] = r;
  running_[r.id] = job;
  threads_.emplace_back([this, job] { RunJob(job); });
  return r;
}

void Imports::RunJob(const std::shared_ptr<Job>& job) {
  Env* env = dir_->env();
  ImportRecord r;
  {
    std::lock_guard<std::mutex> l(mu_);
    r = imports_[job->id];
  }
  const std::string folder = r.source.uri.substr(7);
  ParseSummary expand_summary;
  std::vector<InputFile> files = ExpandInputs(env, {folder}, &expand_summary);
  // The delivery date of the key layout decides, as the Lake matches prefixes and file names.
  const std::string first_day = r.start_us ? DayOf(r.start_us) : "";
  const std::string last_day = r.end_us ? DayOf(r.end_us) : "";
  std::vector<std::string> paths;
  std::map<std::string, std::set<std::string>> prefixes;  // account -> folders
  std::set<std::string> all_prefixes;
  std::map<std::string, std::string> account_of_file;
  std::map<std::string, std::pair<std::string, size_t>> remaining;  // folder -> files left
  for (const InputFile& f : files) {
    const std::string& day = f.layout.date;
    if (!day.empty() &&
        ((!first_day.empty() && day < first_day) || (!last_day.empty() && day > last_day))) {
      continue;
    }
    paths.push_back(f.path);
    const std::string prefix = ParentOf(f.path);
    account_of_file[f.path] = f.layout.account_id;
    prefixes[f.layout.account_id].insert(prefix);
    all_prefixes.insert(prefix);
  }
  std::map<std::string, size_t> files_left_in_prefix;
  for (const std::string& p : paths) files_left_in_prefix[ParentOf(p)]++;
  {
    std::lock_guard<std::mutex> l(mu_);
    ImportRecord& live = imports_[job->id];
    live.status = std::string(kInProgress);
    live.total.prefixes_found = all_prefixes.size();
    for (const auto& [a, set] : prefixes) live.by_account[a].prefixes_found = set.size();
    live.total.failed_entries += expand_summary.rejected_total();
    SaveLocked(live, false).IgnoreError();
  }
  Status outcome;
  Result<EventStore*> store = stores_->OpenStore(job->store_id);
  if (!store.ok()) outcome = store.status();
  if (outcome.ok() && !paths.empty()) {
    ParseOptions options;
    options.threads = 2;
    ParseSummary summary;
    outcome = ParseInputs(env, paths, options, &summary, [&](ParsedFile& file) -> Status {
      if (job->stop.load()) return Status::Cancelled("import stopped");
      std::map<std::string, uint64_t> events_by_account;
      for (const Event& e : file.batch.events) {
        Str a = EventAccount(e);
        events_by_account[IsNull(a) ? std::string() : std::string(a)]++;
      }
      const uint64_t failed = file.summary.rejected_total();
      const size_t n = file.batch.events.size();
      if (n > 0) RETURN_IF_ERROR((*store)->Append(std::move(file.batch)).status());
      std::lock_guard<std::mutex> l(mu_);
      ImportRecord& live = imports_[job->id];
      const std::string& file_account = account_of_file[file.file.path];
      live.total.events_completed += n;
      live.total.failed_entries += failed;
      for (const auto& [a, count] : events_by_account) live.by_account[a].events_completed += count;
      live.by_account[file_account].failed_entries += failed;
      for (const std::string& message : file.summary.errors) {
        if (live.failures.size() >= kMaxFailures) break;
        std::string location = file.file.path;
        if (location.starts_with(folder + "/")) location = location.substr(folder.size() + 1);
        live.failures.push_back(
            {location, "InvalidRecord", message.substr(0, 1000), file_account, env->NowMicros()});
      }
      if (file.last_part) {
        live.total.files_completed++;
        live.by_account[file_account].files_completed++;
        const std::string prefix = ParentOf(file.file.path);
        if (--files_left_in_prefix[prefix] == 0) {
          live.total.prefixes_completed++;
          live.by_account[file_account].prefixes_completed++;
        }
      }
      live.updated_us = env->NowMicros();
      return Status::OK();
    });
  }
  if (outcome.ok() && store.ok()) outcome = (*store)->Flush();
  std::lock_guard<std::mutex> l(mu_);
  ImportRecord& live = imports_[job->id];
  if (job->stop.load()) {
    live.status = std::string(kStopped);
  } else if (!outcome.ok() || live.total.failed_entries > 0) {
    live.status = std::string(kFailed);
    if (!outcome.ok()) {
      std::fprintf(stderr, "cairn: import %s: %s\n", job->id.c_str(), outcome.ToString().c_str());
      live.total.failed_entries++;
      if (live.failures.size() < kMaxFailures) {
        live.failures.push_back(
            {"", "ImportError", outcome.message().substr(0, 1000), "", env->NowMicros()});
      }
    }
  } else {
    live.status = std::string(kCompleted);
  }
  live.updated_us = env->NowMicros();
  SaveLocked(live, false).IgnoreError();
  running_.erase(job->id);
}

Result<ImportRecord> Imports::Get(const Caller& caller, std::string_view id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = imports_.find(std::string(id));
  if (it == imports_.end() || !VisibleTo(caller, it->second)) {
    return Err(StatusCode::kNotFound, "ImportNotFoundException",
               fmt::format("The import {} was not found.", id));
  }
  return ViewFor(caller, it->second);
}

Result<std::vector<ImportFailure>> Imports::Failures(const Caller& caller, std::string_view id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = imports_.find(std::string(id));
  if (it == imports_.end() || !VisibleTo(caller, it->second)) {
    return Err(StatusCode::kNotFound, "ImportNotFoundException",
               fmt::format("The import {} was not found.", id));
  }
  if (ReadScopeOf(*caller.principal).all_accounts) return it->second.failures;
  std::vector<ImportFailure> out;
  for (const ImportFailure& f : it->second.failures) {
    if (f.account == caller.principal->account_id) out.push_back(f);
  }
  return out;
}

Result<ImportRecord> Imports::Stop(const Caller& caller, std::string_view id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = imports_.find(std::string(id));
  if (it == imports_.end() || !VisibleTo(caller, it->second)) {
    return Err(StatusCode::kNotFound, "ImportNotFoundException",
               fmt::format("The import {} was not found.", id));
  }
  if (it->second.account != caller.principal->account_id &&
      !(caller.principal->in_management_account && caller.principal->role == Role::kAdmin)) {
    return Err(StatusCode::kPermissionDenied, "AccessDeniedException",
               fmt::format("User: {} may not stop import {} of account {}.",
                           caller.principal->Arn(), id, it->second.account));
  }
  auto job = running_.find(it->first);
  if (job != running_.end()) job->second->stop.store(true);
  ImportRecord view = ViewFor(caller, it->second);
  if (Running(view.status)) view.status = std::string(kStopped);  // as the Lake answers
  return view;
}

Result<std::vector<ImportRecord>> Imports::List(const Caller& caller,
                                                const std::optional<std::string>& destination,
                                                const std::optional<std::string>& status) {
  static const std::set<std::string_view> kStatuses = {kInitializing, kInProgress, kFailed,
                                                       kStopped, kCompleted};
  if (status && kStatuses.count(*status) == 0) {
    return Err(StatusCode::kInvalidArgument, "InvalidParameterException",
               fmt::format("ImportStatus '{}' is not one of INITIALIZING, IN_PROGRESS, FAILED, "
                           "STOPPED, COMPLETED.",
                           *status));
  }
  std::string dest_arn;
  if (destination) {
    ASSIGN_OR_RETURN(EventDataStoreInfo store, stores_->Get(caller, *destination));
    dest_arn = store.Arn();
  }
  std::lock_guard<std::mutex> l(mu_);
  std::vector<ImportRecord> out;
  for (const auto& [id, r] : imports_) {
    if (!VisibleTo(caller, r)) continue;
    if (!dest_arn.empty() && r.destination != dest_arn) continue;
    if (status && r.status != *status) continue;
    out.push_back(ViewFor(caller, r));
  }
  std::sort(out.begin(), out.end(), [](const ImportRecord& a, const ImportRecord& b) {
    return std::tie(a.created_us, a.id) < std::tie(b.created_us, b.id);
  });
  return out;
}

Status Imports::Close() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    for (auto& [id, job] : running_) job->stop.store(true);
    threads.swap(threads_);
  }
  for (std::thread& t : threads) t.join();
  return Status::OK();
}

}  // namespace cairn::cloud
