#include "api/json_input.h"

#include <fmt/format.h>

#include <cmath>

#include "api/errors.h"
#include "event/event_time.h"

namespace cairn::api {
namespace {

// The member, or nullopt when absent or null.
std::optional<simdjson::dom::element> Member(simdjson::dom::element obj, std::string_view name) {
  simdjson::dom::object o;
  if (obj.get_object().get(o)) return std::nullopt;
  simdjson::dom::element e;
  if (o.at_key(name).get(e)) return std::nullopt;
  if (e.is_null()) return std::nullopt;
  return e;
}

}  // namespace

Status WrongType(std::string_view member, std::string_view what) {
  return AwsError(StatusCode::kInvalidArgument, "SerializationException",
                  fmt::format("{}: expected {}", member, what));
}

Result<std::optional<std::string>> OptString(simdjson::dom::element obj, std::string_view member) {
  auto e = Member(obj, member);
  if (!e) return std::optional<std::string>();
  std::string_view s;
  if (e->get_string().get(s)) return WrongType(member, "a string");
  return std::optional<std::string>(std::string(s));
}

Result<std::optional<int64_t>> OptInt(simdjson::dom::element obj, std::string_view member) {
  auto e = Member(obj, member);
  if (!e) return std::optional<int64_t>();
  int64_t v;
  if (!e->get_int64().get(v)) return std::optional<int64_t>(v);
  uint64_t u;
  if (!e->get_uint64().get(u)) return std::optional<int64_t>(INT64_MAX);  // out of any range
  double d;
  if (!e->get_double().get(d) && std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18) {
    return std::optional<int64_t>(static_cast<int64_t>(d));
  }
  return WrongType(member, "an integer");
}

Result<std::optional<bool>> OptBool(simdjson::dom::element obj, std::string_view member) {
  auto e = Member(obj, member);
  if (!e) return std::optional<bool>();
  bool b;
  if (e->get_bool().get(b)) return WrongType(member, "true or false");
  return std::optional<bool>(b);
}

Result<std::optional<double>> OptTimestamp(simdjson::dom::element obj, std::string_view member) {
  auto e = Member(obj, member);
  if (!e) return std::optional<double>();
  double d;
  if (e->is_number() && !e->get_double().get(d) && std::isfinite(d) && std::fabs(d) < 1e13) {
    return std::optional<double>(d);
  }
  std::string_view s;
  if (!e->get_string().get(s)) {
    if (auto us = ParseTimestampMicros(s)) return std::optional<double>(*us / 1e6);
  }
  return WrongType(member, "a timestamp (epoch seconds or ISO-8601)");
}

Result<std::optional<std::vector<std::string>>> OptStringList(simdjson::dom::element obj,
                                                              std::string_view member) {
  auto e = Member(obj, member);
  if (!e) return std::optional<std::vector<std::string>>();
  simdjson::dom::array a;
  if (e->get_array().get(a)) return WrongType(member, "a list of strings");
  std::vector<std::string> out;
  for (simdjson::dom::element x : a) {
    std::string_view s;
    if (x.get_string().get(s)) return WrongType(member, "a list of strings");
    out.emplace_back(s);
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

Result<std::optional<simdjson::dom::array>> OptArray(simdjson::dom::element obj,
                                                     std::string_view member) {
  auto e = Member(obj, member);
  if (!e) return std::optional<simdjson::dom::array>();
  simdjson::dom::array a;
  if (e->get_array().get(a)) return WrongType(member, "a list");
  return std::optional<simdjson::dom::array>(a);
}

Result<std::optional<simdjson::dom::object>> OptObject(simdjson::dom::element obj,
                                                       std::string_view member) {
  auto e = Member(obj, member);
  if (!e) return std::optional<simdjson::dom::object>();
  simdjson::dom::object o;
  if (e->get_object().get(o)) return WrongType(member, "an object");
  return std::optional<simdjson::dom::object>(o);
}

std::string ToJson(simdjson::dom::element e) { return simdjson::minify(e); }

}  // namespace cairn::api
