#include "sql/vector.h"

#include <algorithm>

#include "common/status.h"

namespace cairn::sql {

std::string_view StringHeap::Add(std::string_view s) {
  if (s.empty()) return std::string_view("", 0);
  char* p = Allocate(s.size());
  std::memcpy(p, s.data(), s.size());
  return std::string_view(p, s.size());
}

char* StringHeap::Allocate(size_t n) {
  total_ += n;
  if (n > kBlock / 4) {
    // Large strings get their own block so that the current block's tail is not wasted.
    large_.push_back(std::make_unique<char[]>(n));
    return large_.back().get();
  }
  if (blocks_.empty() || capacity_ - used_ < n) {
    blocks_.push_back(std::make_unique<char[]>(kBlock));
    used_ = 0;
    capacity_ = kBlock;
  }
  char* p = blocks_.back().get() + used_;
  used_ += n;
  return p;
}

size_t Vector::Width(const Type& type) {
  switch (type.id()) {
    case TypeId::kUnknown:
    case TypeId::kBoolean:
      return 1;
    case TypeId::kDouble:
      return sizeof(double);
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kMap:
      return sizeof(std::string_view);
    case TypeId::kArray:
      return sizeof(ListEntry);
    case TypeId::kRow:
    case TypeId::kFunction:
      return 0;
    default:
      return sizeof(int64_t);
  }
}

Vector::Vector(Type type) : type_(std::move(type)) {
  if (type_.id() == TypeId::kArray) {
    children_.emplace_back(type_.element());
  } else if (type_.id() == TypeId::kRow) {
    for (const RowField& f : type_.fields()) children_.emplace_back(*f.type);
  }
}

void Vector::Reserve(size_t n) {
  if (n <= capacity_) return;
  size_t cap = std::max<size_t>(n, capacity_ * 2);
  cap = std::max<size_t>(cap, 8);
  size_t width = Width(type_);
  data_.resize((cap * width + 7) / 8, 0);
  validity_.resize((cap + 63) / 64, 0);
  capacity_ = cap;
}

void Vector::Resize(size_t n) {
  Reserve(n);
  size_t width = Width(type_);
  char* base = reinterpret_cast<char*>(data_.data());
  if (n > size_) {
    // Rows from zero_from_ on are still zero from the allocation: only the rest needs clearing.
    size_t dirty_end = std::min(n, std::max(size_, zero_from_));
    if (width && dirty_end > size_)
      std::memset(base + size_ * width, 0, (dirty_end - size_) * width);
    if (IsStringPhysical(type_)) {
      std::string_view* s = strs();
      for (size_t i = size_; i < n; ++i) s[i] = std::string_view("", 0);
    }
    // Validity bits [size_, n) set, a word at a time where possible.
    size_t i = size_;
    for (; i < n && (i & 63) != 0; ++i) SetValid(i);
    for (; i + 64 <= n; i += 64) validity_[i >> 6] = ~uint64_t{0};
    for (; i < n; ++i) SetValid(i);
    zero_from_ = std::max(zero_from_, n);
  }
  size_ = n;
  if (type_.id() == TypeId::kRow) {
    for (Vector& c : children_) c.Resize(n);
  }
}

void Vector::ResetNull(size_t n) {
  Reserve(n);
  // Rows from zero_from_ on are still zero from the allocation (NULL, value zero; a zero string
  // view is the empty string): only rows written before need clearing.
  const size_t dirty_end = std::min(n, zero_from_);
  size_t width = Width(type_);
  if (width && dirty_end > 0) std::memset(data_.data(), 0, dirty_end * width);
  std::fill(validity_.begin(), validity_.begin() + static_cast<long>((dirty_end + 63) / 64),
            uint64_t{0});
  if (IsStringPhysical(type_)) {
    std::string_view* s = strs();
    for (size_t i = 0; i < dirty_end; ++i) s[i] = std::string_view("", 0);
  }
  zero_from_ = std::max(zero_from_, n);
  size_ = n;
  if (type_.id() == TypeId::kRow) {
    for (Vector& c : children_) c.ResetNull(n);
  }
}

void Vector::Reset(size_t n) {
  size_ = 0;
  for (Vector& c : children_) c.Reset(0);
  Resize(n);
}

void Vector::SetAllNull() {
  size_t words = (size_ + 63) / 64;
  std::fill(validity_.begin(), validity_.begin() + static_cast<long>(words), uint64_t{0});
  size_t width = Width(type_);
  if (width) std::memset(data_.data(), 0, size_ * width);
  if (IsStringPhysical(type_)) {
    std::string_view* s = strs();
    for (size_t i = 0; i < size_; ++i) s[i] = std::string_view("", 0);
  }
  for (Vector& c : children_) {
    if (type_.id() == TypeId::kRow) c.SetAllNull();
  }
}

void Vector::SetNullAndClear(size_t i) {
  SetNull(i);
  size_t width = Width(type_);
  if (width) std::memset(reinterpret_cast<char*>(data_.data()) + i * width, 0, width);
  if (IsStringPhysical(type_)) strs()[i] = std::string_view("", 0);
  if (type_.id() == TypeId::kRow) {
    for (Vector& c : children_) c.SetNullAndClear(i);
  }
}

bool Vector::HasNulls() const {
  size_t full = size_ / 64;
  for (size_t w = 0; w < full; ++w) {
    if (validity_[w] != ~uint64_t{0}) return true;
  }
  for (size_t i = full * 64; i < size_; ++i) {
    if (IsNull(i)) return true;
  }
  return false;
}

StringHeap& Vector::heap() {
  if (!heap_) heap_ = std::make_shared<StringHeap>();
  return *heap_;
}

void Vector::ShareStringsOf(const Vector& other) {
  if (&other == this) return;
  if (other.heap_) pins_.push_back(other.heap_);
  for (const auto& p : other.pins_) pins_.push_back(p);
  // Nested values are copied child to child, so each child pins its counterpart's memory: a later
  // copy of just the child (a field access, an UNNEST) then keeps the bytes alive on its own.
  if (children_.size() == other.children_.size()) {
    for (size_t k = 0; k < children_.size(); ++k) children_[k].ShareStringsOf(other.children_[k]);
  } else {
    for (const Vector& c : other.children_) ShareStringsOf(c);
  }
  // Avoid unbounded growth when the same buffers are shared batch after batch.
  if (pins_.size() > 64) {
    std::sort(pins_.begin(), pins_.end());
    pins_.erase(std::unique(pins_.begin(), pins_.end()), pins_.end());
  }
}

Value Vector::GetValue(size_t i) const {
  if (IsNull(i)) return Value::Null(type_);
  switch (type_.id()) {
    case TypeId::kUnknown:
      return Value::Null(type_);
    case TypeId::kBoolean:
      return Value::Boolean(bools()[i] != 0);
    case TypeId::kDouble:
      return Value::Double(f64()[i]);
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kMap:
      return Value::StringOf(type_, std::string(strs()[i]));
    case TypeId::kArray: {
      const ListEntry& e = lists()[i];
      std::vector<Value> items;
      items.reserve(e.length);
      for (uint32_t k = 0; k < e.length; ++k) items.push_back(children_[0].GetValue(e.offset + k));
      return Value::Array(type_.element(), std::move(items));
    }
    case TypeId::kRow: {
      std::vector<Value> fields;
      fields.reserve(children_.size());
      for (const Vector& c : children_) fields.push_back(c.GetValue(i));
      return Value::Row(type_, std::move(fields));
    }
    case TypeId::kFunction:
      return Value::Null(type_);
    default:
      return Value::Int64Of(type_, i64()[i]);
  }
}

void Vector::SetValue(size_t i, const Value& v) {
  if (v.is_null) {
    SetNullAndClear(i);
    return;
  }
  SetValid(i);
  switch (type_.id()) {
    case TypeId::kUnknown:
      SetNull(i);
      return;
    case TypeId::kBoolean:
      bools()[i] = v.boolean ? 1 : 0;
      return;
    case TypeId::kDouble:
      // Implicit bigint -> double, so a Value typed bigint can fill a double column.
      f64()[i] = v.type.id() == TypeId::kBigint ? static_cast<double>(v.i64) : v.f64;
      return;
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kMap:
      strs()[i] = AddString(v.str);
      return;
    case TypeId::kArray: {
      Vector& elems = children_[0];
      size_t at = elems.size();
      elems.Resize(at + v.items.size());
      for (size_t k = 0; k < v.items.size(); ++k) elems.SetValue(at + k, v.items[k]);
      lists()[i] = {static_cast<uint32_t>(at), static_cast<uint32_t>(v.items.size())};
      return;
    }
    case TypeId::kRow:
      for (size_t k = 0; k < children_.size(); ++k) {
        children_[k].SetValue(i,
                              k < v.items.size() ? v.items[k] : Value::Null(children_[k].type()));
      }
      return;
    case TypeId::kFunction:
      return;
    default:
      i64()[i] = v.i64;
      return;
  }
}

void Vector::CopyRow(const Vector& src, size_t src_row, size_t dst_row) {
  if (src.IsNull(src_row)) {
    SetNullAndClear(dst_row);
    return;
  }
  SetValid(dst_row);
  switch (type_.id()) {
    case TypeId::kRow:
      for (size_t k = 0; k < children_.size(); ++k) {
        children_[k].CopyRow(src.children_[k], src_row, dst_row);
      }
      return;
    case TypeId::kArray: {
      const ListEntry& e = src.lists()[src_row];
      Vector& elems = children_[0];
      size_t at = elems.size();
      elems.AppendRange(src.children_[0], e.offset, e.length);
      lists()[dst_row] = {static_cast<uint32_t>(at), e.length};
      return;
    }
    default: {
      size_t width = Width(type_);
      std::memcpy(reinterpret_cast<char*>(data_.data()) + dst_row * width,
                  reinterpret_cast<const char*>(src.data_.data()) + src_row * width, width);
      return;
    }
  }
}

void Vector::CopyRowOwned(const Vector& src, size_t src_row, size_t dst_row) {
  if (src.IsNull(src_row)) {
    SetNullAndClear(dst_row);
    return;
  }
  if (IsStringPhysical(type_)) {
    SetValid(dst_row);
    strs()[dst_row] = AddString(src.strs()[src_row]);
    return;
  }
  if (type_.id() == TypeId::kArray || type_.id() == TypeId::kRow) {
    SetValue(dst_row, src.GetValue(src_row));
    return;
  }
  CopyRow(src, src_row, dst_row);
}

void Vector::Gather(const Vector& src, std::span<const uint32_t> rows) {
  ShareStringsOf(src);
  Reset(rows.size());
  size_t width = Width(type_);
  if (type_.id() != TypeId::kRow && type_.id() != TypeId::kArray) {
    char* dst = reinterpret_cast<char*>(data_.data());
    const char* s = reinterpret_cast<const char*>(src.data_.data());
    for (size_t i = 0; i < rows.size(); ++i) {
      std::memcpy(dst + i * width, s + rows[i] * width, width);
      if (src.IsNull(rows[i])) SetNull(i);
    }
    return;
  }
  for (size_t i = 0; i < rows.size(); ++i) CopyRow(src, rows[i], i);
}

void Vector::AppendRange(const Vector& src, size_t from, size_t n) {
  if (n == 0) return;  // (and memcpy must not see the null data of an empty vector)
  ShareStringsOf(src);
  size_t at = size_;
  Resize(at + n);
  size_t width = Width(type_);
  if (type_.id() != TypeId::kRow && type_.id() != TypeId::kArray) {
    std::memcpy(reinterpret_cast<char*>(data_.data()) + at * width,
                reinterpret_cast<const char*>(src.data_.data()) + from * width, n * width);
    for (size_t i = 0; i < n; ++i) {
      if (src.IsNull(from + i)) SetNull(at + i);
    }
    return;
  }
  for (size_t i = 0; i < n; ++i) CopyRow(src, from + i, at + i);
}

Vector Vector::Constant(const Type& type, const Value& v, size_t n) {
  Vector out(type);
  out.Resize(n);
  if (n == 0) return out;
  out.SetValue(0, v);
  for (size_t i = 1; i < n; ++i) out.CopyRow(out, 0, i);
  return out;
}

Chunk Chunk::Make(const std::vector<Type>& types, size_t n) {
  Chunk c;
  c.size = n;
  c.columns.reserve(types.size());
  for (const Type& t : types) {
    c.columns.emplace_back(t);
    c.columns.back().Resize(n);
  }
  return c;
}

}  // namespace cairn::sql
