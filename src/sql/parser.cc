#include "sql/parser.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "sql/lexer.h"

namespace cairn::sql {
namespace {

using ast::Expr;
using ast::ExprKind;
using ast::ExprPtr;
using ast::Identifier;
using ast::Query;
using ast::QueryBody;
using ast::Select;
using ast::TableRef;
using ast::TableRefPtr;
using ast::TypeName;

// Trino's reserved words (https://trino.io/docs/current/language/reserved.html).
constexpr std::string_view kReserved[] = {"ALTER",        "AND",
                                          "AS",           "BETWEEN",
                                          "BY",           "CASE",
                                          "CAST",         "CONSTRAINT",
                                          "CREATE",       "CROSS",
                                          "CUBE",         "CURRENT_CATALOG",
                                          "CURRENT_DATE", "CURRENT_PATH",
                                          "CURRENT_ROLE", "CURRENT_SCHEMA",
                                          "CURRENT_TIME", "CURRENT_TIMESTAMP",
                                          "CURRENT_USER", "DEALLOCATE",
                                          "DELETE",       "DESCRIBE",
                                          "DISTINCT",     "DROP",
                                          "ELSE",         "END",
                                          "ESCAPE",       "EXCEPT",
                                          "EXECUTE",      "EXISTS",
                                          "EXTRACT",      "FALSE",
                                          "FOR",          "FROM",
                                          "FULL",         "GROUP",
                                          "GROUPING",     "HAVING",
                                          "IN",           "INNER",
                                          "INSERT",       "INTERSECT",
                                          "INTO",         "IS",
                                          "JOIN",         "JSON_ARRAY",
                                          "JSON_EXISTS",  "JSON_OBJECT",
                                          "JSON_QUERY",   "JSON_TABLE",
                                          "JSON_VALUE",   "LEFT",
                                          "LIKE",         "LISTAGG",
                                          "LOCALTIME",    "LOCALTIMESTAMP",
                                          "NATURAL",      "NORMALIZE",
                                          "NOT",          "NULL",
                                          "ON",           "OR",
                                          "ORDER",        "OUTER",
                                          "PREPARE",      "RECURSIVE",
                                          "RIGHT",        "ROLLUP",
                                          "SELECT",       "SKIP",
                                          "TABLE",        "THEN",
                                          "TRIM",         "TRUE",
                                          "UESCAPE",      "UNION",
                                          "UNNEST",       "USING",
                                          "VALUES",       "WHEN",
                                          "WHERE",        "WITH"};

// Words that end a select item or a table reference, so they cannot be a bare (AS-less) alias
// even though Trino does not reserve them.
constexpr std::string_view kNotBareAlias[] = {"LIMIT", "OFFSET", "FETCH", "WINDOW"};

// First words of statements the Lake refuses.
constexpr std::string_view kOtherStatements[] = {
    "INSERT",     "UPDATE", "DELETE",   "MERGE",    "CREATE",  "DROP",    "ALTER",
    "TRUNCATE",   "GRANT",  "REVOKE",   "DENY",     "CALL",    "SET",     "RESET",
    "USE",        "SHOW",   "DESCRIBE", "DESC",     "EXPLAIN", "PREPARE", "EXECUTE",
    "DEALLOCATE", "START",  "COMMIT",   "ROLLBACK", "COMMENT", "ANALYZE"};

size_t CountChars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string Upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

template <size_t N>
bool InList(const std::string_view (&list)[N], std::string_view word) {
  for (std::string_view w : list) {
    if (EqualsIgnoreCase(w, word)) return true;
  }
  return false;
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

class Parser {
 public:
  Parser(std::string_view sql, std::vector<Token> tokens) : sql_(sql), toks_(std::move(tokens)) {}

  Result<std::unique_ptr<Query>> Statement() {
    const Token& first = Peek();
    if (first.kind == TokenKind::kEnd)
      return InvalidQuery(first.pos, "the query statement is empty");
    if (first.kind == TokenKind::kIdentifier && InList(kOtherStatements, first.text)) {
      return InvalidQuery(first.pos, Upper(first.text) +
                                         " statements are not supported: CloudTrail Lake runs "
                                         "SELECT queries only");
    }
    ASSIGN_OR_RETURN(auto q, ParseQuery());
    if (Peek().kind == TokenKind::kSemicolon) {
      Next();
      if (Peek().kind != TokenKind::kEnd) {
        return InvalidQuery(Peek().pos,
                            "multiple statements are not supported: submit one query at a time");
      }
    }
    if (Peek().kind != TokenKind::kEnd) return Unexpected("<EOF>");
    return q;
  }

  Result<ExprPtr> StandaloneExpression() {
    ASSIGN_OR_RETURN(auto e, ParseExpr());
    if (Peek().kind != TokenKind::kEnd) return Unexpected("<EOF>");
    return e;
  }

 private:
  // Counts nesting while a parse function runs; the parse functions check it on entry.
  class Nest {
   public:
    explicit Nest(int* depth) : depth_(depth) { ++*depth_; }
    ~Nest() { --*depth_; }
    Nest(const Nest&) = delete;
    Nest& operator=(const Nest&) = delete;

   private:
    int* depth_;
  };
#define CAIRN_SQL_NEST()     \
  Nest nest_guard_(&depth_); \
  if (depth_ > kMaxNesting) return TooDeep()

  Status TooDeep() const {
    return InvalidQuery(Peek().pos, "statement is too deeply nested (more than " +
                                        std::to_string(kMaxNesting) + " levels)");
  }

  const Token& Peek(size_t ahead = 0) const {
    size_t i = std::min(pos_ + ahead, toks_.size() - 1);
    return toks_[i];
  }
  const Token& Next() {
    const Token& t = toks_[pos_];
    if (pos_ + 1 < toks_.size()) ++pos_;
    return t;
  }
  bool Accept(TokenKind k) {
    if (Peek().kind != k) return false;
    Next();
    return true;
  }
  bool AcceptKw(std::string_view kw) {
    if (!Peek().Is(kw)) return false;
    Next();
    return true;
  }
  Status Expect(TokenKind k) {
    if (Accept(k)) return Status::OK();
    return Unexpected(std::string(TokenKindName(k)));
  }
  Status ExpectKw(std::string_view kw) {
    if (AcceptKw(kw)) return Status::OK();
    return Unexpected(std::string(kw));
  }
  Status Unexpected(const std::string& expecting) const {
    const Token& t = Peek();
    std::string shown = t.kind == TokenKind::kEnd ? "<EOF>" : std::string(t.text);
    if (shown.size() > 40) shown = shown.substr(0, 40) + "...";
    return InvalidQuery(t.pos, "mismatched input '" + shown + "'. Expecting: " + expecting);
  }
  Status Unsupported(SourcePos pos, const std::string& what) const {
    return InvalidQuery(pos, what + " is not supported");
  }

  // Sets e->height from its children and refuses trees that are too high.
  Result<ExprPtr> Finish(ExprPtr e) {
    int h = 0;
    for (const auto& a : e->args) {
      if (a) h = std::max(h, a->height);
    }
    if (e->filter) h = std::max(h, e->filter->height);
    e->height = h + 1;
    if (e->height > kMaxExpressionHeight) {
      return InvalidQuery(e->pos, "expression is too deeply nested (more than " +
                                      std::to_string(kMaxExpressionHeight) + " levels)");
    }
    return e;
  }

  static ExprPtr Make(ExprKind k, SourcePos pos) { return std::make_unique<Expr>(k, pos); }

  bool AtQueryStart(size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    return t.Is("SELECT") || t.Is("WITH") || t.Is("VALUES") || t.Is("TABLE");
  }

  // At '(' (Peek(ahead)): whether it opens a query in expression position: "(SELECT ...)", or
  // "((SELECT ...) UNION ...)" where the inner parenthesis is continued by a query clause.
  bool ParenOpensQuery(size_t ahead) const {
    if (AtQueryStart(ahead + 1)) return true;
    size_t k = ahead + 1;
    while (Peek(k).kind == TokenKind::kLParen) ++k;
    if (k == ahead + 1 || !AtQueryStart(k)) return false;
    int level = 1;  // inside the innermost '(' at Peek(k - 1)
    size_t i = k;
    while (level > 0) {
      const Token& t = Peek(i);
      if (t.kind == TokenKind::kEnd) return false;
      if (t.kind == TokenKind::kLParen) ++level;
      if (t.kind == TokenKind::kRParen) --level;
      ++i;
    }
    const Token& after = Peek(i);
    return after.Is("UNION") || after.Is("EXCEPT") || after.Is("INTERSECT") || after.Is("ORDER") ||
           after.Is("LIMIT") || after.Is("OFFSET") || after.Is("FETCH");
  }

  // ---- names -------------------------------------------------------------------------------

  // An identifier usable as a name: unquoted and not reserved, or double-quoted.
  bool AtName(size_t ahead = 0) const {
    const Token& t = Peek(ahead);
    if (t.kind == TokenKind::kQuotedIdentifier) return true;
    return t.kind == TokenKind::kIdentifier && !IsReservedWord(t.text);
  }

  Result<Identifier> ParseName(const char* what) {
    if (!AtName()) return Unexpected(what);
    const Token& t = Next();
    Identifier id;
    id.pos = t.pos;
    if (t.kind == TokenKind::kQuotedIdentifier) {
      id.text = t.value;
      id.quoted = true;
    } else {
      id.text = std::string(t.text);
    }
    return id;
  }

  // After a '.', any word is a field name (reserved words too: there is no ambiguity there).
  Result<Identifier> ParseFieldName() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kQuotedIdentifier) {
      return Unexpected("identifier");
    }
    Next();
    Identifier id;
    id.pos = t.pos;
    id.quoted = t.kind == TokenKind::kQuotedIdentifier;
    id.text = id.quoted ? t.value : std::string(t.text);
    return id;
  }

