#include "sql/binder.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "sql/datetime.h"
#include "sql/expression_eval.h"
#include "sql/function_registry.h"
#include "sql/functions/cast.h"
#include "sql/lexer.h"
#include "sql/parser.h"

namespace cairn::sql {
namespace {

using ast::ExprKind;

// Deeper recursion than this (through nested subqueries, each with high expression trees) is
// refused, so that binding and evaluation never exhaust the stack.
constexpr int kMaxBindDepth = 600;

struct ScopeColumn {
  std::string name;  // lower-case lookup name; "" cannot be referenced
  std::string display;
  Type type;
  int index = 0;
  bool using_hidden = false;  // the right-hand copy of a USING column: only reachable qualified
};

struct ScopeRelation {
  std::string alias;  // lower-case; "" for an anonymous subquery
  std::vector<ScopeColumn> columns;
};

struct Scope {
  std::vector<ScopeRelation> relations;
  int width = 0;

  void Add(ScopeRelation rel) {
    for (ScopeColumn& c : rel.columns) c.index += width;
    width += static_cast<int>(rel.columns.size());
    relations.push_back(std::move(rel));
  }
};

struct Relation {
  PlanPtr plan;
  Scope scope;
};

// One select-list output.
struct OutputItem {
  BoundExprPtr expr;
  std::string name;    // result column name
  std::string lookup;  // lower-case name ORDER BY may refer to
};

struct LambdaFrame {
  std::vector<std::string> names;  // lower-case
  std::vector<Type> types;
};

struct ExprContext {
  const Scope* scope = nullptr;
  std::string clause;  // "WHERE", "GROUP BY", ... for messages
  bool allow_aggregates = false;
  bool allow_windows = false;
  const std::vector<OutputItem>* outputs = nullptr;  // ORDER BY: select outputs by name
  std::vector<LambdaFrame> lambdas;
};

// Aggregate and window calls found while binding one SELECT.
struct SelectCalls {
  std::vector<AggregateCall> aggregates;
  std::vector<WindowCall> windows;
};

std::string Lower(std::string_view s) { return AsciiLower(s); }

Status Error(SourcePos pos, std::string message) { return InvalidQuery(pos, std::move(message)); }

std::string PathText(const std::vector<ast::Identifier>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += '.';
    out += names[i].text;
  }
  return out;
}

PlanPtr MakeNode(PlanKind kind) { return std::make_unique<PlanNode>(kind); }

// Interval literal text -> value.
Result<Value> IntervalValue(const ast::Expr& e) {
  std::string_view text = e.literal.text;
  const std::string& from = e.interval_from;
  const std::string& to = e.interval_to;
  auto bad = [&]() {
    return Error(e.pos, "Invalid INTERVAL " + from + (to.empty() ? "" : " TO " + to) + " value: '" +
                            std::string(text) + "'");
  };
  auto number = [](std::string_view s, int64_t* out) {
    if (s.empty() || s.size() > 12) return false;
    int64_t v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    *out = v;
    return true;
  };
  std::string_view body = text;
  bool negative = e.interval_negative;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = negative != (body[0] == '-');
    body.remove_prefix(1);
  }
  int64_t sign = negative ? -1 : 1;
  if (from == "YEAR" || from == "MONTH") {
    int64_t months = 0;
    if (to.empty()) {
      int64_t n;
      if (!number(body, &n)) return bad();
      months = from == "YEAR" ? n * 12 : n;
    } else {
      if (from != "YEAR" || to != "MONTH") return bad();
      size_t dash = body.find('-');
      int64_t y, m;
      if (dash == std::string_view::npos || !number(body.substr(0, dash), &y) ||
          !number(body.substr(dash + 1), &m)) {
        return bad();
      }
      months = y * 12 + m;
    }
    return Value::Int64Of(Type::IntervalYearMonth(), sign * months);
  }
  int64_t unit = from == "DAY"      ? datetime::kMicrosPerDay
                 : from == "HOUR"   ? datetime::kMicrosPerHour
                 : from == "MINUTE" ? datetime::kMicrosPerMinute
                                    : datetime::kMicrosPerSecond;
  if (to.empty()) {
    // SECOND may have a fraction.
    size_t dot = body.find('.');
    int64_t whole, frac = 0;
    if (!number(body.substr(0, dot), &whole)) return bad();
    if (dot != std::string_view::npos) {
      if (from != "SECOND") return bad();
      std::string_view f = body.substr(dot + 1);
      if (f.empty() || f.size() > 6 || !number(f, &frac)) return bad();
      for (size_t k = f.size(); k < 6; ++k) frac *= 10;
    }
    return Value::Int64Of(Type::IntervalDayTime(), sign * (whole * unit + frac));
  }
  // DAY TO SECOND: 'D HH:MM:SS[.f]'; other ranges are refused.
  if (from != "DAY" || to != "SECOND") return bad();
  int64_t micros;
  size_t space = body.find(' ');
  int64_t days;
  if (space == std::string_view::npos || !number(body.substr(0, space), &days)) return bad();
  int64_t t;
  if (!datetime::ParseTimestamp("1970-01-01 " + std::string(body.substr(space + 1)), &t) ||
      t >= datetime::kMicrosPerDay) {
    return bad();
  }
  micros = days * datetime::kMicrosPerDay + t;
  return Value::Int64Of(Type::IntervalDayTime(), sign * micros);
}

class Binder {
 public:
  Binder(const BindOptions& options, std::vector<PlanPtr>* subqueries)
      : opts_(options), subqueries_(subqueries) {}

  Result<Relation> BindQuery(const ast::Query& q) {
    Depth d(this);
    RETURN_IF_ERROR(d.status());
    cte_scopes_.emplace_back();
    for (const ast::Cte& cte : q.with) {
      for (const ast::Cte* prior : cte_scopes_.back()) {
        if (EqualsIgnoreCase(prior->name.text, cte.name.text)) {
          return Error(cte.name.pos,
                       "WITH query name '" + cte.name.text + "' specified more than once");
        }
      }
      cte_scopes_.back().push_back(&cte);
    }
    auto result = BindQueryInScope(q);
    cte_scopes_.pop_back();
    return result;
  }

 private:
  // Counts binder recursion (queries and expressions).
  class Depth {
   public:
    explicit Depth(Binder* b) : b_(b) { ++b_->depth_; }
    ~Depth() { --b_->depth_; }
    Status status() const {
      if (b_->depth_ > kMaxBindDepth) {
        return InvalidQuery("statement is too deeply nested (more than " +
                            std::to_string(kMaxBindDepth) +
                            " levels of expressions and subqueries)");
      }
      return Status::OK();
    }

   private:
    Binder* b_;
  };

  Status CountNode() {
    if (++plan_nodes_ > opts_.max_plan_nodes) {
      return InvalidQuery("the query is too complex: its plan has more than " +
                          std::to_string(opts_.max_plan_nodes) + " operators");
    }
    return Status::OK();
  }

  // ---- queries -----------------------------------------------------------------------------

  Result<Relation> BindQueryInScope(const ast::Query& q) {
    Relation rel;
    if (q.body->kind == ast::QueryBody::Kind::kSelect) {
      ASSIGN_OR_RETURN(rel, BindSelect(*q.body->select, q.order_by));
    } else {
      ASSIGN_OR_RETURN(rel, BindBody(*q.body));
      if (!q.order_by.empty()) RETURN_IF_ERROR(SortOutputs(q.order_by, &rel));
    }
    if (q.limit || q.offset) {
      RETURN_IF_ERROR(CountNode());
      auto limit = MakeNode(PlanKind::kLimit);
      limit->columns = rel.plan->columns;
      limit->limit = q.limit;
      limit->offset = q.offset.value_or(0);
      limit->children.push_back(std::move(rel.plan));
      rel.plan = std::move(limit);
    }
    return rel;
  }

  Result<Relation> BindBody(const ast::QueryBody& body) {
    Depth d(this);
    RETURN_IF_ERROR(d.status());
    switch (body.kind) {
      case ast::QueryBody::Kind::kSelect:
        return BindSelect(*body.select, {});
      case ast::QueryBody::Kind::kNested:
        return BindQuery(*body.nested);
      case ast::QueryBody::Kind::kSetOp:
        break;
    }
    ASSIGN_OR_RETURN(Relation left, BindBody(*body.left));
    ASSIGN_OR_RETURN(Relation right, BindBody(*body.right));
    const char* op = ast::SetOpText(body.set_op);
    size_t n = left.plan->columns.size();
    if (n != right.plan->columns.size()) {
      return Error(body.pos, std::string(op) +
                                 " query has different number of fields: " + std::to_string(n) +
                                 ", " + std::to_string(right.plan->columns.size()));
    }
    std::vector<Type> types;
    for (size_t i = 0; i < n; ++i) {
      const Type& a = left.plan->columns[i].type;
      const Type& b = right.plan->columns[i].type;
      auto common = CommonSuperType(a, b);
      if (!common) {
        return Error(body.pos, "column " + std::to_string(i + 1) + " in " + op +
                                   " query has incompatible types: " + a.ToString() + ", " +
                                   b.ToString());
      }
      if (body.set_op != ast::SetOpKind::kUnion || !body.all) {
        if (!IsComparable(*common)) {
          return Error(body.pos, "type " + common->ToString() +
                                     " is not comparable and cannot be used in " + op);
        }
      }
      types.push_back(*common);
    }
    RETURN_IF_ERROR(CoerceOutputs(&left, types));
    RETURN_IF_ERROR(CoerceOutputs(&right, types));
    RETURN_IF_ERROR(CountNode());
    auto node = MakeNode(PlanKind::kSetOp);
    node->set_op = body.set_op;
    node->all = body.all;
    for (size_t i = 0; i < n; ++i) node->columns.push_back({left.plan->columns[i].name, types[i]});
    node->children.push_back(std::move(left.plan));
    node->children.push_back(std::move(right.plan));
    Relation rel;
    rel.plan = std::move(node);
    rel.scope = OutputScope(*rel.plan, "");
    return rel;
  }

  // Casts the outputs of `rel` to `types` with a projection when any differs.
  Status CoerceOutputs(Relation* rel, const std::vector<Type>& types) {
    bool same = true;
    for (size_t i = 0; i < types.size(); ++i) same &= rel->plan->columns[i].type == types[i];
    if (same) return Status::OK();
    RETURN_IF_ERROR(CountNode());
    auto proj = MakeNode(PlanKind::kProject);
    for (size_t i = 0; i < types.size(); ++i) {
      const PlanColumn& c = rel->plan->columns[i];
      ASSIGN_OR_RETURN(BoundExprPtr e,
                       Coerce(MakeColumn(static_cast<int>(i), c.type), types[i], {}));
      proj->exprs.push_back(std::move(e));
      proj->columns.push_back({c.name, types[i]});
    }
    proj->children.push_back(std::move(rel->plan));
    rel->plan = std::move(proj);
    return Status::OK();
  }

  // A scope with one relation whose columns are a plan's outputs.
  static Scope OutputScope(const PlanNode& plan, const std::string& alias) {
    ScopeRelation r;
    r.alias = alias;
    for (size_t i = 0; i < plan.columns.size(); ++i) {
      r.columns.push_back({Lower(plan.columns[i].name), plan.columns[i].name, plan.columns[i].type,
                           static_cast<int>(i), false});
    }
    Scope s;
    s.Add(std::move(r));
    return s;
  }

