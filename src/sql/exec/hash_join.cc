// Joins. The right input is materialized (the build side). Equality conjuncts of the condition
// between a left-only and a right-only expression become hash keys; the other conjuncts are a
// residual predicate checked on each matching pair. Without hash keys the join runs as nested
// loops over the materialized right side. INNER, LEFT, RIGHT, FULL and CROSS joins share the code:
// LEFT/FULL emit left rows without a match padded with NULLs, RIGHT/FULL emit the unmatched right
// rows at the end.
#include <algorithm>
#include <unordered_map>

#include "sql/exec/operators.h"

namespace cairn::sql {
namespace {

// Whether `e` reads only columns in [lo, hi).
bool ColumnsWithin(const BoundExpr& e, int lo, int hi) {
  if (e.kind == BoundKind::kColumn && (e.index < lo || e.index >= hi)) return false;
  for (const auto& a : e.args) {
    if (!ColumnsWithin(*a, lo, hi)) return false;
  }
  return true;
}

void ShiftColumns(BoundExpr* e, int delta) {
  if (e->kind == BoundKind::kColumn) e->index += delta;
  for (auto& a : e->args) ShiftColumns(a.get(), delta);
}

void Conjuncts(const BoundExpr& e, std::vector<const BoundExpr*>* out) {
  if (e.kind == BoundKind::kAnd) {
    for (const auto& a : e.args) Conjuncts(*a, out);
  } else {
    out->push_back(&e);
  }
}

class JoinOp : public Operator {
 public:
  JoinOp(const PlanNode& node, OperatorPtr left, OperatorPtr right, ExecContext* ctx)
      : node_(node), left_(std::move(left)), right_op_(std::move(right)), ctx_(ctx) {
    left_width_ = static_cast<int>(node.children[0]->columns.size());
    right_width_ = static_cast<int>(node.children[1]->columns.size());
    ast::JoinType t = node.join_type;
    emit_left_unmatched_ = t == ast::JoinType::kLeft || t == ast::JoinType::kFull;
    emit_right_unmatched_ = t == ast::JoinType::kRight || t == ast::JoinType::kFull;
    if (node.condition) {
      std::vector<const BoundExpr*> terms;
      Conjuncts(*node.condition, &terms);
      std::vector<BoundExprPtr> residual;
      for (const BoundExpr* term : terms) {
        if (term->kind == BoundKind::kFunction && term->function->name == "$eq") {
          const BoundExpr& a = *term->args[0];
          const BoundExpr& b = *term->args[1];
          int total = left_width_ + right_width_;
          const BoundExpr* l = nullptr;
          const BoundExpr* r = nullptr;
          if (ColumnsWithin(a, 0, left_width_) && ColumnsWithin(b, left_width_, total) &&
              b.ReferencesColumns()) {
            l = &a, r = &b;
          } else if (ColumnsWithin(b, 0, left_width_) && ColumnsWithin(a, left_width_, total) &&
                     a.ReferencesColumns()) {
            l = &b, r = &a;
          }
          if (l && IsComparable(l->type)) {
            left_keys_.push_back(l->Clone());
            BoundExprPtr rk = r->Clone();
            ShiftColumns(rk.get(), -left_width_);
            right_keys_.push_back(std::move(rk));
            continue;
          }
        }
        residual.push_back(term->Clone());
      }
      if (residual.size() == 1) {
        residual_ = std::move(residual[0]);
      } else if (residual.size() > 1) {
        residual_ = std::make_unique<BoundExpr>(BoundKind::kAnd, Type::Boolean());
        residual_->args = std::move(residual);
      }
    }
  }

  Result<bool> Next(Chunk* out) override {
    if (!built_) RETURN_IF_ERROR(BuildRight());
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      if (EmitPending(out)) return true;
      if (left_done_) {
        if (emit_right_unmatched_ && !right_tail_done_) {
          right_tail_done_ = true;
          for (size_t r = 0; r < right_.size; ++r) {
            if (!right_matched_[r]) {
              pending_left_.push_back(kNull);
              pending_right_.push_back(static_cast<uint32_t>(r));
            }
          }
          left_chunk_ = EmptyChunk(node_.children[0]->Types());
          continue;
        }
        return false;
      }
      ASSIGN_OR_RETURN(bool more, left_->Next(&left_chunk_));
      if (!more) {
        left_done_ = true;
        continue;
      }
      RETURN_IF_ERROR(Probe());
    }
  }

 private:
  static constexpr uint32_t kNull = UINT32_MAX;

  Status BuildRight() {
    built_ = true;
    right_ = EmptyChunk(node_.children[1]->Types());
    Chunk in;
    int64_t reserved = 0;
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      ASSIGN_OR_RETURN(bool more, right_op_->Next(&in));
      if (!more) break;
      AppendChunk(in, 0, in.size, &right_);
      int64_t bytes = ChunkBytes(right_);
      RETURN_IF_ERROR(ctx_->Reserve(bytes - reserved));
      reserved = bytes;
    }
    right_matched_.assign(right_.size, 0);
    if (left_keys_.empty()) return Status::OK();
    // Hash the right side's keys; rows with a NULL key never match.
    std::vector<Vector> keys(right_keys_.size());
    std::vector<const Vector*> cols;
    for (size_t k = 0; k < right_keys_.size(); ++k) {
      RETURN_IF_ERROR(Evaluate(*right_keys_[k], right_, ctx_->eval(), &keys[k]));
      cols.push_back(&keys[k]);
    }
    std::string key;
    for (size_t r = 0; r < right_.size; ++r) {
      bool null_key = false;
      for (const Vector* c : cols) null_key |= c->IsNull(r);
      if (null_key) continue;
      key.clear();
      RowKey(cols, r, &key);
      table_[key].push_back(static_cast<uint32_t>(r));
    }
    RETURN_IF_ERROR(ctx_->Reserve(static_cast<int64_t>(right_.size * 64)));
    return Status::OK();
  }

