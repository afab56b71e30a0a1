#include "sql/expression_eval.h"

#include <algorithm>
#include <cstring>
#include <unordered_set>

#include "sql/functions/cast.h"
#include "sql/functions/compare.h"
#include "sql/functions/json_util.h"

namespace cairn::sql {
namespace {

// The rows an expression is evaluated on: n rows, each mapped to a row of the input chunk and to
// an element of every enclosing lambda frame. An empty map is the identity.
struct RowSet {
  size_t n = 0;
  std::vector<uint32_t> base;
  std::vector<std::vector<uint32_t>> frames;
};

std::vector<uint32_t> Compose(const std::vector<uint32_t>& map, std::span<const uint32_t> pos) {
  std::vector<uint32_t> out(pos.size());
  if (map.empty()) {
    std::copy(pos.begin(), pos.end(), out.begin());
  } else {
    for (size_t k = 0; k < pos.size(); ++k) out[k] = map[pos[k]];
  }
  return out;
}

RowSet Narrow(const RowSet& rs, std::span<const uint32_t> pos) {
  RowSet out;
  out.n = pos.size();
  out.base = Compose(rs.base, pos);
  out.frames.reserve(rs.frames.size());
  for (const auto& f : rs.frames) out.frames.push_back(Compose(f, pos));
  return out;
}

void Prepare(Vector* out, const Type& type, size_t n) {
  if (out->type() != type) *out = Vector(type);
  out->Reset(n);
}

// out := AND of the validity of every non-lambda argument.
void PropagateNulls(std::span<const Vector* const> args, size_t n, Vector* out) {
  uint64_t* v = out->mutable_validity();
  size_t words = (n + 63) / 64;
  for (const Vector* a : args) {
    if (a == nullptr) continue;
    const uint64_t* av = a->validity();
    for (size_t w = 0; w < words; ++w) v[w] &= av[w];
  }
  // Keep the "NULL rows hold zero" rule for the kernel's inputs-to-output copies.
}

class Evaluator {
 public:
  Evaluator(const Chunk& input, EvalContext& ctx) : input_(input), ctx_(ctx) {}

  Status Eval(const BoundExpr& e, const RowSet& rs, Vector* out) {
    switch (e.kind) {
      case BoundKind::kConstant: {
        Prepare(out, e.type, rs.n);
        if (rs.n == 0) return Status::OK();
        out->SetValue(0, e.constant);
        for (size_t i = 1; i < rs.n; ++i) out->CopyRow(*out, 0, i);
        return Status::OK();
      }
      case BoundKind::kColumn:
      case BoundKind::kLambdaParam: {
        const Vector* src;
        const std::vector<uint32_t>* map;
        Source(e, rs, &src, &map);
        Prepare(out, e.type, 0);
        if (map->empty()) {
          out->AppendRange(*src, 0, rs.n);
        } else {
          out->Gather(*src, *map);
        }
        return Status::OK();
      }
      case BoundKind::kFunction:
        return EvalFunction(e, rs, out);
      case BoundKind::kCast: {
        Vector tmp;
        ASSIGN_OR_RETURN(const Vector* in, Ref(*e.args[0], rs, &tmp));
        Prepare(out, e.type, rs.n);
        return CastVector(*in, rs.n, e.try_cast, out);
      }
      case BoundKind::kAnd:
      case BoundKind::kOr:
        return EvalLogic(e, rs, out);
      case BoundKind::kNot: {
        Vector tmp;
        ASSIGN_OR_RETURN(const Vector* in, Ref(*e.args[0], rs, &tmp));
        Prepare(out, Type::Boolean(), rs.n);
        for (size_t i = 0; i < rs.n; ++i) {
          if (in->IsNull(i)) {
            out->SetNull(i);
          } else {
            out->bools()[i] = !in->bools()[i];
          }
        }
        return Status::OK();
      }
      case BoundKind::kIsNull: {
        Vector tmp;
        ASSIGN_OR_RETURN(const Vector* in, Ref(*e.args[0], rs, &tmp));
        Prepare(out, Type::Boolean(), rs.n);
        for (size_t i = 0; i < rs.n; ++i) out->bools()[i] = in->IsNull(i);
        return Status::OK();
      }
      case BoundKind::kCase:
        return EvalCase(e, rs, out);
      case BoundKind::kCoalesce:
        return EvalCoalesce(e, rs, out);
      case BoundKind::kInList:
        return EvalInList(e, rs, out);
      case BoundKind::kInSubquery:
        return EvalInSubquery(e, rs, out);
      case BoundKind::kExists: {
        ASSIGN_OR_RETURN(const SubqueryResult* r, Subquery(e.index));
        Prepare(out, Type::Boolean(), rs.n);
        for (size_t i = 0; i < rs.n; ++i) out->bools()[i] = r->rows > 0;
        return Status::OK();
      }
      case BoundKind::kScalarSubquery: {
        ASSIGN_OR_RETURN(const SubqueryResult* r, Subquery(e.index));
        if (r->rows > 1) return QueryFailed("Scalar sub-query has returned multiple rows");
        Prepare(out, e.type, rs.n);
        if (r->rows == 0) {
          for (size_t i = 0; i < rs.n; ++i) out->SetNullAndClear(i);
        } else {
          out->ShareStringsOf(r->column);
          for (size_t i = 0; i < rs.n; ++i) out->CopyRow(r->column, 0, i);
        }
        return Status::OK();
      }
      case BoundKind::kFieldAccess: {
        Vector tmp;
        ASSIGN_OR_RETURN(const Vector* in, Ref(*e.args[0], rs, &tmp));
        Prepare(out, e.type, 0);
        const Vector& field = in->child(static_cast<size_t>(e.index));
        out->AppendRange(field, 0, rs.n);
        for (size_t i = 0; i < rs.n; ++i) {
          if (in->IsNull(i)) out->SetNullAndClear(i);
        }
        return Status::OK();
      }
      case BoundKind::kSubscript:
        return EvalSubscript(e, rs, out);
      case BoundKind::kTry:
        return EvalTry(e, rs, out);
      case BoundKind::kLambda:
        return Status::Internal("a lambda expression was evaluated outside its function");
      case BoundKind::kAggregate:
      case BoundKind::kWindow:
        return Status::Internal("an aggregate or window call survived binding");
    }
    return Status::Internal("unknown expression kind");
  }