  // ORDER BY over the outputs of a set operation (or other relation without input columns).
  Status SortOutputs(const std::vector<ast::OrderItem>& order_by, Relation* rel) {
    std::vector<OutputItem> outputs;
    for (size_t i = 0; i < rel->plan->columns.size(); ++i) {
      const PlanColumn& c = rel->plan->columns[i];
      outputs.push_back({MakeColumn(static_cast<int>(i), c.type), c.name, Lower(c.name)});
    }
    Scope scope = OutputScope(*rel->plan, "");
    std::vector<SortKey> keys;
    std::vector<BoundExprPtr> hidden;
    for (const ast::OrderItem& item : order_by) {
      SortKey key;
      key.descending = item.order == ast::SortOrder::kDesc;
      key.nulls_first = item.nulls == ast::NullsOrder::kFirst;
      ASSIGN_OR_RETURN(int ordinal, OrderOrdinal(*item.expr, outputs.size()));
      if (ordinal >= 0) {
        key.column = ordinal;
      } else {
        ExprContext ctx;
        ctx.scope = &scope;
        ctx.clause = "ORDER BY";
        ASSIGN_OR_RETURN(BoundExprPtr e, BindExpr(*item.expr, ctx));
        RETURN_IF_ERROR(CheckOrderable(*e, item.expr->pos));
        if (e->kind == BoundKind::kColumn) {
          key.column = e->index;
        } else {
          key.column = static_cast<int>(outputs.size() + hidden.size());
          hidden.push_back(std::move(e));
        }
      }
      keys.push_back(key);
    }
    size_t n = outputs.size();
    if (!hidden.empty()) {
      RETURN_IF_ERROR(CountNode());
      auto proj = MakeNode(PlanKind::kProject);
      for (size_t i = 0; i < n; ++i) {
        proj->exprs.push_back(MakeColumn(static_cast<int>(i), rel->plan->columns[i].type));
        proj->columns.push_back(rel->plan->columns[i]);
      }
      for (auto& h : hidden) {
        proj->columns.push_back({"$order", h->type});
        proj->exprs.push_back(std::move(h));
      }
      proj->children.push_back(std::move(rel->plan));
      rel->plan = std::move(proj);
    }
    RETURN_IF_ERROR(AddSort(rel, std::move(keys), n));
    return Status::OK();
  }

  // Sorts rel->plan by keys, then keeps only its first `keep` columns.
  Status AddSort(Relation* rel, std::vector<SortKey> keys, size_t keep) {
    RETURN_IF_ERROR(CountNode());
    auto sort = MakeNode(PlanKind::kSort);
    sort->columns = rel->plan->columns;
    sort->sort_keys = std::move(keys);
    sort->children.push_back(std::move(rel->plan));
    rel->plan = std::move(sort);
    if (rel->plan->columns.size() > keep) {
      RETURN_IF_ERROR(CountNode());
      auto proj = MakeNode(PlanKind::kProject);
      for (size_t i = 0; i < keep; ++i) {
        proj->exprs.push_back(MakeColumn(static_cast<int>(i), rel->plan->columns[i].type));
        proj->columns.push_back(rel->plan->columns[i]);
      }
      proj->children.push_back(std::move(rel->plan));
      rel->plan = std::move(proj);
    }
    return Status::OK();
  }

  // An integer literal in ORDER BY / GROUP BY is a 1-based select-list position. Returns the
  // 0-based index, or -1 when `e` is not an integer literal.
  static Result<int> OrderOrdinal(const ast::Expr& e, size_t outputs,
                                  const char* clause = "ORDER BY") {
    if (e.kind != ExprKind::kLiteral || e.literal.kind != ast::Literal::Kind::kInteger) return -1;
    int64_t n = e.literal.integer;
    if (n < 1 || static_cast<size_t>(n) > outputs) {
      return Error(
          e.pos, std::string(clause) + " position " + std::to_string(n) + " is not in select list");
    }
    return static_cast<int>(n - 1);
  }

  static Status CheckOrderable(const BoundExpr& e, SourcePos pos) {
    if (!IsOrderable(e.type)) {
      return Error(pos, "Type " + e.type.ToString() +
                            " is not orderable, and therefore cannot be used in ORDER BY");
    }
    return Status::OK();
  }

  Result<Relation> BindSelect(const ast::Select& s, const std::vector<ast::OrderItem>& order_by) {
    RETURN_IF_ERROR(CountNode());
    Relation input;
    if (s.from) {
      ASSIGN_OR_RETURN(input, BindTableRef(*s.from));
    } else {
      input.plan = MakeNode(PlanKind::kSingleRow);
    }
    const Scope& scope = input.scope;
    PlanPtr plan = std::move(input.plan);

    if (s.where) {
      ExprContext ctx;
      ctx.scope = &scope;
      ctx.clause = "WHERE";
      ASSIGN_OR_RETURN(BoundExprPtr pred, BindExpr(*s.where, ctx));
      ASSIGN_OR_RETURN(pred, RequireBoolean(std::move(pred), "WHERE clause", s.where->pos));
      RETURN_IF_ERROR(CountNode());
      auto filter = MakeNode(PlanKind::kFilter);
      filter->columns = plan->columns;
      filter->predicate = std::move(pred);
      filter->children.push_back(std::move(plan));
      plan = std::move(filter);
    }

    SelectCalls calls;
    SelectCalls* saved_calls = calls_;
    calls_ = &calls;
    auto restore = [&]() { calls_ = saved_calls; };

    // Select list.
    std::vector<OutputItem> outputs;
    {
      ExprContext ctx;
      ctx.scope = &scope;
      ctx.clause = "SELECT";
      ctx.allow_aggregates = true;
      ctx.allow_windows = true;
      for (const ast::SelectItem& item : s.items) {
        Status st = BindSelectItem(item, ctx, &outputs);
        if (!st.ok()) return restore(), st;
      }
    }

    // GROUP BY.
    std::vector<BoundExprPtr> groups;
    for (const auto& g : s.group_by) {
      auto ordinal = OrderOrdinal(*g, outputs.size(), "GROUP BY");
      if (!ordinal.ok()) return restore(), ordinal.status();
      BoundExprPtr e;
      if (*ordinal >= 0) {
        const BoundExpr& item = *outputs[*ordinal].expr;
        if (ContainsKind(item, BoundKind::kAggregate) || ContainsKind(item, BoundKind::kWindow)) {
          return restore(), Error(g->pos, "GROUP BY position " + std::to_string(*ordinal + 1) +
                                              " is an aggregate or window function");
        }
        e = item.Clone();
      } else {
        ExprContext ctx;
        ctx.scope = &scope;
        ctx.clause = "GROUP BY";
        auto bound = BindExpr(*g, ctx);
        if (!bound.ok()) return restore(), bound.status();
        e = std::move(*bound);
      }
      if (!IsComparable(e->type)) {
        return restore(), Error(g->pos, "GROUP BY expression has a type that is not comparable: " +
                                            e->type.ToString());
      }
      groups.push_back(std::move(e));
    }

    // HAVING.
    BoundExprPtr having;
    if (s.having) {
      ExprContext ctx;
      ctx.scope = &scope;
      ctx.clause = "HAVING";
      ctx.allow_aggregates = true;
      auto bound = BindExpr(*s.having, ctx);
      if (!bound.ok()) return restore(), bound.status();
      auto b = RequireBoolean(std::move(*bound), "HAVING clause", s.having->pos);
      if (!b.ok()) return restore(), b.status();
      having = std::move(*b);
    }

    // ORDER BY: ordinals and output names refer to the select list; other expressions are bound
    // against the input (with output names usable inside them).
    struct OrderTerm {
      int output = -1;
      BoundExprPtr expr;
      SortKey key;
      SourcePos pos;
    };
    std::vector<OrderTerm> order;
    for (const ast::OrderItem& item : order_by) {
      OrderTerm t;
      t.pos = item.expr->pos;
      t.key.descending = item.order == ast::SortOrder::kDesc;
      t.key.nulls_first = item.nulls == ast::NullsOrder::kFirst;
      auto ordinal = OrderOrdinal(*item.expr, outputs.size());
      if (!ordinal.ok()) return restore(), ordinal.status();
      t.output = *ordinal;
      if (t.output < 0 && item.expr->kind == ExprKind::kColumnRef && item.expr->names.size() == 1) {
        auto match = MatchOutput(outputs, item.expr->names[0]);
        if (!match.ok()) return restore(), match.status();
        t.output = *match;
      }
      if (t.output < 0) {
        ExprContext ctx;
        ctx.scope = &scope;
        ctx.clause = "ORDER BY";
        ctx.allow_aggregates = true;
        ctx.allow_windows = true;
        ctx.outputs = &outputs;
        auto bound = BindExpr(*item.expr, ctx);
        if (!bound.ok()) return restore(), bound.status();
        t.expr = std::move(*bound);
        Status st = CheckOrderable(*t.expr, t.pos);
        if (!st.ok()) return restore(), st;
      } else {
        Status st = CheckOrderable(*outputs[t.output].expr, t.pos);
        if (!st.ok()) return restore(), st;
      }
      order.push_back(std::move(t));
    }
    restore();

    // Aggregation.
    bool aggregated = !s.group_by.empty() || !calls.aggregates.empty() || having != nullptr;
    if (aggregated) {
      RETURN_IF_ERROR(CountNode());
      auto agg = MakeNode(PlanKind::kAggregate);
      int ngroups = static_cast<int>(groups.size());
      for (int i = 0; i < ngroups; ++i) {
        agg->columns.push_back({"$group" + std::to_string(i), groups[i]->type});
      }
      for (size_t i = 0; i < calls.aggregates.size(); ++i) {
        agg->columns.push_back(
            {"$agg" + std::to_string(i), calls.aggregates[i].function.result_type});
      }
      for (OutputItem& o : outputs) {
        ASSIGN_OR_RETURN(o.expr, RewriteAggregated(std::move(o.expr), groups, ngroups));
      }
      for (OrderTerm& t : order) {
        if (t.expr) {
          ASSIGN_OR_RETURN(t.expr, RewriteAggregated(std::move(t.expr), groups, ngroups));
        }
      }
      if (having) {
        ASSIGN_OR_RETURN(having, RewriteAggregated(std::move(having), groups, ngroups));
      }
      for (WindowCall& w : calls.windows) {
        for (auto* list : {&w.args, &w.partition_by, &w.order_exprs}) {
          for (auto& e : *list) {
            ASSIGN_OR_RETURN(e, RewriteAggregated(std::move(e), groups, ngroups));
          }
        }
      }
      agg->groups = std::move(groups);
      agg->aggregates = std::move(calls.aggregates);
      agg->children.push_back(std::move(plan));
      plan = std::move(agg);
      if (having) {
        RETURN_IF_ERROR(CountNode());
        auto filter = MakeNode(PlanKind::kFilter);
        filter->columns = plan->columns;
        filter->predicate = std::move(having);
        filter->children.push_back(std::move(plan));
        plan = std::move(filter);
      }
    }

    // Window functions: computed over the (aggregated) rows, appended as columns.
    if (!calls.windows.empty()) {
      RETURN_IF_ERROR(CountNode());
      auto win = MakeNode(PlanKind::kWindow);
      win->columns = plan->columns;
      int base = static_cast<int>(plan->columns.size());
      for (size_t i = 0; i < calls.windows.size(); ++i) {
        win->columns.push_back({"$window" + std::to_string(i), calls.windows[i].type});
      }
      for (OutputItem& o : outputs) o.expr = ReplaceWindows(std::move(o.expr), base);
      for (OrderTerm& t : order) {
        if (t.expr) t.expr = ReplaceWindows(std::move(t.expr), base);
      }
      win->windows = std::move(calls.windows);
      win->children.push_back(std::move(plan));
      plan = std::move(win);
    }

    // Projection (with hidden ORDER BY columns), DISTINCT, sort.
    RETURN_IF_ERROR(CountNode());
    auto proj = MakeNode(PlanKind::kProject);
    for (OutputItem& o : outputs) {
      proj->columns.push_back({o.name, o.expr->type});
      proj->exprs.push_back(std::move(o.expr));
    }
    size_t visible = outputs.size();
    std::vector<SortKey> keys;
    for (OrderTerm& t : order) {
      SortKey key = t.key;
      if (t.output >= 0) {
        key.column = t.output;
      } else {
        int found = -1;
        for (size_t i = 0; i < proj->exprs.size(); ++i) {
          if (proj->exprs[i]->SameAs(*t.expr)) {
            found = static_cast<int>(i);
            break;
          }
        }
        if (found < 0) {
          if (s.distinct) {
            return Error(t.pos,
                         "For SELECT DISTINCT, ORDER BY expressions must appear in select list");
          }
          found = static_cast<int>(proj->exprs.size());
          proj->columns.push_back({"$order", t.expr->type});
          proj->exprs.push_back(std::move(t.expr));
        }
        key.column = found;
      }
      keys.push_back(key);
    }
    proj->children.push_back(std::move(plan));
    Relation out;
    out.plan = std::move(proj);
    if (s.distinct) {
      for (const PlanColumn& c : out.plan->columns) {
        if (!IsComparable(c.type)) {
          return Error(s.pos, "DISTINCT can only be applied to comparable types (actual: " +
                                  c.type.ToString() + ")");
        }
      }
      RETURN_IF_ERROR(CountNode());
      auto distinct = MakeNode(PlanKind::kDistinct);
      distinct->columns = out.plan->columns;
      distinct->children.push_back(std::move(out.plan));
      out.plan = std::move(distinct);
    }
    if (!keys.empty()) RETURN_IF_ERROR(AddSort(&out, std::move(keys), visible));
    out.scope = OutputScope(*out.plan, "");
    return out;
  }

