// src/store/key_digest_cache.h
//
// KeyDigestCache holds the key digests (key_digest.h) of segments, least recently used out, within
// a byte budget. One cache serves every store of a data folder (DataDirOptions), so the memory of
// the ingest path's dedupe shortcut is bounded whatever the number of stores and segments: a
// digest that was evicted is rebuilt from its segment's eventID and recipientAccountId columns
// when a write needs it again (EventStore, doc/store.md "Key digests").
//
// Entries are keyed by the segment reader's process-unique cache_id(), so a dropped segment's
// entry can never be taken for a later segment's; the store erases the entries of the segments
// it drops.
//
// Thread-safety: every method may be called from many threads at once. A digest handed out stays
// valid (shared) after it is evicted.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "store/key_digest.h"

namespace cairn {

class KeyDigestCache {
 public:
  explicit KeyDigestCache(uint64_t capacity_bytes) : capacity_(capacity_bytes) {}

  // The digest of segment `id`, or null; a hit becomes the most recently used.
  std::shared_ptr<const KeyDigest> Lookup(uint64_t id);
  // Whether a digest of `bytes` may be kept at all (not larger than the whole budget).
  bool Fits(uint64_t bytes) const { return bytes <= capacity_; }
  // Keeps `digest` as segment `id`'s (replacing any), then evicts the least recently used entries
  // until the cache is within its capacity. A digest that does not fit is not kept.
  void Insert(uint64_t id, std::shared_ptr<const KeyDigest> digest);
  void Erase(uint64_t id);

  uint64_t bytes() const;
  uint64_t capacity() const { return capacity_; }
  size_t entries() const;

 private:
  using Entry = std::pair<uint64_t, std::shared_ptr<const KeyDigest>>;
  void EraseLocked(std::unordered_map<uint64_t, std::list<Entry>::iterator>::iterator it);

  const uint64_t capacity_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<uint64_t, std::list<Entry>::iterator> index_;
  uint64_t bytes_ = 0;
};

}  // namespace cairn
