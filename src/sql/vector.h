// src/sql/vector.h
//
// Vector is one column of a batch: a typed array of values with a validity bitmap (bit set = not
// NULL). Kernels loop over its flat data; NULL rows hold a zero/empty value so that loops need not
// branch on validity. Physical forms per type are listed in src/sql/types.h.
//
// Strings are views. Their bytes live either in the vector's own StringHeap (strings a kernel made)
// or in memory the vector pins (a scan's buffers, another vector's heap): a Vector keeps every
// buffer its views point into alive, so views stay valid as long as the Vector, or any Vector that
// took them over with ShareStringsOf(), exists.
//
// Nested types: an array vector holds ListEntry{offset, length} per row into child(0), which holds
// all elements of all rows; a row vector holds one child per field, each with the parent's size.
//
// A Chunk is a batch: columns of equal size, at most kBatchSize rows in pipelines (operators that
// materialize, like sort, may hold larger chunks).
//
// Thread-safety: a Vector is used by one thread at a time. Pinned buffers are shared immutably, so
// vectors that share them may live on different threads.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sql/types.h"
#include "sql/value.h"

namespace cairn::sql {

inline constexpr size_t kBatchSize = 2048;

// An append-only arena for the bytes of strings that kernels produce.
class StringHeap {
 public:
  StringHeap() = default;
  StringHeap(const StringHeap&) = delete;
  StringHeap& operator=(const StringHeap&) = delete;

  // Copies `s` into the heap; the view lives as long as the heap.
  std::string_view Add(std::string_view s);
  // Returns `n` writable bytes that live as long as the heap.
  char* Allocate(size_t n);
  size_t bytes() const { return total_; }

 private:
  static constexpr size_t kBlock = 32 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<std::unique_ptr<char[]>> large_;
  size_t used_ = 0;
  size_t capacity_ = 0;
  size_t total_ = 0;
};

struct ListEntry {
  uint32_t offset = 0;
  uint32_t length = 0;
};

class Vector {
 public:
  explicit Vector(Type type = Type::Unknown());
  Vector(Vector&&) = default;
  Vector& operator=(Vector&&) = default;
  Vector(const Vector&) = delete;
  Vector& operator=(const Vector&) = delete;

  const Type& type() const { return type_; }
  size_t size() const { return size_; }

  // Sets the size to `n` rows. Rows added are valid and zero (0, empty string, empty list).
  // Existing rows keep their values. Children of arrays are not resized.
  void Resize(size_t n);
  // Sets the size to `n`, every row valid and zero. Keeps allocated memory.
  void Reset(size_t n);

  bool IsNull(size_t i) const { return !((validity_[i >> 6] >> (i & 63)) & 1); }
  bool IsValid(size_t i) const { return !IsNull(i); }
  void SetNull(size_t i) { validity_[i >> 6] &= ~(uint64_t{1} << (i & 63)); }
  void SetValid(size_t i) { validity_[i >> 6] |= uint64_t{1} << (i & 63); }
  void SetNull(size_t i, bool null) { null ? SetNull(i) : SetValid(i); }
  // Marks row i NULL and zeroes its value, keeping the "NULL rows hold zero" rule.
  void SetNullAndClear(size_t i);
  // Every row NULL and zero (SetNullAndClear of each row, a word at a time).
  void SetAllNull();
  // Reset(n) then SetAllNull(), without clearing memory that is still zero from its allocation.
  void ResetNull(size_t n);
  bool HasNulls() const;
  const uint64_t* validity() const { return validity_.data(); }
  uint64_t* mutable_validity() { return validity_.data(); }

  // Typed flat data. REQUIRES: the physical form matches the type (see types.h).
  uint8_t* bools() { return reinterpret_cast<uint8_t*>(data_.data()); }
  const uint8_t* bools() const { return reinterpret_cast<const uint8_t*>(data_.data()); }
  int64_t* i64() { return reinterpret_cast<int64_t*>(data_.data()); }
  const int64_t* i64() const { return reinterpret_cast<const int64_t*>(data_.data()); }
  double* f64() { return reinterpret_cast<double*>(data_.data()); }
  const double* f64() const { return reinterpret_cast<const double*>(data_.data()); }
  std::string_view* strs() { return reinterpret_cast<std::string_view*>(data_.data()); }
  const std::string_view* strs() const {
    return reinterpret_cast<const std::string_view*>(data_.data());
  }
  ListEntry* lists() { return reinterpret_cast<ListEntry*>(data_.data()); }
  const ListEntry* lists() const { return reinterpret_cast<const ListEntry*>(data_.data()); }

  // Array: child(0) holds the elements. Row: child(i) is field i.
  Vector& child(size_t i) { return children_[i]; }
  const Vector& child(size_t i) const { return children_[i]; }
  size_t child_count() const { return children_.size(); }

  // Strings. AddString copies into this vector's heap and returns the stable view.
  std::string_view AddString(std::string_view s) { return heap().Add(s); }
  StringHeap& heap();
  // Keeps the string memory of `other` (its heap and pins, recursively for nested children)
  // alive as long as this vector: call before copying views out of `other`.
  void ShareStringsOf(const Vector& other);
  // Keeps an external buffer alive as long as this vector.
  void Pin(std::shared_ptr<const void> buffer) { pins_.push_back(std::move(buffer)); }

  // General (slow) access, for constants, tests and rendering.
  Value GetValue(size_t i) const;
  // Sets row i to `v`, converting nested values into children. REQUIRES: i < size(),
  // v.type coerces to type() physically (same physical form).
  void SetValue(size_t i, const Value& v);

  // Copies row `src_row` of `src` into row `dst_row`, copying string bytes into this vector's own
  // heap instead of pinning `src`'s memory (for state that outlives the input batch).
  void CopyRowOwned(const Vector& src, size_t src_row, size_t dst_row);
  size_t heap_bytes() const { return heap_ ? heap_->bytes() : 0; }

  // Copies row `src_row` of `src` into row `dst_row` of this vector (same type; strings are
  // referenced, not copied: call ShareStringsOf(src) first). For arrays the elements are appended
  // to this vector's child.
  void CopyRow(const Vector& src, size_t src_row, size_t dst_row);
  // This vector becomes rows `rows` of `src` (same type), in that order.
  void Gather(const Vector& src, std::span<const uint32_t> rows);
  // Appends rows [from, from + n) of `src` at the end of this vector.
  void AppendRange(const Vector& src, size_t from, size_t n);
  // n copies of `v` (typed as `type`).
  static Vector Constant(const Type& type, const Value& v, size_t n);

  // The number of bytes of one row in data_ for this type (0 for rows: only children).
  static size_t Width(const Type& type);

 private:
  void Reserve(size_t n);

  Type type_;
  size_t size_ = 0;
  size_t capacity_ = 0;
  size_t zero_from_ = 0;        // data_ rows from here on are zero (never written since allocated)
  std::vector<uint64_t> data_;  // capacity_ * Width(type_) bytes, 8-aligned
  std::vector<uint64_t> validity_;  // capacity_ bits
  std::vector<Vector> children_;
  std::shared_ptr<StringHeap> heap_;
  std::vector<std::shared_ptr<const void>> pins_;
};

// A batch of rows: columns of equal size.
struct Chunk {
  std::vector<Vector> columns;
  size_t size = 0;

  Chunk() = default;
  Chunk(Chunk&&) = default;
  Chunk& operator=(Chunk&&) = default;
  // One column per type, each of `n` zero rows.
  static Chunk Make(const std::vector<Type>& types, size_t n);
};

}  // namespace cairn::sql
