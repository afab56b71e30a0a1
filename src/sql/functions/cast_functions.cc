// CAST / TRY_CAST (see cast.h for the rules).
#include <charconv>
#include <cmath>

#include "sql/datetime.h"
#include "sql/function_registry.h"
#include "sql/functions/cast.h"
#include "sql/functions/json_util.h"
#include "sql/lexer.h"

namespace cairn::sql {
namespace {

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() &&
         (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

Status CannotCast(const std::string& shown, const Type& to) {
  return QueryFailed("Cannot cast '" + shown + "' to " + Upper(to.ToString()));
}

bool ParseBigint(std::string_view s, int64_t* out) {
  s = TrimSpaces(s);
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool ParseDoubleText(std::string_view s, double* out) {
  s = TrimSpaces(s);
  if (s == "NaN") return (*out = std::nan("")), true;
  if (s == "Infinity" || s == "+Infinity") return (*out = HUGE_VAL), true;
  if (s == "-Infinity") return (*out = -HUGE_VAL), true;
  if (!s.empty() && s[0] == '+') s.remove_prefix(1);
  auto r = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size();
}

bool ParseBoolean(std::string_view s, bool* out) {
  s = TrimSpaces(s);
  if (EqualsIgnoreCase(s, "true") || EqualsIgnoreCase(s, "t") || s == "1")
    return (*out = true), true;
  if (EqualsIgnoreCase(s, "false") || EqualsIgnoreCase(s, "f") || s == "0")
    return (*out = false), true;
  return false;
}

bool DoubleToBigint(double d, int64_t* out) {
  if (!std::isfinite(d)) return false;
  double r = std::round(d);  // half away from zero
  if (r >= 9.2233720368547758e18 || r < -9.2233720368547758e18) return false;
  *out = static_cast<int64_t>(r);
  return true;
}

std::string IntervalDayTimeText(int64_t micros) {
  std::string sign = micros < 0 ? "-" : "";
  uint64_t m =
      micros < 0 ? static_cast<uint64_t>(-(micros + 1)) + 1 : static_cast<uint64_t>(micros);
  uint64_t days = m / datetime::kMicrosPerDay;
  m %= datetime::kMicrosPerDay;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s%llu %02llu:%02llu:%02llu.%03llu", sign.c_str(),
                static_cast<unsigned long long>(days),
                static_cast<unsigned long long>(m / datetime::kMicrosPerHour),
                static_cast<unsigned long long>(m / datetime::kMicrosPerMinute % 60),
                static_cast<unsigned long long>(m / datetime::kMicrosPerSecond % 60),
                static_cast<unsigned long long>(m / 1000 % 1000));
  return buf;
}

std::string IntervalYearMonthText(int64_t months) {
  std::string sign = months < 0 ? "-" : "";
  uint64_t m =
      months < 0 ? static_cast<uint64_t>(-(months + 1)) + 1 : static_cast<uint64_t>(months);
  return sign + std::to_string(m / 12) + "-" + std::to_string(m % 12);
}

// The varchar form of a scalar value (CAST(x AS varchar)).
bool ScalarText(const Value& v, std::string* out) {
  switch (v.type.id()) {
    case TypeId::kBoolean:
      *out = v.boolean ? "true" : "false";
      return true;
    case TypeId::kBigint:
      *out = std::to_string(v.i64);
      return true;
    case TypeId::kDouble:
      *out = FormatDouble(v.f64);
      return true;
    case TypeId::kVarchar:
      *out = v.str;
      return true;
    case TypeId::kTimestamp:
      *out = datetime::FormatTimestamp(v.i64);
      return true;
    case TypeId::kDate:
      *out = datetime::FormatDate(v.i64);
      return true;
    case TypeId::kIntervalDayTime:
      *out = IntervalDayTimeText(v.i64);
      return true;
    case TypeId::kIntervalYearMonth:
      *out = IntervalYearMonthText(v.i64);
      return true;
    default:
      return false;
  }
}

Result<Value> CastOne(const Value& v, const Type& to) {
  const Type& from = v.type;
  if (v.is_null || from.id() == TypeId::kUnknown) return Value::Null(to);
  if (from == to) return v;
  std::string text;
  switch (to.id()) {
    case TypeId::kVarchar:
      if (from.id() == TypeId::kJson) {
        Value out;
        if (!JsonToValue(v.str, to, &out)) {
          return QueryFailed("Cannot cast JSON to VARCHAR: " + v.str.substr(0, 100) +
                             " is not a JSON scalar");
        }
        return out;
      }
      if (ScalarText(v, &text)) return Value::Varchar(std::move(text));
      break;
    case TypeId::kBigint:
      switch (from.id()) {
        case TypeId::kBoolean:
          return Value::Bigint(v.boolean ? 1 : 0);
        case TypeId::kDouble: {
          int64_t n;
          if (!DoubleToBigint(v.f64, &n))
            return QueryFailed("Out of range for bigint: " + FormatDouble(v.f64));
          return Value::Bigint(n);
        }
        case TypeId::kVarchar: {
          int64_t n;
          if (!ParseBigint(v.str, &n)) return CannotCast(v.str, to);
          return Value::Bigint(n);
        }
        default:
          break;
      }
      break;
    case TypeId::kDouble:
      switch (from.id()) {
        case TypeId::kBoolean:
          return Value::Double(v.boolean ? 1 : 0);
        case TypeId::kBigint:
          return Value::Double(static_cast<double>(v.i64));
        case TypeId::kVarchar: {
          double d;
          if (!ParseDoubleText(v.str, &d)) return CannotCast(v.str, to);
          return Value::Double(d);
        }
        default:
          break;
      }
      break;
    case TypeId::kBoolean:
      switch (from.id()) {
        case TypeId::kBigint:
          return Value::Boolean(v.i64 != 0);
        case TypeId::kDouble:
          return Value::Boolean(v.f64 != 0);
        case TypeId::kVarchar: {
          bool b;
          if (!ParseBoolean(v.str, &b)) return CannotCast(v.str, to);
          return Value::Boolean(b);
        }
        default:
          break;
      }
      break;
    case TypeId::kTimestamp:
      if (from.id() == TypeId::kDate) return Value::Timestamp(v.i64 * datetime::kMicrosPerDay);
      if (from.id() == TypeId::kVarchar) {
        int64_t micros;
        if (!datetime::ParseTimestamp(v.str, &micros)) {
          return QueryFailed("Value cannot be cast to timestamp: " + v.str);
        }
        return Value::Timestamp(micros);
      }
      break;
    case TypeId::kDate:
      if (from.id() == TypeId::kTimestamp)
        return Value::Date(datetime::FloorDiv(v.i64, datetime::kMicrosPerDay));
      if (from.id() == TypeId::kVarchar) {
        int64_t days;
        if (!datetime::ParseDate(v.str, &days))
          return QueryFailed("Value cannot be cast to date: " + v.str);
        return Value::Date(days);
      }
      break;
    case TypeId::kJson: {
      std::string out;
      ValueToJson(v, &out);
      return Value::Json(std::move(out));
    }
    case TypeId::kArray:
      if (from.id() == TypeId::kArray) {
        std::vector<Value> items;
        items.reserve(v.items.size());
        for (const Value& item : v.items) {
          ASSIGN_OR_RETURN(Value c, CastOne(item, to.element()));
          items.push_back(std::move(c));
        }
        return Value::Array(to.element(), std::move(items));
      }
      break;
    case TypeId::kRow:
      if (from.id() == TypeId::kRow) {
        std::vector<Value> items;
        for (size_t i = 0; i < v.items.size(); ++i) {
          ASSIGN_OR_RETURN(Value c, CastOne(v.items[i], *to.fields()[i].type));
          items.push_back(std::move(c));
        }
        return Value::Row(to, std::move(items));
      }
      break;
    case TypeId::kMap:
      if (from.id() == TypeId::kMap) {
        // Re-read every value in the new value type.
        std::vector<std::pair<std::string_view, std::string_view>> members;
        if (!JsonObjectMembers(v.str, &members)) return QueryFailed("invalid map value");
        std::string out = "{";
        for (size_t i = 0; i < members.size(); ++i) {
          Value item;
          if (!MapValueFromJson(members[i].second, from.value(), &item))
            item = Value::Null(from.value());
          ASSIGN_OR_RETURN(Value c, CastOne(item, to.value()));
          if (i) out.push_back(',');
          out.append(members[i].first);
          out.push_back(':');
          if (to.value().id() == TypeId::kJson) {
            out.append(c.is_null ? "null" : c.str);
          } else {
            ValueToJson(c, &out);
          }
        }
        out.push_back('}');
        return Value::StringOf(to, std::move(out));
      }
      break;
    default:
      break;
  }
  if (from.id() == TypeId::kJson) {
    Value out;
    if (JsonToValue(v.str, to, &out)) return out;
    return QueryFailed("Cannot cast JSON '" + v.str.substr(0, 100) + "' to " +
                       Upper(to.ToString()));
  }
  return QueryFailed("Cannot cast " + from.ToString() + " to " + to.ToString());
}

}  // namespace

bool CanCast(const Type& from, const Type& to) {
  if (from == to || from.id() == TypeId::kUnknown) return true;
  TypeId f = from.id(), t = to.id();
  if (t == TypeId::kJson) return f != TypeId::kFunction;
  if (f == TypeId::kJson) {
    switch (t) {
      case TypeId::kVarchar:
      case TypeId::kBigint:
      case TypeId::kDouble:
      case TypeId::kBoolean:
      case TypeId::kTimestamp:
      case TypeId::kDate:
        return true;
      case TypeId::kArray:
        return CanCast(Type::Json(), to.element());
      case TypeId::kMap:
        return CanCast(Type::Json(), to.value());
      case TypeId::kRow:
        for (const RowField& field : to.fields()) {
          if (!CanCast(Type::Json(), *field.type)) return false;
        }
        return true;
      default:
        return false;
    }
  }
  auto scalar = [](TypeId id) {
    return id == TypeId::kBoolean || id == TypeId::kBigint || id == TypeId::kDouble ||
           id == TypeId::kVarchar;
  };
  if (t == TypeId::kVarchar) {
    return scalar(f) || f == TypeId::kTimestamp || f == TypeId::kDate ||
           f == TypeId::kIntervalDayTime || f == TypeId::kIntervalYearMonth;
  }
  if (scalar(f) && scalar(t)) return true;
  if (t == TypeId::kTimestamp) return f == TypeId::kDate || f == TypeId::kVarchar;
  if (t == TypeId::kDate) return f == TypeId::kTimestamp || f == TypeId::kVarchar;
  if (f == TypeId::kArray && t == TypeId::kArray) return CanCast(from.element(), to.element());
  if (f == TypeId::kMap && t == TypeId::kMap) return CanCast(from.value(), to.value());
  if (f == TypeId::kRow && t == TypeId::kRow) {
    if (from.fields().size() != to.fields().size()) return false;
    for (size_t i = 0; i < from.fields().size(); ++i) {
      if (!CanCast(*from.fields()[i].type, *to.fields()[i].type)) return false;
    }
    return true;
  }
  return false;
}

Result<Value> CastValue(const Value& v, const Type& to, bool try_cast) {
  auto r = CastOne(v, to);
  if (!r.ok() && try_cast && r.status().code() == StatusCode::kInvalidArgument)
    return Value::Null(to);
  return r;
}

Status CastVector(const Vector& in, size_t n, bool try_cast, Vector* out) {
  const Type& from = in.type();
  const Type& to = out->type();
  out->Reset(n);
  auto fail = [&](size_t i, const Status& st) -> Status {
    if (try_cast && st.code() == StatusCode::kInvalidArgument) {
      out->SetNullAndClear(i);
      return Status::OK();
    }
    return st;
  };
  // Fast paths for the common scalar casts.
  if (from.id() == TypeId::kVarchar && to.id() == TypeId::kBigint) {
    for (size_t i = 0; i < n; ++i) {
      if (in.IsNull(i)) {
        out->SetNull(i);
      } else if (!ParseBigint(in.strs()[i], &out->i64()[i])) {
        out->i64()[i] = 0;
        RETURN_IF_ERROR(fail(i, CannotCast(std::string(in.strs()[i]), to)));
      }
    }
    return Status::OK();
  }
  if (from.id() == TypeId::kBigint && to.id() == TypeId::kDouble) {
    for (size_t i = 0; i < n; ++i) {
      out->f64()[i] = static_cast<double>(in.i64()[i]);
      if (in.IsNull(i)) out->SetNull(i);
    }
    return Status::OK();
  }
  if (from.id() == TypeId::kBigint && to.id() == TypeId::kVarchar) {
    char buf[32];
    for (size_t i = 0; i < n; ++i) {
      if (in.IsNull(i)) {
        out->SetNull(i);
        continue;
      }
      auto r = std::to_chars(buf, buf + sizeof(buf), in.i64()[i]);
      out->strs()[i] = out->AddString(std::string_view(buf, static_cast<size_t>(r.ptr - buf)));
    }
    return Status::OK();
  }
  if (from.id() == TypeId::kDate && to.id() == TypeId::kTimestamp) {
    for (size_t i = 0; i < n; ++i) {
      out->i64()[i] = in.i64()[i] * datetime::kMicrosPerDay;
      if (in.IsNull(i)) out->SetNull(i);
    }
    return Status::OK();
  }
  if (from.id() == TypeId::kTimestamp && to.id() == TypeId::kDate) {
    for (size_t i = 0; i < n; ++i) {
      out->i64()[i] = datetime::FloorDiv(in.i64()[i], datetime::kMicrosPerDay);
      if (in.IsNull(i)) out->SetNull(i);
    }
    return Status::OK();
  }
  if (from.id() == TypeId::kVarchar && to.id() == TypeId::kTimestamp) {
    for (size_t i = 0; i < n; ++i) {
      if (in.IsNull(i)) {
        out->SetNull(i);
      } else if (!datetime::ParseTimestamp(in.strs()[i], &out->i64()[i])) {
        out->i64()[i] = 0;
        RETURN_IF_ERROR(fail(
            i, QueryFailed("Value cannot be cast to timestamp: " + std::string(in.strs()[i]))));
      }
    }
    return Status::OK();
  }
  if (from.id() == TypeId::kJson && to.id() == TypeId::kVarchar) {
    std::string text;
    for (size_t i = 0; i < n; ++i) {
      if (in.IsNull(i)) {
        out->SetNull(i);
        continue;
      }
      std::string_view j = in.strs()[i];
      if (JsonKindOf(j) == JsonKind::kNull) {
        out->SetNull(i);
      } else if (JsonScalarText(j, &text)) {
        out->strs()[i] = out->AddString(text);
      } else {
        RETURN_IF_ERROR(
            fail(i, QueryFailed("Cannot cast JSON to VARCHAR: " + std::string(j.substr(0, 100)) +
                                " is not a JSON scalar")));
      }
    }
    return Status::OK();
  }
  // General path, one value at a time.
  for (size_t i = 0; i < n; ++i) {
    if (in.IsNull(i)) {
      out->SetNullAndClear(i);
      continue;
    }
    auto v = CastOne(in.GetValue(i), to);
    if (!v.ok()) {
      RETURN_IF_ERROR(fail(i, v.status()));
      continue;
    }
    out->SetValue(i, *v);
  }
  return Status::OK();
}

}  // namespace cairn::sql
