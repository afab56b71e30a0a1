#include "sql/bound_expr.h"

namespace cairn::sql {

BoundExprPtr BoundExpr::Clone() const {
  auto e = std::make_unique<BoundExpr>(kind, type);
  e->pos = pos;
  e->constant = constant;
  e->index = index;
  e->depth = depth;
  e->function = function;
  e->try_cast = try_cast;
  e->text = text;
  e->call = call;
  e->args.reserve(args.size());
  for (const auto& a : args) e->args.push_back(a->Clone());
  return e;
}

bool BoundExpr::SameAs(const BoundExpr& o) const {
  if (kind != o.kind || type != o.type || args.size() != o.args.size()) return false;
  switch (kind) {
    case BoundKind::kConstant:
      if (!constant.SameAs(o.constant) || constant.type != o.constant.type) return false;
      break;
    case BoundKind::kColumn:
    case BoundKind::kFieldAccess:
    case BoundKind::kInSubquery:
    case BoundKind::kExists:
    case BoundKind::kScalarSubquery:
      if (index != o.index) return false;
      break;
    case BoundKind::kLambdaParam:
      if (index != o.index || depth != o.depth) return false;
      break;
    case BoundKind::kFunction:
      if (function->name != o.function->name || !function->deterministic) return false;
      break;
    case BoundKind::kCast:
      if (try_cast != o.try_cast) return false;
      break;
    case BoundKind::kAggregate:
    case BoundKind::kWindow:
      if (call != o.call) return false;
      break;
    default:
      break;
  }
  for (size_t i = 0; i < args.size(); ++i) {
    if (!args[i]->SameAs(*o.args[i])) return false;
  }
  return true;
}

bool BoundExpr::ReferencesColumns() const {
  if (kind == BoundKind::kColumn) return true;
  for (const auto& a : args) {
    if (a->ReferencesColumns()) return true;
  }
  return false;
}

namespace {
const char* KindName(BoundKind k) {
  switch (k) {
    case BoundKind::kConstant:
      return "const";
    case BoundKind::kColumn:
      return "col";
    case BoundKind::kLambdaParam:
      return "param";
    case BoundKind::kFunction:
      return "fn";
    case BoundKind::kCast:
      return "CAST";
    case BoundKind::kAnd:
      return "AND";
    case BoundKind::kOr:
      return "OR";
    case BoundKind::kNot:
      return "NOT";
    case BoundKind::kIsNull:
      return "IS_NULL";
    case BoundKind::kCase:
      return "CASE";
    case BoundKind::kCoalesce:
      return "COALESCE";
    case BoundKind::kInList:
      return "IN";
    case BoundKind::kInSubquery:
      return "IN_SUBQUERY";
    case BoundKind::kExists:
      return "EXISTS";
    case BoundKind::kScalarSubquery:
      return "SUBQUERY";
    case BoundKind::kFieldAccess:
      return "FIELD";
    case BoundKind::kSubscript:
      return "SUBSCRIPT";
    case BoundKind::kLambda:
      return "LAMBDA";
    case BoundKind::kTry:
      return "TRY";
    case BoundKind::kAggregate:
      return "AGG";
    case BoundKind::kWindow:
      return "WINDOW";
  }
  return "?";
}

std::string ConstantText(const Value& v) {
  if (v.is_null) return "NULL";
  switch (v.type.id()) {
    case TypeId::kBoolean:
      return v.boolean ? "true" : "false";
    case TypeId::kDouble:
      return std::to_string(v.f64);
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kMap:
      return "'" + v.str + "'";
    case TypeId::kArray:
    case TypeId::kRow: {
      std::string out = v.type.id() == TypeId::kArray ? "[" : "(";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        out += ConstantText(v.items[i]);
      }
      return out + (v.type.id() == TypeId::kArray ? "]" : ")");
    }
    default:
      return std::to_string(v.i64);
  }
}
}  // namespace

std::string BoundExpr::ToString() const {
  std::string head;
  switch (kind) {
    case BoundKind::kConstant:
      return ConstantText(constant);
    case BoundKind::kColumn:
      return "#" + std::to_string(index);
    case BoundKind::kLambdaParam:
      return "$p" + std::to_string(depth) + "." + std::to_string(index);
    case BoundKind::kFunction:
      head = function->name;
      break;
    case BoundKind::kCast:
      head = std::string(try_cast ? "TRY_CAST<" : "CAST<") + type.ToString() + ">";
      break;
    case BoundKind::kFieldAccess:
      head = "FIELD<" + std::to_string(index) + ">";
      break;
    case BoundKind::kInSubquery:
    case BoundKind::kExists:
    case BoundKind::kScalarSubquery:
      head = std::string(KindName(kind)) + "<" + std::to_string(index) + ">";
      break;
    case BoundKind::kAggregate:
    case BoundKind::kWindow:
      head = std::string(KindName(kind)) + "<" + std::to_string(call) + ">";
      break;
    default:
      head = KindName(kind);
      break;
  }
  std::string out = head + "(";
  for (size_t i = 0; i < args.size(); ++i) {
    if (i) out += ", ";
    out += args[i]->ToString();
  }
  return out + ")";
}

BoundExprPtr MakeConstant(Value v) {
  auto e = std::make_unique<BoundExpr>(BoundKind::kConstant, v.type);
  e->constant = std::move(v);
  return e;
}

BoundExprPtr MakeColumn(int index, Type type) {
  auto e = std::make_unique<BoundExpr>(BoundKind::kColumn, std::move(type));
  e->index = index;
  return e;
}

}  // namespace cairn::sql
