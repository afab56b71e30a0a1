#include "cloud/router.h"

#include <algorithm>

#include "store/columns.h"
#include "store/memtable.h"

namespace cairn::cloud {
namespace {

// The string columns whose values are views in an Event (every Str field but raw).
const std::vector<ColumnId>& ViewColumns() {
  static const std::vector<ColumnId> kColumns = [] {
    std::vector<ColumnId> ids;
    for (const ColumnDef& c : AllColumns()) {
      if (c.list_child || !c.stored) continue;
      if (c.type != ColumnType::kString && c.type != ColumnType::kMap) continue;
      if (c.id == ColumnId::kUsername || c.id == ColumnId::kEventJson) continue;
      ids.push_back(c.id);
    }
    return ids;
  }();
  return kColumns;
}

Str AccountOf(const Event& e) {
  if (!IsNull(e.recipient_account_id) && !e.recipient_account_id.empty())
    return e.recipient_account_id;
  if (e.user_identity.present) return e.user_identity.account_id;
  return Str();
}

}  // namespace

void CopyEventInto(const Event& e, const EventBatch& src, EventBatch* dst) {
  Event c = e;
  const Str raw = dst->Copy(e.raw);
  const char* begin = e.raw.data();
  const char* end = begin ? begin + e.raw.size() : nullptr;
  auto fix = [&](Str* s) {
    if (IsNull(*s)) return;
    if (begin && s->data() >= begin && s->data() + s->size() <= end) {
      *s = Str(raw.data() + (s->data() - begin), s->size());
    } else {
      *s = dst->Copy(*s);
    }
  };
  for (ColumnId id : ViewColumns()) fix(MutableStringField(&c, id));
  c.raw = raw;
  c.resources_begin = static_cast<uint32_t>(dst->resources.size());
  for (const Resource& r : src.ResourcesOf(e)) {
    Resource n = r;
    fix(&n.arn);
    fix(&n.account_id);
    fix(&n.type);
    dst->resources.push_back(n);
  }
  dst->events.push_back(c);
}

Router::Router(DataDir* dir, RouterOptions options) : dir_(dir), options_(options) {}

Router::~Router() { Stop(); }

RouteCounts Router::counts() const {
  std::lock_guard<std::mutex> l(mu_);
  return counts_;
}

RouterMemory Router::Memory() {
  RouterMemory m = HeldMemory();
  m.pending_history_bytes = pending_bytes_;
  m.pending_org_raw_bytes = org_pending_raw_;
  auto add = [&m](EventStore* s) {
    const StoreStats st = s->Stats();
    m.key_digest_bytes = std::max(m.key_digest_bytes, st.key_digest_bytes);  // one shared cache
    m.segments += st.segment_count;
    m.key_digest_rebuilds += st.key_digest_rebuilds;
    ++m.stores;
  };
  if (org_ != nullptr) add(org_);
  for (auto& [k, p] : pending_) {
    if (p.history != nullptr) add(p.history->store());
  }
  return m;
}

RouterMemory Router::HeldMemory() const {
  RouterMemory m;
  m.held_org_bytes = held_org_.load();
  m.held_history_bytes = held_history_.load();
  m.held_writing_bytes = held_writing_.load();
  m.writes_running = writes_.load();
  return m;
}

Status Router::Route(EventBatch&& batch) {
  if (org_ == nullptr) {
    ASSIGN_OR_RETURN(StoreRecord org, dir_->OrganizationStore(/*create=*/true));
    ASSIGN_OR_RETURN(org_, dir_->OpenEventDataStore(org));
  }
  if (options_.direct) RETURN_IF_ERROR(WaitForRoom());
  const int64_t now = dir_->env()->NowMicros();
  ++routes_;
  RouteCounts c;  // this batch's share, added under the lock
  c.events = batch.size();
  uint64_t batch_raw = 0;
  std::pair<std::string, std::string> key;
  for (const Event& e : batch.events) {
    batch_raw += e.raw.size();
    if (IsNull(e.event_category) ||
        (e.event_category != "Management" && e.event_category != "Insight")) {
      ++c.not_history;
      continue;
    }
    if (!EventHistory::Admits(e, now)) {
      ++c.history_too_old;
      continue;
    }
    const Str account = AccountOf(e);
    if (IsNull(account) || IsNull(e.aws_region) ||
        !DataDir::ValidHistoryKey(account, e.aws_region)) {
      ++c.history_no_key;
      continue;
    }
    if (key.first != account || key.second != e.aws_region) {
      key.first.assign(account);
      key.second.assign(e.aws_region);
    }
    Pending& p = pending_[key];
    if (options_.direct) {
      // Direct writes take a list of batches: a history's events are gathered in chunks of a
      // fixed capacity, never in one array that grows by copying 1 KB events around.
      if (p.batch.size() >= options_.direct_chunk_events) {
        p.chunks.push_back(std::move(p.batch));
        p.batch = EventBatch();
      }
      if (p.batch.events.capacity() == 0) {
        if (options_.array_pool != nullptr) {
          p.batch.events = options_.array_pool->Take(options_.direct_chunk_events);
        } else {
          p.batch.events.reserve(options_.direct_chunk_events);
        }
      }
    }
    CopyEventInto(e, batch, &p.batch);
    p.last_route = routes_;
    const uint64_t bytes = MemTable::EventBytes(e);
    p.bytes += bytes;
    p.raw_bytes += e.raw.size();
    pending_bytes_ += bytes;
  }
  {
    std::lock_guard<std::mutex> l(mu_);
    counts_.events += c.events;
    counts_.not_history += c.not_history;
    counts_.history_too_old += c.history_too_old;
    counts_.history_no_key += c.history_no_key;
  }
  if (options_.direct) {
    uint64_t history_held = 0;
    for (auto& [k, p] : pending_) {
      if (p.last_route != routes_) {
        history_held += p.held;
        continue;
      }
      p.held = p.batch.MemoryBytes();
      for (const EventBatch& b : p.chunks) p.held += b.MemoryBytes();
      history_held += p.held;
    }
    held_history_.store(history_held);
    held_org_.fetch_add(batch.MemoryBytes());
    org_pending_.push_back(std::move(batch));
    org_pending_raw_ += batch_raw;
    if (org_pending_raw_ >= options_.direct_org_raw_bytes) RETURN_IF_ERROR(SubmitOrgPending());
  } else {
    ASSIGN_OR_RETURN(AppendResult r, org_->Append(std::move(batch)));
    std::lock_guard<std::mutex> l(mu_);
    counts_.accepted += r.accepted;
    counts_.duplicates += r.duplicates;
  }

  for (auto& [k, p] : pending_) {
    const bool full = options_.direct ? p.raw_bytes >= options_.direct_history_raw_bytes
                                      : p.batch.size() >= options_.history_batch_events ||
                                            p.bytes >= options_.history_batch_bytes;
    if (full) RETURN_IF_ERROR(AppendPending(&p));
  }
  const uint64_t max_pending =
      options_.direct ? options_.direct_max_pending_bytes : options_.max_pending_bytes;
  while (pending_bytes_ > max_pending) {
    // WAL mode: the largest, one append for the most events. Direct mode: the one left behind
    // longest (see RouterOptions), the largest among those.
    auto pick =
        std::min_element(pending_.begin(), pending_.end(), [&](const auto& a, const auto& b) {
          const Pending& x = a.second;
          const Pending& y = b.second;
          if ((x.bytes == 0) != (y.bytes == 0)) return y.bytes == 0;
          if (options_.direct && x.last_route != y.last_route) return x.last_route < y.last_route;
          return x.bytes > y.bytes;
        });
    RETURN_IF_ERROR(AppendPending(&pick->second));
  }
  return Status::OK();
}

Status Router::ResolveHistory(Pending* p) {
  if (p->history != nullptr) return Status::OK();
  const Event& first = p->chunks.empty() ? p->batch.events.front() : p->chunks[0].events.front();
  const std::string account(AccountOf(first));
  const std::string region(first.aws_region);
  ASSIGN_OR_RETURN(p->history, dir_->History(account, region, /*create=*/true));
  return Status::OK();
}

Status Router::AppendPending(Pending* p) {
  if (p->batch.size() == 0 && p->chunks.empty()) return Status::OK();
  RETURN_IF_ERROR(ResolveHistory(p));
  EventBatch batch = std::move(p->batch);
  p->batch = EventBatch();
  pending_bytes_ -= p->bytes;
  p->bytes = 0;
  p->raw_bytes = 0;
  if (options_.direct) {
    DirectJob job{p->history->store(), true, std::move(p->chunks), p->held};
    p->chunks.clear();
    held_history_.fetch_sub(p->held);
    p->held = 0;
    if (batch.size() > 0) job.batches.push_back(std::move(batch));
    return Submit(std::move(job));
  }
  ASSIGN_OR_RETURN(AppendResult r, p->history->Append(std::move(batch)));
  std::lock_guard<std::mutex> l(mu_);
  counts_.history_accepted += r.accepted;
  counts_.history_duplicates += r.duplicates;
  return Status::OK();
}

Status Router::Flush() {
  if (options_.direct && !org_pending_.empty()) RETURN_IF_ERROR(SubmitOrgPending());
  for (auto& [k, p] : pending_) RETURN_IF_ERROR(AppendPending(&p));
  if (!options_.direct) return Status::OK();
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return (jobs_.empty() && running_ == 0) || !direct_error_.ok(); });
  return direct_error_;
}

