#include "sql/types.h"

#include "sql/lexer.h"

namespace cairn::sql {

Type Type::Map(Type key, Type value) {
  Type t(TypeId::kMap);
  auto c = std::make_shared<std::vector<RowField>>();
  c->push_back({"", std::make_shared<const Type>(std::move(key))});
  c->push_back({"", std::make_shared<const Type>(std::move(value))});
  t.children_ = std::move(c);
  return t;
}

Type Type::Array(Type element) {
  Type t(TypeId::kArray);
  auto c = std::make_shared<std::vector<RowField>>();
  c->push_back({"", std::make_shared<const Type>(std::move(element))});
  t.children_ = std::move(c);
  return t;
}

Type Type::Row(std::vector<std::pair<std::string, Type>> fields) {
  Type t(TypeId::kRow);
  auto c = std::make_shared<std::vector<RowField>>();
  for (auto& [name, type] : fields) {
    c->push_back({AsciiLower(name), std::make_shared<const Type>(std::move(type))});
  }
  t.children_ = std::move(c);
  return t;
}

Type Type::Function(std::vector<Type> params, Type result) {
  Type t(TypeId::kFunction);
  auto c = std::make_shared<std::vector<RowField>>();
  for (Type& p : params) c->push_back({"", std::make_shared<const Type>(std::move(p))});
  c->push_back({"", std::make_shared<const Type>(std::move(result))});
  t.children_ = std::move(c);
  return t;
}

int Type::FieldIndex(std::string_view name) const {
  const auto& f = *children_;
  for (size_t i = 0; i < f.size(); ++i) {
    if (EqualsIgnoreCase(f[i].name, name)) return static_cast<int>(i);
  }
  return -1;
}

std::string Type::ToString() const {
  switch (id_) {
    case TypeId::kUnknown:
      return "unknown";
    case TypeId::kBoolean:
      return "boolean";
    case TypeId::kBigint:
      return "bigint";
    case TypeId::kDouble:
      return "double";
    case TypeId::kVarchar:
      return "varchar";
    case TypeId::kTimestamp:
      return "timestamp(3)";
    case TypeId::kDate:
      return "date";
    case TypeId::kIntervalDayTime:
      return "interval day to second";
    case TypeId::kIntervalYearMonth:
      return "interval year to month";
    case TypeId::kJson:
      return "json";
    case TypeId::kMap:
      return "map(" + key().ToString() + ", " + value().ToString() + ")";
    case TypeId::kArray:
      return "array(" + element().ToString() + ")";
    case TypeId::kRow: {
      std::string out = "row(";
      for (size_t i = 0; i < children_->size(); ++i) {
        if (i) out += ", ";
        const RowField& f = (*children_)[i];
        if (!f.name.empty()) out += f.name + " ";
        out += f.type->ToString();
      }
      return out + ")";
    }
    case TypeId::kFunction: {
      std::string out = "function(";
      for (size_t i = 0; i < children_->size(); ++i) {
        if (i) out += ", ";
        out += (*children_)[i].type->ToString();
      }
      return out + ")";
    }
  }
  return "?";
}

bool Type::operator==(const Type& o) const {
  if (id_ != o.id_) return false;
  if (!children_ || !o.children_) return children_ == o.children_;
  if (children_ == o.children_) return true;
  if (children_->size() != o.children_->size()) return false;
  for (size_t i = 0; i < children_->size(); ++i) {
    const RowField& a = (*children_)[i];
    const RowField& b = (*o.children_)[i];
    if (a.name != b.name || *a.type != *b.type) return false;
  }
  return true;
}

bool IsNumeric(const Type& t) { return t.id() == TypeId::kBigint || t.id() == TypeId::kDouble; }

bool IsStringPhysical(const Type& t) {
  return t.id() == TypeId::kVarchar || t.id() == TypeId::kJson || t.id() == TypeId::kMap;
}

bool IsInt64Physical(const Type& t) {
  switch (t.id()) {
    case TypeId::kBigint:
    case TypeId::kTimestamp:
    case TypeId::kDate:
    case TypeId::kIntervalDayTime:
    case TypeId::kIntervalYearMonth:
      return true;
    default:
      return false;
  }
}

bool IsOrderable(const Type& t) {
  switch (t.id()) {
    case TypeId::kJson:
    case TypeId::kMap:
    case TypeId::kFunction:
      return false;
    case TypeId::kArray:
      return IsOrderable(t.element());
    case TypeId::kRow:
      for (const RowField& f : t.fields()) {
        if (!IsOrderable(*f.type)) return false;
      }
      return true;
    default:
      return true;
  }
}

bool IsComparable(const Type& t) {
  switch (t.id()) {
    case TypeId::kFunction:
      return false;
    case TypeId::kArray:
      return IsComparable(t.element());
    case TypeId::kMap:
      return IsComparable(t.value());
    case TypeId::kRow:
      for (const RowField& f : t.fields()) {
        if (!IsComparable(*f.type)) return false;
      }
      return true;
    default:
      return true;
  }
}

bool CanCoerce(const Type& from, const Type& to) {
  if (from == to || from.id() == TypeId::kUnknown) return true;
  if (from.id() == TypeId::kBigint && to.id() == TypeId::kDouble) return true;
  if (from.id() == TypeId::kDate && to.id() == TypeId::kTimestamp) return true;
  if (from.id() != to.id()) return false;
  switch (from.id()) {
    case TypeId::kArray:
      return CanCoerce(from.element(), to.element());
    case TypeId::kMap:
      return CanCoerce(from.key(), to.key()) && CanCoerce(from.value(), to.value());
    case TypeId::kRow: {
      if (from.fields().size() != to.fields().size()) return false;
      for (size_t i = 0; i < from.fields().size(); ++i) {
        if (!CanCoerce(*from.fields()[i].type, *to.fields()[i].type)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

std::optional<Type> CommonSuperType(const Type& a, const Type& b) {
  if (a == b) return a;
  if (a.id() == TypeId::kUnknown) return b;
  if (b.id() == TypeId::kUnknown) return a;
  if (CanCoerce(a, b)) return b;
  if (CanCoerce(b, a)) return a;
  if (a.id() != b.id()) return std::nullopt;
  switch (a.id()) {
    case TypeId::kArray: {
      auto e = CommonSuperType(a.element(), b.element());
      if (!e) return std::nullopt;
      return Type::Array(*e);
    }
    case TypeId::kMap: {
      auto v = CommonSuperType(a.value(), b.value());
      if (!v) return std::nullopt;
      return Type::Map(a.key(), *v);
    }
    case TypeId::kRow: {
      if (a.fields().size() != b.fields().size()) return std::nullopt;
      std::vector<std::pair<std::string, Type>> fields;
      for (size_t i = 0; i < a.fields().size(); ++i) {
        auto f = CommonSuperType(*a.fields()[i].type, *b.fields()[i].type);
        if (!f) return std::nullopt;
        fields.emplace_back(a.fields()[i].name, *f);
      }
      return Type::Row(std::move(fields));
    }
    default:
      return std::nullopt;
  }
}

}  // namespace cairn::sql
