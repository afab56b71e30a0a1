// src/sql/fuzz_check.h
//
// The invariants the SQL fuzz target and the fuzz test check for one input: lexing, parsing,
// binding and (for inputs that bind) running over a small in-memory catalog must return a Status,
// never crash; a parsed statement printed canonically must parse again to the same text; errors
// must be SqlErrors (statement errors) or plain runtime errors.
//
// Thread-safety: FuzzCheck may run on many threads at once.
#pragma once

#include <string>
#include <string_view>

namespace cairn::sql {

// Returns false (and fills *why, if given) when an invariant fails. Crashes are the other failure.
bool FuzzCheck(std::string_view sql, std::string* why = nullptr);

}  // namespace cairn::sql