  // Evaluates `e`, returning a pointer to an input vector when it is a plain column of the
  // current rows (no copy), else to `scratch` holding the result.
  Result<const Vector*> Ref(const BoundExpr& e, const RowSet& rs, Vector* scratch) {
    if (e.kind == BoundKind::kColumn || e.kind == BoundKind::kLambdaParam) {
      const Vector* src;
      const std::vector<uint32_t>* map;
      Source(e, rs, &src, &map);
      if (map->empty() && src->size() == rs.n) return src;
    }
    RETURN_IF_ERROR(Eval(e, rs, scratch));
    return scratch;
  }

 private:
  void Source(const BoundExpr& e, const RowSet& rs, const Vector** src,
              const std::vector<uint32_t>** map) {
    if (e.kind == BoundKind::kColumn) {
      *src = &input_.columns[static_cast<size_t>(e.index)];
      *map = &rs.base;
      return;
    }
    size_t f = frame_params_.size() - 1 - static_cast<size_t>(e.depth);
    *src = frame_params_[f][static_cast<size_t>(e.index)];
    *map = &rs.frames[f];
  }

  Result<const SubqueryResult*> Subquery(int index) {
    if (ctx_.subqueries == nullptr) return Status::Internal("subquery evaluated without results");
    return ctx_.subqueries->Get(index);
  }

  Status EvalFunction(const BoundExpr& e, const RowSet& rs, Vector* out) {
    const BoundFunction& f = *e.function;
    size_t nargs = e.args.size();
    std::vector<Vector> scratch(nargs);
    std::vector<const Vector*> args(nargs, nullptr);
    std::vector<LambdaFn> lambdas;
    for (size_t i = 0; i < nargs; ++i) {
      const BoundExpr& a = *e.args[i];
      if (a.kind == BoundKind::kLambda) {
        lambdas.push_back(MakeLambda(a, rs));
        continue;
      }
      ASSIGN_OR_RETURN(args[i], Ref(a, rs, &scratch[i]));
    }
    Prepare(out, e.type, rs.n);
    if (f.nulls == NullHandling::kPropagate) {
      PropagateNulls(args, rs.n, out);
    }
    KernelArgs in;
    in.args = args;
    in.count = rs.n;
    in.data = f.data.get();
    in.lambdas = lambdas;
    in.now_micros = ctx_.now_micros;
    RETURN_IF_ERROR(f.kernel(in, out));
    if (f.nulls == NullHandling::kPropagate) {
      // Kernels may leave values in NULL rows; clear them so equal rows have equal bytes.
      for (size_t i = 0; i < rs.n; ++i) {
        if (out->IsNull(i)) out->SetNullAndClear(i);
      }
    }
    return Status::OK();
  }

