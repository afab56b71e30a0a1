#include "sql/planner.h"

#include <map>
#include <set>

#include "sql/functions/like.h"

namespace cairn::sql {
namespace {

// ---- expression helpers -----------------------------------------------------------------------

void Flatten(BoundExprPtr e, std::vector<BoundExprPtr>* out) {
  if (e->kind == BoundKind::kAnd) {
    for (auto& a : e->args) Flatten(std::move(a), out);
  } else {
    out->push_back(std::move(e));
  }
}

BoundExprPtr Conjoin(std::vector<BoundExprPtr> terms) {
  if (terms.empty()) return nullptr;
  if (terms.size() == 1) return std::move(terms[0]);
  auto e = std::make_unique<BoundExpr>(BoundKind::kAnd, Type::Boolean());
  e->args = std::move(terms);
  return e;
}

bool Within(const BoundExpr& e, int lo, int hi) {
  if (e.kind == BoundKind::kColumn && (e.index < lo || e.index >= hi)) return false;
  for (const auto& a : e.args) {
    if (!Within(*a, lo, hi)) return false;
  }
  return true;
}

bool HasVolatile(const BoundExpr& e) {
  if (e.kind == BoundKind::kFunction && !e.function->deterministic) return true;
  if (e.kind == BoundKind::kAggregate || e.kind == BoundKind::kWindow) return true;
  for (const auto& a : e.args) {
    if (HasVolatile(*a)) return true;
  }
  return false;
}

void Shift(BoundExpr* e, int delta) {
  if (e->kind == BoundKind::kColumn) e->index += delta;
  for (auto& a : e->args) Shift(a.get(), delta);
}

// Replaces column references by the projection's expressions (to move a filter below it).
BoundExprPtr Substitute(const BoundExpr& e, const std::vector<BoundExprPtr>& exprs) {
  if (e.kind == BoundKind::kColumn) return exprs[static_cast<size_t>(e.index)]->Clone();
  BoundExprPtr c = e.Clone();
  for (size_t i = 0; i < c->args.size(); ++i) c->args[i] = Substitute(*e.args[i], exprs);
  return c;
}

// The leaf path a (possibly nested) column reference reads: Column(i) or FieldAccess chains over
// it.
bool LeafPath(const BoundExpr& e, const PlanNode& scan, std::string* path) {
  std::vector<std::string> fields;
  const BoundExpr* cur = &e;
  while (cur->kind == BoundKind::kFieldAccess) {
    const BoundExpr& base = *cur->args[0];
    if (base.type.id() != TypeId::kRow) return false;
    fields.push_back(base.type.fields()[static_cast<size_t>(cur->index)].name);
    cur = &base;
  }
  if (cur->kind != BoundKind::kColumn) return false;
  *path = scan.scan_columns[static_cast<size_t>(cur->index)].path;
  for (size_t k = fields.size(); k-- > 0;) *path += "." + fields[k];
  return true;
}

// ---- column use
// ----------------------------------------------------------------------------------

// What a parent needs of one column: nothing, the whole value, or some struct fields.
struct Need {
  bool whole = false;
  std::set<std::string> fields;  // dotted paths below the column
  bool any() const { return whole || !fields.empty(); }
  void Merge(const Need& o) {
    whole |= o.whole;
    fields.insert(o.fields.begin(), o.fields.end());
  }
};
using Needs = std::vector<Need>;

// Records the columns (and struct fields) `e` reads.
void Use(const BoundExpr& e, Needs* needs) {
  std::vector<std::string> fields;
  const BoundExpr* cur = &e;
  while (cur->kind == BoundKind::kFieldAccess && cur->args[0]->type.id() == TypeId::kRow) {
    fields.push_back(cur->args[0]->type.fields()[static_cast<size_t>(cur->index)].name);
    cur = cur->args[0].get();
  }
  if (cur->kind == BoundKind::kColumn && !fields.empty()) {
    std::string path;
    for (size_t k = fields.size(); k-- > 0;) path += (path.empty() ? "" : ".") + fields[k];
    (*needs)[static_cast<size_t>(cur->index)].fields.insert(path);
    return;
  }
  if (e.kind == BoundKind::kColumn) {
    (*needs)[static_cast<size_t>(e.index)].whole = true;
    return;
  }
  for (const auto& a : e.args) Use(*a, needs);
}

// ---- predicate pushdown -----------------------------------------------------------------------

// Translates one conjunct into a ScanFilter condition when the store can evaluate it exactly.
bool ToScanFilter(const BoundExpr& e, PlanNode* scan) {
  ScanFilter& f = scan->scan_filter;
  const TableSchema& schema = *scan->table.schema;
  auto pushable = [&](const std::string& path) { return schema.StoreColumn(path).has_value(); };
  auto string_constant = [](const BoundExpr& c, std::string* out) {
    if (c.kind != BoundKind::kConstant || c.constant.is_null || c.type.id() != TypeId::kVarchar)
      return false;
    *out = c.constant.str;
    return true;
  };
  std::string path;
  // eventTime ranges.
  if (e.kind == BoundKind::kFunction) {
    const std::string& fn = e.function->name;
    auto time_bound = [&](const BoundExpr& col, const BoundExpr& c, const std::string& op) {
      if (!LeafPath(col, *scan, &path) || path != "eventtime" || c.kind != BoundKind::kConstant ||
          c.constant.is_null || c.type.id() != TypeId::kTimestamp) {
        return false;
      }
      int64_t t = c.constant.i64;
      if (op == "$gt") f.min_time_us = std::max(f.min_time_us, t == INT64_MAX ? t : t + 1);
      if (op == "$ge") f.min_time_us = std::max(f.min_time_us, t);
      if (op == "$lt") f.max_time_us = std::min(f.max_time_us, t == INT64_MIN ? t : t - 1);
      if (op == "$le") f.max_time_us = std::min(f.max_time_us, t);
      if (op == "$eq") {
        f.min_time_us = std::max(f.min_time_us, t);
        f.max_time_us = std::min(f.max_time_us, t);
      }
      return true;
    };
    static const std::map<std::string, std::string> kFlip = {
        {"$gt", "$lt"}, {"$ge", "$le"}, {"$lt", "$gt"}, {"$le", "$ge"}, {"$eq", "$eq"}};
    auto flip = kFlip.find(fn);
    if (flip != kFlip.end()) {
      if (time_bound(*e.args[0], *e.args[1], fn) ||
          time_bound(*e.args[1], *e.args[0], flip->second))
        return true;
    }
    if (fn == "$between" && e.args[1]->kind == BoundKind::kConstant &&
        e.args[2]->kind == BoundKind::kConstant && LeafPath(*e.args[0], *scan, &path) &&
        path == "eventtime" && !e.args[1]->constant.is_null && !e.args[2]->constant.is_null) {
      f.min_time_us = std::max(f.min_time_us, e.args[1]->constant.i64);
      f.max_time_us = std::min(f.max_time_us, e.args[2]->constant.i64);
      return true;
    }
    std::string value;
    if (fn == "$eq") {
      for (int side = 0; side < 2; ++side) {
        const BoundExpr& col = *e.args[side];
        const BoundExpr& c = *e.args[1 - side];
        if (!LeafPath(col, *scan, &path) || !pushable(path)) continue;
        if (col.type.id() == TypeId::kVarchar && string_constant(c, &value)) {
          f.terms.push_back({path, ScanFilter::Term::Op::kEq, {value}, false, nullptr});
          return true;
        }
        if (col.type.id() == TypeId::kBoolean && c.kind == BoundKind::kConstant &&
            !c.constant.is_null) {
          f.terms.push_back({path, ScanFilter::Term::Op::kBoolEq, {}, c.constant.boolean, nullptr});
          return true;
        }
      }
    }
    if (fn == "$like" && e.args.size() == 2 && LeafPath(*e.args[0], *scan, &path) &&
        pushable(path) && e.args[0]->type.id() == TypeId::kVarchar &&
        string_constant(*e.args[1], &value)) {
      auto p = LikePattern::Compile(value, false, "");
      if (p.ok() && p->shape() == LikePattern::Shape::kPrefix) {
        f.terms.push_back({path, ScanFilter::Term::Op::kPrefix, {p->prefix()}, false, nullptr});
        return true;
      }
      if (p.ok() && p->shape() == LikePattern::Shape::kExact) {
        f.terms.push_back({path, ScanFilter::Term::Op::kEq, {p->prefix()}, false, nullptr});
        return true;
      }
    }
    return false;
  }
  if (e.kind == BoundKind::kInList && LeafPath(*e.args[0], *scan, &path) && pushable(path) &&
      e.args[0]->type.id() == TypeId::kVarchar) {
    std::vector<std::string> values;
    for (size_t i = 1; i < e.args.size(); ++i) {
      std::string v;
      if (!string_constant(*e.args[i], &v)) return false;
      values.push_back(std::move(v));
    }
    f.terms.push_back({path, ScanFilter::Term::Op::kIn, std::move(values), false, nullptr});
    return true;
  }
  // x IN (uncorrelated subquery) on a string leaf: an IN list known when the query runs. The
  // binder made both sides one type, so the subquery's column is a string too.
  if (e.kind == BoundKind::kInSubquery && e.index >= 0 && LeafPath(*e.args[0], *scan, &path) &&
      pushable(path) && e.args[0]->type.id() == TypeId::kVarchar) {
    ScanFilter::Term t{path, ScanFilter::Term::Op::kIn, {}, false, nullptr};
    t.subquery = e.index;
    f.terms.push_back(std::move(t));
    return true;
  }
  if (e.kind == BoundKind::kIsNull && LeafPath(*e.args[0], *scan, &path) && pushable(path)) {
    f.terms.push_back({path, ScanFilter::Term::Op::kIsNull, {}, false, nullptr});
    return true;
  }
  if (e.kind == BoundKind::kNot && e.args[0]->kind == BoundKind::kIsNull &&
      LeafPath(*e.args[0]->args[0], *scan, &path) && pushable(path)) {
    f.terms.push_back({path, ScanFilter::Term::Op::kIsNotNull, {}, false, nullptr});
    return true;
  }
  // A bare boolean column, or its negation.
  if (e.type.id() == TypeId::kBoolean && LeafPath(e, *scan, &path) && pushable(path)) {
    f.terms.push_back({path, ScanFilter::Term::Op::kBoolEq, {}, true, nullptr});
    return true;
  }
  if (e.kind == BoundKind::kNot && LeafPath(*e.args[0], *scan, &path) && pushable(path) &&
      e.args[0]->type.id() == TypeId::kBoolean) {
    f.terms.push_back({path, ScanFilter::Term::Op::kBoolEq, {}, false, nullptr});
    return true;
  }
  return false;
}

// ---- pre-filters: other single-column terms evaluated by the store --------------------------
//
// A conjunct that reads one string or map leaf and nothing else (element_at(requestParameters,
// 'bucketName') = 'x', lower(userAgent) LIKE '%boto%') is also handed to the scan as a kMatch
// term: the store evaluates it once per distinct dictionary value of a segment and drops the rows
// that fail before assembling them. The conjunct stays in the Filter above the scan as well.
// Only functions that cannot fail are allowed: the store asks about every value of the rows that
// pass its other predicates, in an order of its own, and must not raise an error that the Filter
// (which may skip rows another conjunct already rejected) would not.

bool CannotFail(const BoundExpr& e) {
  static const std::set<std::string> kSafe = {
      "$eq",        "$ne",    "$lt",      "$le",
      "$gt",        "$ge",    "$between", "$is_distinct_from",
      "$like",      "lower",  "upper",    "length",
      "trim",       "ltrim",  "rtrim",    "starts_with",
      "ends_with",  "strpos", "concat",   "replace",
      "cardinality"};
  switch (e.kind) {
    case BoundKind::kConstant:
    case BoundKind::kColumn:
    case BoundKind::kFieldAccess:
    case BoundKind::kAnd:
    case BoundKind::kOr:
    case BoundKind::kNot:
    case BoundKind::kIsNull:
    case BoundKind::kCoalesce:
    case BoundKind::kInList:
      break;
    case BoundKind::kSubscript:  // maps only: a missing key is NULL
      if (e.args[0]->type.id() != TypeId::kMap) return false;
      break;
    case BoundKind::kFunction:
      if (!e.function->deterministic) return false;
      if (e.function->name == "element_at") {
        if (e.args.empty() || e.args[0]->type.id() != TypeId::kMap) return false;
      } else if (!kSafe.count(e.function->name)) {
        return false;
      }
      break;
    default:
      return false;
  }
  for (const auto& a : e.args) {
    if (!CannotFail(*a)) return false;
  }
  return true;
}

// The one leaf path `e` reads (through columns and field chains), or false when it reads none or
// more than one, or reads a column other than through that leaf.
bool SingleLeaf(const BoundExpr& e, const PlanNode& scan, std::string* leaf) {
  std::string path;
  if ((e.kind == BoundKind::kColumn || e.kind == BoundKind::kFieldAccess) &&
      LeafPath(e, scan, &path)) {
    if (!leaf->empty() && *leaf != path) return false;
    *leaf = path;
    return true;
  }
  if (e.kind == BoundKind::kColumn) return false;
  for (const auto& a : e.args) {
    if (!SingleLeaf(*a, scan, leaf)) return false;
  }
  return true;
}

// `e` with every reference to the leaf replaced by column #0.
BoundExprPtr OnLeaf(const BoundExpr& e, const PlanNode& scan, const std::string& leaf) {
  std::string path;
  if ((e.kind == BoundKind::kColumn || e.kind == BoundKind::kFieldAccess) &&
      LeafPath(e, scan, &path) && path == leaf) {
    return MakeColumn(0, e.type);
  }
  BoundExprPtr c = e.Clone();
  for (size_t i = 0; i < c->args.size(); ++i) c->args[i] = OnLeaf(*e.args[i], scan, leaf);
  return c;
}

void AddMatchTerm(const BoundExpr& e, PlanNode* scan) {
  if (e.type.id() != TypeId::kBoolean || !CannotFail(e)) return;
  std::string leaf;
  if (!SingleLeaf(e, *scan, &leaf) || leaf.empty()) return;
  std::optional<ColumnId> id = scan->table.schema->StoreColumn(leaf);
  if (!id) return;
  const ColumnDef& def = GetColumn(*id);
  if (def.list_child || !def.stored || def.id == ColumnId::kEventJson ||
      (def.type != ColumnType::kString && def.type != ColumnType::kMap)) {
    return;
  }
  ScanFilter::Term t{leaf, ScanFilter::Term::Op::kMatch, {}, false, nullptr};
  t.match = std::shared_ptr<const BoundExpr>(OnLeaf(e, *scan, leaf).release());
  scan->scan_filter.terms.push_back(std::move(t));
}

PlanPtr WithFilter(PlanPtr child, std::vector<BoundExprPtr> terms) {
  if (terms.empty()) return child;
  auto f = std::make_unique<PlanNode>(PlanKind::kFilter);
  f->columns = child->columns;
  f->predicate = Conjoin(std::move(terms));
  f->children.push_back(std::move(child));
  return f;
}

// Pushes `terms` (over node's outputs) as deep into `node` as they can go; returns the ones that
// must stay above it.
std::vector<BoundExprPtr> PushInto(PlanNode* node, std::vector<BoundExprPtr> terms);

// Pushes terms into child `i` of `node`, wrapping the child in a filter for what stays.
void PushIntoChild(PlanNode* node, size_t i, std::vector<BoundExprPtr> terms) {
  if (terms.empty()) return;
  std::vector<BoundExprPtr> rest = PushInto(node->children[i].get(), std::move(terms));
  node->children[i] = WithFilter(std::move(node->children[i]), std::move(rest));
}

std::vector<BoundExprPtr> PushInto(PlanNode* node, std::vector<BoundExprPtr> terms) {
  std::vector<BoundExprPtr> rest;
  switch (node->kind) {
    case PlanKind::kScan:
      for (auto& t : terms) {
        if (!HasVolatile(*t) && ToScanFilter(*t, node)) continue;
        if (!HasVolatile(*t)) AddMatchTerm(*t, node);
        rest.push_back(std::move(t));
      }
      if (node->scan_filter.min_time_us > node->scan_filter.max_time_us)
        node->scan_filter.empty_result = true;
      return rest;
    case PlanKind::kFilter: {
      std::vector<BoundExprPtr> all;
      Flatten(std::move(node->predicate), &all);
      for (auto& t : terms) all.push_back(std::move(t));
      node->predicate = Conjoin(std::move(all));
      return rest;
    }
    case PlanKind::kSort:
      PushIntoChild(node, 0, std::move(terms));
      return rest;
    case PlanKind::kProject: {
      std::vector<BoundExprPtr> down;
      for (auto& t : terms) {
        // Moving below the projection repeats the expressions it reads; only do it when those are
        // plain columns or struct fields (free to recompute).
        bool ok = !HasVolatile(*t);
        std::vector<int> cols;
        Needs used(node->exprs.size());
        Use(*t, &used);
        for (size_t i = 0; i < used.size() && ok; ++i) {
          if (!used[i].any()) continue;
          const BoundExpr* pe = node->exprs[i].get();
          while (pe->kind == BoundKind::kFieldAccess) pe = pe->args[0].get();
          ok = pe->kind == BoundKind::kColumn;
        }
        if (ok) {
          down.push_back(Substitute(*t, node->exprs));
        } else {
          rest.push_back(std::move(t));
        }
      }
      PushIntoChild(node, 0, std::move(down));
      return rest;
    }
    case PlanKind::kJoin: {
      int lw = static_cast<int>(node->children[0]->columns.size());
      int total = lw + static_cast<int>(node->children[1]->columns.size());
      ast::JoinType jt = node->join_type;
      bool to_left =
          jt == ast::JoinType::kInner || jt == ast::JoinType::kCross || jt == ast::JoinType::kLeft;
      bool to_right =
          jt == ast::JoinType::kInner || jt == ast::JoinType::kCross || jt == ast::JoinType::kRight;
      std::vector<BoundExprPtr> left, right, both;
      for (auto& t : terms) {
        if (HasVolatile(*t)) {
          rest.push_back(std::move(t));
        } else if (to_left && Within(*t, 0, lw)) {
          left.push_back(std::move(t));
        } else if (to_right && Within(*t, lw, total)) {
          Shift(t.get(), -lw);
          right.push_back(std::move(t));
        } else if (jt == ast::JoinType::kInner || jt == ast::JoinType::kCross) {
          both.push_back(std::move(t));
        } else {
          rest.push_back(std::move(t));
        }
      }
      if (!both.empty()) {
        // WHERE a.x = b.y over a cross join makes it an inner join with hash keys.
        if (node->condition) Flatten(std::move(node->condition), &both);
        node->condition = Conjoin(std::move(both));
        node->join_type = ast::JoinType::kInner;
      }
      PushIntoChild(node, 0, std::move(left));
      PushIntoChild(node, 1, std::move(right));
      return rest;
    }
    case PlanKind::kUnnest: {
      int w = static_cast<int>(node->children[0]->columns.size());
      std::vector<BoundExprPtr> down;
      for (auto& t : terms) {
        if (!HasVolatile(*t) && Within(*t, 0, w)) {
          down.push_back(std::move(t));
        } else {
          rest.push_back(std::move(t));
        }
      }
      PushIntoChild(node, 0, std::move(down));
      return rest;
    }
    default:
      return terms;
  }
}

// Walks the plan: each filter pushes its conjuncts into its child.
void PushDown(PlanPtr* slot) {
  PlanNode* node = slot->get();
  if (node->kind == PlanKind::kFilter) {
    std::vector<BoundExprPtr> terms;
    Flatten(std::move(node->predicate), &terms);
    std::vector<BoundExprPtr> rest = PushInto(node->children[0].get(), std::move(terms));
    if (rest.empty()) {
      *slot = std::move(node->children[0]);
      PushDown(slot);
      return;
    }
    node->predicate = Conjoin(std::move(rest));
  }
  if (node->kind == PlanKind::kJoin && node->condition &&
      (node->join_type == ast::JoinType::kInner || node->join_type == ast::JoinType::kLeft)) {
    // Single-side conjuncts of an inner join's ON go below it.
    std::vector<BoundExprPtr> terms;
    Flatten(std::move(node->condition), &terms);
    int lw = static_cast<int>(node->children[0]->columns.size());
    int total = lw + static_cast<int>(node->children[1]->columns.size());
    std::vector<BoundExprPtr> keep, left, right;
    bool inner = node->join_type == ast::JoinType::kInner;
    for (auto& t : terms) {
      // For a LEFT join, an ON condition on the left side decides matches, not rows: it stays.
      if (inner && !HasVolatile(*t) && t->ReferencesColumns() && Within(*t, 0, lw)) {
        left.push_back(std::move(t));
      } else if (!HasVolatile(*t) && t->ReferencesColumns() && Within(*t, lw, total)) {
        Shift(t.get(), -lw);
        right.push_back(std::move(t));
      } else {
        keep.push_back(std::move(t));
      }
    }
    node->condition = Conjoin(std::move(keep));
    PushIntoChild(node, 0, std::move(left));
    PushIntoChild(node, 1, std::move(right));
  }
  for (auto& c : node->children) PushDown(&c);
}

// ---- joins with a set of distinct keys as IN-subqueries ------------------------------------
//
// An inner join of a store scan with a relation of distinct single keys (SELECT DISTINCT k, or
// GROUP BY k without aggregates), on scan_leaf = k, whose consumer (an aggregate or projection
// right above it) reads of the keys' side only k, is a semi-join: each scan row matches at most
// one key, and k equals the scan's leaf wherever they match. It becomes `leaf IN (keys)`, a term
// of the scan (the keys run once as an uncorrelated subquery, and the store tests dictionary
// codes), and k above becomes the leaf: the join disappears, and an aggregate above it can run
// inside the scan. NULL keys match nothing either way.

// The relation `node` produces one column of distinct values.
bool DistinctKeys(const PlanNode& node) {
  if (node.columns.size() != 1) return false;
  if (node.kind == PlanKind::kDistinct) return true;
  if (node.kind == PlanKind::kAggregate) {
    return node.groups.size() == 1 && node.aggregates.empty() && !HasVolatile(*node.groups[0]);
  }
  if (node.kind == PlanKind::kProject) {
    return node.exprs[0]->kind == BoundKind::kColumn && node.exprs[0]->index == 0 &&
           DistinctKeys(*node.children[0]);
  }
  return false;
}

// Replaces in `*slot` references to column `keys_at` by `key`, and shifts the scan's columns
// (at [scan_from, scan_from + scan_width)) to start at 0.
void ToScanColumns(BoundExprPtr* slot, int keys_at, const BoundExpr& key, int scan_from) {
  BoundExpr* e = slot->get();
  if (e->kind == BoundKind::kColumn) {
    if (e->index == keys_at) {
      *slot = key.Clone();
    } else {
      e->index -= scan_from;
    }
    return;
  }
  for (auto& a : e->args) ToScanColumns(&a, keys_at, key, scan_from);
}

void SemiJoins(PlanNode* node, std::vector<PlanPtr>* subqueries) {
  for (auto& c : node->children) SemiJoins(c.get(), subqueries);
  if ((node->kind != PlanKind::kAggregate && node->kind != PlanKind::kProject) ||
      node->children[0]->kind != PlanKind::kJoin) {
    return;
  }
  PlanNode* join = node->children[0].get();
  if (join->join_type != ast::JoinType::kInner || !join->condition ||
      join->condition->kind != BoundKind::kFunction || join->condition->function->name != "$eq") {
    return;
  }
  for (int keys_side = 0; keys_side < 2; ++keys_side) {
    const int scan_side = 1 - keys_side;
    PlanNode* scan = join->children[static_cast<size_t>(scan_side)].get();
    if (scan->kind != PlanKind::kScan ||
        !DistinctKeys(*join->children[static_cast<size_t>(keys_side)]))
      continue;
    const int lw = static_cast<int>(join->children[0]->columns.size());
    const int keys_at = keys_side == 0 ? 0 : lw;
    const int scan_from = scan_side == 0 ? 0 : lw;
    const int scan_to = scan_from + static_cast<int>(scan->columns.size());
    // The condition: the keys' column = an expression of the scan's columns only.
    const BoundExpr* key = nullptr;
    for (int side = 0; side < 2 && !key; ++side) {
      const BoundExpr& k = *join->condition->args[static_cast<size_t>(side)];
      const BoundExpr& s = *join->condition->args[static_cast<size_t>(1 - side)];
      if (k.kind == BoundKind::kColumn && k.index == keys_at && s.ReferencesColumns() &&
          Within(s, scan_from, scan_to) && s.type.id() == TypeId::kVarchar && k.type == s.type) {
        key = &s;
      }
    }
    if (!key) continue;
    BoundExprPtr scan_key = key->Clone();
    Shift(scan_key.get(), -scan_from);
    std::string path;
    if (!LeafPath(*scan_key, *scan, &path) || !scan->table.schema->StoreColumn(path)) continue;
    // The keys' side has one column, the key: wherever the consumer reads it, it reads the leaf.
    std::vector<BoundExprPtr*> slots;
    for (auto& e : node->exprs) slots.push_back(&e);
    for (auto& g : node->groups) slots.push_back(&g);
    for (AggregateCall& a : node->aggregates) {
      for (auto& x : a.args) slots.push_back(&x);
      for (auto& x : a.order_exprs) slots.push_back(&x);
      if (a.filter) slots.push_back(&a.filter);
    }
    for (BoundExprPtr* s : slots) ToScanColumns(s, keys_at, *scan_key, scan_from);
    auto in = std::make_unique<BoundExpr>(BoundKind::kInSubquery, Type::Boolean());
    in->index = static_cast<int>(subqueries->size());
    in->args.push_back(std::move(scan_key));
    subqueries->push_back(std::move(join->children[static_cast<size_t>(keys_side)]));
    PlanPtr scan_node = std::move(join->children[static_cast<size_t>(scan_side)]);
    std::vector<BoundExprPtr> terms;
    terms.push_back(std::move(in));
    node->children[0] = std::move(scan_node);
    PushIntoChild(node, 0, std::move(terms));
    return;
  }
}

// ---- projection pruning -------------------------------------------------------------------------
//
// Prune walks the plan from the root and keeps, in each node, only the columns its parent reads.
// A struct column (userIdentity) that every consumer reads only through field paths
// (userIdentity.arn) is split where it is produced: the scan produces one column per path instead
// of a row of ~25 mostly NULL fields per event, and every operator above it (filters, joins,
// projections, sorts, unnests, windows) carries those columns and rewrites the paths into
// references to them. A hash join then builds and probes a string column, not whole rows.

// The column a field-access chain ends at, and its dotted path; -1 when `e` is not such a chain.
int ChainColumn(const BoundExpr& e, std::string* path) {
  std::vector<std::string> fields;
  const BoundExpr* cur = &e;
  while (cur->kind == BoundKind::kFieldAccess && cur->args[0]->type.id() == TypeId::kRow) {
    fields.push_back(cur->args[0]->type.fields()[static_cast<size_t>(cur->index)].name);
    cur = cur->args[0].get();
  }
  if (cur->kind != BoundKind::kColumn || fields.empty()) return -1;
  path->clear();
  for (size_t k = fields.size(); k-- > 0;) *path += (path->empty() ? "" : ".") + fields[k];
  return cur->index;
}

// Where an output column of a pruned node went: its new position, or -1 when it was dropped or
// split; a split struct column lists the new position of each path below it that was read.
struct Moved {
  int index = -1;
  std::map<std::string, int> fields;
};
using ColumnMap = std::vector<Moved>;

// Rewrites `*slot` (over a node's old input) to the input's new columns: field chains over a split
// column become references to the column of their path.
void Remap(BoundExprPtr* slot, const ColumnMap& map) {
  BoundExpr* e = slot->get();
  std::string path;
  int c = ChainColumn(*e, &path);
  if (c >= 0 && !map[static_cast<size_t>(c)].fields.empty()) {
    // Every chain the node reads was one of its needs, so its column exists.
    auto it = map[static_cast<size_t>(c)].fields.find(path);
    CAIRN_CHECK(it != map[static_cast<size_t>(c)].fields.end());
    auto col = MakeColumn(it->second, e->type);
    col->pos = e->pos;
    col->text = e->text;
    *slot = std::move(col);
    return;
  }
  if (e->kind == BoundKind::kColumn) {
    e->index = map[static_cast<size_t>(e->index)].index;
    CAIRN_CHECK(e->index >= 0);
  }
  for (auto& a : e->args) Remap(&a, map);
}

Needs AllWhole(size_t n) {
  Needs needs(n);
  for (Need& x : needs) x.whole = true;
  return needs;
}

ColumnMap Identity(size_t n) {
  ColumnMap m(n);
  for (size_t i = 0; i < n; ++i) m[i].index = static_cast<int>(i);
  return m;
}

// The type of the field at dotted `path` below row type `t`.
const Type& FieldType(const Type& t, const std::string& path) {
  const Type* cur = &t;
  size_t start = 0;
  while (start <= path.size()) {
    size_t dot = path.find('.', start);
    if (dot == std::string::npos) dot = path.size();
    int fi = cur->FieldIndex(path.substr(start, dot - start));
    CAIRN_CHECK(cur->id() == TypeId::kRow && fi >= 0);
    cur = cur->fields()[static_cast<size_t>(fi)].type.get();
    start = dot + 1;
  }
  return *cur;
}

std::string LastName(const std::string& path) {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

bool SplitNeed(const Type& type, const Need& need) {
  return type.id() == TypeId::kRow && !need.whole && !need.fields.empty();
}

// Prunes `node` to what `needs` asks of its outputs; returns where each old output went.
ColumnMap Prune(PlanNode* node, const Needs& needs) {
  size_t n = node->columns.size();
  switch (node->kind) {
    case PlanKind::kScan: {
      ColumnMap map(n);
      std::vector<ScanColumn> cols;
      std::vector<PlanColumn> outs;
      const TableSchema& schema = *node->table.schema;
      for (size_t i = 0; i < n; ++i) {
        if (!needs[i].any()) continue;
        const ScanColumn& c = node->scan_columns[i];
        if (SplitNeed(c.type, needs[i])) {
          for (const std::string& f : needs[i].fields) {
            const Type& t = FieldType(c.type, f);
            const std::string full = c.path + "." + f;
            map[i].fields[f] = static_cast<int>(cols.size());
            cols.push_back({full, t, schema.StoreColumn(full), {}});
            outs.push_back({LastName(f), t});
          }
          continue;
        }
        map[i].index = static_cast<int>(cols.size());
        cols.push_back(c);
        outs.push_back(node->columns[i]);
      }
      if (cols.empty() && !node->scan_columns.empty()) {
        // count(*) needs rows, not values: read the cheapest column.
        int t = -1;
        for (size_t i = 0; i < n && t < 0; ++i) {
          if (node->scan_columns[i].path == "eventtime") t = static_cast<int>(i);
        }
        if (t < 0) t = 0;
        cols.push_back(node->scan_columns[static_cast<size_t>(t)]);
        outs.push_back(node->columns[static_cast<size_t>(t)]);
      }
      node->scan_columns = std::move(cols);
      node->columns = std::move(outs);
      return map;
    }
    case PlanKind::kFilter:
    case PlanKind::kSort:
    case PlanKind::kLimit: {
      Needs child = needs;
      if (node->predicate) Use(*node->predicate, &child);
      for (const SortKey& k : node->sort_keys) child[static_cast<size_t>(k.column)].whole = true;
      ColumnMap map = Prune(node->children[0].get(), child);
      if (node->predicate) Remap(&node->predicate, map);
      for (SortKey& k : node->sort_keys) k.column = map[static_cast<size_t>(k.column)].index;
      node->columns = node->children[0]->columns;
      return map;
    }
    case PlanKind::kProject: {
      // An output that is a column or a field chain of row type, read only through fields,
      // passes those fields' needs down (prefixed with its chain) and is split like its source.
      auto source = [&](size_t i, std::string* path) {
        const BoundExpr& e = *node->exprs[i];
        if (!SplitNeed(e.type, needs[i])) return -1;
        path->clear();
        return e.kind == BoundKind::kColumn ? e.index : ChainColumn(e, path);
      };
      auto below = [](const std::string& path, const std::string& f) {
        return path.empty() ? f : path + "." + f;
      };
      Needs child(node->children[0]->columns.size());
      for (size_t i = 0; i < n; ++i) {
        if (!needs[i].any()) continue;
        std::string path;
        int c = source(i, &path);
        if (c >= 0) {
          for (const std::string& f : needs[i].fields) {
            child[static_cast<size_t>(c)].fields.insert(below(path, f));
          }
        } else {
          Use(*node->exprs[i], &child);
        }
      }
      ColumnMap cmap = Prune(node->children[0].get(), child);
      const std::vector<PlanColumn>& in = node->children[0]->columns;
      ColumnMap map(n);
      std::vector<BoundExprPtr> exprs;
      std::vector<PlanColumn> outs;
      for (size_t i = 0; i < n; ++i) {
        if (!needs[i].any()) continue;
        std::string path;
        int c = source(i, &path);
        if (c >= 0 && !cmap[static_cast<size_t>(c)].fields.empty()) {
          for (const std::string& f : needs[i].fields) {
            int at = cmap[static_cast<size_t>(c)].fields.at(below(path, f));
            map[i].fields[f] = static_cast<int>(exprs.size());
            exprs.push_back(MakeColumn(at, in[static_cast<size_t>(at)].type));
            outs.push_back({LastName(f), in[static_cast<size_t>(at)].type});
          }
          continue;
        }
        Remap(&node->exprs[i], cmap);
        map[i].index = static_cast<int>(exprs.size());
        exprs.push_back(std::move(node->exprs[i]));
        outs.push_back(node->columns[i]);
      }
      node->exprs = std::move(exprs);
      node->columns = std::move(outs);
      return map;
    }
    case PlanKind::kAggregate: {
      Needs child(node->children[0]->columns.size());
      for (const auto& g : node->groups) Use(*g, &child);
      for (const AggregateCall& a : node->aggregates) {
        for (const auto& x : a.args) Use(*x, &child);
        for (const auto& x : a.order_exprs) Use(*x, &child);
        if (a.filter) Use(*a.filter, &child);
      }
      ColumnMap cmap = Prune(node->children[0].get(), child);
      for (auto& g : node->groups) Remap(&g, cmap);
      for (AggregateCall& a : node->aggregates) {
        for (auto& x : a.args) Remap(&x, cmap);
        for (auto& x : a.order_exprs) Remap(&x, cmap);
        if (a.filter) Remap(&a.filter, cmap);
      }
      return Identity(n);
    }
    case PlanKind::kWindow:
    case PlanKind::kUnnest: {
      size_t w = node->children[0]->columns.size();
      Needs child(needs.begin(), needs.begin() + static_cast<long>(w));
      for (const auto& e : node->unnest_exprs) Use(*e, &child);
      for (const WindowCall& c : node->windows) {
        for (const auto* list : {&c.args, &c.partition_by, &c.order_exprs}) {
          for (const auto& e : *list) Use(*e, &child);
        }
      }
      ColumnMap cmap = Prune(node->children[0].get(), child);
      for (auto& e : node->unnest_exprs) Remap(&e, cmap);
      for (WindowCall& c : node->windows) {
        for (auto* list : {&c.args, &c.partition_by, &c.order_exprs}) {
          for (auto& e : *list) Remap(&e, cmap);
        }
      }
      size_t new_w = node->children[0]->columns.size();
      ColumnMap map(n);
      std::vector<PlanColumn> outs = node->children[0]->columns;
      for (size_t i = 0; i < w; ++i) map[i] = cmap[i];
      for (size_t i = w; i < n; ++i) {
        map[i].index = static_cast<int>(new_w + (i - w));
        outs.push_back(node->columns[i]);
      }
      node->columns = std::move(outs);
      return map;
    }
    case PlanKind::kJoin: {
      size_t lw = node->children[0]->columns.size();
      Needs left(needs.begin(), needs.begin() + static_cast<long>(lw));
      Needs right(needs.begin() + static_cast<long>(lw), needs.end());
      if (node->condition) {
        Needs all(n);
        Use(*node->condition, &all);
        for (size_t i = 0; i < n; ++i) (i < lw ? left[i] : right[i - lw]).Merge(all[i]);
      }
      ColumnMap lmap = Prune(node->children[0].get(), left);
      ColumnMap rmap = Prune(node->children[1].get(), right);
      const int new_lw = static_cast<int>(node->children[0]->columns.size());
      ColumnMap map = std::move(lmap);
      for (Moved& m : rmap) {
        if (m.index >= 0) m.index += new_lw;
        for (auto& [path, at] : m.fields) at += new_lw;
        map.push_back(std::move(m));
      }
      if (node->condition) Remap(&node->condition, map);
      node->columns = node->children[0]->columns;
      for (const PlanColumn& c : node->children[1]->columns) node->columns.push_back(c);
      return map;
    }
    case PlanKind::kDistinct:
    case PlanKind::kSetOp:
      for (auto& c : node->children) Prune(c.get(), AllWhole(c->columns.size()));
      return Identity(n);
    case PlanKind::kValues:
    case PlanKind::kSingleRow:
      return Identity(n);
  }
  return Identity(n);
}

// ---- DISTINCT over a scan as a GROUP BY ------------------------------------------------------
//
// SELECT DISTINCT a, b FROM t is GROUP BY a, b without aggregates. Over a store scan the GROUP BY
// form can be computed by the scan workers on dictionary codes (exec/store_aggregate.h) instead of
// hashing every row's strings. The streaming DISTINCT stays where a LIMIT right above it could stop
// the scan early, and for values of nested types.

bool Flat(const Type& t) {
  switch (t.id()) {
    case TypeId::kBoolean:
    case TypeId::kBigint:
    case TypeId::kVarchar:
    case TypeId::kTimestamp:
      return true;
    default:
      return false;
  }
}

void DistinctAsGroupBy(PlanPtr* slot, bool under_limit) {
  PlanNode* node = slot->get();
  for (auto& c : node->children) DistinctAsGroupBy(&c, node->kind == PlanKind::kLimit);
  if (node->kind != PlanKind::kDistinct || under_limit) return;
  for (const PlanColumn& c : node->columns) {
    if (!Flat(c.type)) return;
  }
  PlanNode* child = node->children[0].get();
  auto agg = std::make_unique<PlanNode>(PlanKind::kAggregate);
  agg->columns = node->columns;
  if (child->kind == PlanKind::kProject && child->children[0]->kind == PlanKind::kScan) {
    for (const auto& e : child->exprs) {
      if (HasVolatile(*e)) return;
    }
    agg->groups = std::move(child->exprs);
    agg->children.push_back(std::move(child->children[0]));
  } else if (child->kind == PlanKind::kScan) {
    for (size_t i = 0; i < child->columns.size(); ++i) {
      agg->groups.push_back(MakeColumn(static_cast<int>(i), child->columns[i].type));
    }
    agg->children.push_back(std::move(node->children[0]));
  } else {
    return;
  }
  *slot = std::move(agg);
}

// Optimizes `*root`; joins that become IN-subqueries add their key relations to `subqueries`
// (already pushed down: `pushed` says so).
void OptimizePlan(PlanPtr* root, bool pushed, std::vector<PlanPtr>* subqueries) {
  if (!pushed) {
    PushDown(root);
    SemiJoins(root->get(), subqueries);
  }
  Prune(root->get(), AllWhole((*root)->columns.size()));
  DistinctAsGroupBy(root, false);
}

}  // namespace

Status Optimize(BoundQuery* query) {
  const size_t bound = query->subqueries.size();
  OptimizePlan(&query->root, false, &query->subqueries);
  // By index: optimizing a subquery may append more.
  for (size_t i = 0; i < query->subqueries.size(); ++i) {
    PlanPtr s = std::move(query->subqueries[i]);
    OptimizePlan(&s, i >= bound, &query->subqueries);
    query->subqueries[i] = std::move(s);
  }
  return Status::OK();
}

}  // namespace cairn::sql
