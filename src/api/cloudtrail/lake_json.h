// src/api/cloudtrail/lake_json.h
//
// Reading the members of a JSON 1.1 request for the Lake operations: optional members of a given
// type, with the AWS error a client gets when a member is missing or has the wrong type
// (InvalidParameterException naming the member), and timestamps both ways (epoch seconds as JSON
// numbers, integers or fractions; spec wire-protocol.md §2-3).
//
// Thread-safety: pure functions.
#pragma once

#include <simdjson.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/json_writer.h"
#include "common/status.h"

namespace cairn::api::lake {

// kInvalidArgument as `name` (default InvalidParameterException).
Status Invalid(std::string message, const char* name = "InvalidParameterException");

Result<std::optional<std::string>> OptString(simdjson::dom::element in, std::string_view key);
Result<std::string> ReqString(simdjson::dom::element in, std::string_view key);
Result<std::optional<bool>> OptBool(simdjson::dom::element in, std::string_view key);
Result<std::optional<int64_t>> OptInt(simdjson::dom::element in, std::string_view key);
// Epoch seconds (integer or fraction; ISO-8601 strings leniently) -> microseconds.
Result<std::optional<int64_t>> OptTime(simdjson::dom::element in, std::string_view key);
// The member if present and not null.
std::optional<simdjson::dom::element> OptMember(simdjson::dom::element in, std::string_view key);

// Writes `micros` as epoch seconds (a JSON number with the fraction).
void WriteTime(JsonWriter* w, std::string_view key, int64_t micros);

}  // namespace cairn::api::lake
