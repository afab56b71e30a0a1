#include "sql/result_format.h"

#include <charconv>

#include "sql/datetime.h"
#include "sql/functions/json_util.h"

namespace cairn::sql {
namespace {

std::string IntervalDayTime(int64_t micros) {
  bool negative = micros < 0;
  uint64_t m = negative ? static_cast<uint64_t>(-(micros + 1)) + 1 : static_cast<uint64_t>(micros);
  char buf[64];
  std::snprintf(
      buf, sizeof(buf), "%s%llu %02llu:%02llu:%02llu.%03llu", negative ? "-" : "",
      static_cast<unsigned long long>(m / datetime::kMicrosPerDay),
      static_cast<unsigned long long>(m % datetime::kMicrosPerDay / datetime::kMicrosPerHour),
      static_cast<unsigned long long>(m / datetime::kMicrosPerMinute % 60),
      static_cast<unsigned long long>(m / datetime::kMicrosPerSecond % 60),
      static_cast<unsigned long long>(m / 1000 % 1000));
  return buf;
}

std::string IntervalYearMonth(int64_t months) {
  bool negative = months < 0;
  uint64_t m = negative ? static_cast<uint64_t>(-(months + 1)) + 1 : static_cast<uint64_t>(months);
  return std::string(negative ? "-" : "") + std::to_string(m / 12) + "-" + std::to_string(m % 12);
}

// Text of a non-NULL value, with nested NULLs shown as "null".
void Append(const Value& v, std::string* out) {
  if (v.is_null) {
    out->append("null");
    return;
  }
  switch (v.type.id()) {
    case TypeId::kUnknown:
      out->append("null");
      return;
    case TypeId::kBoolean:
      out->append(v.boolean ? "true" : "false");
      return;
    case TypeId::kBigint:
      out->append(std::to_string(v.i64));
      return;
    case TypeId::kDouble:
      out->append(FormatDouble(v.f64));
      return;
    case TypeId::kVarchar:
    case TypeId::kJson:
      out->append(v.str);
      return;
    case TypeId::kTimestamp:
      out->append(datetime::FormatTimestamp(v.i64));
      return;
    case TypeId::kDate:
      out->append(datetime::FormatDate(v.i64));
      return;
    case TypeId::kIntervalDayTime:
      out->append(IntervalDayTime(v.i64));
      return;
    case TypeId::kIntervalYearMonth:
      out->append(IntervalYearMonth(v.i64));
      return;
    case TypeId::kMap: {
      std::vector<std::pair<std::string_view, std::string_view>> members;
      if (!JsonObjectMembers(v.str, &members)) {
        out->append(v.str);
        return;
      }
      out->push_back('{');
      std::string key;
      for (size_t i = 0; i < members.size(); ++i) {
        if (i) out->append(", ");
        size_t p = 0;
        if (!JsonReadString(members[i].first, &p, &key)) key.assign(members[i].first);
        out->append(key);
        out->push_back('=');
        Value item;
        if (!MapValueFromJson(members[i].second, v.type.value(), &item))
          item = Value::Null(v.type.value());
        Append(item, out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kArray:
      out->push_back('[');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out->append(", ");
        Append(v.items[i], out);
      }
      out->push_back(']');
      return;
    case TypeId::kRow: {
      const auto& fields = v.type.fields();
      out->push_back('{');
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out->append(", ");
        if (!fields[i].name.empty()) {
          out->append(fields[i].name);
          out->push_back('=');
        }
        Append(v.items[i], out);
      }
      out->push_back('}');
      return;
    }
    case TypeId::kFunction:
      out->append("<function>");
      return;
  }
}

}  // namespace

std::optional<std::string> RenderValue(const Value& v) {
  if (v.is_null || v.type.id() == TypeId::kUnknown) return std::nullopt;
  std::string out;
  Append(v, &out);
  return out;
}

std::optional<std::string> RenderCell(const Vector& v, size_t row) {
  if (v.IsNull(row) || v.type().id() == TypeId::kUnknown) return std::nullopt;
  switch (v.type().id()) {
    case TypeId::kVarchar:
    case TypeId::kJson:
      return std::string(v.strs()[row]);
    case TypeId::kBigint: {
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof(buf), v.i64()[row]);
      return std::string(buf, r.ptr);
    }
    case TypeId::kTimestamp:
      return datetime::FormatTimestamp(v.i64()[row]);
    case TypeId::kBoolean:
      return std::string(v.bools()[row] ? "true" : "false");
    default:
      return RenderValue(v.GetValue(row));
  }
}

}  // namespace cairn::sql