  LambdaFn MakeLambda(const BoundExpr& lambda, const RowSet& rs) {
    return [this, &lambda, &rs](std::span<const Vector* const> params,
                                std::span<const uint32_t> rows, size_t n, Vector* out) -> Status {
      RowSet inner;
      inner.n = n;
      inner.base = Compose(rs.base, rows);
      for (const auto& f : rs.frames) inner.frames.push_back(Compose(f, rows));
      inner.frames.emplace_back();  // the new frame: rows are its elements
      frame_params_.emplace_back(params.begin(), params.end());
      Status st = Eval(*lambda.args[0], inner, out);
      frame_params_.pop_back();
      return st;
    };
  }

  // AND / OR with three-valued logic. Later arguments are evaluated only on rows that are still
  // undecided, which skips work (and errors) on rows an earlier argument settled.
  Status EvalLogic(const BoundExpr& e, const RowSet& rs, Vector* out) {
    bool is_and = e.kind == BoundKind::kAnd;
    Prepare(out, Type::Boolean(), rs.n);
    // Start from the identity of the operator: TRUE for AND, FALSE for OR.
    for (size_t i = 0; i < rs.n; ++i) out->bools()[i] = is_and;
    std::vector<uint32_t> pending(rs.n);
    for (size_t i = 0; i < rs.n; ++i) pending[i] = static_cast<uint32_t>(i);
    std::vector<uint8_t> saw_null(rs.n, 0);
    Vector tmp;
    for (const auto& arg : e.args) {
      if (pending.empty()) break;
      const Vector* v;
      if (pending.size() == rs.n) {
        ASSIGN_OR_RETURN(v, Ref(*arg, rs, &tmp));
      } else {
        RowSet sub = Narrow(rs, pending);
        RETURN_IF_ERROR(Eval(*arg, sub, &tmp));
        v = &tmp;
      }
      size_t kept = 0;
      for (size_t k = 0; k < pending.size(); ++k) {
        uint32_t row = pending[k];
        if (v->IsNull(k)) {
          saw_null[row] = 1;
          pending[kept++] = row;
        } else if ((v->bools()[k] != 0) != is_and) {
          out->bools()[row] = !is_and;  // decided: FALSE for AND, TRUE for OR
        } else {
          pending[kept++] = row;
        }
      }
      pending.resize(kept);
    }
    for (uint32_t row : pending) {
      if (saw_null[row]) out->SetNullAndClear(row);
    }
    return Status::OK();
  }

  Status EvalCase(const BoundExpr& e, const RowSet& rs, Vector* out) {
    Prepare(out, e.type, rs.n);
    std::vector<uint32_t> pending(rs.n);
    for (size_t i = 0; i < rs.n; ++i) pending[i] = static_cast<uint32_t>(i);
    size_t pairs = (e.args.size() - 1) / 2;
    Vector cond, value;
    for (size_t p = 0; p < pairs && !pending.empty(); ++p) {
      RowSet sub = Narrow(rs, pending);
      RETURN_IF_ERROR(Eval(*e.args[2 * p], sub, &cond));
      std::vector<uint32_t> hit, rest;
      std::vector<uint32_t> hit_local;
      for (size_t k = 0; k < pending.size(); ++k) {
        if (cond.IsValid(k) && cond.bools()[k]) {
          hit.push_back(pending[k]);
        } else {
          rest.push_back(pending[k]);
        }
      }
      if (!hit.empty()) {
        RETURN_IF_ERROR(Eval(*e.args[2 * p + 1], Narrow(rs, hit), &value));
        Scatter(value, hit, out);
      }
      pending = std::move(rest);
    }
    if (!pending.empty()) {
      RETURN_IF_ERROR(Eval(*e.args.back(), Narrow(rs, pending), &value));
      Scatter(value, pending, out);
    }
    return Status::OK();
  }

  static void Scatter(const Vector& src, std::span<const uint32_t> rows, Vector* out) {
    out->ShareStringsOf(src);
    for (size_t k = 0; k < rows.size(); ++k) out->CopyRow(src, k, rows[k]);
  }

  Status EvalCoalesce(const BoundExpr& e, const RowSet& rs, Vector* out) {
    Prepare(out, e.type, rs.n);
    std::vector<uint32_t> pending(rs.n);
    for (size_t i = 0; i < rs.n; ++i) {
      pending[i] = static_cast<uint32_t>(i);
      out->SetNull(i);
    }
    Vector value;
    for (const auto& arg : e.args) {
      if (pending.empty()) break;
      RETURN_IF_ERROR(Eval(*arg, Narrow(rs, pending), &value));
      out->ShareStringsOf(value);
      size_t kept = 0;
      for (size_t k = 0; k < pending.size(); ++k) {
        if (value.IsNull(k)) {
          pending[kept++] = pending[k];
        } else {
          out->CopyRow(value, k, pending[k]);
        }
      }
      pending.resize(kept);
    }
    return Status::OK();
  }

