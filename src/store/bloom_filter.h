// src/store/bloom_filter.h
//
// A split-block bloom filter over byte strings, for the needle columns of a segment block
// (eventID, accessKeyId, sourceIPAddress, username, resource ARNs and types). Each key sets 8 bits
// inside one 256-bit block chosen by its hash, so a probe touches one cache line. With 10 bits per
// key the false-positive rate is about 1%. The serialized form is the bit array itself (a multiple
// of 32 bytes, little-endian 32-bit words); see doc/format/segment.md.
//
// Thread-safety: BloomFilterBuilder is single-threaded; BloomFilterView is an immutable view, safe
// from many threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cairn {

// 64-bit hash of a byte string (cairn's own mix; the bloom format depends on it: never change it).
uint64_t BloomHash(std::string_view key);

class BloomFilterBuilder {
 public:
  // Sized for `expected_keys` distinct keys at `bits_per_key`.
  explicit BloomFilterBuilder(size_t expected_keys, int bits_per_key = 10);
  void AddHash(uint64_t h);
  void Add(std::string_view key) { AddHash(BloomHash(key)); }
  // The serialized filter.
  const std::string& data() const { return bits_; }

 private:
  std::string bits_;
};

class BloomFilterView {
 public:
  BloomFilterView() = default;
  // REQUIRES: data.size() is a positive multiple of 32 (check with IsValidSize first).
  explicit BloomFilterView(std::string_view data) : data_(data) {}
  static bool IsValidSize(size_t n) { return n > 0 && n % 32 == 0; }

  bool MayContainHash(uint64_t h) const;
  bool MayContain(std::string_view key) const { return MayContainHash(BloomHash(key)); }

 private:
  std::string_view data_;
};

}  // namespace cairn
