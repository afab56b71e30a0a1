#include "sql/ast.h"

#include <string>

namespace cairn::sql::ast {
namespace {

std::string Quote(std::string_view s, char q) {
  std::string out(1, q);
  for (char c : s) {
    out.push_back(c);
    if (c == q) out.push_back(q);
  }
  out.push_back(q);
  return out;
}

std::string Name(const Identifier& id) { return id.quoted ? Quote(id.text, '"') : id.text; }

std::string Path(const std::vector<Identifier>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += '.';
    out += Name(names[i]);
  }
  return out;
}

void AppendList(std::string* out, const std::vector<ExprPtr>& list, size_t from = 0) {
  for (size_t i = from; i < list.size(); ++i) {
    if (i > from) *out += ", ";
    *out += ToSql(*list[i]);
  }
}

std::string OrderItems(const std::vector<OrderItem>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += ToSql(*items[i].expr);
    out += items[i].order == SortOrder::kDesc ? " DESC" : " ASC";
    if (items[i].nulls == NullsOrder::kFirst) out += " NULLS FIRST";
    if (items[i].nulls == NullsOrder::kLast) out += " NULLS LAST";
  }
  return out;
}

std::string Bound(const FrameBound& b) {
  switch (b.kind) {
    case FrameBound::Kind::kUnboundedPreceding:
      return "UNBOUNDED PRECEDING";
    case FrameBound::Kind::kPreceding:
      return ToSql(*b.offset) + " PRECEDING";
    case FrameBound::Kind::kCurrentRow:
      return "CURRENT ROW";
    case FrameBound::Kind::kFollowing:
      return ToSql(*b.offset) + " FOLLOWING";
    case FrameBound::Kind::kUnboundedFollowing:
      return "UNBOUNDED FOLLOWING";
  }
  return "";
}

std::string Window(const WindowSpec& w) {
  std::string out = "(";
  std::string sep;
  if (!w.partition_by.empty()) {
    out += "PARTITION BY ";
    AppendList(&out, w.partition_by);
    sep = " ";
  }
  if (!w.order_by.empty()) {
    out += sep + "ORDER BY " + OrderItems(w.order_by);
    sep = " ";
  }
  if (w.frame) {
    out += sep;
    out += w.frame->unit == WindowFrame::Unit::kRows    ? "ROWS "
           : w.frame->unit == WindowFrame::Unit::kRange ? "RANGE "
                                                        : "GROUPS ";
    if (w.frame->end) {
      out += "BETWEEN " + Bound(w.frame->start) + " AND " + Bound(*w.frame->end);
    } else {
      out += Bound(w.frame->start);
    }
  }
  return out + ")";
}

std::string TableRefSql(const TableRef& t);

// The base of a postfix operator ([i], .field, .*), parenthesized unless it is self-delimiting:
// "0.x" would lex as a decimal, "-5[1]" as a negated subscript, "(x) -> x[1]" as a lambda body.
std::string PostfixBase(const Expr& e) {
  switch (e.kind) {
    case ExprKind::kColumnRef:
    case ExprKind::kFunction:
    case ExprKind::kSubscript:
    case ExprKind::kDereference:
    case ExprKind::kCast:
    case ExprKind::kArray:
    case ExprKind::kRow:
    case ExprKind::kScalarSubquery:
    case ExprKind::kCase:
    case ExprKind::kExists:
      return ToSql(e);
    default:
      return "(" + ToSql(e) + ")";
  }
}

