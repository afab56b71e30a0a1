#include "api/cloudtrail/lake_json.h"

#include <fmt/format.h>

#include <cmath>

#include "api/aws_time.h"

namespace cairn::api::lake {

Status Invalid(std::string message, const char* name) {
  return Status::InvalidArgument(std::move(message)).WithAwsError(name);
}

std::optional<simdjson::dom::element> OptMember(simdjson::dom::element in, std::string_view key) {
  simdjson::dom::element v;
  if (in[key].get(v) || v.is_null()) return std::nullopt;
  return v;
}

Result<std::optional<std::string>> OptString(simdjson::dom::element in, std::string_view key) {
  auto v = OptMember(in, key);
  if (!v) return std::optional<std::string>();
  std::string_view s;
  if (v->get_string().get(s)) return Invalid(fmt::format("{} must be a string.", key));
  return std::optional<std::string>(std::string(s));
}

Result<std::string> ReqString(simdjson::dom::element in, std::string_view key) {
  ASSIGN_OR_RETURN(std::optional<std::string> s, OptString(in, key));
  if (!s) return Invalid(fmt::format("{} is required.", key));
  return *s;
}

Result<std::optional<bool>> OptBool(simdjson::dom::element in, std::string_view key) {
  auto v = OptMember(in, key);
  if (!v) return std::optional<bool>();
  bool b;
  if (v->get_bool().get(b)) return Invalid(fmt::format("{} must be a boolean.", key));
  return std::optional<bool>(b);
}

Result<std::optional<int64_t>> OptInt(simdjson::dom::element in, std::string_view key) {
  auto v = OptMember(in, key);
  if (!v) return std::optional<int64_t>();
  int64_t i;
  if (v->get_int64().get(i)) {
    double d;
    if (v->get_double().get(d) || d != std::floor(d) || std::fabs(d) > 9e15) {
      return Invalid(fmt::format("{} must be an integer.", key));
    }
    i = static_cast<int64_t>(d);
  }
  return std::optional<int64_t>(i);
}

Result<std::optional<int64_t>> OptTime(simdjson::dom::element in, std::string_view key) {
  auto v = OptMember(in, key);
  if (!v) return std::optional<int64_t>();
  double d;
  if (!v->get_double().get(d)) {
    if (!std::isfinite(d) || std::fabs(d) > 1e11) {
      return Invalid(fmt::format("{} is not a valid timestamp.", key));
    }
    return std::optional<int64_t>(static_cast<int64_t>(std::llround(d * 1e6)));
  }
  std::string_view s;
  if (!v->get_string().get(s)) {
    std::optional<int64_t> t = ParseIso8601(s);
    if (t) return std::optional<int64_t>(*t * 1000000);
  }
  return Invalid(fmt::format("{} must be a timestamp (epoch seconds).", key));
}

void WriteTime(JsonWriter* w, std::string_view key, int64_t micros) {
  if (micros % 1000000 == 0) {
    w->Key(key).Int(micros / 1000000);
  } else {
    w->Key(key).Double(static_cast<double>(micros) / 1e6);
  }
}

}  // namespace cairn::api::lake
