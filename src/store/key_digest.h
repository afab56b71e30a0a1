// src/store/key_digest.h
//
// A KeyDigest is an in-memory set of the 64-bit dedupe-key hashes (MemTable::KeyHash) of one
// segment's events. The flush that writes a segment from a memtable builds it for free from the
// memtable's key set; the ingest path then asks the digest first and the segment (bloom filter,
// then an exact check of a block) only on a hit. A hit is a real duplicate except for a 64-bit
// hash collision, so the segment's exact check almost never runs for new events — where a bloom
// filter's false positives make it decompress a block for about 1% of the probes.
// 16 bytes per key; the store keeps digests only for flush outputs (few: compaction merges them).
//
// Thread-safety: immutable after construction; any thread may call MayContain.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cairn {

class KeyDigest {
 public:
  // `hashes` may hold duplicates.
  explicit KeyDigest(const std::vector<uint64_t>& hashes);

  bool MayContain(uint64_t hash) const {
    const uint64_t h = hash == 0 ? 1 : hash;  // 0 marks an empty slot
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }
  size_t memory_bytes() const { return slots_.size() * sizeof(uint64_t); }

 private:
  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
};

}  // namespace cairn