  // [AS] alias, where a bare alias may not be a word that continues the statement.
  Result<std::optional<Identifier>> ParseOptionalAlias() {
    if (AcceptKw("AS")) {
      ASSIGN_OR_RETURN(Identifier id, ParseName("identifier"));
      return std::optional<Identifier>(std::move(id));
    }
    if (AtName() &&
        !(Peek().kind == TokenKind::kIdentifier && InList(kNotBareAlias, Peek().text))) {
      ASSIGN_OR_RETURN(Identifier id, ParseName("identifier"));
      return std::optional<Identifier>(std::move(id));
    }
    return std::optional<Identifier>();
  }

  // An event data store id or CTE name in FROM: a quoted identifier, or a run of adjacent tokens
  // made of [0-9A-Za-z_-] (the id may start with a digit and contain hyphens).
  Result<Identifier> ParseTableName() {
    const Token& first = Peek();
    Identifier id;
    id.pos = first.pos;
    if (first.kind == TokenKind::kQuotedIdentifier) {
      Next();
      id.text = first.value;
      id.quoted = true;
      return id;
    }
    auto name_part = [](const Token& t) {
      if (t.kind != TokenKind::kIdentifier && t.kind != TokenKind::kInteger &&
          t.kind != TokenKind::kDouble && t.kind != TokenKind::kMinus) {
        return false;
      }
      return std::all_of(t.text.begin(), t.text.end(), IsNameChar);
    };
    if (first.kind == TokenKind::kMinus || !name_part(first) ||
        (first.kind == TokenKind::kIdentifier && IsReservedWord(first.text))) {
      return Unexpected("table name");
    }
    uint32_t begin = first.offset;
    uint32_t end = first.end();
    Next();
    while (Peek().offset == end && name_part(Peek()) && Peek().kind != TokenKind::kEnd) {
      end = Next().end();
    }
    id.text = std::string(sql_.substr(begin, end - begin));
    if (id.text.back() == '-') return InvalidQuery(id.pos, "invalid table name '" + id.text + "'");
    return id;
  }

  // ---- queries -----------------------------------------------------------------------------

  Result<std::unique_ptr<Query>> ParseQuery() {
    CAIRN_SQL_NEST();
    auto q = std::make_unique<Query>();
    q->pos = Peek().pos;
    if (AcceptKw("WITH")) {
      if (Peek().Is("RECURSIVE")) return Unsupported(Peek().pos, "WITH RECURSIVE");
      do {
        ast::Cte cte;
        ASSIGN_OR_RETURN(cte.name, ParseName("identifier"));
        if (Accept(TokenKind::kLParen)) {
          do {
            ASSIGN_OR_RETURN(Identifier c, ParseName("identifier"));
            cte.columns.push_back(std::move(c));
          } while (Accept(TokenKind::kComma));
          RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        }
        RETURN_IF_ERROR(ExpectKw("AS"));
        RETURN_IF_ERROR(Expect(TokenKind::kLParen));
        ASSIGN_OR_RETURN(cte.query, ParseQuery());
        RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        q->with.push_back(std::move(cte));
      } while (Accept(TokenKind::kComma));
    }
    ASSIGN_OR_RETURN(q->body, ParseSetOperations());
    if (Peek().Is("ORDER")) {
      Next();
      RETURN_IF_ERROR(ExpectKw("BY"));
      ASSIGN_OR_RETURN(q->order_by, ParseOrderItems());
    }
    if (AcceptKw("OFFSET")) {
      ASSIGN_OR_RETURN(int64_t n, ParseCount("OFFSET"));
      q->offset = n;
      if (!AcceptKw("ROW")) AcceptKw("ROWS");
    }
    if (AcceptKw("LIMIT")) {
      if (!AcceptKw("ALL")) {
        ASSIGN_OR_RETURN(int64_t n, ParseCount("LIMIT"));
        q->limit = n;
      }
    } else if (AcceptKw("FETCH")) {
      if (!AcceptKw("FIRST") && !AcceptKw("NEXT")) return Unexpected("FIRST, NEXT");
      int64_t n = 1;
      if (Peek().kind == TokenKind::kInteger) {
        ASSIGN_OR_RETURN(n, ParseCount("FETCH"));
      }
      if (!AcceptKw("ROW") && !AcceptKw("ROWS")) return Unexpected("ROW, ROWS");
      if (Peek().Is("WITH")) return Unsupported(Peek().pos, "FETCH ... WITH TIES");
      RETURN_IF_ERROR(ExpectKw("ONLY"));
      q->limit = n;
    }
    // LIMIT n OFFSET m (PostgreSQL's order) is accepted too.
    if (!q->offset && Peek().Is("OFFSET")) {
      Next();
      ASSIGN_OR_RETURN(int64_t n, ParseCount("OFFSET"));
      q->offset = n;
      if (!AcceptKw("ROW")) AcceptKw("ROWS");
    }
    return q;
  }

  Result<int64_t> ParseCount(const char* clause) {
    const Token& t = Peek();
    if (t.kind != TokenKind::kInteger) return Unexpected("integer");
    errno = 0;
    std::string digits(t.text);
    long long v = std::strtoll(digits.c_str(), nullptr, 10);
    if (errno == ERANGE) {
      return InvalidQuery(t.pos, std::string(clause) + " count is too large: " + digits);
    }
    Next();
    return static_cast<int64_t>(v);
  }

  Result<std::vector<ast::OrderItem>> ParseOrderItems() {
    std::vector<ast::OrderItem> items;
    do {
      ast::OrderItem item;
      ASSIGN_OR_RETURN(item.expr, ParseExpr());
      if (AcceptKw("ASC")) {
        item.order = ast::SortOrder::kAsc;
      } else if (AcceptKw("DESC")) {
        item.order = ast::SortOrder::kDesc;
      }
      if (AcceptKw("NULLS")) {
        if (AcceptKw("FIRST")) {
          item.nulls = ast::NullsOrder::kFirst;
        } else if (AcceptKw("LAST")) {
          item.nulls = ast::NullsOrder::kLast;
        } else {
          return Unexpected("FIRST, LAST");
        }
      }
      items.push_back(std::move(item));
    } while (Accept(TokenKind::kComma));
    return items;
  }

