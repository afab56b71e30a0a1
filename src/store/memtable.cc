#include "store/memtable.h"

#include <functional>
#include <string_view>

#include "common/status.h"

namespace cairn {

size_t MemTable::KeyHash::operator()(const Key& k) const {
  size_t h = std::hash<std::string_view>()(k.event_id);
  size_t a = IsNull(k.account) ? 0x9e3779b97f4a7c15ull : std::hash<std::string_view>()(k.account);
  return h ^ (a + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2));
}

MemTable::MemTable() { keys_.reserve(4096); }

MemTable::~MemTable() {
  Chunk* c = head_.next.load();
  while (c != nullptr) {
    Chunk* next = c->next.load();
    delete c;
    c = next;
  }
}

bool MemTable::ContainsKey(Str event_id, Str recipient_account_id) const {
  if (IsNull(event_id)) return false;
  return keys_.count(Key{event_id, recipient_account_id}) > 0;
}

bool MemTable::InsertKey(Str event_id, Str recipient_account_id) {
  if (IsNull(event_id)) return true;
  return keys_.insert(Key{event_id, recipient_account_id}).second;
}

void MemTable::EraseKey(Str event_id, Str recipient_account_id) {
  if (IsNull(event_id)) return;
  keys_.erase(Key{event_id, recipient_account_id});
}

void MemTable::Add(std::shared_ptr<const EventBatch> batch, uint64_t bytes, int64_t now_us) {
  int64_t lo = min_time_.load(std::memory_order_relaxed);
  int64_t hi = max_time_.load(std::memory_order_relaxed);
  for (const Event& e : batch->events) {
    lo = std::min(lo, e.event_time_us);
    hi = std::max(hi, e.event_time_us);
  }
  if (tail_used_ == kChunkSlots) {
    Chunk* c = new Chunk();
    tail_->next.store(c, std::memory_order_release);
    tail_ = c;
    tail_used_ = 0;
  }
  const uint64_t n = batch->events.size();
  tail_->slots[tail_used_++] = std::move(batch);
  if (first_add_us_.load(std::memory_order_relaxed) == 0) {
    first_add_us_.store(now_us == 0 ? 1 : now_us, std::memory_order_release);
  }
  min_time_.store(lo, std::memory_order_release);
  max_time_.store(hi, std::memory_order_release);
  events_.fetch_add(n, std::memory_order_release);
  bytes_.fetch_add(bytes, std::memory_order_release);
  published_.fetch_add(1, std::memory_order_release);  // last: makes the slot visible
}

void MemTable::ForEachBatchShared(
    size_t n, const std::function<void(const std::shared_ptr<const EventBatch>&)>& fn) const {
  CAIRN_DCHECK(n <= published_batches());
  const Chunk* c = &head_;
  size_t i = 0;
  while (i < n) {
    const size_t in_chunk = std::min(kChunkSlots, n - i);
    for (size_t j = 0; j < in_chunk; ++j) fn(c->slots[j]);
    i += in_chunk;
    if (i < n) c = c->next.load(std::memory_order_acquire);
  }
}

void MemTable::ForEachBatch(size_t n, const std::function<void(const EventBatch&)>& fn) const {
  ForEachBatchShared(n, [&](const std::shared_ptr<const EventBatch>& b) { fn(*b); });
}

}  // namespace cairn
