// src/api/json_input.h
//
// Reading the members of a JSON 1.1 / REST-JSON request object (simdjson DOM) with the checks
// every handler needs: an absent member (or JSON null) is unset; a member of the wrong JSON type is
// SerializationException naming the member and the type expected. Timestamps accept epoch seconds
// as integers or floats (botocore sends integers, other SDKs floats) and, leniently, ISO-8601
// strings (spec wire-protocol.md §2).
//
// Thread-safety: pure functions over the caller's DOM.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn::api {

// SerializationException: "<member>: expected <what>".
Status WrongType(std::string_view member, std::string_view what);

Result<std::optional<std::string>> OptString(simdjson::dom::element obj, std::string_view member);
Result<std::optional<int64_t>> OptInt(simdjson::dom::element obj, std::string_view member);
Result<std::optional<bool>> OptBool(simdjson::dom::element obj, std::string_view member);
// Epoch seconds (with fraction).
Result<std::optional<double>> OptTimestamp(simdjson::dom::element obj, std::string_view member);
// A list of strings.
Result<std::optional<std::vector<std::string>>> OptStringList(simdjson::dom::element obj,
                                                              std::string_view member);
// The member when present and not null: an array / object, else SerializationException.
Result<std::optional<simdjson::dom::array>> OptArray(simdjson::dom::element obj,
                                                     std::string_view member);
Result<std::optional<simdjson::dom::object>> OptObject(simdjson::dom::element obj,
                                                       std::string_view member);

// Re-serializes `e` as compact JSON text.
std::string ToJson(simdjson::dom::element e);

}  // namespace cairn::api