  // UNION and EXCEPT bind looser than INTERSECT; all are left-associative.
  Result<std::unique_ptr<QueryBody>> ParseSetOperations() {
    ASSIGN_OR_RETURN(auto left, ParseIntersections());
    while (Peek().Is("UNION") || Peek().Is("EXCEPT")) {
      const Token& op = Next();
      auto node = std::make_unique<QueryBody>(QueryBody::Kind::kSetOp, op.pos);
      node->set_op = op.Is("UNION") ? ast::SetOpKind::kUnion : ast::SetOpKind::kExcept;
      node->all = ParseSetQuantifier();
      node->left = std::move(left);
      ASSIGN_OR_RETURN(node->right, ParseIntersections());
      left = std::move(node);
    }
    return left;
  }

  Result<std::unique_ptr<QueryBody>> ParseIntersections() {
    ASSIGN_OR_RETURN(auto left, ParseQueryPrimary());
    while (Peek().Is("INTERSECT")) {
      const Token& op = Next();
      auto node = std::make_unique<QueryBody>(QueryBody::Kind::kSetOp, op.pos);
      node->set_op = ast::SetOpKind::kIntersect;
      node->all = ParseSetQuantifier();
      node->left = std::move(left);
      ASSIGN_OR_RETURN(node->right, ParseQueryPrimary());
      left = std::move(node);
    }
    return left;
  }

  bool ParseSetQuantifier() {
    if (AcceptKw("ALL")) return true;
    AcceptKw("DISTINCT");
    return false;
  }

  Result<std::unique_ptr<QueryBody>> ParseQueryPrimary() {
    CAIRN_SQL_NEST();
    SourcePos pos = Peek().pos;
    if (Peek().Is("SELECT")) {
      auto body = std::make_unique<QueryBody>(QueryBody::Kind::kSelect, pos);
      ASSIGN_OR_RETURN(body->select, ParseSelect());
      return body;
    }
    if (Peek().Is("VALUES")) {
      // VALUES ... is SELECT * FROM (VALUES ...).
      auto body = std::make_unique<QueryBody>(QueryBody::Kind::kSelect, pos);
      body->select = std::make_unique<Select>();
      body->select->pos = pos;
      ast::SelectItem star;
      star.expr = Make(ExprKind::kStar, pos);
      body->select->items.push_back(std::move(star));
      ASSIGN_OR_RETURN(body->select->from, ParseValues());
      return body;
    }
    if (Peek().Is("TABLE")) {
      Next();
      auto body = std::make_unique<QueryBody>(QueryBody::Kind::kSelect, pos);
      body->select = std::make_unique<Select>();
      body->select->pos = pos;
      ast::SelectItem star;
      star.expr = Make(ExprKind::kStar, pos);
      body->select->items.push_back(std::move(star));
      auto table = std::make_unique<TableRef>(TableRef::Kind::kNamed, Peek().pos);
      ASSIGN_OR_RETURN(table->name, ParseTableName());
      body->select->from = std::move(table);
      return body;
    }
    if (Peek().kind == TokenKind::kLParen) {
      Next();
      auto body = std::make_unique<QueryBody>(QueryBody::Kind::kNested, pos);
      ASSIGN_OR_RETURN(body->nested, ParseQuery());
      RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      return body;
    }
    return Unexpected("SELECT, VALUES, TABLE, '('");
  }

  Result<TableRefPtr> ParseValues() {
    SourcePos pos = Peek().pos;
    RETURN_IF_ERROR(ExpectKw("VALUES"));
    auto values = std::make_unique<TableRef>(TableRef::Kind::kValues, pos);
    do {
      ASSIGN_OR_RETURN(ExprPtr row, ParseExpr());
      values->exprs.push_back(std::move(row));
    } while (Accept(TokenKind::kComma));
    return values;
  }

  Result<std::unique_ptr<Select>> ParseSelect() {
    auto s = std::make_unique<Select>();
    s->pos = Peek().pos;
    RETURN_IF_ERROR(ExpectKw("SELECT"));
    if (AcceptKw("DISTINCT")) {
      s->distinct = true;
    } else {
      AcceptKw("ALL");
    }
    do {
      ASSIGN_OR_RETURN(ast::SelectItem item, ParseSelectItem());
      s->items.push_back(std::move(item));
    } while (Accept(TokenKind::kComma));
    if (AcceptKw("FROM")) {
      ASSIGN_OR_RETURN(s->from, ParseRelationList());
    }
    if (AcceptKw("WHERE")) {
      ASSIGN_OR_RETURN(s->where, ParseExpr());
    }
    if (Peek().Is("GROUP")) {
      Next();
      RETURN_IF_ERROR(ExpectKw("BY"));
      if (Peek().Is("ALL") || Peek().Is("DISTINCT")) Next();
      do {
        const Token& t = Peek();
        if (t.Is("ROLLUP") || t.Is("CUBE") || t.Is("GROUPING")) {
          return Unsupported(t.pos, Upper(t.text) + " in GROUP BY");
        }
        if (t.kind == TokenKind::kLParen && Peek(1).kind == TokenKind::kRParen) {
          return Unsupported(t.pos, "an empty grouping set");
        }
        ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        s->group_by.push_back(std::move(e));
      } while (Accept(TokenKind::kComma));
    }
    if (AcceptKw("HAVING")) {
      ASSIGN_OR_RETURN(s->having, ParseExpr());
    }
    if (Peek().Is("WINDOW") && Peek(1).kind != TokenKind::kLParen) {
      return Unsupported(Peek().pos, "the WINDOW clause");
    }
    return s;
  }

  Result<ast::SelectItem> ParseSelectItem() {
    ast::SelectItem item;
    SourcePos pos = Peek().pos;
    if (Peek().kind == TokenKind::kStar) {
      Next();
      item.expr = Make(ExprKind::kStar, pos);
      return item;
    }
    ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
    if (Peek().kind == TokenKind::kDot && Peek(1).kind == TokenKind::kStar) {
      Next();
      Next();
      auto star = Make(ExprKind::kStar, pos);
      if (e->kind == ExprKind::kColumnRef) {
        star->names = std::move(e->names);
      } else {
        star->args.push_back(std::move(e));
      }
      ASSIGN_OR_RETURN(item.expr, Finish(std::move(star)));
      if (Peek().Is("AS")) return Unsupported(Peek().pos, "an alias after .*");
      return item;
    }
    item.expr = std::move(e);
    ASSIGN_OR_RETURN(item.alias, ParseOptionalAlias());
    return item;
  }

  // relation (',' relation)*; commas are cross joins.
  Result<TableRefPtr> ParseRelationList() {
    ASSIGN_OR_RETURN(TableRefPtr left, ParseJoinedRelation());
    while (Peek().kind == TokenKind::kComma) {
      SourcePos pos = Next().pos;
      auto join = std::make_unique<TableRef>(TableRef::Kind::kJoin, pos);
      join->join_type = ast::JoinType::kCross;
      join->left = std::move(left);
      ASSIGN_OR_RETURN(join->right, ParseJoinedRelation());
      left = std::move(join);
    }
    return left;
  }

