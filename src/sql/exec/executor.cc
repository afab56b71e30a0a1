// The executor's driver (ExecContext, BuildOperator, Drain) and its streaming operators: single
// row, VALUES, filter, projection, limit, set operations and UNNEST.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "sql/exec/operators.h"
#include "sql/functions/json_util.h"

namespace cairn::sql {

ExecContext::ExecContext(const BoundQuery* query, ScanProvider* scans, int64_t now_micros)
    : query_(query), scans_(scans) {
  eval_.now_micros = now_micros;
  eval_.subqueries = this;
  if (query_) {
    subquery_results_.resize(query_->subqueries.size());
    subquery_running_.resize(query_->subqueries.size(), false);
  }
}

ExecContext::~ExecContext() = default;

Status ExecContext::CheckCancelled() const {
  if (cancelled_.load(std::memory_order_relaxed) ||
      (limits_.cancel != nullptr && limits_.cancel->load(std::memory_order_relaxed))) {
    return Status::Cancelled("the query was cancelled");
  }
  if (limits_.deadline_micros != 0 && limits_.clock->NowMicros() > limits_.deadline_micros) {
    return Status::DeadlineExceeded("the query ran longer than its time limit of " +
                                    std::to_string(limits_.time_limit_ms) + " ms");
  }
  return Status::OK();
}

Status ExecContext::Reserve(int64_t bytes) {
  used_bytes_ += bytes;
  if (used_bytes_ > limits_.max_memory_bytes) {
    return Status::ResourceExhausted("the query needs more than its memory limit of " +
                                     std::to_string(limits_.max_memory_bytes >> 20) + " MiB");
  }
  return Status::OK();
}

Result<const SubqueryResult*> ExecContext::Get(int index) {
  if (query_ == nullptr || index < 0 || static_cast<size_t>(index) >= subquery_results_.size()) {
    return Status::Internal("unknown subquery " + std::to_string(index));
  }
  if (subquery_results_[index]) return subquery_results_[index].get();
  if (subquery_running_[index]) return Status::Internal("subquery refers to itself");
  subquery_running_[index] = true;
  const PlanNode& plan = *query_->subqueries[index];
  ASSIGN_OR_RETURN(OperatorPtr op, BuildOperator(plan, this));
  auto result = std::make_unique<SubqueryResult>();
  result->column = Vector(plan.columns[0].type);
  Chunk chunk;
  while (true) {
    RETURN_IF_ERROR(CheckCancelled());
    ASSIGN_OR_RETURN(bool more, op->Next(&chunk));
    if (!more) break;
    result->column.AppendRange(chunk.columns[0], 0, chunk.size);
    RETURN_IF_ERROR(Reserve(ChunkBytes(chunk)));
  }
  result->rows = result->column.size();
  std::string key;
  for (size_t i = 0; i < result->rows; ++i) {
    if (result->column.IsNull(i)) {
      result->has_null = true;
      continue;
    }
    key.clear();
    AppendKey(result->column, i, &key);
    result->keys.push_back(key);
  }
  std::sort(result->keys.begin(), result->keys.end());
  result->keys.erase(std::unique(result->keys.begin(), result->keys.end()), result->keys.end());
  subquery_results_[index] = std::move(result);
  subquery_running_[index] = false;
  return subquery_results_[index].get();
}

Result<ScanFilter> ResolveScanFilter(const ScanFilter& f, ExecContext* ctx) {
  ScanFilter out = f;
  for (ScanFilter::Term& t : out.terms) {
    if (t.subquery < 0) continue;
    ASSIGN_OR_RETURN(const SubqueryResult* r, ctx->Get(t.subquery));
    if (!IsStringPhysical(r->column.type())) {
      return Status::Internal("an IN-subquery scan term over a non-string subquery");
    }
    std::vector<std::string> values;
    for (size_t i = 0; i < r->rows; ++i) {
      if (r->column.IsValid(i)) values.emplace_back(r->column.strs()[i]);
    }
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    if (values.empty()) out.empty_result = true;
    t.op = ScanFilter::Term::Op::kIn;
    t.values = std::move(values);
    t.subquery = -1;
  }
  return out;
}

void RowKey(const std::vector<const Vector*>& columns, size_t i, std::string* key) {
  for (const Vector* c : columns) AppendKey(*c, i, key);
}

void AppendChunk(const Chunk& src, size_t from, size_t n, Chunk* dst) {
  for (size_t c = 0; c < src.columns.size(); ++c)
    dst->columns[c].AppendRange(src.columns[c], from, n);
  dst->size += n;
}

Chunk EmptyChunk(const std::vector<Type>& types) { return Chunk::Make(types, 0); }

int64_t ChunkBytes(const Chunk& c) {
  int64_t bytes = 0;
  for (const Vector& v : c.columns) {
    bytes += static_cast<int64_t>(v.size() * (Vector::Width(v.type()) + 1));
    if (IsStringPhysical(v.type())) {
      for (size_t i = 0; i < v.size(); ++i) bytes += static_cast<int64_t>(v.strs()[i].size());
    }
  }
  return bytes;
}

Status Drain(Operator* op, std::vector<Chunk>* chunks, ExecContext* ctx) {
  while (true) {
    RETURN_IF_ERROR(ctx->CheckCancelled());
    Chunk chunk;
    ASSIGN_OR_RETURN(bool more, op->Next(&chunk));
    if (!more) return Status::OK();
    RETURN_IF_ERROR(ctx->Reserve(ChunkBytes(chunk)));
    chunks->push_back(std::move(chunk));
  }
}

namespace {

class SingleRowOp : public Operator {
 public:
  Result<bool> Next(Chunk* out) override {
    if (done_) return false;
    done_ = true;
    *out = Chunk();
    out->size = 1;
    return true;
  }

