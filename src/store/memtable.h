// src/store/memtable.h
//
// A MemTable holds the acknowledged events that are not yet in a segment: the batches appended
// since the last memtable switch (and, after a restart, those replayed from the WAL). It also keeps
// the deduplication set of their (eventID, recipientAccountId) keys.
//
// Thread-safety: one writer, many readers.
//  - The writer (the store's current group-commit leader, or Open's replay) is the only caller of
//    the key methods (ContainsKey/InsertKey/EraseKey) and of Add. They are not synchronised with
//    each other; the store guarantees a single writer at a time.
//  - Readers may call published_batches(), ForEachBatch(), the counters and the time range from
//    any thread at any time: Add publishes a batch with a release store after it is complete, and
//    a reader sees a prefix of the batches (a snapshot remembers its prefix length).
// Once the store freezes a memtable (switches it out for a flush) nothing changes it any more.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "event/event.h"

namespace cairn {

class MemTable {
 public:
  MemTable();
  ~MemTable();
  MemTable(const MemTable&) = delete;
  MemTable& operator=(const MemTable&) = delete;

  // --- writer only ---

  // The hash the key methods take, computed once per event by the caller. Never 0 or 1.
  static uint64_t KeyHash(Str event_id, Str recipient_account_id);

  // Whether an event with this key was inserted. A NULL eventID is never a duplicate.
  bool ContainsKey(uint64_t hash, Str event_id, Str recipient_account_id) const;
  // Inserts the key; returns false if it was already present. The views must stay valid while the
  // key is in the set (they point into a batch the memtable will own, or the key is erased first).
  bool InsertKey(uint64_t hash, Str event_id, Str recipient_account_id);
  void EraseKey(uint64_t hash, Str event_id, Str recipient_account_id);
  size_t key_count() const { return key_count_; }
  // The KeyHash of every key in the set (for a KeyDigest). REQUIRES: no concurrent writer.
  std::vector<uint64_t> KeyHashes() const;

  // Appends an acknowledged batch (its events already deduplicated, keys inserted) and publishes
  // it to readers. `bytes` is the memory it accounts for.
  void Add(std::shared_ptr<const EventBatch> batch, uint64_t bytes, int64_t now_us);

  // --- any thread ---

  size_t published_batches() const { return published_.load(std::memory_order_acquire); }
  // Calls fn for each of the first `n` batches. REQUIRES: n <= published_batches().
  void ForEachBatch(size_t n, const std::function<void(const EventBatch&)>& fn) const;
  // The same, handing out shared ownership (for flushes that outlive nothing but want safety).
  void ForEachBatchShared(
      size_t n, const std::function<void(const std::shared_ptr<const EventBatch>&)>& fn) const;

  uint64_t event_count() const { return events_.load(std::memory_order_acquire); }
  uint64_t bytes() const { return bytes_.load(std::memory_order_acquire); }
  // eventTime range of the published events; min > max when empty.
  int64_t min_time_us() const { return min_time_.load(std::memory_order_acquire); }
  int64_t max_time_us() const { return max_time_.load(std::memory_order_acquire); }
  // Env time of the first Add; 0 while empty.
  int64_t first_add_us() const { return first_add_us_.load(std::memory_order_acquire); }
  bool empty() const { return published_batches() == 0; }

  // The memory one event of `batch` accounts for in a memtable.
  static uint64_t EventBytes(const Event& e) {
    return e.raw.size() + sizeof(Event) + e.resources_count * sizeof(Resource);
  }

 private:
  static constexpr size_t kChunkSlots = 256;
  // Batches live in a singly linked list of fixed-size chunks, so appending never moves an entry
  // that a concurrent reader may be looking at.
  struct Chunk {
    std::array<std::shared_ptr<const EventBatch>, kChunkSlots> slots;
    std::atomic<Chunk*> next{nullptr};
  };
  // The key set: open addressing with linear probing over a power-of-two table, so a lookup is
  // usually one cache miss. Slot hash 0 = empty, 1 = erased; real hashes are mapped to >= 2.
  struct Slot {
    uint64_t hash = 0;
    const char* id = nullptr;
    const char* account = nullptr;  // nullptr: NULL recipientAccountId
    uint32_t id_len = 0;
    uint32_t account_len = 0;
  };
  // KeyHash never returns the reserved values; mapping them anyway keeps the table safe.
  static uint64_t SlotHash(uint64_t h) { return h < 2 ? h + 2 : h; }
  static bool SlotMatches(const Slot& s, uint64_t h, Str id, Str account);
  // Index of the slot holding the key, or of the first free slot of its probe sequence.
  size_t Find(uint64_t h, Str id, Str account, bool* found) const;
  void Grow();

  Chunk head_;
  Chunk* tail_ = &head_;  // writer only
  size_t tail_used_ = 0;  // writer only
  std::atomic<size_t> published_{0};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> bytes_{0};
  std::atomic<int64_t> min_time_{INT64_MAX};
  std::atomic<int64_t> max_time_{INT64_MIN};
  std::atomic<int64_t> first_add_us_{0};
  std::vector<Slot> slots_;  // writer only
  size_t key_count_ = 0;     // live keys
  size_t used_slots_ = 0;    // live + erased
};

}  // namespace cairn