  Result<TableRefPtr> ParseJoinedRelation() {
    CAIRN_SQL_NEST();
    ASSIGN_OR_RETURN(TableRefPtr left, ParseAliasedRelation());
    while (true) {
      const Token& t = Peek();
      SourcePos pos = t.pos;
      ast::JoinType type;
      if (t.Is("CROSS")) {
        Next();
        RETURN_IF_ERROR(ExpectKw("JOIN"));
        type = ast::JoinType::kCross;
      } else if (t.Is("JOIN")) {
        Next();
        type = ast::JoinType::kInner;
      } else if (t.Is("INNER")) {
        Next();
        RETURN_IF_ERROR(ExpectKw("JOIN"));
        type = ast::JoinType::kInner;
      } else if (t.Is("LEFT") || t.Is("RIGHT") || t.Is("FULL")) {
        Next();
        type = t.Is("LEFT")    ? ast::JoinType::kLeft
               : t.Is("RIGHT") ? ast::JoinType::kRight
                               : ast::JoinType::kFull;
        AcceptKw("OUTER");
        RETURN_IF_ERROR(ExpectKw("JOIN"));
      } else if (t.Is("NATURAL")) {
        return Unsupported(t.pos, "NATURAL JOIN");
      } else {
        return left;
      }
      auto join = std::make_unique<TableRef>(TableRef::Kind::kJoin, pos);
      join->join_type = type;
      join->left = std::move(left);
      ASSIGN_OR_RETURN(join->right, ParseAliasedRelation());
      if (type != ast::JoinType::kCross) {
        if (AcceptKw("ON")) {
          ASSIGN_OR_RETURN(join->on, ParseExpr());
        } else if (AcceptKw("USING")) {
          RETURN_IF_ERROR(Expect(TokenKind::kLParen));
          do {
            ASSIGN_OR_RETURN(Identifier c, ParseName("identifier"));
            join->using_columns.push_back(std::move(c));
          } while (Accept(TokenKind::kComma));
          RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        } else {
          return Unexpected("ON, USING");
        }
      }
      left = std::move(join);
    }
  }

  Result<TableRefPtr> ParseAliasedRelation() {
    CAIRN_SQL_NEST();
    SourcePos pos = Peek().pos;
    TableRefPtr rel;
    if (Peek().kind == TokenKind::kLParen) {
      bool subquery = AtQueryStart(1);
      if (!subquery && Peek(1).kind == TokenKind::kLParen) {
        // "((SELECT ...) UNION ...)" is a query; "((SELECT ...) t JOIN u ON ...)" a relation.
        size_t k = 1;
        while (Peek(k).kind == TokenKind::kLParen) ++k;
        subquery = AtQueryStart(k) && !RelationAfterParens();
      }
      Next();
      if (Peek().Is("VALUES")) {
        ASSIGN_OR_RETURN(rel, ParseValues());
        rel->pos = pos;
      } else if (subquery) {
        rel = std::make_unique<TableRef>(TableRef::Kind::kSubquery, pos);
        ASSIGN_OR_RETURN(rel->subquery, ParseQuery());
      } else {
        ASSIGN_OR_RETURN(rel, ParseRelationList());
      }
      RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    } else if (Peek().Is("UNNEST")) {
      Next();
      rel = std::make_unique<TableRef>(TableRef::Kind::kUnnest, pos);
      RETURN_IF_ERROR(Expect(TokenKind::kLParen));
      do {
        ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        rel->exprs.push_back(std::move(e));
      } while (Accept(TokenKind::kComma));
      RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      if (AcceptKw("WITH")) {
        RETURN_IF_ERROR(ExpectKw("ORDINALITY"));
        rel->with_ordinality = true;
      }
    } else if (Peek().Is("LATERAL") && Peek(1).kind == TokenKind::kLParen) {
      return Unsupported(pos, "LATERAL");
    } else {
      rel = std::make_unique<TableRef>(TableRef::Kind::kNamed, pos);
      ASSIGN_OR_RETURN(rel->name, ParseTableName());
      if (Peek().kind == TokenKind::kDot) {
        return InvalidQuery(Peek().pos,
                            "qualified table names are not supported: name the event data "
                            "store by its id");
      }
    }
    if (Peek().Is("TABLESAMPLE")) return Unsupported(Peek().pos, "TABLESAMPLE");
    ASSIGN_OR_RETURN(rel->alias, ParseOptionalAlias());
    if (rel->alias && Peek().kind == TokenKind::kLParen) {
      Next();
      do {
        ASSIGN_OR_RETURN(Identifier c, ParseName("identifier"));
        rel->column_aliases.push_back(std::move(c));
      } while (Accept(TokenKind::kComma));
      RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    }
    return rel;
  }

  // At '(' '(' ... SELECT: decides whether the outer parenthesis wraps a relation (a subquery
  // followed by an alias or a join inside the same parenthesis) rather than a query. Scans to the
  // parenthesis that closes the first inner one and looks at what follows it.
  bool RelationAfterParens() const {
    size_t k = 1;
    while (Peek(k).kind == TokenKind::kLParen) ++k;
    // Peek(k-1) is the innermost '('; find its match.
    int level = 1;
    size_t i = k;
    while (level > 0) {
      const Token& t = Peek(i);
      if (t.kind == TokenKind::kEnd) return false;
      if (t.kind == TokenKind::kLParen) ++level;
      if (t.kind == TokenKind::kRParen) --level;
      ++i;
    }
    const Token& after = Peek(i);
    if (after.kind == TokenKind::kRParen) return false;
    // "(SELECT ...) UNION ..." continues a query; anything else (alias, JOIN, ',') is a relation.
    return !(after.Is("UNION") || after.Is("EXCEPT") || after.Is("INTERSECT") ||
             after.Is("ORDER") || after.Is("LIMIT") || after.Is("OFFSET") || after.Is("FETCH"));
  }

  // ---- expressions -------------------------------------------------------------------------

  Result<ExprPtr> ParseExpr() {
    CAIRN_SQL_NEST();
    return ParseOr();
  }

  Result<ExprPtr> ParseOr() {
    ASSIGN_OR_RETURN(ExprPtr first, ParseAnd());
    if (!Peek().Is("OR")) return first;
    auto node = Make(ExprKind::kOr, Peek().pos);
    node->args.push_back(std::move(first));
    while (AcceptKw("OR")) {
      ASSIGN_OR_RETURN(ExprPtr e, ParseAnd());
      node->args.push_back(std::move(e));
    }
    return Finish(std::move(node));
  }

  Result<ExprPtr> ParseAnd() {
    ASSIGN_OR_RETURN(ExprPtr first, ParseNot());
    if (!Peek().Is("AND")) return first;
    auto node = Make(ExprKind::kAnd, Peek().pos);
    node->args.push_back(std::move(first));
    while (AcceptKw("AND")) {
      ASSIGN_OR_RETURN(ExprPtr e, ParseNot());
      node->args.push_back(std::move(e));
    }
    return Finish(std::move(node));
  }

  Result<ExprPtr> ParseNot() {
    if (Peek().Is("NOT")) {
      CAIRN_SQL_NEST();
      auto node = Make(ExprKind::kNot, Next().pos);
      ASSIGN_OR_RETURN(ExprPtr e, ParseNot());
      node->args.push_back(std::move(e));
      return Finish(std::move(node));
    }
    return ParsePredicate();
  }

  static bool CompareOpOf(TokenKind k, ast::CompareOp* op) {
    switch (k) {
      case TokenKind::kEq:
        *op = ast::CompareOp::kEq;
        return true;
      case TokenKind::kNe:
        *op = ast::CompareOp::kNe;
        return true;
      case TokenKind::kLt:
        *op = ast::CompareOp::kLt;
        return true;
      case TokenKind::kLe:
        *op = ast::CompareOp::kLe;
        return true;
      case TokenKind::kGt:
        *op = ast::CompareOp::kGt;
        return true;
      case TokenKind::kGe:
        *op = ast::CompareOp::kGe;
        return true;
      default:
        return false;
    }
  }