void Router::Stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
    DropJobs();  // never started: nothing of them was acknowledged
    threads.swap(threads_);
    cv_.notify_all();
  }
  for (std::thread& t : threads) t.join();
  std::lock_guard<std::mutex> l(mu_);
  stop_ = false;
}

Status Router::SubmitOrgPending() {
  DirectJob job{org_, false, std::move(org_pending_), held_org_.exchange(0)};
  org_pending_.clear();
  org_pending_raw_ = 0;
  return Submit(std::move(job));
}

void Router::DropJobs() {
  for (const DirectJob& j : jobs_) {
    held_writing_.fetch_sub(j.held);
    writes_.fetch_sub(1);
  }
  jobs_.clear();
}

Status Router::WaitForRoom() {
  std::unique_lock<std::mutex> l(mu_);
  if (options_.direct_max_held_bytes > 0) {
    cv_.wait(l, [&] {
      const uint64_t held = held_org_.load() + held_history_.load() + held_writing_.load();
      return held < options_.direct_max_held_bytes || writes_.load() == 0 || !direct_error_.ok();
    });
  }
  return direct_error_;
}

Status Router::Submit(DirectJob job) {
  std::unique_lock<std::mutex> l(mu_);
  if (threads_.empty()) {
    for (size_t i = 0; i < std::max<size_t>(1, options_.direct_threads); ++i) {
      threads_.emplace_back([this] { DirectThread(); });
    }
  }
  // At most direct_threads + max(1, direct_queue) sets of events are held by writes: with
  // direct_queue 0, Submit returns only once a writer has taken the job.
  cv_.wait(l, [&] {
    return jobs_.size() < std::max<size_t>(1, options_.direct_queue) || !direct_error_.ok();
  });
  if (!direct_error_.ok()) return direct_error_;
  held_writing_.fetch_add(job.held);
  writes_.fetch_add(1);
  jobs_.push_back(std::move(job));
  cv_.notify_all();
  if (options_.direct_queue == 0) {
    cv_.wait(l, [&] { return jobs_.empty() || !direct_error_.ok(); });
  }
  return direct_error_;
}

void Router::DirectThread() {
  std::unique_lock<std::mutex> l(mu_);
  while (true) {
    cv_.wait(l, [&] { return stop_ || !jobs_.empty(); });
    if (stop_) return;
    DirectJob job = std::move(jobs_.front());
    jobs_.pop_front();
    ++running_;
    cv_.notify_all();  // room in the queue
    l.unlock();
    auto r = job.store->AppendDirect(std::move(job.batches));
    if (options_.array_pool != nullptr) options_.array_pool->GiveAll(&job.batches);
    job.batches.clear();  // give the memory back before taking the next job
    job.batches.shrink_to_fit();
    if (options_.after_direct_write) options_.after_direct_write();
    l.lock();
    --running_;
    held_writing_.fetch_sub(job.held);  // under mu_, with the counts: WaitForRoom sees both
    writes_.fetch_sub(1);
    if (!r.ok()) {
      if (direct_error_.ok()) direct_error_ = r.status();
      DropJobs();
    } else if (job.history) {
      counts_.history_accepted += r->accepted;
      counts_.history_duplicates += r->duplicates;
    } else {
      counts_.accepted += r->accepted;
      counts_.duplicates += r->duplicates;
    }
    cv_.notify_all();
  }
}

}  // namespace cairn::cloud