 private:
  bool done_ = false;
};

class ValuesOp : public Operator {
 public:
  ValuesOp(const PlanNode& node, ExecContext* ctx) : node_(node), ctx_(ctx) {}
  Result<bool> Next(Chunk* out) override {
    if (next_ >= node_.rows.size()) return false;
    size_t n = std::min(kBatchSize, node_.rows.size() - next_);
    *out = Chunk::Make(node_.Types(), n);
    Chunk one;
    one.size = 1;
    Vector cell;
    for (size_t r = 0; r < n; ++r) {
      const auto& row = node_.rows[next_ + r];
      for (size_t c = 0; c < row.size(); ++c) {
        RETURN_IF_ERROR(Evaluate(*row[c], one, ctx_->eval(), &cell));
        out->columns[c].ShareStringsOf(cell);
        out->columns[c].CopyRow(cell, 0, r);
      }
    }
    next_ += n;
    return true;
  }

 private:
  const PlanNode& node_;
  ExecContext* ctx_;
  size_t next_ = 0;
};

class FilterOp : public Operator {
 public:
  FilterOp(const PlanNode& node, OperatorPtr child, ExecContext* ctx)
      : node_(node), child_(std::move(child)), ctx_(ctx) {}
  Result<bool> Next(Chunk* out) override {
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      ASSIGN_OR_RETURN(bool more, child_->Next(&in_));
      if (!more) return false;
      RETURN_IF_ERROR(EvaluateFilter(*node_.predicate, in_, ctx_->eval(), &rows_));
      if (rows_.empty()) continue;
      if (rows_.size() == in_.size) {
        *out = std::move(in_);
        return true;
      }
      out->columns.resize(in_.columns.size());
      for (size_t c = 0; c < in_.columns.size(); ++c) {
        out->columns[c] = Vector(in_.columns[c].type());
        out->columns[c].Gather(in_.columns[c], rows_);
      }
      out->size = rows_.size();
      return true;
    }
  }

