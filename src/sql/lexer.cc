#include "sql/lexer.h"

#include <cstdio>

namespace cairn::sql {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Tracks line and column while scanning. Columns count UTF-8 code points, not bytes, so that a
// position matches what an editor shows.
class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ >= s_.size(); }
  char peek(size_t ahead = 0) const { return i_ + ahead < s_.size() ? s_[i_ + ahead] : '\0'; }
  size_t offset() const { return i_; }
  SourcePos pos() const { return {line_, col_}; }
  void Advance() {
    char c = s_[i_++];
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      ++col_;  // count the first byte of each code point only
    }
  }
  void Advance(size_t n) {
    for (size_t k = 0; k < n && !done(); ++k) Advance();
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
  int line_ = 1;
  int col_ = 1;
};

// Scans a quoted run starting at the opening `quote`; a doubled quote stands for one quote.
// Returns false if the input ends first.
bool ScanQuoted(Cursor& c, char quote, std::string* value) {
  c.Advance();  // opening quote
  while (!c.done()) {
    char ch = c.peek();
    if (ch == quote) {
      if (c.peek(1) == quote) {
        value->push_back(quote);
        c.Advance(2);
        continue;
      }
      c.Advance();
      return true;
    }
    value->push_back(ch);
    c.Advance();
  }
  return false;
}

std::string Printable(char c) {
  unsigned char u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7F) return std::string(1, c);
  char buf[8];
  std::snprintf(buf, sizeof(buf), "\\x%02X", u);
  return buf;
}

}  // namespace

std::string_view TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "<EOF>";
    case TokenKind::kIdentifier:
      return "identifier";
    case TokenKind::kQuotedIdentifier:
      return "quoted identifier";
    case TokenKind::kString:
      return "string";
    case TokenKind::kInteger:
      return "integer";
    case TokenKind::kDecimal:
      return "decimal";
    case TokenKind::kDouble:
      return "double";
    case TokenKind::kLParen:
      return "'('";
    case TokenKind::kRParen:
      return "')'";
    case TokenKind::kLBracket:
      return "'['";
    case TokenKind::kRBracket:
      return "']'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kDot:
      return "'.'";
    case TokenKind::kSemicolon:
      return "';'";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kPercent:
      return "'%'";
    case TokenKind::kConcat:
      return "'||'";
    case TokenKind::kEq:
      return "'='";
    case TokenKind::kNe:
      return "'<>'";
    case TokenKind::kLt:
      return "'<'";
    case TokenKind::kLe:
      return "'<='";
    case TokenKind::kGt:
      return "'>'";
    case TokenKind::kGe:
      return "'>='";
    case TokenKind::kArrow:
      return "'->'";
    case TokenKind::kFatArrow:
      return "'=>'";
    case TokenKind::kQuestion:
      return "'?'";
  }
  return "token";
}