  Status EvalInList(const BoundExpr& e, const RowSet& rs, Vector* out) {
    Vector vt;
    ASSIGN_OR_RETURN(const Vector* v, Ref(*e.args[0], rs, &vt));
    Prepare(out, Type::Boolean(), rs.n);
    bool all_constant = true;
    for (size_t k = 1; k < e.args.size(); ++k)
      all_constant &= e.args[k]->kind == BoundKind::kConstant;
    if (all_constant) {
      // Probe a set of the constants' canonical keys.
      bool has_null = false;
      std::unordered_set<std::string> keys;
      Vector one(e.args[0]->type);
      one.Resize(1);
      for (size_t k = 1; k < e.args.size(); ++k) {
        const Value& c = e.args[k]->constant;
        if (c.is_null) {
          has_null = true;
          continue;
        }
        one.SetValue(0, c);
        std::string key;
        AppendKey(one, 0, &key);
        keys.insert(std::move(key));
      }
      std::string key;
      for (size_t i = 0; i < rs.n; ++i) {
        if (v->IsNull(i)) {
          out->SetNull(i);
          continue;
        }
        key.clear();
        AppendKey(*v, i, &key);
        bool hit = keys.count(key) > 0;
        if (v->type().id() == TypeId::kDouble && v->f64()[i] != v->f64()[i]) hit = false;  // NaN
        if (hit) {
          out->bools()[i] = 1;
        } else if (has_null) {
          out->SetNull(i);
        }
      }
      return Status::OK();
    }
    std::vector<Vector> items(e.args.size() - 1);
    std::vector<const Vector*> refs;
    for (size_t k = 1; k < e.args.size(); ++k) {
      ASSIGN_OR_RETURN(const Vector* r, Ref(*e.args[k], rs, &items[k - 1]));
      refs.push_back(r);
    }
    for (size_t i = 0; i < rs.n; ++i) {
      if (v->IsNull(i)) {
        out->SetNull(i);
        continue;
      }
      bool hit = false, null_item = false;
      for (const Vector* r : refs) {
        if (r->IsNull(i)) {
          null_item = true;
        } else if (ValuesEqual(*v, i, *r, i)) {
          hit = true;
          break;
        }
      }
      if (hit) {
        out->bools()[i] = 1;
      } else if (null_item) {
        out->SetNull(i);
      }
    }
    return Status::OK();
  }

  Status EvalInSubquery(const BoundExpr& e, const RowSet& rs, Vector* out) {
    Vector vt;
    ASSIGN_OR_RETURN(const Vector* v, Ref(*e.args[0], rs, &vt));
    ASSIGN_OR_RETURN(const SubqueryResult* r, Subquery(e.index));
    Prepare(out, Type::Boolean(), rs.n);
    std::string key;
    for (size_t i = 0; i < rs.n; ++i) {
      if (v->IsNull(i)) {
        if (r->rows > 0) out->SetNull(i);
        continue;
      }
      key.clear();
      AppendKey(*v, i, &key);
      bool hit = std::binary_search(r->keys.begin(), r->keys.end(), key);
      if (hit) {
        out->bools()[i] = 1;
      } else if (r->has_null) {
        out->SetNull(i);
      }
    }
    return Status::OK();
  }

  Status EvalSubscript(const BoundExpr& e, const RowSet& rs, Vector* out) {
    Vector bt, it;
    ASSIGN_OR_RETURN(const Vector* base, Ref(*e.args[0], rs, &bt));
    ASSIGN_OR_RETURN(const Vector* index, Ref(*e.args[1], rs, &it));
    Prepare(out, e.type, rs.n);
    if (base->type().id() == TypeId::kArray) {
      const Vector& elems = base->child(0);
      out->ShareStringsOf(elems);
      for (size_t i = 0; i < rs.n; ++i) {
        if (base->IsNull(i) || index->IsNull(i)) {
          out->SetNullAndClear(i);
          continue;
        }
        int64_t k = index->i64()[i];
        const ListEntry& le = base->lists()[i];
        if (k == 0) return QueryFailed("SQL array indices start at 1");
        if (k < 0) return QueryFailed("Array subscript is negative: " + std::to_string(k));
        if (static_cast<uint64_t>(k) > le.length) {
          return QueryFailed("Array subscript must be less than or equal to array length: " +
                             std::to_string(k) + " > " + std::to_string(le.length));
        }
        out->CopyRow(elems, le.offset + static_cast<size_t>(k - 1), i);
      }
      return Status::OK();
    }
    // Map: a missing key is NULL (cairn's choice; see doc/sql.md). Values may point into the
    // map's text.
    out->ShareStringsOf(*base);
    for (size_t i = 0; i < rs.n; ++i) {
      if (base->IsNull(i) || index->IsNull(i)) {
        out->SetNullAndClear(i);
        continue;
      }
      RETURN_IF_ERROR(MapElement(base->strs()[i], index->strs()[i], e.type, out, i));
    }
    return Status::OK();
  }

