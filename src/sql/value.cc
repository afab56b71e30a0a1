#include "sql/value.h"

namespace cairn::sql {

Value Value::Boolean(bool b) {
  Value v = Null(Type::Boolean());
  v.is_null = false;
  v.boolean = b;
  return v;
}

Value Value::Bigint(int64_t x) { return Int64Of(Type::Bigint(), x); }
Value Value::Timestamp(int64_t micros) { return Int64Of(Type::Timestamp(), micros); }
Value Value::Date(int64_t days) { return Int64Of(Type::Date(), days); }

Value Value::Int64Of(Type t, int64_t x) {
  Value v = Null(std::move(t));
  v.is_null = false;
  v.i64 = x;
  return v;
}

Value Value::Double(double x) {
  Value v = Null(Type::Double());
  v.is_null = false;
  v.f64 = x;
  return v;
}

Value Value::Varchar(std::string s) { return StringOf(Type::Varchar(), std::move(s)); }
Value Value::Json(std::string text) { return StringOf(Type::Json(), std::move(text)); }

Value Value::StringOf(Type t, std::string s) {
  Value v = Null(std::move(t));
  v.is_null = false;
  v.str = std::move(s);
  return v;
}

Value Value::Array(Type element, std::vector<Value> items) {
  Value v = Null(Type::Array(std::move(element)));
  v.is_null = false;
  v.items = std::move(items);
  return v;
}

Value Value::Row(Type row_type, std::vector<Value> fields) {
  Value v = Null(std::move(row_type));
  v.is_null = false;
  v.items = std::move(fields);
  return v;
}

bool Value::SameAs(const Value& o) const {
  if (is_null || o.is_null) return is_null && o.is_null;
  switch (type.id()) {
    case TypeId::kUnknown:
      return true;
    case TypeId::kBoolean:
      return boolean == o.boolean;
    case TypeId::kDouble:
      return f64 == o.f64 || (f64 != f64 && o.f64 != o.f64);
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kMap:
      return str == o.str;
    case TypeId::kArray:
    case TypeId::kRow: {
      if (items.size() != o.items.size()) return false;
      for (size_t i = 0; i < items.size(); ++i) {
        if (!items[i].SameAs(o.items[i])) return false;
      }
      return true;
    }
    case TypeId::kFunction:
      return false;
    default:
      return i64 == o.i64;
  }
}

}  // namespace cairn::sql