bool Token::Is(std::string_view keyword) const {
  return kind == TokenKind::kIdentifier && EqualsIgnoreCase(text, keyword);
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Result<std::vector<Token>> Tokenize(std::string_view sql) {
  std::vector<Token> tokens;
  Cursor c(sql);
  while (true) {
    // Whitespace and comments.
    while (!c.done()) {
      char ch = c.peek();
      if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v') {
        c.Advance();
      } else if (ch == '-' && c.peek(1) == '-') {
        while (!c.done() && c.peek() != '\n') c.Advance();
      } else if (ch == '/' && c.peek(1) == '*') {
        SourcePos start = c.pos();
        c.Advance(2);
        bool closed = false;
        while (!c.done()) {
          if (c.peek() == '*' && c.peek(1) == '/') {
            c.Advance(2);
            closed = true;
            break;
          }
          c.Advance();
        }
        if (!closed) return InvalidQuery(start, "unterminated comment");
      } else {
        break;
      }
    }
    Token t;
    t.offset = static_cast<uint32_t>(c.offset());
    t.pos = c.pos();
    if (c.done()) {
      t.kind = TokenKind::kEnd;
      t.text = sql.substr(sql.size());
      tokens.push_back(std::move(t));
      return tokens;
    }
    char ch = c.peek();
    char next = c.peek(1);
    auto single = [&](TokenKind k, size_t len) {
      t.kind = k;
      c.Advance(len);
    };
    if (IsIdentStart(ch)) {
      while (!c.done() && IsIdentChar(c.peek())) c.Advance();
      t.kind = TokenKind::kIdentifier;
    } else if (IsDigit(ch) || (ch == '.' && IsDigit(next))) {
      bool fraction = false, exponent = false;
      while (IsDigit(c.peek())) c.Advance();
      if (c.peek() == '.') {
        fraction = true;
        c.Advance();
        while (IsDigit(c.peek())) c.Advance();
      }
      // An exponent only when digits follow, so that "4e8f" scans as 4e8, f: event data store ids
      // are rebuilt from adjacent tokens by the parser.
      if (c.peek() == 'e' || c.peek() == 'E') {
        size_t k = 1;
        if (c.peek(1) == '+' || c.peek(1) == '-') k = 2;
        if (IsDigit(c.peek(k))) {
          exponent = true;
          c.Advance(k);
          while (IsDigit(c.peek())) c.Advance();
        }
      }
      t.kind = exponent ? TokenKind::kDouble : fraction ? TokenKind::kDecimal : TokenKind::kInteger;
    } else if (ch == '\'') {
      if (!ScanQuoted(c, '\'', &t.value)) return InvalidQuery(t.pos, "unterminated string literal");
      t.kind = TokenKind::kString;
    } else if (ch == '"') {
      if (!ScanQuoted(c, '"', &t.value))
        return InvalidQuery(t.pos, "unterminated quoted identifier");
      if (t.value.empty()) return InvalidQuery(t.pos, "zero-length delimited identifier");
      t.kind = TokenKind::kQuotedIdentifier;
    } else if (ch == '`') {
      return InvalidQuery(
          t.pos,
          "backquoted identifiers are not supported; use double quotes to quote identifiers");
    } else {
      switch (ch) {
        case '(':
          single(TokenKind::kLParen, 1);
          break;
        case ')':
          single(TokenKind::kRParen, 1);
          break;
        case '[':
          single(TokenKind::kLBracket, 1);
          break;
        case ']':
          single(TokenKind::kRBracket, 1);
          break;
        case ',':
          single(TokenKind::kComma, 1);
          break;
        case '.':
          single(TokenKind::kDot, 1);
          break;
        case ';':
          single(TokenKind::kSemicolon, 1);
          break;
        case '+':
          single(TokenKind::kPlus, 1);
          break;
        case '*':
          single(TokenKind::kStar, 1);
          break;
        case '/':
          single(TokenKind::kSlash, 1);
          break;
        case '%':
          single(TokenKind::kPercent, 1);
          break;
        case '?':
          single(TokenKind::kQuestion, 1);
          break;
        case '-':
          if (next == '>')
            single(TokenKind::kArrow, 2);
          else
            single(TokenKind::kMinus, 1);
          break;
        case '|':
          if (next != '|') return InvalidQuery(t.pos, "token recognition error at: '|'");
          single(TokenKind::kConcat, 2);
          break;
        case '=':
          if (next == '>')
            single(TokenKind::kFatArrow, 2);
          else
            single(TokenKind::kEq, 1);
          break;
        case '!':
          if (next != '=') return InvalidQuery(t.pos, "token recognition error at: '!'");
          single(TokenKind::kNe, 2);
          break;
        case '<':
          if (next == '=')
            single(TokenKind::kLe, 2);
          else if (next == '>')
            single(TokenKind::kNe, 2);
          else
            single(TokenKind::kLt, 1);
          break;
        case '>':
          if (next == '=')
            single(TokenKind::kGe, 2);
          else
            single(TokenKind::kGt, 1);
          break;
        default:
          return InvalidQuery(t.pos, "token recognition error at: '" + Printable(ch) + "'");
      }
    }
    t.text = sql.substr(t.offset, c.offset() - t.offset);
    tokens.push_back(std::move(t));
  }
}

}  // namespace cairn::sql
