// src/sql/lexer.h
//
// The SQL lexer: turns a statement into tokens, each with its 1-based line and column, so every
// later error can say where it is. Keywords are not special here: they come out as identifiers
// and the parser compares them case-insensitively (Trino's keywords are mostly non-reserved, so
// only the parser knows whether `date` or `key` is a word or a name).
//
// Lexical rules (Trino's, see doc/sql.md):
//   identifier   [A-Za-z_][A-Za-z0-9_]*          (case-insensitive; kept as written)
//   quoted id    "..." with "" for a quote       (case-insensitive as well, like Trino)
//   string       '...' with '' for a quote
//   number       digits [. digits] [e|E [+-] digits]   or   . digits [...]
//   comments     -- to end of line, /* ... */ (not nested)
//   operators    ( ) [ ] , . ; + - * / % || = <> != < <= > >= -> => ?
//
// Thread-safety: Tokenize() is a pure function.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "sql/sql_error.h"

namespace cairn::sql {

enum class TokenKind : uint8_t {
  kEnd,               // end of input (always the last token)
  kIdentifier,        // unquoted word, including keywords
  kQuotedIdentifier,  // "..."
  kString,            // '...'
  kInteger,           // 123
  kDecimal,           // 1.5, .5, 1.
  kDouble,            // 1e3, 1.5E-2
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kDot,
  kSemicolon,
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kConcat,  // || is kConcat
  kEq,
  kNe,
  kLt,
  kLe,
  kGt,
  kGe,        // <> and != are both kNe
  kArrow,     // ->
  kFatArrow,  // =>
  kQuestion,  // ?
};

// A readable name for messages: "identifier", "'('", ...
std::string_view TokenKindName(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string_view text;  // the exact source slice (with quotes, for strings and quoted ids)
  std::string value;      // strings and quoted identifiers: the unescaped content; else empty
  uint32_t offset = 0;    // byte offset of text in the statement
  SourcePos pos;

  uint32_t end() const { return offset + static_cast<uint32_t>(text.size()); }
  // True when this is an unquoted identifier equal to `keyword` ignoring ASCII case.
  // REQUIRES: keyword is upper-case ASCII.
  bool Is(std::string_view keyword) const;
};

// Splits `sql` into tokens, ending with one kEnd token. Token::text views point into `sql`, which
// must outlive the tokens. Errors (unterminated string or comment, a character that starts no
// token) are InvalidQueryStatementException with the position.
Result<std::vector<Token>> Tokenize(std::string_view sql);

// Lower-cases ASCII letters; other bytes are kept.
std::string AsciiLower(std::string_view s);
// True if a and b are equal ignoring ASCII case.
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace cairn::sql