 private:
  const PlanNode& node_;
  OperatorPtr child_;
  ExecContext* ctx_;
  Chunk in_;
  std::vector<uint32_t> rows_;
};

class ProjectOp : public Operator {
 public:
  ProjectOp(const PlanNode& node, OperatorPtr child, ExecContext* ctx)
      : node_(node), child_(std::move(child)), ctx_(ctx) {
    // Plain column references can take the input's vector instead of copying it; the last
    // reference of a column takes it, earlier ones copy.
    for (size_t i = 0; i < node_.exprs.size(); ++i) {
      if (node_.exprs[i]->kind == BoundKind::kColumn) last_use_[node_.exprs[i]->index] = i;
    }
  }
  Result<bool> Next(Chunk* out) override {
    RETURN_IF_ERROR(ctx_->CheckCancelled());
    Chunk in;
    ASSIGN_OR_RETURN(bool more, child_->Next(&in));
    if (!more) return false;
    size_t n = node_.exprs.size();
    out->columns.clear();
    out->columns.resize(n);
    out->size = in.size;
    // Computed expressions first, while every input column is still in place.
    for (size_t i = 0; i < n; ++i) {
      const BoundExpr& e = *node_.exprs[i];
      if (e.kind == BoundKind::kColumn) continue;
      RETURN_IF_ERROR(Evaluate(e, in, ctx_->eval(), &out->columns[i]));
    }
    for (size_t i = 0; i < n; ++i) {
      const BoundExpr& e = *node_.exprs[i];
      if (e.kind != BoundKind::kColumn) continue;
      Vector& src = in.columns[static_cast<size_t>(e.index)];
      if (last_use_[e.index] == i) {
        out->columns[i] = std::move(src);
      } else {
        out->columns[i] = Vector(src.type());
        out->columns[i].AppendRange(src, 0, in.size);
      }
    }
    return true;
  }

 private:
  const PlanNode& node_;
  OperatorPtr child_;
  ExecContext* ctx_;
  std::unordered_map<int, size_t> last_use_;
};

class LimitOp : public Operator {
 public:
  LimitOp(const PlanNode& node, OperatorPtr child)
      : child_(std::move(child)), skip_(node.offset), left_(node.limit.value_or(INT64_MAX)) {}
  Result<bool> Next(Chunk* out) override {
    while (left_ > 0) {
      Chunk in;
      ASSIGN_OR_RETURN(bool more, child_->Next(&in));
      if (!more) return false;
      int64_t n = static_cast<int64_t>(in.size);
      int64_t from = std::min(skip_, n);
      skip_ -= from;
      int64_t take = std::min(n - from, left_);
      if (take <= 0) continue;
      left_ -= take;
      if (from == 0 && take == n) {
        *out = std::move(in);
        return true;
      }
      *out = Chunk::Make({}, 0);
      out->columns.clear();
      for (const Vector& v : in.columns) out->columns.emplace_back(v.type());
      AppendChunk(in, static_cast<size_t>(from), static_cast<size_t>(take), out);
      return true;
    }
    return false;
  }

 private:
  OperatorPtr child_;
  int64_t skip_;
  int64_t left_;
};

// UNION [ALL], EXCEPT [ALL], INTERSECT [ALL].
class SetOpOp : public Operator {
 public:
  SetOpOp(const PlanNode& node, OperatorPtr left, OperatorPtr right, ExecContext* ctx)
      : node_(node), left_(std::move(left)), right_(std::move(right)), ctx_(ctx) {}

  Result<bool> Next(Chunk* out) override {
    if (node_.set_op == ast::SetOpKind::kUnion) return NextUnion(out);
    if (!right_loaded_) RETURN_IF_ERROR(LoadRight());
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      Chunk in;
      ASSIGN_OR_RETURN(bool more, left_->Next(&in));
      if (!more) return false;
      std::vector<uint32_t> keep;
      std::vector<const Vector*> cols;
      for (const Vector& v : in.columns) cols.push_back(&v);
      std::string key;
      for (size_t i = 0; i < in.size; ++i) {
        key.clear();
        RowKey(cols, i, &key);
        auto it = right_counts_.find(key);
        int64_t in_right = it == right_counts_.end() ? 0 : it->second;
        int64_t& seen = left_seen_[key];
        ++seen;
        bool emit;
        if (node_.set_op == ast::SetOpKind::kExcept) {
          // ALL: each left copy beyond the right count; DISTINCT: once, if absent on the right.
          emit = node_.all ? seen > in_right : (seen == 1 && in_right == 0);
        } else {
          emit = node_.all ? seen <= in_right : (seen == 1 && in_right > 0);
        }
        if (emit) keep.push_back(static_cast<uint32_t>(i));
      }
      RETURN_IF_ERROR(ctx_->Reserve(static_cast<int64_t>(in.size * 16)));
      if (keep.empty()) continue;
      out->columns.clear();
      for (const Vector& v : in.columns) {
        out->columns.emplace_back(v.type());
        out->columns.back().Gather(v, keep);
      }
      out->size = keep.size();
      return true;
    }
  }