  // value [comparison | IS ... | BETWEEN | IN | LIKE]: at most one predicate, as in Trino.
  Result<ExprPtr> ParsePredicate() {
    ASSIGN_OR_RETURN(ExprPtr value, ParseValue());
    const Token& t = Peek();
    SourcePos pos = t.pos;
    ast::CompareOp op;
    if (CompareOpOf(t.kind, &op)) {
      Next();
      if (Peek().Is("ANY") || Peek().Is("ALL") || Peek().Is("SOME")) {
        if (Peek(1).kind == TokenKind::kLParen) {
          return Unsupported(Peek().pos, "a quantified comparison (" + Upper(Peek().text) + ")");
        }
      }
      auto node = Make(ExprKind::kCompare, pos);
      node->compare_op = op;
      node->args.push_back(std::move(value));
      ASSIGN_OR_RETURN(ExprPtr rhs, ParseValue());
      node->args.push_back(std::move(rhs));
      return Finish(std::move(node));
    }
    if (t.Is("IS")) {
      Next();
      bool negated = AcceptKw("NOT");
      if (AcceptKw("NULL")) {
        auto node = Make(ExprKind::kIsNull, pos);
        node->negated = negated;
        node->args.push_back(std::move(value));
        return Finish(std::move(node));
      }
      if (AcceptKw("DISTINCT")) {
        RETURN_IF_ERROR(ExpectKw("FROM"));
        auto node = Make(ExprKind::kIsDistinctFrom, pos);
        node->negated = negated;
        node->args.push_back(std::move(value));
        ASSIGN_OR_RETURN(ExprPtr rhs, ParseValue());
        node->args.push_back(std::move(rhs));
        return Finish(std::move(node));
      }
      return Unexpected("NULL, DISTINCT");
    }
    bool negated = false;
    if (t.Is("NOT") && (Peek(1).Is("BETWEEN") || Peek(1).Is("IN") || Peek(1).Is("LIKE"))) {
      Next();
      negated = true;
    }
    if (AcceptKw("BETWEEN")) {
      auto node = Make(ExprKind::kBetween, pos);
      node->negated = negated;
      node->args.push_back(std::move(value));
      ASSIGN_OR_RETURN(ExprPtr low, ParseValue());
      RETURN_IF_ERROR(ExpectKw("AND"));
      ASSIGN_OR_RETURN(ExprPtr high, ParseValue());
      node->args.push_back(std::move(low));
      node->args.push_back(std::move(high));
      return Finish(std::move(node));
    }
    if (AcceptKw("IN")) {
      bool query = Peek().kind == TokenKind::kLParen && ParenOpensQuery(0);
      RETURN_IF_ERROR(Expect(TokenKind::kLParen));
      if (query) {
        auto node = Make(ExprKind::kInSubquery, pos);
        node->negated = negated;
        node->args.push_back(std::move(value));
        ASSIGN_OR_RETURN(node->subquery, ParseQuery());
        RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        return Finish(std::move(node));
      }
      auto node = Make(ExprKind::kInList, pos);
      node->negated = negated;
      node->args.push_back(std::move(value));
      do {
        ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        node->args.push_back(std::move(e));
      } while (Accept(TokenKind::kComma));
      RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      return Finish(std::move(node));
    }
    if (AcceptKw("LIKE")) {
      auto node = Make(ExprKind::kLike, pos);
      node->negated = negated;
      node->args.push_back(std::move(value));
      ASSIGN_OR_RETURN(ExprPtr pattern, ParseValue());
      node->args.push_back(std::move(pattern));
      if (AcceptKw("ESCAPE")) {
        ASSIGN_OR_RETURN(ExprPtr esc, ParseValue());
        node->args.push_back(std::move(esc));
      }
      return Finish(std::move(node));
    }
    if (negated) return Unexpected("BETWEEN, IN, LIKE");
    return value;
  }

