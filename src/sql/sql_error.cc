#include "sql/sql_error.h"

#include <cstdlib>

namespace cairn::sql {

std::string SqlError::Text() const {
  if (!pos.valid()) return message;
  return "line " + std::to_string(pos.line) + ":" + std::to_string(pos.col) + ": " + message;
}

Status SqlError::ToStatus() const {
  StatusCode code =
      exception == kEventDataStoreNotFound ? StatusCode::kNotFound : StatusCode::kInvalidArgument;
  return Status(code, exception + ": " + Text());
}

std::optional<SqlError> SqlError::FromStatus(const Status& status) {
  if (status.ok()) return std::nullopt;
  std::string_view m = status.message();
  size_t colon = m.find(": ");
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view name = m.substr(0, colon);
  if (name != kInvalidQueryStatement && name != kEventDataStoreNotFound) return std::nullopt;
  SqlError e;
  e.exception = std::string(name);
  std::string_view rest = m.substr(colon + 2);
  // Optional "line L:C: " prefix.
  if (rest.substr(0, 5) == "line ") {
    size_t i = 5;
    int line = 0, col = 0;
    bool ok = false;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9')
      line = line * 10 + (rest[i++] - '0');
    if (i < rest.size() && rest[i] == ':') {
      ++i;
      size_t start = i;
      while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9')
        col = col * 10 + (rest[i++] - '0');
      ok = i > start && rest.substr(i, 2) == ": ";
    }
    if (ok && line > 0) {
      e.pos = {line, col};
      rest = rest.substr(i + 2);
    }
  }
  e.message = std::string(rest);
  return e;
}

Status InvalidQuery(SourcePos pos, std::string message) {
  return SqlError{std::string(kInvalidQueryStatement), std::move(message), pos}.ToStatus();
}

Status InvalidQuery(std::string message) { return InvalidQuery(SourcePos{}, std::move(message)); }

Status StoreNotFound(SourcePos pos, std::string message) {
  return SqlError{std::string(kEventDataStoreNotFound), std::move(message), pos}.ToStatus();
}

}  // namespace cairn::sql
