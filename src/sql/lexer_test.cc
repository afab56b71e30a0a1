#include "sql/lexer.h"

#include <gtest/gtest.h>

namespace cairn::sql {
namespace {

std::vector<Token> Lex(std::string_view sql) {
  auto r = Tokenize(sql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<Token>{};
}

TEST(LexerTest, KindsTextAndPositions) {
  auto t = Lex("SELECT a,\n  \"b\"\"c\" FROM t -- note\nWHERE x <> 'it''s' /* c */ AND y>=1.5e3");
  ASSERT_EQ(t.size(), 15u);
  EXPECT_EQ(t[0].kind, TokenKind::kIdentifier);
  EXPECT_TRUE(t[0].Is("SELECT"));
  EXPECT_EQ(t[0].pos.line, 1);
  EXPECT_EQ(t[0].pos.col, 1);
  EXPECT_EQ(t[1].text, "a");
  EXPECT_EQ(t[2].kind, TokenKind::kComma);
  EXPECT_EQ(t[3].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(t[3].value, "b\"c");
  EXPECT_EQ(t[3].pos.line, 2);
  EXPECT_EQ(t[3].pos.col, 3);
  EXPECT_TRUE(t[6].Is("where"));
  EXPECT_EQ(t[6].pos.line, 3);
  EXPECT_EQ(t[8].kind, TokenKind::kNe);
  EXPECT_EQ(t[9].kind, TokenKind::kString);
  EXPECT_EQ(t[9].value, "it's");
  EXPECT_EQ(t[12].kind, TokenKind::kGe);
  EXPECT_EQ(t[13].kind, TokenKind::kDouble);
  EXPECT_EQ(t[13].text, "1.5e3");
  EXPECT_EQ(Lex("x")[1].kind, TokenKind::kEnd);
}

TEST(LexerTest, Numbers) {
  auto t = Lex("1 1.5 .5 1. 2e10 3E-2 4e8f");
  EXPECT_EQ(t[0].kind, TokenKind::kInteger);
  EXPECT_EQ(t[1].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[2].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[3].kind, TokenKind::kDecimal);
  EXPECT_EQ(t[4].kind, TokenKind::kDouble);
  EXPECT_EQ(t[5].kind, TokenKind::kDouble);
  // "4e8f" is a double then an identifier, adjacent: the parser rebuilds store ids from them.
  EXPECT_EQ(t[6].kind, TokenKind::kDouble);
  EXPECT_EQ(t[6].text, "4e8");
  EXPECT_EQ(t[7].text, "f");
  EXPECT_EQ(t[7].offset, t[6].end());
  // An 'e' without digits is not an exponent.
  auto u = Lex("1e");
  EXPECT_EQ(u[0].kind, TokenKind::kInteger);
  EXPECT_EQ(u[1].text, "e");
}

TEST(LexerTest, Operators) {
  auto t = Lex("|| -> => != <> <= < >= > = ? % [ ] ;");
  std::vector<TokenKind> want = {
      TokenKind::kConcat,   TokenKind::kArrow,    TokenKind::kFatArrow,  TokenKind::kNe,
      TokenKind::kNe,       TokenKind::kLe,       TokenKind::kLt,        TokenKind::kGe,
      TokenKind::kGt,       TokenKind::kEq,       TokenKind::kQuestion,  TokenKind::kPercent,
      TokenKind::kLBracket, TokenKind::kRBracket, TokenKind::kSemicolon, TokenKind::kEnd};
  ASSERT_EQ(t.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(t[i].kind, want[i]) << i;
}

TEST(LexerTest, ColumnsCountCharactersNotBytes) {
  auto t = Lex("'héllo' x");
  EXPECT_EQ(t[1].pos.col, 9);
  EXPECT_EQ(t[0].value, "héllo");
}

TEST(LexerTest, Errors) {
  struct Case {
    const char* sql;
    const char* message;
  } cases[] = {
      {"SELECT 'abc", "line 1:8: unterminated string literal"},
      {"SELECT \"abc", "line 1:8: unterminated quoted identifier"},
      {"SELECT /* x", "line 1:8: unterminated comment"},
      {"SELECT\n  #", "line 2:3: token recognition error at: '#'"},
      {"SELECT `a`",
       "line 1:8: backquoted identifiers are not supported; use double quotes to quote "
       "identifiers"},
      {"SELECT \"\"", "line 1:8: zero-length delimited identifier"},
      {"SELECT a | b", "line 1:10: token recognition error at: '|'"},
      {"SELECT \x01", "line 1:8: token recognition error at: '\\x01'"},
  };
  for (const auto& c : cases) {
    auto r = Tokenize(c.sql);
    ASSERT_FALSE(r.ok()) << c.sql;
    auto e = SqlError::FromStatus(r.status());
    ASSERT_TRUE(e.has_value()) << r.status().ToString();
    EXPECT_EQ(e->exception, kInvalidQueryStatement);
    EXPECT_EQ(e->Text(), c.message);
  }
}

TEST(SqlErrorTest, RoundTripsThroughStatus) {
  Status s = InvalidQuery({3, 14}, "mismatched input 'x'");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "InvalidQueryStatementException: line 3:14: mismatched input 'x'");
  auto e = SqlError::FromStatus(s);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->pos.line, 3);
  EXPECT_EQ(e->pos.col, 14);
  EXPECT_EQ(e->message, "mismatched input 'x'");

  Status nf = StoreNotFound({1, 15}, "event data store 'x' does not exist");
  EXPECT_EQ(nf.code(), StatusCode::kNotFound);
  EXPECT_EQ(SqlError::FromStatus(nf)->exception, kEventDataStoreNotFound);

  auto nopos = SqlError::FromStatus(InvalidQuery("too long"));
  EXPECT_FALSE(nopos->pos.valid());
  EXPECT_EQ(nopos->Text(), "too long");
  EXPECT_FALSE(SqlError::FromStatus(Status::InvalidArgument("other")).has_value());
}

}  // namespace
}  // namespace cairn::sql