std::string BodySql(const QueryBody& b) {
  switch (b.kind) {
    case QueryBody::Kind::kNested:
      return "(" + ToSql(*b.nested) + ")";
    case QueryBody::Kind::kSetOp: {
      // Set operations are left-associative and INTERSECT binds tighter than UNION/EXCEPT: a left
      // operand needs parentheses only for UNION/EXCEPT under INTERSECT; a right operand that is a
      // set operation always gets them (it becomes a nested query when parsed again).
      bool left_parens = b.left->kind == QueryBody::Kind::kSetOp &&
                         b.set_op == SetOpKind::kIntersect &&
                         b.left->set_op != SetOpKind::kIntersect;
      std::string left = left_parens ? "(" + BodySql(*b.left) + ")" : BodySql(*b.left);
      std::string right = b.right->kind == QueryBody::Kind::kSetOp ? "(" + BodySql(*b.right) + ")"
                                                                   : BodySql(*b.right);
      return left + " " + SetOpText(b.set_op) + (b.all ? " ALL " : " ") + right;
    }
    case QueryBody::Kind::kSelect: {
      const Select& s = *b.select;
      std::string out = s.distinct ? "SELECT DISTINCT " : "SELECT ";
      for (size_t i = 0; i < s.items.size(); ++i) {
        if (i) out += ", ";
        out += ToSql(*s.items[i].expr);
        if (s.items[i].alias) out += " AS " + Name(*s.items[i].alias);
      }
      if (s.from) out += " FROM " + TableRefSql(*s.from);
      if (s.where) out += " WHERE " + ToSql(*s.where);
      if (!s.group_by.empty()) {
        out += " GROUP BY ";
        AppendList(&out, s.group_by);
      }
      if (s.having) out += " HAVING " + ToSql(*s.having);
      return out;
    }
  }
  return "";
}

std::string TableRefSql(const TableRef& t) {
  std::string out;
  switch (t.kind) {
    case TableRef::Kind::kNamed:
      out = Name(t.name);
      break;
    case TableRef::Kind::kSubquery:
      out = "(" + ToSql(*t.subquery) + ")";
      break;
    case TableRef::Kind::kValues:
      out = "(VALUES ";
      AppendList(&out, t.exprs);
      out += ")";
      break;
    case TableRef::Kind::kUnnest:
      out = "UNNEST(";
      AppendList(&out, t.exprs);
      out += ")";
      if (t.with_ordinality) out += " WITH ORDINALITY";
      break;
    case TableRef::Kind::kJoin: {
      std::string right = TableRefSql(*t.right);
      if (t.right->kind == TableRef::Kind::kJoin && !t.right->alias) right = "(" + right + ")";
      out = TableRefSql(*t.left) + " " + JoinTypeText(t.join_type) + " " + right;
      if (t.on) out += " ON " + ToSql(*t.on);
      if (!t.using_columns.empty()) {
        out += " USING (";
        for (size_t i = 0; i < t.using_columns.size(); ++i) {
          if (i) out += ", ";
          out += Name(t.using_columns[i]);
        }
        out += ")";
      }
      break;
    }
  }
  if (t.alias) {
    if (t.kind == TableRef::Kind::kJoin) out = "(" + out + ")";
    out += " AS " + Name(*t.alias);
    if (!t.column_aliases.empty()) {
      out += "(";
      for (size_t i = 0; i < t.column_aliases.size(); ++i) {
        if (i) out += ", ";
        out += Name(t.column_aliases[i]);
      }
      out += ")";
    }
  }
  return out;
}

}  // namespace

const char* CompareOpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq:
      return "=";
    case CompareOp::kNe:
      return "<>";
    case CompareOp::kLt:
      return "<";
    case CompareOp::kLe:
      return "<=";
    case CompareOp::kGt:
      return ">";
    case CompareOp::kGe:
      return ">=";
  }
  return "?";
}

const char* ArithOpText(ArithOp op) {
  switch (op) {
    case ArithOp::kAdd:
      return "+";
    case ArithOp::kSub:
      return "-";
    case ArithOp::kMul:
      return "*";
    case ArithOp::kDiv:
      return "/";
    case ArithOp::kMod:
      return "%";
  }
  return "?";
}

const char* JoinTypeText(JoinType type) {
  switch (type) {
    case JoinType::kInner:
      return "JOIN";
    case JoinType::kLeft:
      return "LEFT JOIN";
    case JoinType::kRight:
      return "RIGHT JOIN";
    case JoinType::kFull:
      return "FULL JOIN";
    case JoinType::kCross:
      return "CROSS JOIN";
  }
  return "JOIN";
}

