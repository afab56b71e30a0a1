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

Router::~Router() = default;

Status Router::Route(EventBatch&& batch) {
  if (org_ == nullptr) {
    ASSIGN_OR_RETURN(StoreRecord org, dir_->OrganizationStore(/*create=*/true));
    ASSIGN_OR_RETURN(org_, dir_->OpenEventDataStore(org));
  }
  const int64_t now = dir_->env()->NowMicros();
  counts_.events += batch.size();
  std::pair<std::string, std::string> key;
  for (const Event& e : batch.events) {
    if (IsNull(e.event_category) ||
        (e.event_category != "Management" && e.event_category != "Insight")) {
      ++counts_.not_history;
      continue;
    }
    if (!EventHistory::Admits(e, now)) {
      ++counts_.history_too_old;
      continue;
    }
    const Str account = AccountOf(e);
    if (IsNull(account) || IsNull(e.aws_region) ||
        !DataDir::ValidHistoryKey(account, e.aws_region)) {
      ++counts_.history_no_key;
      continue;
    }
    if (key.first != account || key.second != e.aws_region) {
      key.first.assign(account);
      key.second.assign(e.aws_region);
    }
    Pending& p = pending_[key];
    CopyEventInto(e, batch, &p.batch);
    const uint64_t bytes = MemTable::EventBytes(e);
    p.bytes += bytes;
    pending_bytes_ += bytes;
  }
  ASSIGN_OR_RETURN(AppendResult r, org_->Append(std::move(batch)));
  counts_.accepted += r.accepted;
  counts_.duplicates += r.duplicates;

  for (auto& [k, p] : pending_) {
    if (p.batch.size() >= options_.history_batch_events ||
        p.bytes >= options_.history_batch_bytes) {
      RETURN_IF_ERROR(AppendPending(&p));
    }
  }
  while (pending_bytes_ > options_.max_pending_bytes) {
    auto largest = std::max_element(
        pending_.begin(), pending_.end(),
        [](const auto& a, const auto& b) { return a.second.bytes < b.second.bytes; });
    RETURN_IF_ERROR(AppendPending(&largest->second));
  }
  return Status::OK();
}

Status Router::AppendPending(Pending* p) {
  if (p->batch.size() == 0) return Status::OK();
  if (p->history == nullptr) {
    const Event& first = p->batch.events.front();
    const std::string account(AccountOf(first));
    const std::string region(first.aws_region);
    ASSIGN_OR_RETURN(p->history, dir_->History(account, region, /*create=*/true));
  }
  EventBatch batch = std::move(p->batch);
  p->batch = EventBatch();
  pending_bytes_ -= p->bytes;
  p->bytes = 0;
  ASSIGN_OR_RETURN(AppendResult r, p->history->Append(std::move(batch)));
  counts_.history_accepted += r.accepted;
  counts_.history_duplicates += r.duplicates;
  return Status::OK();
}

Status Router::Flush() {
  for (auto& [k, p] : pending_) RETURN_IF_ERROR(AppendPending(&p));
  return Status::OK();
}

}  // namespace cairn::cloud
