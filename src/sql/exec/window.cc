// Window functions (OVER). The input is materialized; for each call, rows are ordered by
// (PARTITION BY, ORDER BY) and each partition is walked once. Frames:
//   - no explicit frame: with ORDER BY, RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW (peers of
//     the current row included); without ORDER BY, the whole partition (Trino's defaults);
//   - ROWS BETWEEN ... AND ...: any bounds (n PRECEDING / FOLLOWING, UNBOUNDED, CURRENT ROW);
//   - RANGE with UNBOUNDED / CURRENT ROW bounds. RANGE with offsets and GROUPS are refused.
// Results come out in the input's row order.
#include <algorithm>
#include <numeric>

#include "sql/exec/aggregate_states.h"
#include "sql/exec/operators.h"
#include "sql/functions/compare.h"

namespace cairn::sql {
namespace {

using FB = ast::FrameBound::Kind;

class WindowOp : public Operator {
 public:
  WindowOp(const PlanNode& node, OperatorPtr child, ExecContext* ctx)
      : node_(node), child_(std::move(child)), ctx_(ctx) {}

  Result<bool> Next(Chunk* out) override {
    if (!built_) RETURN_IF_ERROR(Build());
    if (emitted_ >= all_.size) return false;
    size_t n = std::min(kBatchSize, all_.size - emitted_);
    out->columns.clear();
    out->size = n;
    for (const Vector& v : all_.columns) {
      out->columns.emplace_back(v.type());
      out->columns.back().AppendRange(v, emitted_, n);
    }
    for (const Vector& v : results_) {
      out->columns.emplace_back(v.type());
      out->columns.back().AppendRange(v, emitted_, n);
    }
    emitted_ += n;
    return true;
  }

 private:
  Status Build() {
    built_ = true;
    all_ = EmptyChunk(node_.children[0]->Types());
    Chunk in;
    int64_t reserved = 0;
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      ASSIGN_OR_RETURN(bool more, child_->Next(&in));
      if (!more) break;
      AppendChunk(in, 0, in.size, &all_);
      int64_t bytes = ChunkBytes(all_);
      RETURN_IF_ERROR(ctx_->Reserve(bytes - reserved));
      reserved = bytes;
    }
    for (const WindowCall& call : node_.windows) {
      results_.emplace_back(call.type);
      RETURN_IF_ERROR(Compute(call, &results_.back()));
    }
    return Status::OK();
  }

  Status Compute(const WindowCall& call, Vector* out) {
    size_t n = all_.size;
    out->Reset(n);
    std::vector<Vector> parts(call.partition_by.size()), orders(call.order_exprs.size()),
        args(call.args.size());
    for (size_t k = 0; k < parts.size(); ++k)
      RETURN_IF_ERROR(Evaluate(*call.partition_by[k], all_, ctx_->eval(), &parts[k]));
    for (size_t k = 0; k < orders.size(); ++k)
      RETURN_IF_ERROR(Evaluate(*call.order_exprs[k], all_, ctx_->eval(), &orders[k]));
    for (size_t k = 0; k < args.size(); ++k)
      RETURN_IF_ERROR(Evaluate(*call.args[k], all_, ctx_->eval(), &args[k]));
    auto cmp_part = [&](uint32_t a, uint32_t b) {
      for (const Vector& v : parts) {
        bool an = v.IsNull(a), bn = v.IsNull(b);
        if (an || bn) {
          if (an != bn) return an ? -1 : 1;
          continue;
        }
        int c = CompareValues(v, a, v, b);
        if (c) return c;
      }
      return 0;
    };
    auto cmp_order = [&](uint32_t a, uint32_t b) {
      for (size_t k = 0; k < orders.size(); ++k) {
        const Vector& v = orders[k];
        const SortKey& key = call.order[k];
        bool an = v.IsNull(a), bn = v.IsNull(b);
        if (an || bn) {
          if (an == bn) continue;
          return (key.nulls_first ? an : bn) ? -1 : 1;
        }
        int c = CompareValues(v, a, v, b);
        if (c) return key.descending ? -c : c;
      }
      return 0;
    };
    std::vector<uint32_t> perm(n);
    std::iota(perm.begin(), perm.end(), 0u);
    std::stable_sort(perm.begin(), perm.end(), [&](uint32_t a, uint32_t b) {
      int c = cmp_part(a, b);
      if (c) return c < 0;
      return cmp_order(a, b) < 0;
    });
    std::unique_ptr<AggregateStates> states;
    if (call.is_aggregate) {
      ASSIGN_OR_RETURN(states, MakeAggregateStates(call.aggregate, {}));
      states->Resize(1);
    }
    std::vector<const Vector*> arg_ptrs;
    for (const Vector& a : args) arg_ptrs.push_back(&a);
    if (call.frame.unit == ast::WindowFrame::Unit::kGroups ||
        (call.frame.unit == ast::WindowFrame::Unit::kRange &&
         (call.frame.start == FB::kPreceding || call.frame.start == FB::kFollowing ||
          call.frame.end == FB::kPreceding || call.frame.end == FB::kFollowing))) {
      return QueryFailed("window frames with RANGE offsets or GROUPS are not supported");
    }
    for (const Vector& a : args) out->ShareStringsOf(a);
    size_t p = 0;
    while (p < n) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      size_t e = p + 1;
      while (e < n && cmp_part(perm[p], perm[e]) == 0) ++e;
      RETURN_IF_ERROR(Partition(call, std::span<const uint32_t>(perm.data() + p, e - p), args,
                                arg_ptrs, cmp_order, states.get(), out));
      p = e;
    }
    return Status::OK();
  }

