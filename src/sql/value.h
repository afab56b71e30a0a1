// src/sql/value.h
//
// Value is one SQL value of any type: a literal, a constant folded at bind time, an aggregate's
// result, a cell read out of a Vector. It is the slow, general path; kernels work on Vectors.
//
// Representation per type: boolean -> boolean; bigint, timestamp, date, intervals -> i64;
// double -> f64; varchar, json, map -> str (a map is its JSON object text); array -> items
// (elements); row -> items (fields).
//
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sql/types.h"

namespace cairn::sql {

struct Value {
  Type type;
  bool is_null = true;
  bool boolean = false;
  int64_t i64 = 0;
  double f64 = 0;
  std::string str;
  std::vector<Value> items;

  static Value Null(Type t) {
    Value v;
    v.type = std::move(t);
    return v;
  }
  static Value Boolean(bool b);
  static Value Bigint(int64_t x);
  static Value Double(double x);
  static Value Varchar(std::string s);
  static Value Timestamp(int64_t micros);
  static Value Date(int64_t days);
  static Value Json(std::string text);
  static Value Int64Of(Type t, int64_t x);       // any int64-physical type
  static Value StringOf(Type t, std::string s);  // any string-physical type
  static Value Array(Type element, std::vector<Value> items);
  static Value Row(Type row_type, std::vector<Value> fields);

  // Equality of two non-null values of the same type (SQL "=", with NaN equal to itself as Trino's
  // IS NOT DISTINCT FROM does). Nested values compare element-wise; NULL elements equal each other.
  bool SameAs(const Value& o) const;
};

}  // namespace cairn::sql
