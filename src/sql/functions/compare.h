// src/sql/functions/compare.h
//
// Comparison of single values held in Vectors, for kernels (=, <, IN), sorting, grouping and joins.
// Ordering: numbers numerically (NaN after every other double), strings byte-wise (UTF-8 order
// equals code-point order), booleans false < true, arrays lexicographically, rows field by field.
// Inside arrays and rows a NULL element sorts first and equals another NULL (cairn's choice; Trino
// reports such comparisons as indeterminate). Maps and JSON compare by their text.
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>

#include "sql/vector.h"

namespace cairn::sql {

// <0, 0, >0. REQUIRES: both rows non-NULL, same physical type.
int CompareValues(const Vector& a, size_t i, const Vector& b, size_t j);

// Equality as SQL "=" for non-NULL values (NaN is not equal to itself).
bool ValuesEqual(const Vector& a, size_t i, const Vector& b, size_t j);

}  // namespace cairn::sql