 private:
  Result<bool> NextUnion(Chunk* out) {
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      Operator* src = on_right_ ? right_.get() : left_.get();
      Chunk in;
      ASSIGN_OR_RETURN(bool more, src->Next(&in));
      if (!more) {
        if (on_right_) return false;
        on_right_ = true;
        continue;
      }
      if (node_.all) {
        *out = std::move(in);
        return true;
      }
      std::vector<uint32_t> keep;
      std::vector<const Vector*> cols;
      for (const Vector& v : in.columns) cols.push_back(&v);
      std::string key;
      for (size_t i = 0; i < in.size; ++i) {
        key.clear();
        RowKey(cols, i, &key);
        if (seen_.insert(key).second) {
          RETURN_IF_ERROR(ctx_->Reserve(static_cast<int64_t>(key.size() + 32)));
          keep.push_back(static_cast<uint32_t>(i));
        }
      }
      if (keep.empty()) continue;
      out->columns.clear();
      for (const Vector& v : in.columns) {
        out->columns.emplace_back(v.type());
        out->columns.back().Gather(v, keep);
      }
      out->size = keep.size();
      return true;
    }
  }

  Status LoadRight() {
    right_loaded_ = true;
    std::string key;
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      Chunk in;
      ASSIGN_OR_RETURN(bool more, right_->Next(&in));
      if (!more) return Status::OK();
      std::vector<const Vector*> cols;
      for (const Vector& v : in.columns) cols.push_back(&v);
      for (size_t i = 0; i < in.size; ++i) {
        key.clear();
        RowKey(cols, i, &key);
        ++right_counts_[key];
      }
      RETURN_IF_ERROR(ctx_->Reserve(static_cast<int64_t>(in.size * 48)));
    }
  }

  const PlanNode& node_;
  OperatorPtr left_, right_;
  ExecContext* ctx_;
  bool on_right_ = false;
  bool right_loaded_ = false;
  std::unordered_set<std::string> seen_;
  std::unordered_map<std::string, int64_t> right_counts_;
  std::unordered_map<std::string, int64_t> left_seen_;
};

// UNNEST: each input row joined with the elements of its arrays (zipped, padded with NULLs) or the
// entries of its maps.
class UnnestOp : public Operator {
 public:
  UnnestOp(const PlanNode& node, OperatorPtr child, ExecContext* ctx)
      : node_(node), child_(std::move(child)), ctx_(ctx) {}

