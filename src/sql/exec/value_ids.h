// src/sql/exec/value_ids.h
//
// ValueIds gives the values of one string or 64-bit integer column dense ids (equal values, equal
// ids; 0 is NULL), so hash aggregation and count(DISTINCT) work on small integers instead of
// hashing and copying strings row by row. Strings from the store's dictionaries repeat the same
// bytes at the same address, so within a batch a small cache keyed by address and length answers
// most rows without hashing the text; the text is hashed once per distinct address per batch.
//
// Thread-safety: one thread (an operator's).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sql/vector.h"

namespace cairn::sql {

class ValueIds {
 public:
  // Whether columns of type `t` can be mapped (string or int64 physical forms).
  static bool Supports(const Type& t) { return IsStringPhysical(t) || IsInt64Physical(t); }

  // ids[i] = the id of row i of `v`, for i < v.size(). REQUIRES: Supports(v.type()). String views
  // of `v` need only stay valid during the call.
  void Map(const Vector& v, std::vector<uint32_t>* ids);

  // Distinct non-NULL values seen so far.
  size_t size() const { return next_ - 1; }
  // Approximate memory held.
  int64_t MemoryBytes() const { return static_cast<int64_t>(bytes_ + (next_ * 48)); }

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Slot {
    const char* data = nullptr;
    uint32_t size = 0;
    uint32_t id = 0;
    uint64_t batch = 0;
  };
  static constexpr size_t kCacheSlots = 4096;

  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> strings_;
  std::unordered_map<int64_t, uint32_t> ints_;
  std::vector<Slot> cache_;
  uint64_t batch_ = 0;
  uint32_t next_ = 1;
  size_t bytes_ = 0;
};

}  // namespace cairn::sql