  // [start, end] (inclusive, clamped) of the frame of position i in a partition of size m, with
  // peer group [peer_lo, peer_hi].
  static void Frame(const WindowFrameSpec& f, bool has_order, size_t i, size_t m, size_t peer_lo,
                    size_t peer_hi, int64_t* start, int64_t* end) {
    if (!f.explicit_frame) {
      *start = 0;
      *end = has_order ? static_cast<int64_t>(peer_hi) : static_cast<int64_t>(m) - 1;
      return;
    }
    bool rows = f.unit == ast::WindowFrame::Unit::kRows;
    auto bound = [&](FB kind, int64_t offset, bool is_start) -> int64_t {
      switch (kind) {
        case FB::kUnboundedPreceding:
          return 0;
        case FB::kUnboundedFollowing:
          return static_cast<int64_t>(m) - 1;
        case FB::kCurrentRow:
          if (rows) return static_cast<int64_t>(i);
          return static_cast<int64_t>(is_start ? peer_lo : peer_hi);
        case FB::kPreceding:
          return static_cast<int64_t>(i) - offset;
        case FB::kFollowing:
          return static_cast<int64_t>(i) + offset;
      }
      return 0;
    };
    *start = std::max<int64_t>(0, bound(f.start, f.start_offset, true));
    *end = std::min<int64_t>(static_cast<int64_t>(m) - 1, bound(f.end, f.end_offset, false));
  }

