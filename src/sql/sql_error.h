// src/sql/sql_error.h
//
// SqlError is a query error as CloudTrail Lake reports it: the AWS exception name that StartQuery
// answers with (spec/lake.md §3.1), a message, and the 1-based line and column of the offending
// token when there is one. The message text follows Trino's shape: "line 3:14: <what is wrong>".
//
// The SQL layer returns plain Status values so that it composes with the rest of cairn. The
// exception name travels at the start of the message ("InvalidQueryStatementException: line 1:8:
// ..."), and SqlError::FromStatus() recovers it for the API layer. Status codes:
//   InvalidQueryStatementException   -> kInvalidArgument
//   EventDataStoreNotFoundException  -> kNotFound
//
// Thread-safety: a value type.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::sql {

// Bad syntax, unsupported keywords, validation errors (unknown column, wrong argument types, ...).
inline constexpr std::string_view kInvalidQueryStatement = "InvalidQueryStatementException";
// A table name that is neither a CTE nor an event data store the caller can read.
inline constexpr std::string_view kEventDataStoreNotFound = "EventDataStoreNotFoundException";

// A position in the statement text: 1-based line and column (columns count characters, not
// bytes). {0, 0} means "no position".
struct SourcePos {
  int line = 0;
  int col = 0;
  bool valid() const { return line > 0; }
};

struct SqlError {
  std::string exception;  // an AWS exception name, e.g. kInvalidQueryStatement
  std::string message;    // what is wrong, without the position prefix
  SourcePos pos;

  // "line 3:14: message", or just "message" without a position. This is the Lake's ErrorMessage.
  std::string Text() const;

  // The Status form: code per the table above, message "<exception>: <Text()>".
  Status ToStatus() const;

  // Recovers the SqlError from a Status made by ToStatus(). Returns nullopt for any other Status.
  static std::optional<SqlError> FromStatus(const Status& status);
};

// Shorthands for the two errors the SQL layer raises.
Status InvalidQuery(SourcePos pos, std::string message);
Status InvalidQuery(std::string message);  // no position
Status StoreNotFound(SourcePos pos, std::string message);

}  // namespace cairn::sql
