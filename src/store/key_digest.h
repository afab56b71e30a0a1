// src/store/key_digest.h
//
// A KeyDigest is a compact in-memory set of the dedupe-key hashes (MemTable::KeyHash) of one
// segment's events. The ingest path asks a segment's digest first and the segment itself (bloom
// filter, then an exact check of a block) only on a hit, which is a real duplicate except for a
// one-in-a-billion fingerprint collision: a bloom filter's ~1% false positives would each cost the
// decompression of a block.
//
// Layout: the 64-bit hashes, deduplicated and sorted, split into about n/4 buckets by their high
// 32 bits; each bucket keeps the low 32 bits (the fingerprint) of its hashes. 5 bytes per key
// (4 for the fingerprint, 1 for the bucket starts); a probe reads one bucket of ~4 fingerprints.
// A miss is exact (the hash is not in the set); a hit means a key of the segment has the same
// bucket and fingerprint (false hit rate ~4 / 2^32 per probe).
//
// Thread-safety: immutable after construction; any thread may call MayContain.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "event/event.h"

namespace cairn {

class KeyDigest {
 public:
  // `hashes` may hold duplicates; it is sorted in place (taken by value).
  explicit KeyDigest(std::vector<uint64_t> hashes);

  bool MayContain(uint64_t hash) const {
    const size_t b = Bucket(hash);
    const uint32_t fp = static_cast<uint32_t>(hash);
    for (uint32_t i = starts_[b], end = starts_[b + 1]; i < end; ++i) {
      if (fingerprints_[i] == fp) return true;
    }
    return false;
  }
  // memory_bytes() of a digest of `keys` distinct hashes.
  static size_t MemoryBytesFor(size_t keys) {
    return sizeof(KeyDigest) + (keys + std::max<size_t>(1, keys / 4) + 1) * sizeof(uint32_t);
  }
  size_t key_count() const { return fingerprints_.size(); }
  size_t memory_bytes() const {
    return sizeof(*this) + (fingerprints_.capacity() + starts_.capacity()) * sizeof(uint32_t);
  }

 private:
  // Monotonic in the hash (its high 32 bits scaled to the bucket count): sorted hashes fill the
  // buckets in order.
  size_t Bucket(uint64_t hash) const { return ((hash >> 32) * buckets_) >> 32; }

  uint64_t buckets_ = 1;
  std::vector<uint32_t> starts_;        // buckets_ + 1 offsets into fingerprints_
  std::vector<uint32_t> fingerprints_;  // low 32 bits of the sorted, distinct hashes
};

// The distinct recipientAccountIds (the dedupe key's second part; NULL is a value of its own) of
// a segment's events, when there are at most kMaxListed of them. A write none of whose events has
// one of them cannot find a duplicate in that segment, which is then no dedupe candidate at all:
// its digest is neither probed nor rebuilt. An import walks logs account by account, so most
// segments hold one account.
// Thread-safety: none (build it, then share it const).
class KeyAccounts {
 public:
  static constexpr size_t kMaxListed = 16;

  void Add(Str account) {
    if (all_) return;
    if (IsNull(account)) {
      has_null_ = true;
      return;
    }
    if (!ids_.empty() && ids_.back() == account) return;  // runs of one account are the rule
    AddSlow(account);
  }
  // Whether some account may be in both (always, when either has too many to list).
  bool Intersects(const KeyAccounts& other) const;
  bool all() const { return all_; }
  size_t size() const { return ids_.size() + has_null_; }

 private:
  void AddSlow(Str account);

  bool all_ = false;
  bool has_null_ = false;
  std::vector<std::string> ids_;  // the last one added is at the back
};

}  // namespace cairn