  // Finds the pairs of the current left chunk and queues them.
  Status Probe() {
    size_t n = left_chunk_.size;
    std::vector<uint32_t> cand_left, cand_right;
    if (!left_keys_.empty()) {
      std::vector<Vector> keys(left_keys_.size());
      std::vector<const Vector*> cols;
      for (size_t k = 0; k < left_keys_.size(); ++k) {
        RETURN_IF_ERROR(Evaluate(*left_keys_[k], left_chunk_, ctx_->eval(), &keys[k]));
        cols.push_back(&keys[k]);
      }
      std::string key;
      for (size_t i = 0; i < n; ++i) {
        bool null_key = false;
        for (const Vector* c : cols) null_key |= c->IsNull(i);
        if (null_key) continue;
        key.clear();
        RowKey(cols, i, &key);
        auto it = table_.find(key);
        if (it == table_.end()) continue;
        for (uint32_t r : it->second) {
          cand_left.push_back(static_cast<uint32_t>(i));
          cand_right.push_back(r);
        }
      }
    } else {
      // Nested loops (cross product), filtered by the residual below.
      if (right_.size > 0 && n * right_.size > (size_t{1} << 31)) {
        return QueryFailed("join without equality condition is too large (" + std::to_string(n) +
                           " x " + std::to_string(right_.size) + " rows in one batch)");
      }
      for (size_t i = 0; i < n; ++i) {
        for (size_t r = 0; r < right_.size; ++r) {
          cand_left.push_back(static_cast<uint32_t>(i));
          cand_right.push_back(static_cast<uint32_t>(r));
        }
      }
    }
    std::vector<uint8_t> left_matched(n, 0);
    // Check the residual on the candidate pairs, a batch at a time.
    for (size_t from = 0; from < cand_left.size(); from += kBatchSize) {
      size_t m = std::min(kBatchSize, cand_left.size() - from);
      std::span<const uint32_t> ls(cand_left.data() + from, m), rs(cand_right.data() + from, m);
      std::vector<uint32_t> pass;
      if (residual_) {
        Chunk pairs = MakePairs(ls, rs);
        RETURN_IF_ERROR(EvaluateFilter(*residual_, pairs, ctx_->eval(), &pass));
      } else {
        pass.resize(m);
        for (size_t k = 0; k < m; ++k) pass[k] = static_cast<uint32_t>(k);
      }
      for (uint32_t k : pass) {
        left_matched[ls[k]] = 1;
        right_matched_[rs[k]] = 1;
        pending_left_.push_back(ls[k]);
        pending_right_.push_back(rs[k]);
      }
    }
    if (emit_left_unmatched_) {
      for (size_t i = 0; i < n; ++i) {
        if (!left_matched[i]) {
          pending_left_.push_back(static_cast<uint32_t>(i));
          pending_right_.push_back(kNull);
        }
      }
    }
    return Status::OK();
  }

  // Left columns of rows ls then right columns of rows rs (kNull -> NULL).
  Chunk MakePairs(std::span<const uint32_t> ls, std::span<const uint32_t> rs) const {
    Chunk c;
    c.size = ls.size();
    auto gather = [&](const Chunk& src, std::span<const uint32_t> rows) {
      bool has_null = std::find(rows.begin(), rows.end(), kNull) != rows.end();
      for (const Vector& v : src.columns) {
        Vector g(v.type());
        if (!has_null) {
          g.Gather(v, rows);
        } else {
          g.ShareStringsOf(v);
          g.Resize(rows.size());
          for (size_t k = 0; k < rows.size(); ++k) {
            if (rows[k] == kNull) {
              g.SetNullAndClear(k);
            } else {
              g.CopyRow(v, rows[k], k);
            }
          }
        }
        c.columns.push_back(std::move(g));
      }
    };
    gather(left_chunk_, ls);
    gather(right_, rs);
    return c;
  }

  bool EmitPending(Chunk* out) {
    if (pending_pos_ >= pending_left_.size()) {
      pending_left_.clear();
      pending_right_.clear();
      pending_pos_ = 0;
      return false;
    }
    size_t m = std::min(kBatchSize, pending_left_.size() - pending_pos_);
    *out = MakePairs(std::span<const uint32_t>(pending_left_.data() + pending_pos_, m),
                     std::span<const uint32_t>(pending_right_.data() + pending_pos_, m));
    pending_pos_ += m;
    return true;
  }

  const PlanNode& node_;
  OperatorPtr left_;
  OperatorPtr right_op_;
  ExecContext* ctx_;
  int left_width_ = 0, right_width_ = 0;
  bool emit_left_unmatched_ = false, emit_right_unmatched_ = false;
  std::vector<BoundExprPtr> left_keys_, right_keys_;
  BoundExprPtr residual_;
  bool built_ = false;
  Chunk right_;
  std::vector<uint8_t> right_matched_;
  std::unordered_map<std::string, std::vector<uint32_t>> table_;
  Chunk left_chunk_;
  bool left_done_ = false;
  bool right_tail_done_ = false;
  std::vector<uint32_t> pending_left_, pending_right_;
  size_t pending_pos_ = 0;
};

}  // namespace

Result<OperatorPtr> MakeJoin(const PlanNode& node, OperatorPtr left, OperatorPtr right,
                             ExecContext* ctx) {
  return OperatorPtr(std::make_unique<JoinOp>(node, std::move(left), std::move(right), ctx));
}

}  // namespace cairn::sql