  template <class OrderCmp>
  Status Partition(const WindowCall& call, std::span<const uint32_t> rows,
                   const std::vector<Vector>& args, const std::vector<const Vector*>& arg_ptrs,
                   OrderCmp& cmp_order, AggregateStates* states, Vector* out) {
    size_t m = rows.size();
    bool has_order = !call.order.empty();
    // Peer groups (rows equal on the ORDER BY keys).
    std::vector<size_t> peer_lo(m), peer_hi(m);
    for (size_t i = 0; i < m;) {
      size_t j = i + 1;
      while (j < m && has_order && cmp_order(rows[i], rows[j]) == 0) ++j;
      if (!has_order) j = m;
      for (size_t k = i; k < j; ++k) {
        peer_lo[k] = i;
        peer_hi[k] = j - 1;
      }
      i = j;
    }
    if (call.is_aggregate) {
      std::vector<uint32_t> one;
      Vector result(call.type);
      int64_t last_start = -1, last_end = -1;
      for (size_t i = 0; i < m; ++i) {
        int64_t s, e;
        Frame(call.frame, has_order, i, m, peer_lo[i], peer_hi[i], &s, &e);
        if (s != last_start || e != last_end) {
          // Growing frames (running aggregates) only add the new rows; others start over.
          int64_t from = s;
          if (s == last_start && last_end >= s && e >= last_end) {
            from = last_end + 1;
          } else {
            states->Clear(0);
          }
          std::vector<uint32_t> frame_rows;
          for (int64_t k = from; k <= e; ++k) frame_rows.push_back(rows[static_cast<size_t>(k)]);
          if (!frame_rows.empty()) {
            // Gather the arguments of the frame's rows and feed them to group 0.
            std::vector<Vector> gathered(arg_ptrs.size());
            std::vector<const Vector*> ptrs;
            for (size_t a = 0; a < arg_ptrs.size(); ++a) {
              gathered[a] = Vector(arg_ptrs[a]->type());
              gathered[a].Gather(*arg_ptrs[a], frame_rows);
              ptrs.push_back(&gathered[a]);
            }
            std::vector<uint32_t> groups(frame_rows.size(), 0);
            RETURN_IF_ERROR(states->Update(groups, ptrs, frame_rows.size()));
          }
          result = Vector(call.type);
          RETURN_IF_ERROR(states->Finalize(1, &result));
          last_start = s;
          last_end = e;
        }
        out->ShareStringsOf(result);
        out->CopyRowOwned(result, 0, rows[i]);
      }
      return Status::OK();
    }
    WindowKind kind = call.function.kind;
    int64_t rank = 1, dense = 0;
    for (size_t i = 0; i < m; ++i) {
      uint32_t row = rows[i];
      if (i == peer_lo[i]) {
        rank = static_cast<int64_t>(i) + 1;
        ++dense;
      }
      switch (kind) {
        case WindowKind::kRowNumber:
          out->i64()[row] = static_cast<int64_t>(i) + 1;
          break;
        case WindowKind::kRank:
          out->i64()[row] = rank;
          break;
        case WindowKind::kDenseRank:
          out->i64()[row] = dense;
          break;
        case WindowKind::kPercentRank:
          out->f64()[row] =
              m > 1 ? static_cast<double>(rank - 1) / static_cast<double>(m - 1) : 0.0;
          break;
        case WindowKind::kCumeDist:
          out->f64()[row] = static_cast<double>(peer_hi[i] + 1) / static_cast<double>(m);
          break;
        case WindowKind::kNtile: {
          if (args[0].IsNull(row)) {
            out->SetNullAndClear(row);
            break;
          }
          int64_t buckets = args[0].i64()[row];
          if (buckets <= 0) return QueryFailed("Buckets must be greater than 0");
          int64_t size = static_cast<int64_t>(m) / buckets,
                  extra = static_cast<int64_t>(m) % buckets;
          int64_t idx = static_cast<int64_t>(i);
          int64_t big = extra * (size + 1);
          out->i64()[row] = idx < big ? idx / (size + 1) + 1
                                      : extra + (idx - big) / std::max<int64_t>(size, 1) + 1;
          break;
        }
        case WindowKind::kLag:
        case WindowKind::kLead: {
          int64_t offset = args.size() > 1 ? (args[1].IsNull(row) ? -1 : args[1].i64()[row]) : 1;
          if (offset < 0) return QueryFailed("Offset must be at least 0");
          int64_t target = kind == WindowKind::kLag ? static_cast<int64_t>(i) - offset
                                                    : static_cast<int64_t>(i) + offset;
          if (target >= 0 && target < static_cast<int64_t>(m)) {
            out->CopyRowOwned(args[0], rows[static_cast<size_t>(target)], row);
          } else if (args.size() > 2) {
            out->CopyRowOwned(args[2], row, row);
          } else {
            out->SetNullAndClear(row);
          }
          break;
        }
        case WindowKind::kFirstValue:
        case WindowKind::kLastValue:
        case WindowKind::kNthValue: {
          int64_t s, e;
          Frame(call.frame, has_order, i, m, peer_lo[i], peer_hi[i], &s, &e);
          int64_t at = kind == WindowKind::kFirstValue  ? s
                       : kind == WindowKind::kLastValue ? e
                                                        : -1;
          if (kind == WindowKind::kNthValue) {
            if (args[1].IsNull(row)) {
              out->SetNullAndClear(row);
              break;
            }
            int64_t nth = args[1].i64()[row];
            if (nth <= 0) return QueryFailed("Offset must be at least 1");
            at = s + nth - 1 <= e ? s + nth - 1 : -1;
          }
          if (s > e || at < 0 || at > e) {
            out->SetNullAndClear(row);
          } else {
            out->CopyRowOwned(args[0], rows[static_cast<size_t>(at)], row);
          }
          break;
        }
      }
    }
    return Status::OK();
  }

  const PlanNode& node_;
  OperatorPtr child_;
  ExecContext* ctx_;
  bool built_ = false;
  Chunk all_;
  std::vector<Vector> results_;
  size_t emitted_ = 0;
};

}  // namespace

Result<OperatorPtr> MakeWindow(const PlanNode& node, OperatorPtr child, ExecContext* ctx) {
  return OperatorPtr(std::make_unique<WindowOp>(node, std::move(child), ctx));
}

}  // namespace cairn::sql
