// src/sql/functions/json_util.h
//
// The JSON toolkit of the SQL functions: a small scanner over JSON text that finds values without
// building a tree (map lookups on requestParameters, JSONPath extraction from eventjson), a
// validating canonical writer (json_parse, json_format), a JSONPath parser, and conversions between
// JSON text and SQL values.
//
// JSONPath subset (Trino's json_extract): $ then any of .name, ["name"], ['name'], [index].
// `name` after a dot is [A-Za-z0-9_$@-]+ or a quoted string. Wildcards are not supported.
//
// Map columns are JSON object text (src/sql/types.h). Reading a value out of them as the map's
// value type V (MapElement, map_values, CAST):
//   V = varchar: a JSON string gives its unescaped text; a number or boolean its JSON text; an
//       object or array its compact JSON text; JSON null gives NULL.
//   V = json:    the value's compact JSON text; JSON null gives NULL.
//   V = bigint / double / boolean: the JSON value converted (strings are parsed); NULL if it does
//       not convert.
//
// Every function is bounded: nesting deeper than kMaxJsonDepth is invalid JSON, so hostile input
// cannot exhaust the stack.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/types.h"
#include "sql/value.h"
#include "sql/vector.h"

namespace cairn::sql {

inline constexpr int kMaxJsonDepth = 512;

enum class JsonKind : uint8_t { kInvalid, kNull, kBoolean, kNumber, kString, kArray, kObject };

// The kind of the JSON value at the start of `v` (after whitespace).
JsonKind JsonKindOf(std::string_view v);

// Skips whitespace then one value starting at *pos; on success *pos is just past it. Checks the
// structure (brackets, strings, literals) but not every detail of numbers.
bool JsonSkipValue(std::string_view s, size_t* pos);
void JsonSkipSpace(std::string_view s, size_t* pos);

// Reads the string token at *pos (which must be '"') into `out` unescaped.
bool JsonReadString(std::string_view s, size_t* pos, std::string* out);

// Appends the compact form of a valid JSON value (no whitespace outside strings); with
// `sort_keys`, object members are ordered by key (Trino's canonical JSON). Returns false if `v` is
// not exactly one valid JSON value.
bool JsonCanonical(std::string_view v, bool sort_keys, std::string* out);

// Appends `s` as a JSON string literal (quoted, escaped): JsonWriter::AppendString, which also
// replaces invalid UTF-8 with U+FFFD.
void JsonQuote(std::string_view s, std::string* out);

struct JsonPathStep {
  bool is_index = false;
  int64_t index = 0;
  std::string key;
};
using JsonPath = std::vector<JsonPathStep>;

// Parses a JSONPath. Returns false with a reason in *error.
bool ParseJsonPath(std::string_view text, JsonPath* path, std::string* error);

// Finds the value `path` selects in `doc`. Returns false when the document is not valid enough to
// walk or the path selects nothing; *value is the raw slice of doc (may contain whitespace).
bool JsonFind(std::string_view doc, const JsonPath& path, std::string_view* value);

// The text json_extract_scalar returns for a raw value: strings unescaped, numbers and booleans as
// written; false for null, objects and arrays (SQL NULL).
bool JsonScalarText(std::string_view raw, std::string* out);

// Map lookups over a JSON object's text. Writes row `row` of `out` (NULL when absent).
Status MapElement(std::string_view map_json, std::string_view key, const Type& value_type,
                  Vector* out, size_t row);
// The members of a JSON object: raw key slices (still quoted) and raw values. False if not an
// object.
bool JsonObjectMembers(std::string_view obj,
                       std::vector<std::pair<std::string_view, std::string_view>>* members);
// The elements of a JSON array as raw slices. False if not an array.
bool JsonArrayElements(std::string_view arr, std::vector<std::string_view>* elements);

// Converts a raw JSON value to a SQL value of `type` (the CAST(json AS type) rules; see cast.h).
// Returns false when it does not convert; *v is then unspecified.
bool JsonToValue(std::string_view raw, const Type& type, Value* v);
// Reads a map value as the map's value type (the rules above). Returns false when it does not
// convert; a JSON null gives a NULL value and true.
bool MapValueFromJson(std::string_view raw, const Type& value_type, Value* v);
// Appends the JSON text of a SQL value (CAST(x AS json)).
void ValueToJson(const Value& v, std::string* out);

// Java's Double.toString, which Trino uses to render doubles: "1.0", "0.5", "1.0E10", "1.0E-5",
// "NaN", "Infinity".
std::string FormatDouble(double d);

}  // namespace cairn::sql
