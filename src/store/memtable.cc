#include "store/memtable.h"

#include <cstring>
#include <functional>
#include <string_view>

#include "common/status.h"

namespace cairn {

namespace {

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t m = static_cast<__uint128_t>(a ^ 0x9E3779B97F4A7C15ull) * (b ^ 0xC2B2AE3D27D4EB4Full);
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}

uint64_t HashBytes(std::string_view s, uint64_t seed) {
  uint64_t h = Mix(seed, s.size());
  const char* p = s.data();
  size_t n = s.size();
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = Mix(h, v);
    p += 8;
    n -= 8;
  }
  uint64_t tail = 0;
  if (n > 0) std::memcpy(&tail, p, n);
  return Mix(h, tail);
}

}  // namespace

uint64_t MemTable::KeyHash(Str event_id, Str recipient_account_id) {
  uint64_t h = HashBytes(event_id, 0x51ED27);
  h = IsNull(recipient_account_id) ? Mix(h, 0x4E554C4C) : HashBytes(recipient_account_id, h);
  return h < 2 ? h + 2 : h;
}

MemTable::MemTable() : slots_(1024) {}

MemTable::~MemTable() {
  Chunk* c = head_.next.load();
  while (c != nullptr) {
    Chunk* next = c->next.load();
    delete c;
    c = next;
  }
}

bool MemTable::SlotMatches(const Slot& s, uint64_t h, Str id, Str account) {
  if (s.hash != h || s.id_len != id.size() || std::memcmp(s.id, id.data(), id.size()) != 0) {
    return false;
  }
  if (IsNull(account)) return s.account == nullptr;
  return s.account != nullptr && s.account_len == account.size() &&
         std::memcmp(s.account, account.data(), account.size()) == 0;
}

size_t MemTable::Find(uint64_t h, Str id, Str account, bool* found) const {
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(h) & mask;
  size_t first_free = SIZE_MAX;
  while (true) {
    const Slot& s = slots_[i];
    if (s.hash == 0) {
      *found = false;
      return first_free != SIZE_MAX ? first_free : i;
    }
    if (s.hash == 1) {
      if (first_free == SIZE_MAX) first_free = i;
    } else if (SlotMatches(s, h, id, account)) {
      *found = true;
      return i;
    }
    i = (i + 1) & mask;
  }
}

void MemTable::Grow() {
  std::vector<Slot> old(slots_.size() * (key_count_ * 4 >= slots_.size() ? 2 : 1));
  old.swap(slots_);
  const size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.hash < 2) continue;
    size_t i = static_cast<size_t>(s.hash) & mask;
    while (slots_[i].hash != 0) i = (i + 1) & mask;
    slots_[i] = s;
  }
  used_slots_ = key_count_;
}

std::vector<uint64_t> MemTable::KeyHashes() const {
  std::vector<uint64_t> out;
  out.reserve(key_count_);
  for (const Slot& s : slots_) {
    if (s.hash >= 2) out.push_back(s.hash);
  }
  return out;
}

bool MemTable::ContainsKey(uint64_t hash, Str event_id, Str recipient_account_id) const {
  if (IsNull(event_id)) return false;
  bool found;
  Find(SlotHash(hash), event_id, recipient_account_id, &found);
  return found;
}

bool MemTable::InsertKey(uint64_t hash, Str event_id, Str recipient_account_id) {
  if (IsNull(event_id)) return true;
  const uint64_t h = SlotHash(hash);
  bool found;
  size_t i = Find(h, event_id, recipient_account_id, &found);
  if (found) return false;
  const bool reuse = slots_[i].hash == 1;
  slots_[i] =
      Slot{h, event_id.data(), recipient_account_id.data(), static_cast<uint32_t>(event_id.size()),
           static_cast<uint32_t>(recipient_account_id.size())};
  ++key_count_;
  if (!reuse && ++used_slots_ * 2 > slots_.size()) Grow();
  return true;
}

void MemTable::EraseKey(uint64_t hash, Str event_id, Str recipient_account_id) {
  if (IsNull(event_id)) return;
  bool found;
  size_t i = Find(SlotHash(hash), event_id, recipient_account_id, &found);
  if (!found) return;
  slots_[i] = Slot{1, nullptr, nullptr, 0, 0};
  --key_count_;
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
