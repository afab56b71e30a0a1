// src/sql/ast.h
//
// The syntax tree the parser builds: what the statement says, before any name or type is known.
// Names are kept as written (case and quoting) because the Lake names result columns after the
// text of the query; the binder resolves them case-insensitively.
//
// Several Trino special forms are lowered to ordinary function calls by the parser, so the binder
// sees one shape:
//   EXTRACT(YEAR FROM x)         -> year(x)          (every EXTRACT field is a function name)
//   SUBSTRING(s FROM a FOR b)    -> substr(s, a, b)
//   POSITION(a IN b)             -> strpos(b, a)
//   TRIM(LEADING c FROM s)       -> ltrim(s, c)      (BOTH: trim, TRAILING: rtrim)
//   CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP, ...  -> current_timestamp(), ...
//   TIMESTAMP '...' / DATE '...' -> CAST('...' AS timestamp | date)
//   a AND b AND c                -> one kAnd node with three arguments (likewise OR), which keeps
//                                   long predicate lists shallow.
//
// Thread-safety: plain data; a finished tree may be read from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sql/sql_error.h"

namespace cairn::sql::ast {

struct Query;
struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

// A name as written: `text` without quotes; `quoted` when it was "double-quoted".
struct Identifier {
  std::string text;
  bool quoted = false;
  SourcePos pos;
};

// A type as written in CAST / TRY_CAST: varchar, varchar(10), array(T), map(K, V),
// row(name T, ...), timestamp(3), timestamp with time zone, decimal(10, 2), ...
struct TypeName {
  std::string name;                 // lower-case base name: "varchar", "array", "map", "row", ...
  std::vector<TypeName> params;     // element / key and value / field types
  std::vector<std::string> fields;  // row field names (parallel to params; "" when unnamed)
  std::vector<int64_t> numbers;     // numeric parameters: varchar(10), decimal(10, 2)
  bool with_time_zone = false;      // timestamp with time zone
  SourcePos pos;
};

struct Literal {
  enum class Kind : uint8_t { kNull, kBoolean, kInteger, kDecimal, kDouble, kString };
  Kind kind = Kind::kNull;
  bool boolean = false;
  int64_t integer = 0;
  double dbl = 0;    // kDecimal and kDouble
  std::string text;  // kString: the value; kDecimal/kDouble: the digits as written
};

enum class SortOrder : uint8_t { kAsc, kDesc };
enum class NullsOrder : uint8_t { kDefault, kFirst, kLast };

struct OrderItem {
  ExprPtr expr;
  SortOrder order = SortOrder::kAsc;
  NullsOrder nulls = NullsOrder::kDefault;
};

// Window frame: ROWS | RANGE | GROUPS BETWEEN start AND end.
struct FrameBound {
  enum class Kind : uint8_t {
    kUnboundedPreceding,
    kPreceding,
    kCurrentRow,
    kFollowing,
    kUnboundedFollowing
  };
  Kind kind = Kind::kCurrentRow;
  ExprPtr offset;  // kPreceding / kFollowing
};
struct WindowFrame {
  enum class Unit : uint8_t { kRows, kRange, kGroups };
  Unit unit = Unit::kRange;
  FrameBound start;
  std::optional<FrameBound> end;
};
struct WindowSpec {
  std::vector<ExprPtr> partition_by;
  std::vector<OrderItem> order_by;
  std::optional<WindowFrame> frame;
};

enum class ExprKind : uint8_t {
  kLiteral,         // literal
  kColumnRef,       // names: a dotted path as written (table alias, column, struct fields)
  kStar,            // `*` or `q.*` in a select list; names = the qualifier (may be empty)
  kFunction,        // name(args) [FILTER (WHERE filter)] [OVER (window)]; see the fields below
  kNegate,          // -args[0]
  kNot,             // NOT args[0]
  kAnd,             // args[0] AND args[1] AND ...   (two or more)
  kOr,              // args[0] OR args[1] OR ...     (two or more)
  kCompare,         // args[0] <op> args[1]
  kArith,           // args[0] <op> args[1]
  kConcat,          // args[0] || args[1]
  kIsNull,          // args[0] IS [NOT] NULL
  kIsDistinctFrom,  // args[0] IS [NOT] DISTINCT FROM args[1]
  kBetween,         // args[0] [NOT] BETWEEN args[1] AND args[2]
  kInList,          // args[0] [NOT] IN (args[1], ...)
  kInSubquery,      // args[0] [NOT] IN (subquery)
  kLike,            // args[0] [NOT] LIKE args[1] [ESCAPE args[2]]
  kCase,            // CASE [args[0] if has_operand] WHEN w THEN t ... [ELSE e] END; see below
  kCast,            // CAST / TRY_CAST(args[0] AS type)
  kSubscript,       // args[0][args[1]]
  kDereference,     // args[0].field   (on an expression that is not a plain name)
  kLambda,          // (params) -> args[0]
  kExists,          // EXISTS (subquery)
  kScalarSubquery,  // (subquery)
  kArray,           // ARRAY[args...]
  kRow,             // ROW(args...) or (a, b, ...)
  kInterval,        // INTERVAL 'text' unit [TO unit]
};

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };
enum class ArithOp : uint8_t { kAdd, kSub, kMul, kDiv, kMod };

