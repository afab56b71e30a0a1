// src/sql/result_format.h
//
// Renders query results as CloudTrail Lake does (spec/lake.md §5): every value is a string.
//   timestamp  "2023-01-22 16:53:53.000"      date  "2023-01-22"
//   bigint     "96059"                        double  Java's Double.toString ("2.5", "1.0E10")
//   boolean    "true" / "false"               varchar, json  as is
//   NULL       no value (JSON null in QueryResultRows)
//   map        "{k1=v1, k2=v2}"   array  "[a, b]"   row  "{field=value, ...}"   (Trino's text
//   forms;
//              NULL inside them is "null")
// The map, array, row and NULL forms are Unconfirmed in the spec; these are cairn's choices.
//
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "sql/value.h"
#include "sql/vector.h"

namespace cairn::sql {

// The cell at `row` of `v`; nullopt for NULL.
std::optional<std::string> RenderCell(const Vector& v, size_t row);

// The same for a Value.
std::optional<std::string> RenderValue(const Value& v);

}  // namespace cairn::sql