  Result<bool> Next(Chunk* out) override {
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      if (row_ >= in_.size) {
        ASSIGN_OR_RETURN(bool more, child_->Next(&in_));
        if (!more) return false;
        row_ = 0;
        RETURN_IF_ERROR(EvaluateArrays());
      }
      RETURN_IF_ERROR(Emit(out));
      if (out->size > 0) return true;
    }
  }

 private:
  // Evaluates the unnested expressions of the current input chunk; maps become key and value
  // arrays.
  Status EvaluateArrays() {
    values_.clear();
    values_.resize(node_.unnest_exprs.size());
    map_keys_.clear();
    map_keys_.resize(node_.unnest_exprs.size());
    map_values_.clear();
    map_values_.resize(node_.unnest_exprs.size());
    for (size_t k = 0; k < node_.unnest_exprs.size(); ++k) {
      const BoundExpr& e = *node_.unnest_exprs[k];
      RETURN_IF_ERROR(Evaluate(e, in_, ctx_->eval(), &values_[k]));
      if (e.type.id() != TypeId::kMap) continue;
      // Map entries as two parallel arrays.
      Type kt = Type::Array(e.type.key()), vt = Type::Array(e.type.value());
      map_keys_[k] = Vector(kt);
      map_values_[k] = Vector(vt);
      map_keys_[k].Resize(in_.size);
      map_values_[k].Resize(in_.size);
      map_keys_[k].child(0).ShareStringsOf(values_[k]);
      std::vector<std::pair<std::string_view, std::string_view>> members;
      std::string key;
      for (size_t i = 0; i < in_.size; ++i) {
        if (values_[k].IsNull(i) || !JsonObjectMembers(values_[k].strs()[i], &members)) {
          map_keys_[k].SetNull(i);
          map_values_[k].SetNull(i);
          continue;
        }
        Vector& ks = map_keys_[k].child(0);
        Vector& vs = map_values_[k].child(0);
        uint32_t at = static_cast<uint32_t>(ks.size());
        ks.Resize(at + members.size());
        vs.Resize(at + members.size());
        for (size_t m = 0; m < members.size(); ++m) {
          size_t p = 0;
          JsonReadString(members[m].first, &p, &key);
          ks.strs()[at + m] = ks.AddString(key);
          Value v;
          if (!MapValueFromJson(members[m].second, e.type.value(), &v))
            v = Value::Null(e.type.value());
          vs.SetValue(at + m, v);
        }
        map_keys_[k].lists()[i] = {at, static_cast<uint32_t>(members.size())};
        map_values_[k].lists()[i] = {at, static_cast<uint32_t>(members.size())};
      }
    }
    return Status::OK();
  }

  uint32_t LengthOf(size_t k, size_t i) const {
    const Vector& v = node_.unnest_exprs[k]->type.id() == TypeId::kMap ? map_keys_[k] : values_[k];
    return v.IsNull(i) ? 0 : v.lists()[i].length;
  }

  Status Emit(Chunk* out) {
    std::vector<uint32_t> parent;   // input row of each output row
    std::vector<uint32_t> ordinal;  // element index within its row
    while (row_ < in_.size && parent.size() < kBatchSize) {
      uint32_t n = 0;
      for (size_t k = 0; k < node_.unnest_exprs.size(); ++k) n = std::max(n, LengthOf(k, row_));
      if (n == 0 && node_.outer) {
        parent.push_back(static_cast<uint32_t>(row_));
        ordinal.push_back(UINT32_MAX);
      }
      for (uint32_t j = 0; j < n; ++j) {
        parent.push_back(static_cast<uint32_t>(row_));
        ordinal.push_back(j);
      }
      ++row_;
    }
    size_t rows = parent.size();
    out->columns.clear();
    out->size = rows;
    for (const Vector& v : in_.columns) {
      out->columns.emplace_back(v.type());
      out->columns.back().Gather(v, parent);
    }
    // Element positions per unnested expression (UINT32_MAX = NULL padding).
    std::vector<uint32_t> pos(rows);
    for (size_t k = 0; k < node_.unnest_exprs.size(); ++k) {
      const BoundExpr& e = *node_.unnest_exprs[k];
      bool is_map = e.type.id() == TypeId::kMap;
      const Vector& arr = is_map ? map_keys_[k] : values_[k];
      for (size_t r = 0; r < rows; ++r) {
        uint32_t j = ordinal[r];
        pos[r] = (j != UINT32_MAX && j < LengthOf(k, parent[r])) ? arr.lists()[parent[r]].offset + j
                                                                 : UINT32_MAX;
      }
      auto gather_padded = [&](const Vector& src) {
        Vector v(src.type());
        v.ShareStringsOf(src);
        v.Resize(rows);
        for (size_t r = 0; r < rows; ++r) {
          if (pos[r] == UINT32_MAX) {
            v.SetNullAndClear(r);
          } else {
            v.CopyRow(src, pos[r], r);
          }
        }
        return v;
      };
      if (is_map) {
        out->columns.push_back(gather_padded(map_keys_[k].child(0)));
        out->columns.push_back(gather_padded(map_values_[k].child(0)));
      } else if (node_.expand_rows[k]) {
        const Vector& elems = values_[k].child(0);
        for (size_t f = 0; f < elems.child_count(); ++f) {
          Vector field = gather_padded(elems.child(f));
          // A NULL row element makes all its fields NULL.
          for (size_t r = 0; r < rows; ++r) {
            if (pos[r] != UINT32_MAX && elems.IsNull(pos[r])) field.SetNullAndClear(r);
          }
          out->columns.push_back(std::move(field));
        }
      } else {
        out->columns.push_back(gather_padded(values_[k].child(0)));
      }
    }
    if (node_.with_ordinality) {
      Vector ord(Type::Bigint());
      ord.Resize(rows);
      for (size_t r = 0; r < rows; ++r) {
        if (ordinal[r] == UINT32_MAX) {
          ord.SetNull(r);
        } else {
          ord.i64()[r] = ordinal[r] + 1;
        }
      }
      out->columns.push_back(std::move(ord));
    }
    return Status::OK();
  }

  const PlanNode& node_;
  OperatorPtr child_;
  ExecContext* ctx_;
  Chunk in_;
  size_t row_ = 0;
  std::vector<Vector> values_, map_keys_, map_values_;
};

}  // namespace