  // || binds loosest among value operators, then + -, then * / %, then unary signs.
  Result<ExprPtr> ParseValue() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseAdditive());
    while (Peek().kind == TokenKind::kConcat) {
      auto node = Make(ExprKind::kConcat, Next().pos);
      node->args.push_back(std::move(left));
      ASSIGN_OR_RETURN(ExprPtr right, ParseAdditive());
      node->args.push_back(std::move(right));
      ASSIGN_OR_RETURN(left, Finish(std::move(node)));
    }
    return left;
  }

  Result<ExprPtr> ParseAdditive() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseMultiplicative());
    while (Peek().kind == TokenKind::kPlus || Peek().kind == TokenKind::kMinus) {
      const Token& op = Next();
      auto node = Make(ExprKind::kArith, op.pos);
      node->arith_op = op.kind == TokenKind::kPlus ? ast::ArithOp::kAdd : ast::ArithOp::kSub;
      node->args.push_back(std::move(left));
      ASSIGN_OR_RETURN(ExprPtr right, ParseMultiplicative());
      node->args.push_back(std::move(right));
      ASSIGN_OR_RETURN(left, Finish(std::move(node)));
    }
    return left;
  }

  Result<ExprPtr> ParseMultiplicative() {
    ASSIGN_OR_RETURN(ExprPtr left, ParseUnary());
    while (Peek().kind == TokenKind::kStar || Peek().kind == TokenKind::kSlash ||
           Peek().kind == TokenKind::kPercent) {
      const Token& op = Next();
      auto node = Make(ExprKind::kArith, op.pos);
      node->arith_op = op.kind == TokenKind::kStar    ? ast::ArithOp::kMul
                       : op.kind == TokenKind::kSlash ? ast::ArithOp::kDiv
                                                      : ast::ArithOp::kMod;
      node->args.push_back(std::move(left));
      ASSIGN_OR_RETURN(ExprPtr right, ParseUnary());
      node->args.push_back(std::move(right));
      ASSIGN_OR_RETURN(left, Finish(std::move(node)));
    }
    return left;
  }

  Result<ExprPtr> ParseUnary() {
    if (Peek().kind == TokenKind::kMinus || Peek().kind == TokenKind::kPlus) {
      CAIRN_SQL_NEST();
      const Token& op = Next();
      bool minus = op.kind == TokenKind::kMinus;
      // Fold the sign into an integer literal so that -9223372036854775808 is representable.
      if (minus && Peek().kind == TokenKind::kInteger && !IsPostfixAfter(1)) {
        const Token& num = Next();
        auto lit = Make(ExprKind::kLiteral, op.pos);
        lit->literal.kind = ast::Literal::Kind::kInteger;
        std::string digits = "-" + std::string(num.text);
        errno = 0;
        long long v = std::strtoll(digits.c_str(), nullptr, 10);
        if (errno == ERANGE) return InvalidQuery(op.pos, "invalid numeric literal: " + digits);
        lit->literal.integer = v;
        return lit;
      }
      ASSIGN_OR_RETURN(ExprPtr operand, ParseUnary());
      if (!minus) return operand;
      auto node = Make(ExprKind::kNegate, op.pos);
      node->args.push_back(std::move(operand));
      return Finish(std::move(node));
    }
    return ParsePostfix();
  }

  // True if the token `ahead` positions away is followed by a postfix operator ('[' or '.'),
  // which binds tighter than a sign.
  bool IsPostfixAfter(size_t ahead) const {
    TokenKind k = Peek(ahead).kind;
    return k == TokenKind::kLBracket || k == TokenKind::kDot;
  }

  Result<ExprPtr> ParsePostfix() {
    ASSIGN_OR_RETURN(ExprPtr e, ParsePrimary());
    while (true) {
      if (Peek().kind == TokenKind::kLBracket) {
        CAIRN_SQL_NEST();
        auto node = Make(ExprKind::kSubscript, Next().pos);
        node->args.push_back(std::move(e));
        ASSIGN_OR_RETURN(ExprPtr index, ParseExpr());
        node->args.push_back(std::move(index));
        RETURN_IF_ERROR(Expect(TokenKind::kRBracket));
        ASSIGN_OR_RETURN(e, Finish(std::move(node)));
      } else if (Peek().kind == TokenKind::kDot && Peek(1).kind != TokenKind::kStar) {
        SourcePos pos = Next().pos;
        ASSIGN_OR_RETURN(Identifier field, ParseFieldName());
        if (e->kind == ExprKind::kColumnRef) {
          e->names.push_back(std::move(field));
        } else {
          auto node = Make(ExprKind::kDereference, pos);
          node->names.push_back(std::move(field));
          node->args.push_back(std::move(e));
          ASSIGN_OR_RETURN(e, Finish(std::move(node)));
        }
      } else if (Peek().Is("AT") && Peek(1).Is("TIME")) {
        return Unsupported(Peek().pos, "AT TIME ZONE");
      } else {
        return e;
      }
    }
  }

  Result<ExprPtr> ParseLiteral() {
    const Token& t = Next();
    auto e = Make(ExprKind::kLiteral, t.pos);
    ast::Literal& lit = e->literal;
    switch (t.kind) {
      case TokenKind::kString:
        lit.kind = ast::Literal::Kind::kString;
        lit.text = t.value;
        break;
      case TokenKind::kInteger: {
        lit.kind = ast::Literal::Kind::kInteger;
        std::string digits(t.text);
        errno = 0;
        long long v = std::strtoll(digits.c_str(), nullptr, 10);
        if (errno == ERANGE) return InvalidQuery(t.pos, "invalid numeric literal: " + digits);
        lit.integer = v;
        break;
      }
      case TokenKind::kDecimal:
      case TokenKind::kDouble: {
        lit.kind = t.kind == TokenKind::kDecimal ? ast::Literal::Kind::kDecimal
                                                 : ast::Literal::Kind::kDouble;
        lit.text = std::string(t.text);
        lit.dbl = std::strtod(lit.text.c_str(), nullptr);
        break;
      }
      default:
        return Unexpected("literal");
    }
    return e;
  }

  // Lambda heads: "x ->", "(x, y) ->", "() ->".
  bool AtLambda() const {
    if (Peek().kind == TokenKind::kIdentifier && Peek(1).kind == TokenKind::kArrow) return true;
    if (Peek().kind != TokenKind::kLParen) return false;
    size_t k = 1;
    if (Peek(k).kind == TokenKind::kRParen) return Peek(k + 1).kind == TokenKind::kArrow;
    while (true) {
      if (Peek(k).kind != TokenKind::kIdentifier && Peek(k).kind != TokenKind::kQuotedIdentifier) {
        return false;
      }
      ++k;
      if (Peek(k).kind == TokenKind::kComma) {
        ++k;
        continue;
      }
      return Peek(k).kind == TokenKind::kRParen && Peek(k + 1).kind == TokenKind::kArrow;
    }
  }

  Result<ExprPtr> ParseLambda() {
    auto node = Make(ExprKind::kLambda, Peek().pos);
    if (Accept(TokenKind::kLParen)) {
      if (!Accept(TokenKind::kRParen)) {
        do {
          ASSIGN_OR_RETURN(Identifier p, ParseFieldName());
          node->names.push_back(std::move(p));
        } while (Accept(TokenKind::kComma));
        RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      }
    } else {
      ASSIGN_OR_RETURN(Identifier p, ParseFieldName());
      node->names.push_back(std::move(p));
    }
    RETURN_IF_ERROR(Expect(TokenKind::kArrow));
    ASSIGN_OR_RETURN(ExprPtr body, ParseExpr());
    node->args.push_back(std::move(body));
    return Finish(std::move(node));
  }

  Result<ExprPtr> ParsePrimary() {
    CAIRN_SQL_NEST();
    const Token& t = Peek();
    SourcePos pos = t.pos;
    switch (t.kind) {
      case TokenKind::kString:
      case TokenKind::kInteger:
      case TokenKind::kDecimal:
      case TokenKind::kDouble:
        return ParseLiteral();
      case TokenKind::kQuestion:
        return InvalidQuery(pos,
                            "query parameters ('?') must be substituted before the query runs");
      case TokenKind::kLParen: {
        if (AtLambda()) return ParseLambda();
        bool query = ParenOpensQuery(0);
        Next();
        if (query) {
          auto node = Make(ExprKind::kScalarSubquery, pos);
          ASSIGN_OR_RETURN(node->subquery, ParseQuery());
          RETURN_IF_ERROR(Expect(TokenKind::kRParen));
          return node;
        }
        ASSIGN_OR_RETURN(ExprPtr first, ParseExpr());
        if (Peek().kind == TokenKind::kComma) {
          auto row = Make(ExprKind::kRow, pos);
          row->args.push_back(std::move(first));
          while (Accept(TokenKind::kComma)) {
            ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
            row->args.push_back(std::move(e));
          }
          RETURN_IF_ERROR(Expect(TokenKind::kRParen));
          return Finish(std::move(row));
        }
        RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        return first;
      }
      case TokenKind::kQuotedIdentifier:
      case TokenKind::kIdentifier:
        return ParseWordPrimary();
      default:
        return Unexpected("expression");
    }
  }

  // A primary expression that starts with a word: keywords with their own syntax, typed
  // literals, function calls, lambdas and column references.
  Result<ExprPtr> ParseWordPrimary() {
    const Token& t = Peek();
    SourcePos pos = t.pos;
    if (t.kind == TokenKind::kIdentifier) {
      if (t.Is("NULL") || t.Is("TRUE") || t.Is("FALSE")) {
        Next();
        auto e = Make(ExprKind::kLiteral, pos);
        if (t.Is("NULL")) {
          e->literal.kind = ast::Literal::Kind::kNull;
        } else {
          e->literal.kind = ast::Literal::Kind::kBoolean;
          e->literal.boolean = t.Is("TRUE");
        }
        return e;
      }
      if (t.Is("CASE")) return ParseCase();
      if (t.Is("CAST") || t.Is("TRY_CAST")) return ParseCast();
      if (t.Is("EXISTS")) {
        Next();
        RETURN_IF_ERROR(Expect(TokenKind::kLParen));
        auto node = Make(ExprKind::kExists, pos);
        ASSIGN_OR_RETURN(node->subquery, ParseQuery());
        RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        return node;
      }
      if (t.Is("EXTRACT")) return ParseExtract();
      if (t.Is("TRIM")) return ParseTrim();
      if (t.Is("SUBSTRING") && Peek(1).kind == TokenKind::kLParen) return ParseSubstring();
      if (t.Is("POSITION") && Peek(1).kind == TokenKind::kLParen) return ParsePosition();
      if (t.Is("CURRENT_TIMESTAMP") || t.Is("CURRENT_DATE") || t.Is("CURRENT_TIME") ||
          t.Is("LOCALTIMESTAMP") || t.Is("LOCALTIME") || t.Is("CURRENT_USER") ||
          t.Is("CURRENT_CATALOG") || t.Is("CURRENT_SCHEMA") || t.Is("CURRENT_PATH") ||
          t.Is("CURRENT_ROLE")) {
        Next();
        auto node = Make(ExprKind::kFunction, pos);
        node->names.push_back(Identifier{AsciiLower(t.text), false, pos});
        if (Accept(TokenKind::kLParen)) {
          if (Peek().kind == TokenKind::kInteger) Next();  // precision: always milliseconds
          RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        }
        return node;
      }
      if (t.Is("ARRAY") && Peek(1).kind == TokenKind::kLBracket) {
        Next();
        Next();
        auto node = Make(ExprKind::kArray, pos);
        if (!Accept(TokenKind::kRBracket)) {
          do {
            ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
            node->args.push_back(std::move(e));
          } while (Accept(TokenKind::kComma));
          RETURN_IF_ERROR(Expect(TokenKind::kRBracket));
        }
        return Finish(std::move(node));
      }
      if (t.Is("ROW") && Peek(1).kind == TokenKind::kLParen) {
        Next();
        Next();
        auto node = Make(ExprKind::kRow, pos);
        do {
          ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
          node->args.push_back(std::move(e));
        } while (Accept(TokenKind::kComma));
        RETURN_IF_ERROR(Expect(TokenKind::kRParen));
        return Finish(std::move(node));
      }
      if (t.Is("INTERVAL") &&
          (Peek(1).kind == TokenKind::kString || Peek(1).kind == TokenKind::kMinus ||
           Peek(1).kind == TokenKind::kPlus)) {
        return ParseInterval();
      }
      // Typed literal: <type name> '<text>', e.g. TIMESTAMP '2023-01-01 00:00:00'. Not of a
      // type that needs parameters (ROW, ARRAY, MAP), which a bare name cannot give.
      if (Peek(1).kind == TokenKind::kString && !IsReservedWord(t.text) && !t.Is("ROW") &&
          !t.Is("ARRAY") && !t.Is("MAP")) {
        TypeName type;
        type.pos = pos;
        if (t.Is("DOUBLE") && Peek(1).Is("PRECISION")) Next();
        type.name = AsciiLower(Next().text);
        const Token& str = Next();
        auto lit = Make(ExprKind::kLiteral, str.pos);
        lit->literal.kind = ast::Literal::Kind::kString;
        lit->literal.text = str.value;
        auto cast = Make(ExprKind::kCast, pos);
        cast->type = std::move(type);
        cast->args.push_back(std::move(lit));
        return Finish(std::move(cast));
      }
      if (Peek(1).kind == TokenKind::kArrow) return ParseLambda();
      if (IsReservedWord(t.text)) return Unexpected("expression");
      if (Peek(1).kind == TokenKind::kLParen) return ParseFunctionCall();
    }
    // A column reference; the postfix loop appends the rest of a dotted path.
    ASSIGN_OR_RETURN(Identifier name, ParseName("expression"));
    auto ref = Make(ExprKind::kColumnRef, pos);
    ref->names.push_back(std::move(name));
    return ref;
  }

  Result<ExprPtr> ParseFunctionCall() {
    const Token& name_tok = Next();
    auto node = Make(ExprKind::kFunction, name_tok.pos);
    node->names.push_back(Identifier{std::string(name_tok.text), false, name_tok.pos});
    RETURN_IF_ERROR(Expect(TokenKind::kLParen));
    if (Peek().kind == TokenKind::kStar && Peek(1).kind == TokenKind::kRParen) {
      Next();
      node->star_arg = true;
    } else if (Peek().kind != TokenKind::kRParen) {
      if (AcceptKw("DISTINCT")) {
        node->distinct = true;
      } else {
        AcceptKw("ALL");
      }
      do {
        ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        node->args.push_back(std::move(e));
      } while (Accept(TokenKind::kComma));
      if (Peek().Is("ORDER")) {
        Next();
        RETURN_IF_ERROR(ExpectKw("BY"));
        ASSIGN_OR_RETURN(node->agg_order, ParseOrderItems());
      }
    }
    RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    if (Peek().Is("FILTER") && Peek(1).kind == TokenKind::kLParen) {
      Next();
      Next();
      RETURN_IF_ERROR(ExpectKw("WHERE"));
      ASSIGN_OR_RETURN(node->filter, ParseExpr());
      RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    }
    if ((Peek().Is("IGNORE") || Peek().Is("RESPECT")) && Peek(1).Is("NULLS")) {
      return Unsupported(Peek().pos, Upper(Peek().text) + " NULLS");
    }
    if (AcceptKw("OVER")) {
      ASSIGN_OR_RETURN(node->over, ParseWindowSpec());
    }
    return Finish(std::move(node));
  }

  Result<std::unique_ptr<ast::WindowSpec>> ParseWindowSpec() {
    CAIRN_SQL_NEST();
    if (Peek().kind != TokenKind::kLParen) {
      return Unsupported(Peek().pos, "a named window");
    }
    Next();
    auto w = std::make_unique<ast::WindowSpec>();
    if (AcceptKw("PARTITION")) {
      RETURN_IF_ERROR(ExpectKw("BY"));
      do {
        ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        w->partition_by.push_back(std::move(e));
      } while (Accept(TokenKind::kComma));
    }
    if (Peek().Is("ORDER")) {
      Next();
      RETURN_IF_ERROR(ExpectKw("BY"));
      ASSIGN_OR_RETURN(w->order_by, ParseOrderItems());
    }
    if (Peek().Is("ROWS") || Peek().Is("RANGE") || Peek().Is("GROUPS")) {
      ast::WindowFrame frame;
      const Token& unit = Next();
      frame.unit = unit.Is("ROWS")    ? ast::WindowFrame::Unit::kRows
                   : unit.Is("RANGE") ? ast::WindowFrame::Unit::kRange
                                      : ast::WindowFrame::Unit::kGroups;
      if (AcceptKw("BETWEEN")) {
        ASSIGN_OR_RETURN(frame.start, ParseFrameBound());
        RETURN_IF_ERROR(ExpectKw("AND"));
        ASSIGN_OR_RETURN(ast::FrameBound end, ParseFrameBound());
        frame.end = std::move(end);
      } else {
        ASSIGN_OR_RETURN(frame.start, ParseFrameBound());
      }
      w->frame = std::move(frame);
    }
    RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return w;
  }

  Result<ast::FrameBound> ParseFrameBound() {
    ast::FrameBound b;
    if (AcceptKw("UNBOUNDED")) {
      if (AcceptKw("PRECEDING")) {
        b.kind = ast::FrameBound::Kind::kUnboundedPreceding;
      } else if (AcceptKw("FOLLOWING")) {
        b.kind = ast::FrameBound::Kind::kUnboundedFollowing;
      } else {
        return Unexpected("PRECEDING, FOLLOWING");
      }
      return b;
    }
    if (AcceptKw("CURRENT")) {
      RETURN_IF_ERROR(ExpectKw("ROW"));
      b.kind = ast::FrameBound::Kind::kCurrentRow;
      return b;
    }
    ASSIGN_OR_RETURN(b.offset, ParseExpr());
    if (AcceptKw("PRECEDING")) {
      b.kind = ast::FrameBound::Kind::kPreceding;
    } else if (AcceptKw("FOLLOWING")) {
      b.kind = ast::FrameBound::Kind::kFollowing;
    } else {
      return Unexpected("PRECEDING, FOLLOWING");
    }
    return b;
  }

  Result<ExprPtr> ParseCase() {
    auto node = Make(ExprKind::kCase, Next().pos);
    if (!Peek().Is("WHEN")) {
      node->has_operand = true;
      ASSIGN_OR_RETURN(ExprPtr operand, ParseExpr());
      node->args.push_back(std::move(operand));
    }
    if (!Peek().Is("WHEN")) return Unexpected("WHEN");
    while (AcceptKw("WHEN")) {
      ASSIGN_OR_RETURN(ExprPtr when, ParseExpr());
      RETURN_IF_ERROR(ExpectKw("THEN"));
      ASSIGN_OR_RETURN(ExprPtr then, ParseExpr());
      node->args.push_back(std::move(when));
      node->args.push_back(std::move(then));
    }
    if (AcceptKw("ELSE")) {
      node->has_else = true;
      ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
      node->args.push_back(std::move(e));
    }
    RETURN_IF_ERROR(ExpectKw("END"));
    return Finish(std::move(node));
  }

  Result<ExprPtr> ParseCast() {
    const Token& kw = Next();
    auto node = Make(ExprKind::kCast, kw.pos);
    node->try_cast = kw.Is("TRY_CAST");
    RETURN_IF_ERROR(Expect(TokenKind::kLParen));
    ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
    node->args.push_back(std::move(e));
    RETURN_IF_ERROR(ExpectKw("AS"));
    ASSIGN_OR_RETURN(node->type, ParseType());
    RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return Finish(std::move(node));
  }

  Result<TypeName> ParseType() {
    CAIRN_SQL_NEST();
    TypeName type;
    type.pos = Peek().pos;
    const Token& t = Peek();
    if (t.kind != TokenKind::kIdentifier) return Unexpected("type");
    Next();
    type.name = AsciiLower(t.text);
    if (type.name == "double") {
      AcceptKw("PRECISION");
      return type;
    }
    if (type.name == "interval") {
      // INTERVAL DAY TO SECOND | INTERVAL YEAR TO MONTH
      ASSIGN_OR_RETURN(Identifier from, ParseFieldName());
      RETURN_IF_ERROR(ExpectKw("TO"));
      ASSIGN_OR_RETURN(Identifier to, ParseFieldName());
      type.name = "interval " + AsciiLower(from.text) + " to " + AsciiLower(to.text);
      return type;
    }
    bool angle = false;
    if (type.name == "array" || type.name == "map") {
      if (Peek().kind == TokenKind::kLt) {
        angle = true;
        Next();
      } else {
        RETURN_IF_ERROR(Expect(TokenKind::kLParen));
      }
      ASSIGN_OR_RETURN(TypeName first, ParseType());
      type.params.push_back(std::move(first));
      if (type.name == "map") {
        RETURN_IF_ERROR(Expect(TokenKind::kComma));
        ASSIGN_OR_RETURN(TypeName second, ParseType());
        type.params.push_back(std::move(second));
      }
      RETURN_IF_ERROR(Expect(angle ? TokenKind::kGt : TokenKind::kRParen));
      return type;
    }
    if (type.name == "row") {
      RETURN_IF_ERROR(Expect(TokenKind::kLParen));
      do {
        std::string field;
        bool named = (Peek().kind == TokenKind::kIdentifier ||
                      Peek().kind == TokenKind::kQuotedIdentifier) &&
                     (Peek(1).kind == TokenKind::kIdentifier) &&
                     !(Peek().Is("DOUBLE") && Peek(1).Is("PRECISION"));
        if (named) {
          ASSIGN_OR_RETURN(Identifier f, ParseFieldName());
          field = f.text;
        }
        ASSIGN_OR_RETURN(TypeName ft, ParseType());
        type.fields.push_back(std::move(field));
        type.params.push_back(std::move(ft));
      } while (Accept(TokenKind::kComma));
      RETURN_IF_ERROR(Expect(TokenKind::kRParen));
      return type;
    }
    if (Accept(TokenKind::kLParen)) {
      do {
        ASSIGN_OR_RETURN(int64_t n, ParseCount("type parameter"));
        type.numbers.push_back(n);
      } while (Accept(TokenKind::kComma));
      RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    }
    if ((type.name == "timestamp" || type.name == "time") &&
        (Peek().Is("WITH") || Peek().Is("WITHOUT"))) {
      bool with = Next().Is("WITH");
      RETURN_IF_ERROR(ExpectKw("TIME"));
      RETURN_IF_ERROR(ExpectKw("ZONE"));
      type.with_time_zone = with;
    }
    return type;
  }

  // EXTRACT(field FROM x) -> field(x).
  Result<ExprPtr> ParseExtract() {
    SourcePos pos = Next().pos;
    RETURN_IF_ERROR(Expect(TokenKind::kLParen));
    ASSIGN_OR_RETURN(Identifier field, ParseFieldName());
    RETURN_IF_ERROR(ExpectKw("FROM"));
    ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
    RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    auto node = Make(ExprKind::kFunction, pos);
    field.text = AsciiLower(field.text);
    node->names.push_back(std::move(field));
    node->args.push_back(std::move(e));
    return Finish(std::move(node));
  }

  // TRIM([BOTH | LEADING | TRAILING] [chars] FROM s) or TRIM(s [, chars]).
  Result<ExprPtr> ParseTrim() {
    SourcePos pos = Next().pos;
    RETURN_IF_ERROR(Expect(TokenKind::kLParen));
    std::string name = "trim";
    bool spec = false;
    if (Peek().Is("BOTH") || Peek().Is("LEADING") || Peek().Is("TRAILING")) {
      const Token& w = Next();
      name = w.Is("LEADING") ? "ltrim" : w.Is("TRAILING") ? "rtrim" : "trim";
      spec = true;
    }
    auto node = Make(ExprKind::kFunction, pos);
    node->names.push_back(Identifier{name, false, pos});
    if (spec && AcceptKw("FROM")) {
      ASSIGN_OR_RETURN(ExprPtr s, ParseExpr());
      node->args.push_back(std::move(s));
    } else {
      ASSIGN_OR_RETURN(ExprPtr first, ParseExpr());
      if (AcceptKw("FROM")) {
        ASSIGN_OR_RETURN(ExprPtr s, ParseExpr());
        node->args.push_back(std::move(s));
        node->args.push_back(std::move(first));
      } else if (!spec && Accept(TokenKind::kComma)) {
        ASSIGN_OR_RETURN(ExprPtr chars, ParseExpr());
        node->args.push_back(std::move(first));
        node->args.push_back(std::move(chars));
      } else if (spec) {
        return Unexpected("FROM");
      } else {
        node->args.push_back(std::move(first));
      }
    }
    RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return Finish(std::move(node));
  }

  // SUBSTRING(s FROM a [FOR b]) -> substr(s, a[, b]); SUBSTRING(s, a[, b]) is a normal call.
  Result<ExprPtr> ParseSubstring() {
    SourcePos pos = Next().pos;
    Next();  // (
    auto node = Make(ExprKind::kFunction, pos);
    node->names.push_back(Identifier{"substr", false, pos});
    ASSIGN_OR_RETURN(ExprPtr s, ParseExpr());
    node->args.push_back(std::move(s));
    if (AcceptKw("FROM")) {
      ASSIGN_OR_RETURN(ExprPtr from, ParseExpr());
      node->args.push_back(std::move(from));
      if (AcceptKw("FOR")) {
        ASSIGN_OR_RETURN(ExprPtr len, ParseExpr());
        node->args.push_back(std::move(len));
      }
    } else {
      while (Accept(TokenKind::kComma)) {
        ASSIGN_OR_RETURN(ExprPtr e, ParseExpr());
        node->args.push_back(std::move(e));
      }
    }
    RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    return Finish(std::move(node));
  }

  // POSITION(a IN b) -> strpos(b, a).
  Result<ExprPtr> ParsePosition() {
    SourcePos pos = Next().pos;
    Next();  // (
    ASSIGN_OR_RETURN(ExprPtr needle, ParseValue());
    RETURN_IF_ERROR(ExpectKw("IN"));
    ASSIGN_OR_RETURN(ExprPtr hay, ParseValue());
    RETURN_IF_ERROR(Expect(TokenKind::kRParen));
    auto node = Make(ExprKind::kFunction, pos);
    node->names.push_back(Identifier{"strpos", false, pos});
    node->args.push_back(std::move(hay));
    node->args.push_back(std::move(needle));
    return Finish(std::move(node));
  }

  // INTERVAL [+|-] 'value' unit [TO unit]
  Result<ExprPtr> ParseInterval() {
    auto node = Make(ExprKind::kInterval, Next().pos);
    if (Accept(TokenKind::kMinus)) {
      node->interval_negative = true;
    } else {
      Accept(TokenKind::kPlus);
    }
    if (Peek().kind != TokenKind::kString) return Unexpected("string");
    node->literal.kind = ast::Literal::Kind::kString;
    node->literal.text = Next().value;
    auto unit = [&]() -> Result<std::string> {
      const Token& u = Peek();
      static constexpr std::string_view kUnits[] = {"YEAR", "MONTH",  "DAY",
                                                    "HOUR", "MINUTE", "SECOND"};
      if (u.kind != TokenKind::kIdentifier || !InList(kUnits, u.text)) {
        return Unexpected("YEAR, MONTH, DAY, HOUR, MINUTE, SECOND");
      }
      Next();
      return Upper(u.text);
    };
    ASSIGN_OR_RETURN(node->interval_from, unit());
    if (AcceptKw("TO")) {
      ASSIGN_OR_RETURN(node->interval_to, unit());
    }
    return node;
  }

  std::string_view sql_;
  std::vector<Token> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
#undef CAIRN_SQL_NEST
};

}  // namespace

bool IsReservedWord(std::string_view word) { return InList(kReserved, word); }

Result<std::unique_ptr<ast::Query>> ParseStatement(std::string_view sql) {
  size_t chars = CountChars(sql);
  if (chars > kMaxStatementChars) {
    return InvalidQuery("the query statement is " + std::to_string(chars) +
                        " characters long; the limit is " + std::to_string(kMaxStatementChars));
  }
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  Parser p(sql, std::move(tokens));
  return p.Statement();
}

Result<ast::ExprPtr> ParseExpression(std::string_view sql) {
  if (CountChars(sql) > kMaxStatementChars) return InvalidQuery("the expression is too long");
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Tokenize(sql));
  Parser p(sql, std::move(tokens));
  return p.StandaloneExpression();
}

}  // namespace cairn::sql