const char* SetOpText(SetOpKind op) {
  switch (op) {
    case SetOpKind::kUnion:
      return "UNION";
    case SetOpKind::kExcept:
      return "EXCEPT";
    case SetOpKind::kIntersect:
      return "INTERSECT";
  }
  return "UNION";
}

std::string ToSql(const TypeName& t) {
  std::string out = t.name;
  if (t.name == "array" || t.name == "map" || t.name == "row") {
    out += "(";
    for (size_t i = 0; i < t.params.size(); ++i) {
      if (i) out += ", ";
      if (t.name == "row" && !t.fields[i].empty()) out += Quote(t.fields[i], '"') + " ";
      out += ToSql(t.params[i]);
    }
    return out + ")";
  }
  if (!t.numbers.empty()) {
    out += "(";
    for (size_t i = 0; i < t.numbers.size(); ++i) {
      if (i) out += ", ";
      out += std::to_string(t.numbers[i]);
    }
    out += ")";
  }
  if (t.with_time_zone) out += " with time zone";
  return out;
}

std::string ToSql(const Expr& e) {
  std::string out;
  switch (e.kind) {
    case ExprKind::kLiteral:
      switch (e.literal.kind) {
        case Literal::Kind::kNull:
          return "NULL";
        case Literal::Kind::kBoolean:
          return e.literal.boolean ? "TRUE" : "FALSE";
        case Literal::Kind::kInteger:
          return std::to_string(e.literal.integer);
        case Literal::Kind::kDecimal:
        case Literal::Kind::kDouble:
          return e.literal.text;
        case Literal::Kind::kString:
          return Quote(e.literal.text, '\'');
      }
      return "";
    case ExprKind::kColumnRef:
      return Path(e.names);
    case ExprKind::kStar:
      if (!e.args.empty()) return PostfixBase(*e.args[0]) + ".*";
      return e.names.empty() ? "*" : Path(e.names) + ".*";
    case ExprKind::kFunction: {
      out = Name(e.names[0]) + "(";
      if (e.star_arg) {
        out += "*";
      } else {
        if (e.distinct) out += "DISTINCT ";
        AppendList(&out, e.args);
        if (!e.agg_order.empty()) out += " ORDER BY " + OrderItems(e.agg_order);
      }
      out += ")";
      if (e.filter) out += " FILTER (WHERE " + ToSql(*e.filter) + ")";
      if (e.over) out += " OVER " + Window(*e.over);
      return out;
    }
    // (-(x)) keeps the sign from being folded into a numeric literal when parsed again.
    case ExprKind::kNegate:
      return "(-(" + ToSql(*e.args[0]) + "))";
    case ExprKind::kNot:
      return "(NOT " + ToSql(*e.args[0]) + ")";
    case ExprKind::kAnd:
    case ExprKind::kOr: {
      out = "(";
      for (size_t i = 0; i < e.args.size(); ++i) {
        if (i) out += e.kind == ExprKind::kAnd ? " AND " : " OR ";
        out += ToSql(*e.args[i]);
      }
      return out + ")";
    }
    case ExprKind::kCompare:
      return "(" + ToSql(*e.args[0]) + " " + CompareOpText(e.compare_op) + " " + ToSql(*e.args[1]) +
             ")";
    case ExprKind::kArith:
      return "(" + ToSql(*e.args[0]) + " " + ArithOpText(e.arith_op) + " " + ToSql(*e.args[1]) +
             ")";
    case ExprKind::kConcat:
      return "(" + ToSql(*e.args[0]) + " || " + ToSql(*e.args[1]) + ")";
    case ExprKind::kIsNull:
      return "(" + ToSql(*e.args[0]) + (e.negated ? " IS NOT NULL)" : " IS NULL)");
    case ExprKind::kIsDistinctFrom:
      return "(" + ToSql(*e.args[0]) +
             (e.negated ? " IS NOT DISTINCT FROM " : " IS DISTINCT FROM ") + ToSql(*e.args[1]) +
             ")";
    case ExprKind::kBetween:
      return "(" + ToSql(*e.args[0]) + (e.negated ? " NOT BETWEEN " : " BETWEEN ") +
             ToSql(*e.args[1]) + " AND " + ToSql(*e.args[2]) + ")";
    case ExprKind::kInList:
      out = "(" + ToSql(*e.args[0]) + (e.negated ? " NOT IN (" : " IN (");
      AppendList(&out, e.args, 1);
      return out + "))";
    case ExprKind::kInSubquery:
      return "(" + ToSql(*e.args[0]) + (e.negated ? " NOT IN (" : " IN (") + ToSql(*e.subquery) +
             "))";
    case ExprKind::kLike:
      out = "(" + ToSql(*e.args[0]) + (e.negated ? " NOT LIKE " : " LIKE ") + ToSql(*e.args[1]);
      if (e.args.size() > 2) out += " ESCAPE " + ToSql(*e.args[2]);
      return out + ")";
    case ExprKind::kCase: {
      out = "CASE";
      size_t i = 0;
      if (e.has_operand) out += " " + ToSql(*e.args[i++]);
      size_t pairs_end = e.args.size() - (e.has_else ? 1 : 0);
      for (; i + 1 < pairs_end + 1 && i < pairs_end; i += 2) {
        out += " WHEN " + ToSql(*e.args[i]) + " THEN " + ToSql(*e.args[i + 1]);
      }
      if (e.has_else) out += " ELSE " + ToSql(*e.args.back());
      return out + " END";
    }
    case ExprKind::kCast:
      return std::string(e.try_cast ? "TRY_CAST(" : "CAST(") + ToSql(*e.args[0]) + " AS " +
             ToSql(e.type) + ")";
    case ExprKind::kSubscript:
      return PostfixBase(*e.args[0]) + "[" + ToSql(*e.args[1]) + "]";
    case ExprKind::kDereference:
      return PostfixBase(*e.args[0]) + "." + Name(e.names[0]);
    case ExprKind::kLambda: {
      out = "((";
      for (size_t i = 0; i < e.names.size(); ++i) {
        if (i) out += ", ";
        out += Name(e.names[i]);
      }
      // Parenthesized whole: "(p) -> a = b" followed by "= c" would reparse with a longer body.
      return out + ") -> " + ToSql(*e.args[0]) + ")";
    }
    case ExprKind::kExists:
      return "EXISTS (" + ToSql(*e.subquery) + ")";
    case ExprKind::kScalarSubquery:
      return "(" + ToSql(*e.subquery) + ")";
    case ExprKind::kArray:
      out = "ARRAY[";
      AppendList(&out, e.args);
      return out + "]";
    case ExprKind::kRow:
      out = "ROW(";
      AppendList(&out, e.args);
      return out + ")";
    case ExprKind::kInterval:
      out = std::string("INTERVAL ") + (e.interval_negative ? "-" : "") +
            Quote(e.literal.text, '\'') + " " + e.interval_from;
      if (!e.interval_to.empty()) out += " TO " + e.interval_to;
      return out;
  }
  return out;
}

std::string ToSql(const Query& q) {
  std::string out;
  if (!q.with.empty()) {
    out = "WITH ";
    for (size_t i = 0; i < q.with.size(); ++i) {
      if (i) out += ", ";
      out += Name(q.with[i].name);
      if (!q.with[i].columns.empty()) {
        out += "(";
        for (size_t j = 0; j < q.with[i].columns.size(); ++j) {
          if (j) out += ", ";
          out += Name(q.with[i].columns[j]);
        }
        out += ")";
      }
      out += " AS (" + ToSql(*q.with[i].query) + ")";
    }
    out += " ";
  }
  out += BodySql(*q.body);
  if (!q.order_by.empty()) out += " ORDER BY " + OrderItems(q.order_by);
  if (q.offset) out += " OFFSET " + std::to_string(*q.offset);
  if (q.limit) out += " LIMIT " + std::to_string(*q.limit);
  return out;
}

}  // namespace cairn::sql::ast