const char* CompareOpText(CompareOp op);
const char* ArithOpText(ArithOp op);

struct Expr {
  ExprKind kind;
  SourcePos pos;
  int height = 1;  // 1 + the largest height of any child expression (bounded by the parser)

  std::vector<ExprPtr> args;

  // kLiteral
  Literal literal;
  // kColumnRef (the path), kStar (the qualifier), kFunction (names[0] = name as written),
  // kDereference (names[0] = field), kLambda (the parameter names)
  std::vector<Identifier> names;
  // kNot-able predicates: kIsNull, kIsDistinctFrom, kBetween, kInList, kInSubquery, kLike
  bool negated = false;
  CompareOp compare_op = CompareOp::kEq;
  ArithOp arith_op = ArithOp::kAdd;

  // kFunction
  bool distinct = false;             // count(DISTINCT x)
  bool star_arg = false;             // count(*)
  ExprPtr filter;                    // FILTER (WHERE ...)
  std::vector<OrderItem> agg_order;  // array_agg(x ORDER BY y)
  std::unique_ptr<WindowSpec> over;  // OVER (...)

  // kCase: args = [operand]? then (when, then) pairs, then [else]
  bool has_operand = false;
  bool has_else = false;

  // kCast
  bool try_cast = false;
  TypeName type;

  // kInSubquery, kExists, kScalarSubquery
  std::unique_ptr<Query> subquery;

  // kInterval: literal.text is the quoted value; interval_from [TO interval_to] are upper-case
  // units (YEAR, MONTH, DAY, HOUR, MINUTE, SECOND); negative for a leading minus sign.
  std::string interval_from, interval_to;
  bool interval_negative = false;

  explicit Expr(ExprKind k, SourcePos p) : kind(k), pos(p) {}
};

struct SelectItem {
  ExprPtr expr;  // may be kStar
  std::optional<Identifier> alias;
};

enum class JoinType : uint8_t { kInner, kLeft, kRight, kFull, kCross };
const char* JoinTypeText(JoinType type);

struct TableRef;
using TableRefPtr = std::unique_ptr<TableRef>;

struct TableRef {
  enum class Kind : uint8_t { kNamed, kSubquery, kJoin, kUnnest, kValues };
  Kind kind;
  SourcePos pos;

  // kNamed: an event data store id or a CTE name
  Identifier name;
  // kSubquery
  std::unique_ptr<Query> subquery;
  // kJoin
  JoinType join_type = JoinType::kInner;
  TableRefPtr left, right;
  ExprPtr on;  // ON condition (null for CROSS and USING joins)
  std::vector<Identifier> using_columns;
  // kUnnest: UNNEST(args) [WITH ORDINALITY]; kValues: rows, each a kRow expression or a scalar
  std::vector<ExprPtr> exprs;
  bool with_ordinality = false;

  std::optional<Identifier> alias;
  std::vector<Identifier> column_aliases;  // AS t(a, b)

  explicit TableRef(Kind k, SourcePos p) : kind(k), pos(p) {}
};

struct Select {
  bool distinct = false;
  std::vector<SelectItem> items;
  TableRefPtr from;  // null for SELECT without FROM
  ExprPtr where;
  std::vector<ExprPtr> group_by;
  ExprPtr having;
  SourcePos pos;
};

enum class SetOpKind : uint8_t { kUnion, kExcept, kIntersect };
const char* SetOpText(SetOpKind op);

// A query term: one SELECT, a set operation, or a parenthesized query with its own ORDER BY and
// LIMIT.
struct QueryBody {
  enum class Kind : uint8_t { kSelect, kSetOp, kNested };
  Kind kind;
  SourcePos pos;
  std::unique_ptr<Select> select;          // kSelect
  SetOpKind set_op = SetOpKind::kUnion;    // kSetOp
  bool all = false;                        // UNION ALL
  std::unique_ptr<QueryBody> left, right;  // kSetOp
  std::unique_ptr<Query> nested;           // kNested

  explicit QueryBody(Kind k, SourcePos p) : kind(k), pos(p) {}
};

struct Cte {
  Identifier name;
  std::vector<Identifier> columns;  // WITH t(a, b) AS (...)
  std::unique_ptr<Query> query;
};

struct Query {
  std::vector<Cte> with;
  std::unique_ptr<QueryBody> body;
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;   // LIMIT n / FETCH FIRST n ROWS ONLY; absent for none or ALL
  std::optional<int64_t> offset;  // OFFSET n
  SourcePos pos;
};

// Canonical SQL text for a tree: every name double-quoted where it was quoted, keywords upper-case,
// every compound expression parenthesized. Parsing the output yields an equal tree; tests and the
// fuzz target rely on that.
std::string ToSql(const Expr& e);
std::string ToSql(const Query& q);
std::string ToSql(const TypeName& t);

}  // namespace cairn::sql::ast
