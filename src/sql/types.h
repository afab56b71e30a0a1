// src/sql/types.h
//
// SQL types as the Lake's dialect knows them, and the rules that relate them (implicit coercion,
// common super types). A Type is a small immutable value; nested types share their children.
//
//   type          physical form in a Vector (src/sql/vector.h)
//   unknown       the type of a bare NULL; coerces to anything
//   boolean       uint8_t (0 / 1)
//   bigint        int64_t            (integer, int, smallint and tinyint are bigint here)
//   double        double             (real and decimal(p, s) are double here)
//   varchar       string view        (varchar(n) and char(n) are varchar)
//   timestamp     int64_t microseconds since the epoch, UTC
//   date          int64_t days since the epoch
//   interval day to second   int64_t microseconds
//   interval year to month   int64_t months
//   json          string view: compact JSON text
//   map(varchar, V)  string view: the text of a JSON object whose values are read as V (this is how
//                 the store keeps requestParameters and the other map columns; see doc/sql.md)
//   array(T)      list entries (offset, length) into a child vector of T
//   row(f T, ...) one child vector per field
//   function(...) the type of a lambda argument; never a column
//
// Thread-safety: values; safe to share.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::sql {

enum class TypeId : uint8_t {
  kUnknown,
  kBoolean,
  kBigint,
  kDouble,
  kVarchar,
  kTimestamp,
  kDate,
  kIntervalDayTime,
  kIntervalYearMonth,
  kJson,
  kMap,
  kArray,
  kRow,
  kFunction,
};

class Type;

struct RowField {
  std::string name;  // lower-case; "" for an unnamed field
  std::shared_ptr<const Type> type;
};

class Type {
 public:
  Type() : id_(TypeId::kUnknown) {}
  explicit Type(TypeId id) : id_(id) {}

  static Type Unknown() { return Type(TypeId::kUnknown); }
  static Type Boolean() { return Type(TypeId::kBoolean); }
  static Type Bigint() { return Type(TypeId::kBigint); }
  static Type Double() { return Type(TypeId::kDouble); }
  static Type Varchar() { return Type(TypeId::kVarchar); }
  static Type Timestamp() { return Type(TypeId::kTimestamp); }
  static Type Date() { return Type(TypeId::kDate); }
  static Type IntervalDayTime() { return Type(TypeId::kIntervalDayTime); }
  static Type IntervalYearMonth() { return Type(TypeId::kIntervalYearMonth); }
  static Type Json() { return Type(TypeId::kJson); }
  // REQUIRES: key is varchar (maps are JSON objects).
  static Type Map(Type key, Type value);
  static Type Array(Type element);
  static Type Row(std::vector<std::pair<std::string, Type>> fields);
  // A lambda: parameter types, then the result type.
  static Type Function(std::vector<Type> params, Type result);

  TypeId id() const { return id_; }
  bool is_nested() const {
    return id_ == TypeId::kArray || id_ == TypeId::kRow || id_ == TypeId::kMap;
  }

  // REQUIRES: id() == kArray.
  const Type& element() const { return *children_->at(0).type; }
  // REQUIRES: id() == kMap.
  const Type& key() const { return *children_->at(0).type; }
  const Type& value() const { return *children_->at(1).type; }
  // REQUIRES: id() == kRow (the fields) or kFunction (parameters, then the result).
  const std::vector<RowField>& fields() const { return *children_; }
  // Index of the field named `name` (case-insensitive), or -1. REQUIRES: id() == kRow.
  int FieldIndex(std::string_view name) const;

  // Trino's spelling: varchar, array(varchar), map(varchar, json), row(arn varchar, ...).
  std::string ToString() const;

  bool operator==(const Type& o) const;
  bool operator!=(const Type& o) const { return !(*this == o); }

 private:
  TypeId id_;
  std::shared_ptr<const std::vector<RowField>> children_;
};

// Orderable: usable with < and in ORDER BY. Comparable: usable with = and in GROUP BY / DISTINCT.
bool IsOrderable(const Type& t);
bool IsComparable(const Type& t);
bool IsNumeric(const Type& t);  // bigint or double
// Types stored as a string view in a Vector (varchar, json, map).
bool IsStringPhysical(const Type& t);
// Types stored as int64_t in a Vector.
bool IsInt64Physical(const Type& t);

// True if a value of `from` may be used where `to` is expected without an explicit CAST:
// unknown -> any, bigint -> double, date -> timestamp, and element-wise for array/map/row.
bool CanCoerce(const Type& from, const Type& to);

// The narrowest type both may be coerced to, or nullopt (e.g. varchar and bigint).
std::optional<Type> CommonSuperType(const Type& a, const Type& b);

}  // namespace cairn::sql