  static bool ContainsKind(const BoundExpr& e, BoundKind k) {
    if (e.kind == k) return true;
    for (const auto& a : e.args) {
      if (ContainsKind(*a, k)) return true;
    }
    return false;
  }

  // Resolves an ORDER BY name against the select outputs: -1 when none matches.
  static Result<int> MatchOutput(const std::vector<OutputItem>& outputs,
                                 const ast::Identifier& name) {
    std::string lookup = Lower(name.text);
    int found = -1;
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (outputs[i].lookup != lookup) continue;
      if (found >= 0 && !outputs[found].expr->SameAs(*outputs[i].expr)) {
        return Error(name.pos, "Column '" + name.text + "' is ambiguous");
      }
      if (found < 0) found = static_cast<int>(i);
    }
    return found;
  }

  // Rewrites an expression bound against the aggregate's input into one over its output: group
  // expressions become their group column, aggregate calls their result column; any other column
  // reference is an error.
  Result<BoundExprPtr> RewriteAggregated(BoundExprPtr e, const std::vector<BoundExprPtr>& groups,
                                         int ngroups) {
    Depth d(this);
    RETURN_IF_ERROR(d.status());
    for (int i = 0; i < ngroups; ++i) {
      if (e->SameAs(*groups[i])) {
        auto col = MakeColumn(i, e->type);
        col->text = e->text;
        return col;
      }
    }
    switch (e->kind) {
      case BoundKind::kAggregate:
        return MakeColumn(ngroups + e->call, e->type);
      case BoundKind::kColumn:
        return Error(e->pos, "'" + e->text +
                                 "' must be an aggregate expression or appear in GROUP BY clause");
      case BoundKind::kWindow:
        return e;
      default:
        break;
    }
    for (auto& a : e->args) {
      ASSIGN_OR_RETURN(a, RewriteAggregated(std::move(a), groups, ngroups));
    }
    return e;
  }

  static BoundExprPtr ReplaceWindows(BoundExprPtr e, int base) {
    if (e->kind == BoundKind::kWindow) return MakeColumn(base + e->call, e->type);
    for (auto& a : e->args) a = ReplaceWindows(std::move(a), base);
    return e;
  }

  // Adds the outputs of one select item (several for a star).
  Status BindSelectItem(const ast::SelectItem& item, ExprContext& ctx,
                        std::vector<OutputItem>* outputs) {
    const ast::Expr& e = *item.expr;
    if (e.kind == ExprKind::kStar) return ExpandStar(e, ctx, outputs);
    ASSIGN_OR_RETURN(BoundExprPtr bound, BindExpr(e, ctx));
    if (bound->type.id() == TypeId::kFunction) {
      return Error(e.pos, "a lambda expression is only allowed as a function argument");
    }
    OutputItem out;
    if (item.alias) {
      out.name = item.alias->text;
    } else if (e.kind == ExprKind::kColumnRef) {
      out.name = e.names.back().text;
    } else if (e.kind == ExprKind::kDereference) {
      out.name = e.names[0].text;
    } else {
      out.name = "_col" + std::to_string(outputs->size());
    }
    out.lookup = Lower(out.name);
    out.expr = std::move(bound);
    outputs->push_back(std::move(out));
    return Status::OK();
  }

  Status ExpandStar(const ast::Expr& e, ExprContext& ctx, std::vector<OutputItem>* outputs) {
    const Scope& scope = *ctx.scope;
    auto add = [&](BoundExprPtr expr, const std::string& name) {
      OutputItem out;
      out.name = name;
      out.lookup = Lower(name);
      out.expr = std::move(expr);
      outputs->push_back(std::move(out));
    };
    if (e.args.empty() && e.names.empty()) {
      if (scope.relations.empty())
        return Error(e.pos, "SELECT * not allowed in queries without FROM clause");
      for (const ScopeRelation& r : scope.relations) {
        for (const ScopeColumn& c : r.columns) {
          if (c.using_hidden) continue;
          auto col = MakeColumn(c.index, c.type);
          col->text = c.display;
          col->pos = e.pos;
          add(std::move(col), c.display);
        }
      }
      return Status::OK();
    }
    if (e.args.empty() && e.names.size() == 1) {
      std::string alias = Lower(e.names[0].text);
      for (const ScopeRelation& r : scope.relations) {
        if (r.alias != alias) continue;
        for (const ScopeColumn& c : r.columns) {
          auto col = MakeColumn(c.index, c.type);
          col->text = c.display;
          col->pos = e.pos;
          add(std::move(col), c.display);
        }
        return Status::OK();
      }
    }
    // expr.*: the fields of a row value.
    BoundExprPtr base;
    if (!e.args.empty()) {
      ASSIGN_OR_RETURN(base, BindExpr(*e.args[0], ctx));
    } else {
      ast::Expr ref(ExprKind::kColumnRef, e.pos);
      for (const auto& n : e.names) ref.names.push_back(n);
      ASSIGN_OR_RETURN(base, BindExpr(ref, ctx));
    }
    if (base->type.id() != TypeId::kRow) {
      return Error(e.pos, "'" + PathText(e.names) + ".*' does not name a table or a row value");
    }
    const auto& fields = base->type.fields();
    for (size_t i = 0; i < fields.size(); ++i) {
      auto f = std::make_unique<BoundExpr>(BoundKind::kFieldAccess, *fields[i].type);
      f->index = static_cast<int>(i);
      f->pos = e.pos;
      f->args.push_back(base->Clone());
      f->text = fields[i].name;
      add(std::move(f),
          fields[i].name.empty() ? "_col" + std::to_string(outputs->size()) : fields[i].name);
    }
    return Status::OK();
  }

  // ---- relations ---------------------------------------------------------------------------

  Result<Relation> BindTableRef(const ast::TableRef& t) {
    Depth d(this);
    RETURN_IF_ERROR(d.status());
    RETURN_IF_ERROR(CountNode());
    switch (t.kind) {
      case ast::TableRef::Kind::kNamed:
        return BindNamedTable(t);
      case ast::TableRef::Kind::kSubquery: {
        ASSIGN_OR_RETURN(Relation rel, BindQuery(*t.subquery));
        std::string alias = t.alias ? Lower(t.alias->text) : "";
        rel.scope = OutputScope(*rel.plan, alias);
        RETURN_IF_ERROR(ApplyColumnAliases(t, &rel));
        return rel;
      }
      case ast::TableRef::Kind::kValues:
        return BindValues(t);
      case ast::TableRef::Kind::kUnnest: {
        Relation single;
        single.plan = MakeNode(PlanKind::kSingleRow);
        return BindUnnest(t, std::move(single), false);
      }
      case ast::TableRef::Kind::kJoin:
        return BindJoin(t);
    }
    return Error(t.pos, "unsupported relation");
  }

  Status ApplyColumnAliases(const ast::TableRef& t, Relation* rel) {
    if (t.column_aliases.empty()) return Status::OK();
    ScopeRelation& r = rel->scope.relations.back();
    if (t.column_aliases.size() != r.columns.size()) {
      return Error(t.pos, "Column alias list has " + std::to_string(t.column_aliases.size()) +
                              " entries but '" +
                              (t.alias ? t.alias->text : std::string("relation")) + "' has " +
                              std::to_string(r.columns.size()) + " columns available");
    }
    for (size_t i = 0; i < r.columns.size(); ++i) {
      r.columns[i].name = Lower(t.column_aliases[i].text);
      r.columns[i].display = t.column_aliases[i].text;
    }
    return Status::OK();
  }

  const ast::Cte* FindCte(std::string_view name, size_t* scope_level) const {
    for (size_t level = cte_scopes_.size(); level-- > 0;) {
      for (const ast::Cte* cte : cte_scopes_[level]) {
        if (EqualsIgnoreCase(cte->name.text, name)) {
          *scope_level = level;
          return cte;
        }
      }
    }
    return nullptr;
  }

  Result<Relation> BindNamedTable(const ast::TableRef& t) {
    size_t level = 0;
    const ast::Cte* cte = FindCte(t.name.text, &level);
    if (cte != nullptr) {
      // A CTE sees only the CTEs defined before it (non-recursive WITH): bind it with the scopes
      // up to its own, trimmed to the entries that precede it.
      auto saved = cte_scopes_;
      cte_scopes_.resize(level + 1);
      auto& own = cte_scopes_.back();
      own.erase(std::find(own.begin(), own.end(), cte), own.end());
      auto bound = BindQuery(*cte->query);
      cte_scopes_ = std::move(saved);
      if (!bound.ok()) return bound.status();
      Relation rel = std::move(*bound);
      rel.scope = OutputScope(*rel.plan, Lower(t.alias ? t.alias->text : cte->name.text));
      if (!cte->columns.empty()) {
        ScopeRelation& r = rel.scope.relations.back();
        if (cte->columns.size() != r.columns.size()) {
          return Error(cte->name.pos, "WITH column alias list has " +
                                          std::to_string(cte->columns.size()) +
                                          " entries but WITH query '" + cte->name.text + "' has " +
                                          std::to_string(r.columns.size()) + " columns");
        }
        for (size_t i = 0; i < r.columns.size(); ++i) {
          r.columns[i].name = Lower(cte->columns[i].text);
          r.columns[i].display = cte->columns[i].text;
        }
      }
      RETURN_IF_ERROR(ApplyColumnAliases(t, &rel));
      return rel;
    }
    std::optional<TableInfo> info;
    if (opts_.tables != nullptr) info = opts_.tables->Resolve(t.name.text);
    if (!info) {
      return StoreNotFound(
          t.name.pos, "Event data store '" + t.name.text + "' does not exist or is not accessible");
    }
    auto scan = MakeNode(PlanKind::kScan);
    scan->table = *info;
    ScopeRelation r;
    r.alias = Lower(t.alias ? t.alias->text : t.name.text);
    const TableSchema& schema = *info->schema;
    for (size_t i = 0; i < schema.columns().size(); ++i) {
      const RowField& f = schema.columns()[i];
      scan->columns.push_back({f.name, *f.type});
      scan->scan_columns.push_back({f.name, *f.type, schema.StoreColumn(f.name), {}});
      r.columns.push_back({f.name, f.name, *f.type, static_cast<int>(i), false});
    }
    Relation rel;
    rel.plan = std::move(scan);
    rel.scope.Add(std::move(r));
    RETURN_IF_ERROR(ApplyColumnAliases(t, &rel));
    return rel;
  }

  Result<Relation> BindValues(const ast::TableRef& t) {
    auto node = MakeNode(PlanKind::kValues);
    Scope empty;
    ExprContext ctx;
    ctx.scope = &empty;
    ctx.clause = "VALUES";
    size_t width = 0;
    for (size_t r = 0; r < t.exprs.size(); ++r) {
      const ast::Expr& row = *t.exprs[r];
      std::vector<BoundExprPtr> cells;
      if (row.kind == ExprKind::kRow) {
        for (const auto& cell : row.args) {
          ASSIGN_OR_RETURN(BoundExprPtr e, BindExpr(*cell, ctx));
          cells.push_back(std::move(e));
        }
      } else {
        ASSIGN_OR_RETURN(BoundExprPtr e, BindExpr(row, ctx));
        cells.push_back(std::move(e));
      }
      if (r == 0) width = cells.size();
      if (cells.size() != width)
        return Error(row.pos, "Values rows have mismatched sizes: " + std::to_string(width) +
                                  " vs " + std::to_string(cells.size()));
      node->rows.push_back(std::move(cells));
    }
    for (size_t c = 0; c < width; ++c) {
      Type type = Type::Unknown();
      for (const auto& row : node->rows) {
        auto common = CommonSuperType(type, row[c]->type);
        if (!common) {
          return Error(t.pos, "VALUES column " + std::to_string(c + 1) +
                                  " has incompatible types: " + type.ToString() + ", " +
                                  row[c]->type.ToString());
        }
        type = *common;
      }
      for (auto& row : node->rows) {
        ASSIGN_OR_RETURN(row[c], Coerce(std::move(row[c]), type, t.pos));
      }
      node->columns.push_back({"_col" + std::to_string(c), type});
    }
    Relation rel;
    rel.plan = std::move(node);
    rel.scope = OutputScope(*rel.plan, t.alias ? Lower(t.alias->text) : "");
    RETURN_IF_ERROR(ApplyColumnAliases(t, &rel));
    return rel;
  }

  // UNNEST over `left` (lateral: its expressions see left's columns).
  Result<Relation> BindUnnest(const ast::TableRef& t, Relation left, bool outer) {
    RETURN_IF_ERROR(CountNode());
    ExprContext ctx;
    ctx.scope = &left.scope;
    ctx.clause = "UNNEST";
    auto node = MakeNode(PlanKind::kUnnest);
    node->columns = left.plan->columns;
    node->with_ordinality = t.with_ordinality;
    node->outer = outer;
    std::vector<BoundExprPtr> exprs;
    size_t expanded = 0, compact = 0;
    for (const auto& a : t.exprs) {
      ASSIGN_OR_RETURN(BoundExprPtr e, BindExpr(*a, ctx));
      const Type& type = e->type;
      if (type.id() == TypeId::kArray) {
        bool rows = type.element().id() == TypeId::kRow;
        expanded += rows ? type.element().fields().size() : 1;
        compact += 1;
      } else if (type.id() == TypeId::kMap) {
        expanded += 2;
        compact += 2;
      } else if (type.id() == TypeId::kUnknown) {
        ASSIGN_OR_RETURN(e, Coerce(std::move(e), Type::Array(Type::Unknown()), a->pos));
        expanded += 1;
        compact += 1;
      } else {
        return Error(a->pos, "Cannot unnest type: " + type.ToString());
      }
      exprs.push_back(std::move(e));
    }
    size_t extra = t.with_ordinality ? 1 : 0;
    size_t aliases = t.column_aliases.size();
    bool expand = aliases == 0 || aliases == expanded + extra;
    if (!expand && aliases != compact + extra) {
      return Error(t.pos, "Column alias list has " + std::to_string(aliases) + " entries but '" +
                              (t.alias ? t.alias->text : std::string("unnest")) + "' has " +
                              std::to_string(expanded + extra) + " columns available");
    }
    ScopeRelation r;
    r.alias = t.alias ? Lower(t.alias->text) : "";
    int index = static_cast<int>(left.plan->columns.size());
    auto add = [&](const std::string& name, const Type& type) {
      node->columns.push_back({name, type});
      r.columns.push_back({Lower(name), name, type, index++, false});
    };
    for (auto& e : exprs) {
      const Type& type = e->type;
      if (type.id() == TypeId::kMap) {
        add("key", type.key());
        add("value", type.value());
        node->expand_rows.push_back(false);
      } else if (expand && type.element().id() == TypeId::kRow) {
        for (const RowField& f : type.element().fields()) add(f.name, *f.type);
        node->expand_rows.push_back(true);
      } else {
        add("", type.element());
        node->expand_rows.push_back(false);
      }
      node->unnest_exprs.push_back(std::move(e));
    }
    if (t.with_ordinality) add("ordinality", Type::Bigint());
    if (aliases) {
      for (size_t i = 0; i < aliases; ++i) {
        r.columns[i].name = Lower(t.column_aliases[i].text);
        r.columns[i].display = t.column_aliases[i].text;
        node->columns[left.plan->columns.size() + i].name = t.column_aliases[i].text;
      }
    }
    // Keep left's relations, then add the unnest relation after them.
    Relation rel;
    rel.scope = std::move(left.scope);
    int base = rel.scope.width;
    for (ScopeColumn& c : r.columns) c.index -= base;
    rel.scope.Add(std::move(r));
    node->children.push_back(std::move(left.plan));
    rel.plan = std::move(node);
    return rel;
  }

  Result<Relation> BindJoin(const ast::TableRef& t) {
    ASSIGN_OR_RETURN(Relation left, BindTableRef(*t.left));
    const ast::TableRef& rt = *t.right;
    if (rt.kind == ast::TableRef::Kind::kUnnest) {
      bool outer = t.join_type == ast::JoinType::kLeft;
      if (t.join_type == ast::JoinType::kRight || t.join_type == ast::JoinType::kFull) {
        return Error(t.pos,
                     std::string(ast::JoinTypeText(t.join_type)) + " UNNEST is not supported");
      }
      if (!t.using_columns.empty()) return Error(t.pos, "USING is not allowed with UNNEST");
      bool on_true =
          !t.on || (t.on->kind == ExprKind::kLiteral &&
                    t.on->literal.kind == ast::Literal::Kind::kBoolean && t.on->literal.boolean);
      if (outer && !on_true) return Error(t.on->pos, "LEFT JOIN UNNEST requires ON TRUE");
      ASSIGN_OR_RETURN(Relation rel, BindUnnest(rt, std::move(left), outer));
      if (!on_true) {
        ExprContext ctx;
        ctx.scope = &rel.scope;
        ctx.clause = "JOIN";
        ASSIGN_OR_RETURN(BoundExprPtr cond, BindExpr(*t.on, ctx));
        ASSIGN_OR_RETURN(cond, RequireBoolean(std::move(cond), "JOIN ON clause", t.on->pos));
        RETURN_IF_ERROR(CountNode());
        auto filter = MakeNode(PlanKind::kFilter);
        filter->columns = rel.plan->columns;
        filter->predicate = std::move(cond);
        filter->children.push_back(std::move(rel.plan));
        rel.plan = std::move(filter);
      }
      return rel;
    }
    ASSIGN_OR_RETURN(Relation right, BindTableRef(rt));
    Relation rel;
    rel.scope = std::move(left.scope);
    int left_width = rel.scope.width;
    for (ScopeRelation& r : right.scope.relations) rel.scope.Add(std::move(r));
    for (const ScopeRelation& a : rel.scope.relations) {
      for (const ScopeRelation& b : rel.scope.relations) {
        if (&a != &b && !a.alias.empty() && a.alias == b.alias) {
          return Error(t.pos, "Relations appear more than once: " + a.alias);
        }
      }
    }
    auto node = MakeNode(PlanKind::kJoin);
    node->join_type = t.join_type;
    node->columns = left.plan->columns;
    for (const PlanColumn& c : right.plan->columns) node->columns.push_back(c);
    if (t.on) {
      ExprContext ctx;
      ctx.scope = &rel.scope;
      ctx.clause = "JOIN";
      ASSIGN_OR_RETURN(BoundExprPtr cond, BindExpr(*t.on, ctx));
      ASSIGN_OR_RETURN(node->condition,
                       RequireBoolean(std::move(cond), "JOIN ON clause", t.on->pos));
    } else if (!t.using_columns.empty()) {
      std::vector<BoundExprPtr> terms;
      for (const ast::Identifier& id : t.using_columns) {
        std::string name = Lower(id.text);
        const ScopeColumn* lc = nullptr;
        ScopeColumn* rc = nullptr;
        for (size_t r = 0; r < rel.scope.relations.size(); ++r) {
          for (ScopeColumn& c : rel.scope.relations[r].columns) {
            if (c.name != name || c.using_hidden) continue;
            if (c.index < left_width) {
              if (lc) return Error(id.pos, "Column '" + id.text + "' is ambiguous");
              lc = &c;
            } else {
              if (rc) return Error(id.pos, "Column '" + id.text + "' is ambiguous");
              rc = &c;
            }
          }
        }
        if (!lc || !rc)
          return Error(id.pos, "Column '" + id.text + "' is missing from one side of the join");
        ASSIGN_OR_RETURN(BoundExprPtr eq,
                         CompareCall(ast::CompareOp::kEq, MakeColumn(lc->index, lc->type),
                                     MakeColumn(rc->index, rc->type), id.pos));
        terms.push_back(std::move(eq));
        rc->using_hidden = true;
      }
      if (terms.size() == 1) {
        node->condition = std::move(terms[0]);
      } else {
        auto conj = std::make_unique<BoundExpr>(BoundKind::kAnd, Type::Boolean());
        conj->args = std::move(terms);
        node->condition = std::move(conj);
      }
    } else if (t.join_type != ast::JoinType::kCross) {
      return Error(t.pos, "join requires ON or USING");
    }
    node->children.push_back(std::move(left.plan));
    node->children.push_back(std::move(right.plan));
    rel.plan = std::move(node);
    return rel;
  }

  // ---- expressions -------------------------------------------------------------------------

  Result<BoundExprPtr> RequireBoolean(BoundExprPtr e, const std::string& what, SourcePos pos) {
    if (e->type.id() == TypeId::kBoolean) return e;
    if (e->type.id() == TypeId::kUnknown) return Coerce(std::move(e), Type::Boolean(), pos);
    return Error(pos, what + " must evaluate to a boolean: actual type " + e->type.ToString());
  }

  // Implicit coercion of `e` to `to` (the caller checked CanCoerce or wants a cast).
  Result<BoundExprPtr> Coerce(BoundExprPtr e, const Type& to, SourcePos pos) {
    if (e->type == to) return e;
    if (e->kind == BoundKind::kConstant) {
      auto v = CastValue(e->constant, to, false);
      if (v.ok()) {
        auto c = MakeConstant(std::move(*v));
        c->pos = e->pos;
        c->text = e->text;
        return c;
      }
    }
    if (!CanCast(e->type, to)) {
      return Error(pos.valid() ? pos : e->pos,
                   "Cannot cast " + e->type.ToString() + " to " + to.ToString());
    }
    auto cast = std::make_unique<BoundExpr>(BoundKind::kCast, to);
    cast->pos = e->pos;
    cast->text = e->text;
    cast->args.push_back(std::move(e));
    return cast;
  }

  // Folds an expression whose arguments are all constants into a constant. Failures (1/0) are
  // left to run time, where they fail only if a row reaches them.
  BoundExprPtr Fold(BoundExprPtr e) {
    switch (e->kind) {
      case BoundKind::kConstant:
      case BoundKind::kColumn:
      case BoundKind::kLambdaParam:
      case BoundKind::kLambda:
      case BoundKind::kInSubquery:
      case BoundKind::kExists:
      case BoundKind::kScalarSubquery:
      case BoundKind::kAggregate:
      case BoundKind::kWindow:
        return e;
      case BoundKind::kFunction:
        if (!e->function->deterministic) return e;
        break;
      default:
        break;
    }
    for (const auto& a : e->args) {
      if (a->kind != BoundKind::kConstant) return e;
    }
    EvalContext ctx;
    ctx.now_micros = opts_.now_micros;
    auto v = EvaluateConstant(*e, ctx);
    if (!v.ok()) return e;
    auto c = MakeConstant(std::move(*v));
    c->pos = e->pos;
    c->text = e->text;
    return c;
  }

  Result<BoundExprPtr> BindExpr(const ast::Expr& e, ExprContext& ctx) {
    Depth d(this);
    RETURN_IF_ERROR(d.status());
    ASSIGN_OR_RETURN(BoundExprPtr b, BindExprInner(e, ctx));
    if (!b->pos.valid()) b->pos = e.pos;
    if (b->text.empty()) b->text = ast::ToSql(e);
    return b;
  }

  Result<BoundExprPtr> BindExprInner(const ast::Expr& e, ExprContext& ctx) {
    switch (e.kind) {
      case ExprKind::kLiteral:
        return BindLiteral(e);
      case ExprKind::kColumnRef:
        return BindColumnRef(e, ctx);
      case ExprKind::kStar:
        return Error(e.pos, "'*' is only allowed in the select list and in count(*)");
      case ExprKind::kFunction:
        return BindFunction(e, ctx);
      case ExprKind::kNegate: {
        ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], ctx));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(a));
        return CallScalar("$negate", "-", std::move(args), e.pos);
      }
      case ExprKind::kNot: {
        ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], ctx));
        ASSIGN_OR_RETURN(a, RequireBoolean(std::move(a), "NOT operand", e.args[0]->pos));
        auto n = std::make_unique<BoundExpr>(BoundKind::kNot, Type::Boolean());
        n->args.push_back(std::move(a));
        return Fold(std::move(n));
      }
      case ExprKind::kAnd:
      case ExprKind::kOr: {
        auto n = std::make_unique<BoundExpr>(
            e.kind == ExprKind::kAnd ? BoundKind::kAnd : BoundKind::kOr, Type::Boolean());
        for (const auto& a : e.args) {
          ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, ctx));
          ASSIGN_OR_RETURN(
              b, RequireBoolean(std::move(b),
                                e.kind == ExprKind::kAnd ? "AND operand" : "OR operand", a->pos));
          n->args.push_back(std::move(b));
        }
        return Fold(std::move(n));
      }
      case ExprKind::kCompare: {
        ASSIGN_OR_RETURN(BoundExprPtr l, BindExpr(*e.args[0], ctx));
        ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*e.args[1], ctx));
        return CompareCall(e.compare_op, std::move(l), std::move(r), e.pos);
      }
      case ExprKind::kArith: {
        static constexpr const char* kNames[] = {"$add", "$subtract", "$multiply", "$divide",
                                                 "$modulus"};
        ASSIGN_OR_RETURN(BoundExprPtr l, BindExpr(*e.args[0], ctx));
        ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*e.args[1], ctx));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(l));
        args.push_back(std::move(r));
        return CallScalar(kNames[static_cast<int>(e.arith_op)], ast::ArithOpText(e.arith_op),
                          std::move(args), e.pos);
      }
      case ExprKind::kConcat: {
        ASSIGN_OR_RETURN(BoundExprPtr l, BindExpr(*e.args[0], ctx));
        ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*e.args[1], ctx));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(l));
        args.push_back(std::move(r));
        return CallScalar("concat", "||", std::move(args), e.pos);
      }
      case ExprKind::kIsNull: {
        ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], ctx));
        auto n = std::make_unique<BoundExpr>(BoundKind::kIsNull, Type::Boolean());
        n->args.push_back(std::move(a));
        BoundExprPtr out = Fold(std::move(n));
        if (e.negated) out = Negate(std::move(out));
        return out;
      }
      case ExprKind::kIsDistinctFrom: {
        ASSIGN_OR_RETURN(BoundExprPtr l, BindExpr(*e.args[0], ctx));
        ASSIGN_OR_RETURN(BoundExprPtr r, BindExpr(*e.args[1], ctx));
        RETURN_IF_ERROR(CoerceTimestampLiterals(&l, &r));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(l));
        args.push_back(std::move(r));
        ASSIGN_OR_RETURN(BoundExprPtr out, CallScalar("$is_distinct_from", "IS DISTINCT FROM",
                                                      std::move(args), e.pos));
        if (e.negated) out = Negate(std::move(out));
        return out;
      }
      case ExprKind::kBetween: {
        ASSIGN_OR_RETURN(BoundExprPtr v, BindExpr(*e.args[0], ctx));
        ASSIGN_OR_RETURN(BoundExprPtr lo, BindExpr(*e.args[1], ctx));
        ASSIGN_OR_RETURN(BoundExprPtr hi, BindExpr(*e.args[2], ctx));
        RETURN_IF_ERROR(CoerceTimestampLiterals(&v, &lo));
        RETURN_IF_ERROR(CoerceTimestampLiterals(&v, &hi));
        std::vector<BoundExprPtr> args;
        args.push_back(std::move(v));
        args.push_back(std::move(lo));
        args.push_back(std::move(hi));
        ASSIGN_OR_RETURN(BoundExprPtr out,
                         CallScalar("$between", "BETWEEN", std::move(args), e.pos));
        if (e.negated) out = Negate(std::move(out));
        return out;
      }
      case ExprKind::kInList:
        return BindInList(e, ctx);
      case ExprKind::kInSubquery: {
        ASSIGN_OR_RETURN(BoundExprPtr v, BindExpr(*e.args[0], ctx));
        ASSIGN_OR_RETURN(int index, BindSubquery(*e.subquery));
        const PlanNode& plan = *(*subqueries_)[index];
        if (plan.columns.size() != 1) {
          return Error(e.pos,
                       "Multiple columns returned by subquery are not yet supported. Found " +
                           std::to_string(plan.columns.size()));
        }
        auto common = CommonSuperType(v->type, plan.columns[0].type);
        if (!common || !IsComparable(*common)) {
          return Error(e.pos, "Value expression and result of subquery must be of the same type: " +
                                  v->type.ToString() + " vs " + plan.columns[0].type.ToString());
        }
        if (plan.columns[0].type != *common) {
          // Cast the subquery's column inside the subquery plan.
          auto proj = MakeNode(PlanKind::kProject);
          ASSIGN_OR_RETURN(BoundExprPtr c,
                           Coerce(MakeColumn(0, plan.columns[0].type), *common, e.pos));
          proj->exprs.push_back(std::move(c));
          proj->columns.push_back({plan.columns[0].name, *common});
          proj->children.push_back(std::move((*subqueries_)[index]));
          (*subqueries_)[index] = std::move(proj);
        }
        ASSIGN_OR_RETURN(v, Coerce(std::move(v), *common, e.pos));
        auto n = std::make_unique<BoundExpr>(BoundKind::kInSubquery, Type::Boolean());
        n->index = index;
        n->args.push_back(std::move(v));
        BoundExprPtr out = std::move(n);
        if (e.negated) out = Negate(std::move(out));
        return out;
      }
      case ExprKind::kLike: {
        std::vector<BoundExprPtr> args;
        for (const auto& a : e.args) {
          ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, ctx));
          args.push_back(std::move(b));
        }
        ASSIGN_OR_RETURN(BoundExprPtr out, CallScalar("$like", "LIKE", std::move(args), e.pos));
        if (e.negated) out = Negate(std::move(out));
        return out;
      }
      case ExprKind::kCase:
        return BindCase(e, ctx);
      case ExprKind::kCast: {
        ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], ctx));
        ASSIGN_OR_RETURN(Type to, ResolveType(e.type));
        if (!CanCast(a->type, to)) {
          return Error(e.pos, "Cannot cast " + a->type.ToString() + " to " + to.ToString());
        }
        if (a->type == to) return a;
        auto c = std::make_unique<BoundExpr>(BoundKind::kCast, to);
        c->try_cast = e.try_cast;
        c->args.push_back(std::move(a));
        return Fold(std::move(c));
      }
      case ExprKind::kSubscript: {
        ASSIGN_OR_RETURN(BoundExprPtr base, BindExpr(*e.args[0], ctx));
        ASSIGN_OR_RETURN(BoundExprPtr index, BindExpr(*e.args[1], ctx));
        Type result;
        if (base->type.id() == TypeId::kArray) {
          if (!CanCoerce(index->type, Type::Bigint())) {
            return Error(e.args[1]->pos,
                         "Array subscript must be bigint, not " + index->type.ToString());
          }
          ASSIGN_OR_RETURN(index, Coerce(std::move(index), Type::Bigint(), e.pos));
          result = base->type.element();
        } else if (base->type.id() == TypeId::kMap) {
          if (!CanCoerce(index->type, base->type.key())) {
            return Error(e.args[1]->pos, "Map subscript must be " + base->type.key().ToString() +
                                             ", not " + index->type.ToString());
          }
          ASSIGN_OR_RETURN(index, Coerce(std::move(index), base->type.key(), e.pos));
          result = base->type.value();
        } else if (base->type.id() == TypeId::kRow && index->kind == BoundKind::kConstant &&
                   index->type.id() == TypeId::kBigint) {
          int64_t i = index->constant.i64;
          if (i < 1 || static_cast<size_t>(i) > base->type.fields().size()) {
            return Error(e.args[1]->pos, "Invalid row field index: " + std::to_string(i));
          }
          auto f = std::make_unique<BoundExpr>(BoundKind::kFieldAccess,
                                               *base->type.fields()[i - 1].type);
          f->index = static_cast<int>(i - 1);
          f->args.push_back(std::move(base));
          return Fold(std::move(f));
        } else {
          return Error(e.pos, "Cannot use '[]' on a value of type " + base->type.ToString());
        }
        auto s = std::make_unique<BoundExpr>(BoundKind::kSubscript, result);
        s->args.push_back(std::move(base));
        s->args.push_back(std::move(index));
        return Fold(std::move(s));
      }
      case ExprKind::kDereference: {
        ASSIGN_OR_RETURN(BoundExprPtr base, BindExpr(*e.args[0], ctx));
        return FieldAccess(std::move(base), e.names[0], ast::ToSql(*e.args[0]));
      }
      case ExprKind::kLambda:
        return Error(e.pos, "Lambda expression is only allowed as a function argument");
      case ExprKind::kExists: {
        ASSIGN_OR_RETURN(int index, BindSubquery(*e.subquery));
        auto n = std::make_unique<BoundExpr>(BoundKind::kExists, Type::Boolean());
        n->index = index;
        return n;
      }
      case ExprKind::kScalarSubquery: {
        ASSIGN_OR_RETURN(int index, BindSubquery(*e.subquery));
        const PlanNode& plan = *(*subqueries_)[index];
        if (plan.columns.size() != 1) {
          return Error(e.pos,
                       "Multiple columns returned by subquery are not yet supported. Found " +
                           std::to_string(plan.columns.size()));
        }
        auto n = std::make_unique<BoundExpr>(BoundKind::kScalarSubquery, plan.columns[0].type);
        n->index = index;
        return n;
      }
      case ExprKind::kArray: {
        std::vector<BoundExprPtr> args;
        for (const auto& a : e.args) {
          ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, ctx));
          args.push_back(std::move(b));
        }
        return CallScalar("$array", "ARRAY", std::move(args), e.pos);
      }
      case ExprKind::kRow: {
        std::vector<BoundExprPtr> args;
        for (const auto& a : e.args) {
          ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, ctx));
          args.push_back(std::move(b));
        }
        return CallScalar("$row", "ROW", std::move(args), e.pos);
      }
      case ExprKind::kInterval: {
        ASSIGN_OR_RETURN(Value v, IntervalValue(e));
        return MakeConstant(std::move(v));
      }
    }
    return Error(e.pos, "unsupported expression");
  }

  static BoundExprPtr Negate(BoundExprPtr e) {
    if (e->kind == BoundKind::kConstant && e->type.id() == TypeId::kBoolean) {
      if (!e->constant.is_null) e->constant.boolean = !e->constant.boolean;
      return e;
    }
    auto n = std::make_unique<BoundExpr>(BoundKind::kNot, Type::Boolean());
    n->pos = e->pos;
    n->args.push_back(std::move(e));
    return n;
  }

  static Result<BoundExprPtr> BindLiteral(const ast::Expr& e) {
    const ast::Literal& l = e.literal;
    switch (l.kind) {
      case ast::Literal::Kind::kNull:
        return MakeConstant(Value::Null(Type::Unknown()));
      case ast::Literal::Kind::kBoolean:
        return MakeConstant(Value::Boolean(l.boolean));
      case ast::Literal::Kind::kInteger:
        return MakeConstant(Value::Bigint(l.integer));
      case ast::Literal::Kind::kDecimal:
      case ast::Literal::Kind::kDouble:
        return MakeConstant(Value::Double(l.dbl));
      case ast::Literal::Kind::kString:
        return MakeConstant(Value::Varchar(l.text));
    }
    return Error(e.pos, "unsupported literal");
  }

  Result<BoundExprPtr> FieldAccess(BoundExprPtr base, const ast::Identifier& field,
                                   const std::string& base_text) {
    const Type& t = base->type;
    if (t.id() == TypeId::kRow) {
      int i = t.FieldIndex(field.text);
      // AWS publishes useridentity.inscopeof.credentiaisissuedto (sic); accept it too.
      if (i < 0 && EqualsIgnoreCase(field.text, "credentiaisissuedto"))
        i = t.FieldIndex("credentialsissuedto");
      if (i < 0) {
        return Error(field.pos, "Column '" + base_text + "." + field.text + "' cannot be resolved");
      }
      auto f = std::make_unique<BoundExpr>(BoundKind::kFieldAccess, *t.fields()[i].type);
      f->index = i;
      f->pos = field.pos;
      f->args.push_back(std::move(base));
      return Fold(std::move(f));
    }
    if (t.id() == TypeId::kMap) {
      return Error(field.pos, "'" + base_text + "' is a map: use element_at(" + base_text + ", '" +
                                  field.text + "') to read a key");
    }
    if (t.id() == TypeId::kArray) {
      return Error(field.pos, "'" + base_text + "' is an array: use element_at(" + base_text +
                                  ", 1)." + field.text + " or CROSS JOIN UNNEST(" + base_text +
                                  ")");
    }
    return Error(field.pos, "Expression " + base_text + " is not of type ROW");
  }

  Result<BoundExprPtr> BindColumnRef(const ast::Expr& e, ExprContext& ctx) {
    const auto& names = e.names;
    std::string first = Lower(names[0].text);
    auto rest = [&](BoundExprPtr base, size_t from, std::string base_text) -> Result<BoundExprPtr> {
      for (size_t i = from; i < names.size(); ++i) {
        ASSIGN_OR_RETURN(base, FieldAccess(std::move(base), names[i], base_text));
        base_text += "." + names[i].text;
      }
      return base;
    };
    // Lambda parameters, innermost first.
    for (size_t f = ctx.lambdas.size(); f-- > 0;) {
      const LambdaFrame& frame = ctx.lambdas[f];
      for (size_t p = 0; p < frame.names.size(); ++p) {
        if (frame.names[p] != first) continue;
        auto param = std::make_unique<BoundExpr>(BoundKind::kLambdaParam, frame.types[p]);
        param->depth = static_cast<int>(ctx.lambdas.size() - 1 - f);
        param->index = static_cast<int>(p);
        param->text = names[0].text;
        return rest(std::move(param), 1, names[0].text);
      }
    }
    // ORDER BY may name a select output inside an expression.
    if (ctx.outputs && names.size() == 1) {
      ASSIGN_OR_RETURN(int match, MatchOutput(*ctx.outputs, names[0]));
      if (match >= 0) return (*ctx.outputs)[match].expr->Clone();
    }
    const Scope& scope = *ctx.scope;
    // Qualified by a relation alias.
    if (names.size() >= 2) {
      for (const ScopeRelation& r : scope.relations) {
        if (r.alias.empty() || r.alias != first) continue;
        std::string second = Lower(names[1].text);
        for (const ScopeColumn& c : r.columns) {
          if (c.name != second) continue;
          auto col = MakeColumn(c.index, c.type);
          col->text = names[0].text + "." + names[1].text;
          std::string text = col->text;  // not col->text in the call: col may be moved first
          return rest(std::move(col), 2, text);
        }
      }
    }
    const ScopeColumn* found = nullptr;
    for (const ScopeRelation& r : scope.relations) {
      for (const ScopeColumn& c : r.columns) {
        if (c.using_hidden || c.name.empty() || c.name != first) continue;
        if (found && found->index != c.index) {
          return Error(names[0].pos, "Column '" + names[0].text + "' is ambiguous");
        }
        found = &c;
      }
    }
    if (found == nullptr) {
      return Error(e.pos, "Column '" + PathText(names) + "' cannot be resolved");
    }
    auto col = MakeColumn(found->index, found->type);
    col->text = names[0].text;
    return rest(std::move(col), 1, names[0].text);
  }

  // Reads a varchar constant compared with a timestamp (or date) as a timestamp (date), as the
  // Lake does for eventTime > '2023-01-22 00:00:00'.
  Status CoerceTimestampLiteral(const BoundExpr& other, BoundExprPtr* lit) {
    const Type& t = other.type;
    BoundExpr& l = **lit;
    if (l.kind != BoundKind::kConstant || l.type.id() != TypeId::kVarchar || l.constant.is_null) {
      return Status::OK();
    }
    if (t.id() == TypeId::kTimestamp) {
      int64_t micros;
      if (!datetime::ParseTimestamp(l.constant.str, &micros)) {
        return Error(l.pos, "'" + l.constant.str +
                                "' is not a valid timestamp literal (expected "
                                "YYYY-MM-DD, YYYY-MM-DD HH:MM:SS[.fff] or ISO 8601)");
      }
      auto c = MakeConstant(Value::Timestamp(micros));
      c->pos = l.pos;
      c->text = l.text;
      *lit = std::move(c);
    } else if (t.id() == TypeId::kDate) {
      int64_t days;
      if (!datetime::ParseDate(l.constant.str, &days)) {
        return Error(l.pos,
                     "'" + l.constant.str + "' is not a valid date literal (expected YYYY-MM-DD)");
      }
      auto c = MakeConstant(Value::Date(days));
      c->pos = l.pos;
      *lit = std::move(c);
    }
    return Status::OK();
  }

  Status CoerceTimestampLiterals(BoundExprPtr* a, BoundExprPtr* b) {
    RETURN_IF_ERROR(CoerceTimestampLiteral(**a, b));
    return CoerceTimestampLiteral(**b, a);
  }

  Result<BoundExprPtr> CompareCall(ast::CompareOp op, BoundExprPtr l, BoundExprPtr r,
                                   SourcePos pos) {
    static constexpr const char* kNames[] = {"$eq", "$ne", "$lt", "$le", "$gt", "$ge"};
    RETURN_IF_ERROR(CoerceTimestampLiterals(&l, &r));
    std::vector<BoundExprPtr> args;
    args.push_back(std::move(l));
    args.push_back(std::move(r));
    return CallScalar(kNames[static_cast<int>(op)], ast::CompareOpText(op), std::move(args), pos);
  }

  Result<BoundExprPtr> BindInList(const ast::Expr& e, ExprContext& ctx) {
    ASSIGN_OR_RETURN(BoundExprPtr v, BindExpr(*e.args[0], ctx));
    std::vector<BoundExprPtr> items;
    Type common = v->type;
    for (size_t i = 1; i < e.args.size(); ++i) {
      ASSIGN_OR_RETURN(BoundExprPtr item, BindExpr(*e.args[i], ctx));
      RETURN_IF_ERROR(CoerceTimestampLiteral(*v, &item));
      auto c = CommonSuperType(common, item->type);
      if (!c) {
        return Error(e.args[i]->pos, "IN value and list items must be the same type: " +
                                         v->type.ToString() + " vs " + item->type.ToString());
      }
      common = *c;
      items.push_back(std::move(item));
    }
    if (!IsComparable(common))
      return Error(e.pos, "Type " + common.ToString() + " is not comparable");
    auto n = std::make_unique<BoundExpr>(BoundKind::kInList, Type::Boolean());
    ASSIGN_OR_RETURN(v, Coerce(std::move(v), common, e.pos));
    n->args.push_back(std::move(v));
    for (auto& item : items) {
      ASSIGN_OR_RETURN(item, Coerce(std::move(item), common, e.pos));
      n->args.push_back(std::move(item));
    }
    BoundExprPtr out = Fold(std::move(n));
    if (e.negated) out = Negate(std::move(out));
    return out;
  }

  Result<BoundExprPtr> BindCase(const ast::Expr& e, ExprContext& ctx) {
    size_t i = 0;
    BoundExprPtr operand;
    if (e.has_operand) {
      ASSIGN_OR_RETURN(operand, BindExpr(*e.args[0], ctx));
      i = 1;
    }
    size_t pairs_end = e.args.size() - (e.has_else ? 1 : 0);
    std::vector<BoundExprPtr> whens, thens;
    for (; i + 1 < pairs_end + 1 && i < pairs_end; i += 2) {
      ASSIGN_OR_RETURN(BoundExprPtr w, BindExpr(*e.args[i], ctx));
      if (operand) {
        ASSIGN_OR_RETURN(
            w, CompareCall(ast::CompareOp::kEq, operand->Clone(), std::move(w), e.args[i]->pos));
      } else {
        ASSIGN_OR_RETURN(w, RequireBoolean(std::move(w), "CASE WHEN clause", e.args[i]->pos));
      }
      ASSIGN_OR_RETURN(BoundExprPtr t, BindExpr(*e.args[i + 1], ctx));
      whens.push_back(std::move(w));
      thens.push_back(std::move(t));
    }
    BoundExprPtr otherwise;
    if (e.has_else) {
      ASSIGN_OR_RETURN(otherwise, BindExpr(*e.args.back(), ctx));
    } else {
      otherwise = MakeConstant(Value::Null(Type::Unknown()));
    }
    return MakeCase(std::move(whens), std::move(thens), std::move(otherwise), e.pos);
  }

  Result<BoundExprPtr> MakeCase(std::vector<BoundExprPtr> whens, std::vector<BoundExprPtr> thens,
                                BoundExprPtr otherwise, SourcePos pos) {
    Type type = otherwise->type;
    for (const auto& t : thens) {
      auto c = CommonSuperType(type, t->type);
      if (!c) {
        return Error(pos,
                     "All CASE results must be the same type or coercible to a common type. "
                     "Cannot find common type between " +
                         type.ToString() + " and " + t->type.ToString());
      }
      type = *c;
    }
    auto n = std::make_unique<BoundExpr>(BoundKind::kCase, type);
    n->pos = pos;
    for (size_t k = 0; k < whens.size(); ++k) {
      n->args.push_back(std::move(whens[k]));
      ASSIGN_OR_RETURN(BoundExprPtr t, Coerce(std::move(thens[k]), type, pos));
      n->args.push_back(std::move(t));
    }
    ASSIGN_OR_RETURN(otherwise, Coerce(std::move(otherwise), type, pos));
    n->args.push_back(std::move(otherwise));
    // A constant condition picks its branch now.
    while (n->args.size() > 1 && n->args[0]->kind == BoundKind::kConstant) {
      const Value& c = n->args[0]->constant;
      if (!c.is_null && c.boolean) return std::move(n->args[1]);
      n->args.erase(n->args.begin(), n->args.begin() + 2);
    }
    if (n->args.size() == 1) return std::move(n->args[0]);
    return n;
  }

  // Binds a subquery (uncorrelated) and registers its plan. Returns its index.
  Result<int> BindSubquery(const ast::Query& q) {
    SelectCalls* saved = calls_;
    calls_ = nullptr;
    auto rel = BindQuery(q);
    calls_ = saved;
    if (!rel.ok()) return rel.status();
    subqueries_->push_back(std::move(rel->plan));
    return static_cast<int>(subqueries_->size() - 1);
  }

  // Calls a registered scalar function on bound arguments: resolves, coerces and folds.
  Result<BoundExprPtr> CallScalar(std::string_view name, std::string_view shown,
                                  std::vector<BoundExprPtr> args, SourcePos pos) {
    const FunctionRegistry& reg = FunctionRegistry::Get();
    const ScalarFunctionDef* def = reg.FindScalar(name);
    if (def == nullptr) return Error(pos, "Function '" + std::string(shown) + "' not registered");
    BindArgs in;
    in.name = shown;
    in.pos = pos;
    for (const auto& a : args) {
      in.types.push_back(a->type);
      in.constants.push_back(a->kind == BoundKind::kConstant ? &a->constant : nullptr);
    }
    ASSIGN_OR_RETURN(BoundFunction f, reg.BindScalar(*def, in));
    auto call = std::make_unique<BoundExpr>(BoundKind::kFunction, f.result_type);
    call->pos = pos;
    for (size_t i = 0; i < args.size(); ++i) {
      if (args[i]->type.id() == TypeId::kFunction) {
        call->args.push_back(std::move(args[i]));
        continue;
      }
      const Type& want = i < f.arg_types.size() ? f.arg_types[i] : args[i]->type;
      ASSIGN_OR_RETURN(BoundExprPtr a, Coerce(std::move(args[i]), want, pos));
      call->args.push_back(std::move(a));
    }
    call->function = std::make_shared<const BoundFunction>(std::move(f));
    return Fold(std::move(call));
  }

  Result<BoundExprPtr> BindFunction(const ast::Expr& e, ExprContext& ctx) {
    const FunctionRegistry& reg = FunctionRegistry::Get();
    const std::string& written = e.names[0].text;
    std::string name = Lower(written);
    if (e.over) return BindWindowCall(e, ctx);
    if (const AggregateFunctionDef* agg = reg.FindAggregate(name))
      return BindAggregate(e, *agg, ctx);
    if (reg.IsWindowFunction(name)) {
      return Error(e.pos, "Window function '" + written + "' requires an OVER clause");
    }
    if (e.distinct || e.filter || !e.agg_order.empty() || e.star_arg) {
      if (!reg.FindScalar(name)) return Error(e.pos, "Function '" + written + "' not registered");
      return Error(e.pos, std::string(e.star_arg   ? "'*'"
                                      : e.distinct ? "DISTINCT"
                                      : e.filter   ? "FILTER"
                                                   : "ORDER BY") +
                              " is only allowed in aggregate calls; " + written +
                              " is not an aggregate function");
    }
    // Special forms.
    if (name == "coalesce") {
      if (e.args.empty()) return Error(e.pos, "coalesce requires at least one argument");
      std::vector<BoundExprPtr> args;
      Type type = Type::Unknown();
      for (const auto& a : e.args) {
        ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, ctx));
        auto c = CommonSuperType(type, b->type);
        if (!c)
          return Error(a->pos, "All COALESCE operands must be the same type: " + type.ToString() +
                                   " vs " + b->type.ToString());
        type = *c;
        args.push_back(std::move(b));
      }
      auto n = std::make_unique<BoundExpr>(BoundKind::kCoalesce, type);
      for (auto& a : args) {
        ASSIGN_OR_RETURN(BoundExprPtr b, Coerce(std::move(a), type, e.pos));
        n->args.push_back(std::move(b));
      }
      return Fold(std::move(n));
    }
    if (name == "if") {
      if (e.args.size() < 2 || e.args.size() > 3) {
        return Error(
            e.pos,
            "Unexpected parameters for function if. Expected: if(boolean, T) or if(boolean, T, T)");
      }
      ASSIGN_OR_RETURN(BoundExprPtr c, BindExpr(*e.args[0], ctx));
      ASSIGN_OR_RETURN(c, RequireBoolean(std::move(c), "IF condition", e.args[0]->pos));
      ASSIGN_OR_RETURN(BoundExprPtr t, BindExpr(*e.args[1], ctx));
      BoundExprPtr f;
      if (e.args.size() == 3) {
        ASSIGN_OR_RETURN(f, BindExpr(*e.args[2], ctx));
      } else {
        f = MakeConstant(Value::Null(Type::Unknown()));
      }
      std::vector<BoundExprPtr> whens, thens;
      whens.push_back(std::move(c));
      thens.push_back(std::move(t));
      return MakeCase(std::move(whens), std::move(thens), std::move(f), e.pos);
    }
    if (name == "nullif") {
      if (e.args.size() != 2)
        return Error(e.pos, "Unexpected parameters for function nullif. Expected: nullif(T, T)");
      ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], ctx));
      ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*e.args[1], ctx));
      ASSIGN_OR_RETURN(BoundExprPtr eq,
                       CompareCall(ast::CompareOp::kEq, a->Clone(), std::move(b), e.pos));
      std::vector<BoundExprPtr> whens, thens;
      whens.push_back(std::move(eq));
      thens.push_back(MakeConstant(Value::Null(a->type)));
      return MakeCase(std::move(whens), std::move(thens), std::move(a), e.pos);
    }
    if (name == "try") {
      if (e.args.size() != 1)
        return Error(e.pos, "Unexpected parameters for function try. Expected: try(T)");
      ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], ctx));
      auto n = std::make_unique<BoundExpr>(BoundKind::kTry, a->type);
      n->args.push_back(std::move(a));
      return Fold(std::move(n));
    }
    if (name == "typeof") {
      if (e.args.size() != 1)
        return Error(e.pos, "Unexpected parameters for function typeof. Expected: typeof(T)");
      ASSIGN_OR_RETURN(BoundExprPtr a, BindExpr(*e.args[0], ctx));
      return MakeConstant(Value::Varchar(a->type.ToString()));
    }
    const ScalarFunctionDef* def = reg.FindScalar(name);
    if (def == nullptr || name[0] == '$') {
      return Error(e.pos, "Function '" + written + "' not registered");
    }
    // Arguments: lambdas last, once the other argument types are known.
    std::vector<BoundExprPtr> args(e.args.size());
    std::vector<Type> types(e.args.size(), Type::Unknown());
    for (size_t i = 0; i < e.args.size(); ++i) {
      if (e.args[i]->kind == ExprKind::kLambda) continue;
      ASSIGN_OR_RETURN(args[i], BindExpr(*e.args[i], ctx));
      types[i] = args[i]->type;
    }
    size_t lambda_index = 0;
    for (size_t i = 0; i < e.args.size(); ++i) {
      const ast::Expr& a = *e.args[i];
      if (a.kind != ExprKind::kLambda) continue;
      if (def->lambda_types == nullptr) {
        return Error(a.pos, "Function '" + written + "' does not take a lambda expression");
      }
      ASSIGN_OR_RETURN(std::vector<Type> params, def->lambda_types(lambda_index++, types, a.pos));
      if (params.size() != a.names.size()) {
        return Error(a.pos, "Expected a lambda that takes " + std::to_string(params.size()) +
                                " argument(s) but got " + std::to_string(a.names.size()));
      }
      LambdaFrame frame;
      for (size_t p = 0; p < params.size(); ++p) frame.names.push_back(Lower(a.names[p].text));
      frame.types = params;
      ctx.lambdas.push_back(std::move(frame));
      auto body = BindExpr(*a.args[0], ctx);
      ctx.lambdas.pop_back();
      if (!body.ok()) return body.status();
      if (ContainsKind(**body, BoundKind::kAggregate)) {
        return Error(a.pos, "Lambda expressions cannot contain aggregations");
      }
      Type ftype = Type::Function(params, (*body)->type);
      auto lambda = std::make_unique<BoundExpr>(BoundKind::kLambda, ftype);
      lambda->pos = a.pos;
      lambda->args.push_back(std::move(*body));
      args[i] = std::move(lambda);
      types[i] = ftype;
    }
    return CallScalar(name, written, std::move(args), e.pos);
  }

  Result<BoundExprPtr> BindAggregate(const ast::Expr& e, const AggregateFunctionDef& def,
                                     ExprContext& ctx) {
    const std::string& written = e.names[0].text;
    if (!ctx.allow_aggregates || calls_ == nullptr) {
      return Error(e.pos, ctx.clause +
                              " clause cannot contain aggregations or window functions: [" +
                              ast::ToSql(e) + "]");
    }
    ExprContext inner = ctx;
    inner.allow_aggregates = false;
    inner.allow_windows = false;
    inner.clause = "aggregate argument of '" + written + "'";
    inner.outputs = nullptr;
    AggregateCall call;
    call.distinct = e.distinct;
    call.text = ast::ToSql(e);
    BindArgs in;
    in.name = written;
    in.pos = e.pos;
    if (e.star_arg) {
      if (def.kind != AggregateKind::kCount) {
        return Error(e.pos, "'*' is only allowed in count(*), not in " + written);
      }
    }
    for (const auto& a : e.args) {
      auto b = BindExpr(*a, inner);
      if (!b.ok()) {
        if (ContainsAggregateCall(*a)) {
          return Error(a->pos, "Cannot nest aggregations inside aggregation '" + written + "': [" +
                                   ast::ToSql(*a) + "]");
        }
        return b.status();
      }
      in.types.push_back((*b)->type);
      in.constants.push_back((*b)->kind == BoundKind::kConstant ? &(*b)->constant : nullptr);
      call.args.push_back(std::move(*b));
    }
    ASSIGN_OR_RETURN(call.function, def.bind(in));
    if (e.star_arg) call.function.kind = AggregateKind::kCountStar;
    for (size_t i = 0; i < call.args.size() && i < call.function.arg_types.size(); ++i) {
      ASSIGN_OR_RETURN(call.args[i],
                       Coerce(std::move(call.args[i]), call.function.arg_types[i], e.pos));
    }
    if (e.distinct) {
      for (const auto& a : call.args) {
        if (!IsComparable(a->type))
          return Error(e.pos, "DISTINCT on a type that is not comparable: " + a->type.ToString());
      }
    }
    if (e.filter) {
      ASSIGN_OR_RETURN(BoundExprPtr f, BindExpr(*e.filter, inner));
      ASSIGN_OR_RETURN(call.filter, RequireBoolean(std::move(f), "FILTER clause", e.filter->pos));
    }
    for (const ast::OrderItem& o : e.agg_order) {
      ASSIGN_OR_RETURN(BoundExprPtr oe, BindExpr(*o.expr, inner));
      RETURN_IF_ERROR(CheckOrderable(*oe, o.expr->pos));
      SortKey key;
      key.column = static_cast<int>(call.order_exprs.size());
      key.descending = o.order == ast::SortOrder::kDesc;
      key.nulls_first = o.nulls == ast::NullsOrder::kFirst;
      call.order.push_back(key);
      call.order_exprs.push_back(std::move(oe));
    }
    // Reuse an identical call (count(*) in SELECT and ORDER BY is computed once).
    int index = -1;
    for (size_t i = 0; i < calls_->aggregates.size(); ++i) {
      const AggregateCall& c = calls_->aggregates[i];
      if (c.function.name != call.function.name || c.function.kind != call.function.kind ||
          c.distinct != call.distinct || c.args.size() != call.args.size() || c.filter ||
          call.filter || !c.order.empty() || !call.order.empty()) {
        continue;
      }
      bool same = true;
      for (size_t k = 0; k < c.args.size(); ++k) same &= c.args[k]->SameAs(*call.args[k]);
      if (same) {
        index = static_cast<int>(i);
        break;
      }
    }
    Type type = call.function.result_type;
    if (index < 0) {
      index = static_cast<int>(calls_->aggregates.size());
      calls_->aggregates.push_back(std::move(call));
    }
    auto n = std::make_unique<BoundExpr>(BoundKind::kAggregate, type);
    n->call = index;
    return n;
  }

  static bool ContainsAggregateCall(const ast::Expr& e) {
    if (e.kind == ExprKind::kFunction && FunctionRegistry::Get().FindAggregate(e.names[0].text) &&
        !e.over) {
      return true;
    }
    for (const auto& a : e.args) {
      if (a && ContainsAggregateCall(*a)) return true;
    }
    return false;
  }

  Result<BoundExprPtr> BindWindowCall(const ast::Expr& e, ExprContext& ctx) {
    const FunctionRegistry& reg = FunctionRegistry::Get();
    const std::string& written = e.names[0].text;
    if (!ctx.allow_windows || calls_ == nullptr) {
      return Error(e.pos, ctx.clause +
                              " clause cannot contain aggregations or window functions: [" +
                              ast::ToSql(e) + "]");
    }
    if (e.filter) return Error(e.pos, "FILTER is not supported for window functions");
    if (e.distinct) return Error(e.pos, "DISTINCT in window function parameters not yet supported");
    ExprContext inner = ctx;
    inner.allow_windows = false;
    inner.outputs = nullptr;
    inner.clause = "window function argument";
    WindowCall call;
    BindArgs in;
    in.name = written;
    in.pos = e.pos;
    std::vector<BoundExprPtr> args;
    for (const auto& a : e.args) {
      ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*a, inner));
      in.types.push_back(b->type);
      in.constants.push_back(b->kind == BoundKind::kConstant ? &b->constant : nullptr);
      args.push_back(std::move(b));
    }
    const std::vector<Type>* arg_types;
    if (const AggregateFunctionDef* agg = reg.FindAggregate(written)) {
      call.is_aggregate = true;
      ASSIGN_OR_RETURN(call.aggregate, agg->bind(in));
      if (e.star_arg) call.aggregate.kind = AggregateKind::kCountStar;
      call.type = call.aggregate.result_type;
      arg_types = &call.aggregate.arg_types;
    } else if (reg.IsWindowFunction(written)) {
      ASSIGN_OR_RETURN(call.function, reg.BindWindow(in));
      call.type = call.function.result_type;
      arg_types = &call.function.arg_types;
    } else {
      return Error(e.pos,
                   "Function '" + written + "' not registered as a window or aggregate function");
    }
    for (size_t i = 0; i < args.size() && i < arg_types->size(); ++i) {
      ASSIGN_OR_RETURN(args[i], Coerce(std::move(args[i]), (*arg_types)[i], e.pos));
    }
    call.args = std::move(args);
    // Partition and order expressions see the same rows as the select list (aggregates allowed).
    ExprContext spec = ctx;
    spec.allow_windows = false;
    spec.outputs = nullptr;
    spec.clause = "window specification";
    for (const auto& p : e.over->partition_by) {
      ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*p, spec));
      call.partition_by.push_back(std::move(b));
    }
    for (const ast::OrderItem& o : e.over->order_by) {
      ASSIGN_OR_RETURN(BoundExprPtr b, BindExpr(*o.expr, spec));
      RETURN_IF_ERROR(CheckOrderable(*b, o.expr->pos));
      SortKey key;
      key.column = static_cast<int>(call.order_exprs.size());
      key.descending = o.order == ast::SortOrder::kDesc;
      key.nulls_first = o.nulls == ast::NullsOrder::kFirst;
      call.order.push_back(key);
      call.order_exprs.push_back(std::move(b));
    }
    if (e.over->frame) {
      const ast::WindowFrame& f = *e.over->frame;
      call.frame.explicit_frame = true;
      call.frame.unit = f.unit;
      call.frame.start = f.start.kind;
      call.frame.end = f.end ? f.end->kind : ast::FrameBound::Kind::kCurrentRow;
      auto offset = [&](const ast::FrameBound& b, int64_t* out) -> Status {
        if (!b.offset) return Status::OK();
        ExprContext none;
        Scope empty;
        none.scope = &empty;
        none.clause = "window frame";
        ASSIGN_OR_RETURN(BoundExprPtr v, BindExpr(*b.offset, none));
        if (v->kind != BoundKind::kConstant || v->type.id() != TypeId::kBigint ||
            v->constant.is_null || v->constant.i64 < 0) {
          return Error(b.offset->pos,
                       "Window frame offset must be a non-negative integer constant");
        }
        *out = v->constant.i64;
        return Status::OK();
      };
      RETURN_IF_ERROR(offset(f.start, &call.frame.start_offset));
      if (f.end) RETURN_IF_ERROR(offset(*f.end, &call.frame.end_offset));
    }
    Type type = call.type;
    int index = static_cast<int>(calls_->windows.size());
    calls_->windows.push_back(std::move(call));
    auto n = std::make_unique<BoundExpr>(BoundKind::kWindow, type);
    n->call = index;
    return n;
  }

  Result<Type> ResolveType(const ast::TypeName& t) {
    Depth d(this);
    RETURN_IF_ERROR(d.status());
    const std::string& n = t.name;
    auto bad = [&]() { return Error(t.pos, "Unknown type: " + ast::ToSql(t)); };
    if (n == "varchar" || n == "char" || n == "string") return Type::Varchar();
    if (n == "bigint" || n == "integer" || n == "int" || n == "smallint" || n == "tinyint") {
      if (!t.numbers.empty()) return bad();
      return Type::Bigint();
    }
    if (n == "double" || n == "real" || n == "float" || n == "decimal" || n == "numeric")
      return Type::Double();
    if (n == "boolean") return Type::Boolean();
    if (n == "timestamp") return Type::Timestamp();
    if (n == "date") return Type::Date();
    if (n == "json") return Type::Json();
    if (n == "interval day to second") return Type::IntervalDayTime();
    if (n == "interval year to month") return Type::IntervalYearMonth();
    if (n == "array") {
      ASSIGN_OR_RETURN(Type e, ResolveType(t.params[0]));
      return Type::Array(std::move(e));
    }
    if (n == "map") {
      ASSIGN_OR_RETURN(Type k, ResolveType(t.params[0]));
      ASSIGN_OR_RETURN(Type v, ResolveType(t.params[1]));
      if (k.id() != TypeId::kVarchar) {
        return Error(t.pos, "map keys must be varchar in this dialect (maps are JSON objects): " +
                                ast::ToSql(t));
      }
      return Type::Map(std::move(k), std::move(v));
    }
    if (n == "row") {
      std::vector<std::pair<std::string, Type>> fields;
      for (size_t i = 0; i < t.params.size(); ++i) {
        ASSIGN_OR_RETURN(Type ft, ResolveType(t.params[i]));
        fields.emplace_back(t.fields[i], std::move(ft));
      }
      return Type::Row(std::move(fields));
    }
    return bad();
  }

  const BindOptions& opts_;
  std::vector<PlanPtr>* subqueries_;
  std::vector<std::vector<const ast::Cte*>> cte_scopes_;
  SelectCalls* calls_ = nullptr;
  int depth_ = 0;
  int plan_nodes_ = 0;
};

}  // namespace

Result<BoundQuery> Bind(const ast::Query& query, const BindOptions& options) {
  BoundQuery out;
  Binder binder(options, &out.subqueries);
  ASSIGN_OR_RETURN(Relation rel, binder.BindQuery(query));
  out.root = std::move(rel.plan);
  for (const PlanColumn& c : out.root->columns) {
    out.column_names.push_back(c.name);
    out.column_types.push_back(c.type);
  }
  return out;
}

Result<BoundQuery> ParseAndBind(std::string_view sql, const BindOptions& options) {
  ASSIGN_OR_RETURN(auto query, ParseStatement(sql));
  return Bind(*query, options);
}

std::optional<TableInfo> FixedTableResolver::Resolve(std::string_view name) const {
  for (const auto& [id, family] : tables_) {
    if (id == name) return TableInfo{id, &SchemaFor(family)};
  }
  return std::nullopt;
}

}  // namespace cairn::sql