namespace {

// Runs the subqueries whose values a scan's IN terms need before the scan provider is asked for
// the scan: providers may hold a lock while opening one, and a subquery opens scans of its own.
Status RunScanSubqueries(const PlanNode& scan, ExecContext* ctx) {
  for (const ScanFilter::Term& t : scan.scan_filter.terms) {
    if (t.subquery >= 0) RETURN_IF_ERROR(ctx->Get(t.subquery).status());
  }
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<Operator>> BuildOperator(const PlanNode& node, ExecContext* ctx) {
  std::vector<OperatorPtr> children;
  // A Sort directly under a Limit runs as top-N.
  if (node.kind == PlanKind::kLimit && node.children[0]->kind == PlanKind::kSort && node.limit) {
    const PlanNode& sort = *node.children[0];
    ASSIGN_OR_RETURN(OperatorPtr input, BuildOperator(*sort.children[0], ctx));
    ASSIGN_OR_RETURN(OperatorPtr top,
                     MakeSort(sort, std::move(input), node.offset + *node.limit, ctx));
    return OperatorPtr(std::make_unique<LimitOp>(node, std::move(top)));
  }
  // An aggregate directly over a scan may be computed by the scan provider itself.
  if (node.kind == PlanKind::kAggregate && node.children.size() == 1 &&
      node.children[0]->kind == PlanKind::kScan && ctx->scans() != nullptr) {
    RETURN_IF_ERROR(RunScanSubqueries(*node.children[0], ctx));
    ASSIGN_OR_RETURN(OperatorPtr fused, ctx->scans()->OpenAggregate(node, ctx));
    if (fused) return fused;
  }
  for (const auto& c : node.children) {
    ASSIGN_OR_RETURN(OperatorPtr op, BuildOperator(*c, ctx));
    children.push_back(std::move(op));
  }
  switch (node.kind) {
    case PlanKind::kScan:
      if (ctx->scans() == nullptr)
        return Status::Internal("no scan provider for table " + node.table.id);
      RETURN_IF_ERROR(RunScanSubqueries(node, ctx));
      return ctx->scans()->OpenScan(node, ctx);
    case PlanKind::kSingleRow:
      return OperatorPtr(std::make_unique<SingleRowOp>());
    case PlanKind::kValues:
      return OperatorPtr(std::make_unique<ValuesOp>(node, ctx));
    case PlanKind::kFilter:
      return OperatorPtr(std::make_unique<FilterOp>(node, std::move(children[0]), ctx));
    case PlanKind::kProject:
      return OperatorPtr(std::make_unique<ProjectOp>(node, std::move(children[0]), ctx));
    case PlanKind::kLimit:
      return OperatorPtr(std::make_unique<LimitOp>(node, std::move(children[0])));
    case PlanKind::kAggregate:
      return MakeHashAggregate(node, std::move(children[0]), ctx);
    case PlanKind::kDistinct:
      return MakeDistinct(node, std::move(children[0]), ctx);
    case PlanKind::kSort:
      return MakeSort(node, std::move(children[0]), -1, ctx);
    case PlanKind::kJoin:
      return MakeJoin(node, std::move(children[0]), std::move(children[1]), ctx);
    case PlanKind::kSetOp:
      return OperatorPtr(
          std::make_unique<SetOpOp>(node, std::move(children[0]), std::move(children[1]), ctx));
    case PlanKind::kUnnest:
      return OperatorPtr(std::make_unique<UnnestOp>(node, std::move(children[0]), ctx));
    case PlanKind::kWindow:
      return MakeWindow(node, std::move(children[0]), ctx);
  }
  return Status::Internal("unknown plan node");
}

}  // namespace cairn::sql