  Status EvalTry(const BoundExpr& e, const RowSet& rs, Vector* out) {
    Status st = Eval(*e.args[0], rs, out);
    if (st.ok()) return st;
    if (st.code() != StatusCode::kInvalidArgument) return st;
    // Some row failed: evaluate row by row, turning failures into NULL.
    Prepare(out, e.type, rs.n);
    Vector one;
    for (size_t i = 0; i < rs.n; ++i) {
      uint32_t pos = static_cast<uint32_t>(i);
      Status row = Eval(*e.args[0], Narrow(rs, std::span<const uint32_t>(&pos, 1)), &one);
      if (row.ok()) {
        out->ShareStringsOf(one);
        out->CopyRow(one, 0, i);
      } else if (row.code() == StatusCode::kInvalidArgument) {
        out->SetNullAndClear(i);
      } else {
        return row;
      }
    }
    return Status::OK();
  }

  const Chunk& input_;
  EvalContext& ctx_;
  std::vector<std::vector<const Vector*>> frame_params_;
};

uint8_t TypeTag(const Type& t) { return static_cast<uint8_t>(t.id()) + 1; }

void AppendRaw(std::string* key, const void* p, size_t n) {
  key->append(static_cast<const char*>(p), n);
}

}  // namespace

Status Evaluate(const BoundExpr& e, const Chunk& input, EvalContext& ctx, Vector* out) {
  Evaluator ev(input, ctx);
  RowSet rs;
  rs.n = input.size;
  return ev.Eval(e, rs, out);
}

Result<Value> EvaluateConstant(const BoundExpr& e, EvalContext& ctx) {
  Chunk one;
  one.size = 1;
  Vector out;
  RETURN_IF_ERROR(Evaluate(e, one, ctx, &out));
  return out.GetValue(0);
}

Status EvaluateFilter(const BoundExpr& predicate, const Chunk& input, EvalContext& ctx,
                      std::vector<uint32_t>* rows) {
  rows->clear();
  Vector out;
  RETURN_IF_ERROR(Evaluate(predicate, input, ctx, &out));
  rows->reserve(input.size);
  const uint8_t* b = out.bools();
  for (size_t i = 0; i < input.size; ++i) {
    if (out.IsValid(i) && b[i]) rows->push_back(static_cast<uint32_t>(i));
  }
  return Status::OK();
}

void AppendKey(const Vector& v, size_t i, std::string* key) {
  if (v.IsNull(i)) {
    key->push_back('\0');
    return;
  }
  const Type& t = v.type();
  key->push_back(static_cast<char>(TypeTag(t)));
  switch (t.id()) {
    case TypeId::kUnknown:
      return;
    case TypeId::kBoolean:
      key->push_back(v.bools()[i] ? 1 : 0);
      return;
    case TypeId::kDouble: {
      double d = v.f64()[i];
      if (d == 0) d = 0;  // -0.0 and 0.0 are equal
      if (d != d) d = __builtin_nan("");
      AppendRaw(key, &d, sizeof(d));
      return;
    }
    case TypeId::kVarchar:
    case TypeId::kJson:
    case TypeId::kMap: {
      std::string_view s = v.strs()[i];
      uint32_t n = static_cast<uint32_t>(s.size());
      AppendRaw(key, &n, sizeof(n));
      key->append(s);
      return;
    }
    case TypeId::kArray: {
      const ListEntry& e = v.lists()[i];
      AppendRaw(key, &e.length, sizeof(e.length));
      for (uint32_t k = 0; k < e.length; ++k) AppendKey(v.child(0), e.offset + k, key);
      return;
    }
    case TypeId::kRow:
      for (size_t k = 0; k < v.child_count(); ++k) AppendKey(v.child(k), i, key);
      return;
    case TypeId::kFunction:
      return;
    default:
      AppendRaw(key, &v.i64()[i], sizeof(int64_t));
      return;
  }
}

}  // namespace cairn::sql
