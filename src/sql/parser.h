// src/sql/parser.h
//
// The SQL parser: recursive descent over the lexer's tokens, with one function per precedence
// level (OR, AND, NOT, predicates, ||, + -, * / %, unary, postfix, primary). It accepts the Trino
// SELECT grammar that CloudTrail Lake exposes (doc/sql.md) and refuses everything else with
// InvalidQueryStatementException and the position of the offending token:
//   - statements other than a query (DDL, DML, SHOW, EXPLAIN, ...), more than one statement,
//     statements longer than kMaxStatementChars characters;
//   - nesting deeper than kMaxNesting (parentheses, subqueries, CASE, function calls ...) or
//     expression trees higher than kMaxExpressionHeight, so hostile input never exhausts the
//     stack of the parser or of the passes that walk the tree afterwards.
//
// Table names: in FROM position an unquoted event data store id may contain '-' and start with a
// digit (EXAMPLEf852-4e8f-8bd1-bcf6cEXAMPLE). The parser rebuilds it from adjacent tokens.
//
// Thread-safety: pure functions.
#pragma once

#include <memory>
#include <string_view>

#include "common/status.h"
#include "sql/ast.h"

namespace cairn::sql {

inline constexpr size_t kMaxStatementChars = 10000;
inline constexpr int kMaxNesting = 128;
inline constexpr int kMaxExpressionHeight = 512;

// Parses one query statement (an optional trailing ';' is allowed).
Result<std::unique_ptr<ast::Query>> ParseStatement(std::string_view sql);

// Parses one expression (for tests and tools); the whole input must be the expression.
Result<ast::ExprPtr> ParseExpression(std::string_view sql);

// True if `word` is a reserved word of the dialect (it can be a name only when double-quoted).
bool IsReservedWord(std::string_view word);

}  // namespace cairn::sql
