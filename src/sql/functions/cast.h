// src/sql/functions/cast.h
//
// CAST and TRY_CAST between the dialect's types, following Trino's rules where cairn has the type:
//   varchar <-> bigint, double, boolean, timestamp, date, json (varchar -> json makes a JSON
//   string;
//               json_parse parses), interval types -> varchar
//   bigint <-> double (double -> bigint rounds half away from zero), boolean <-> numbers
//   timestamp <-> date, timestamp/date -> varchar ("2023-01-22 16:53:53.000" / "2023-01-22")
//   json -> varchar (JSON strings unquoted, numbers and booleans as text; objects/arrays fail),
//           bigint, double, boolean, array(T), map(varchar, T), row(...)
//   array, map, row, scalars -> json
//   array(T) -> array(U), map(varchar, T) -> map(varchar, U), row -> row, element-wise
// A value that does not convert fails the query (CAST) or becomes NULL (TRY_CAST).
//
// Thread-safety: pure functions.
#pragma once

#include "common/status.h"
#include "sql/types.h"
#include "sql/value.h"
#include "sql/vector.h"

namespace cairn::sql {

// True if CAST(x AS to) is allowed for x of type `from`.
bool CanCast(const Type& from, const Type& to);

// out := CAST(in AS out->type()) for the first `n` rows. REQUIRES: CanCast(in.type(), out->type()).
Status CastVector(const Vector& in, size_t n, bool try_cast, Vector* out);

// The same for one value.
Result<Value> CastValue(const Value& v, const Type& to, bool try_cast);

}  // namespace cairn::sql
