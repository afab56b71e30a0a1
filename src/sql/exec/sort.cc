// ORDER BY and top-N. The input is materialized into one chunk and sorted by a permutation. With a
// limit (ORDER BY ... LIMIT n), the operator sorts and truncates to n rows whenever it holds more
// than max(2n, 4096), so memory stays O(n) however large the input: ORDER BY eventTime LIMIT 100
// over a whole store keeps about 200 rows.
#include <algorithm>
#include <numeric>

#include "sql/exec/operators.h"
#include "sql/functions/compare.h"

namespace cairn::sql {
namespace {

class SortOp : public Operator {
 public:
  SortOp(const PlanNode& node, OperatorPtr child, int64_t limit, ExecContext* ctx)
      : node_(node), child_(std::move(child)), limit_(limit), ctx_(ctx) {}

  Result<bool> Next(Chunk* out) override {
    if (!sorted_) RETURN_IF_ERROR(Build());
    if (emitted_ >= all_.size) return false;
    size_t n = std::min(kBatchSize, all_.size - emitted_);
    out->columns.clear();
    out->size = n;
    for (const Vector& v : all_.columns) {
      out->columns.emplace_back(v.type());
      out->columns.back().AppendRange(v, emitted_, n);
    }
    emitted_ += n;
    return true;
  }

 private:
  bool Less(uint32_t a, uint32_t b) const {
    for (const SortKey& k : node_.sort_keys) {
      const Vector& v = all_.columns[static_cast<size_t>(k.column)];
      bool an = v.IsNull(a), bn = v.IsNull(b);
      if (an || bn) {
        if (an == bn) continue;
        return k.nulls_first ? an : bn;
      }
      int c = CompareValues(v, a, v, b);
      if (c != 0) return k.descending ? c > 0 : c < 0;
    }
    return a < b;  // stable
  }

  // Sorts all_ (keeping the first `keep` rows in order; all of them when keep < 0).
  void SortAndKeep(int64_t keep) {
    std::vector<uint32_t> perm(all_.size);
    std::iota(perm.begin(), perm.end(), 0u);
    auto less = [this](uint32_t a, uint32_t b) { return Less(a, b); };
    if (keep >= 0 && static_cast<size_t>(keep) < perm.size()) {
      std::partial_sort(perm.begin(), perm.begin() + keep, perm.end(), less);
      perm.resize(static_cast<size_t>(keep));
    } else {
      std::sort(perm.begin(), perm.end(), less);
    }
    Chunk sorted;
    sorted.size = perm.size();
    for (const Vector& v : all_.columns) {
      sorted.columns.emplace_back(v.type());
      sorted.columns.back().Gather(v, perm);
    }
    all_ = std::move(sorted);
  }

  Status Build() {
    sorted_ = true;
    Chunk in;
    bool first = true;
    int64_t reserved = 0;
    size_t threshold =
        limit_ >= 0 ? std::max<size_t>(static_cast<size_t>(2 * limit_), 4096) : SIZE_MAX;
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      ASSIGN_OR_RETURN(bool more, child_->Next(&in));
      if (!more) break;
      if (first) {
        all_ = EmptyChunk(node_.Types());
        first = false;
      }
      AppendChunk(in, 0, in.size, &all_);
      if (all_.size > threshold) SortAndKeep(limit_);
      int64_t bytes = ChunkBytes(all_);
      if (bytes > reserved) {
        RETURN_IF_ERROR(ctx_->Reserve(bytes - reserved));
        reserved = bytes;
      }
    }
    if (first) {
      all_ = EmptyChunk(node_.Types());
      return Status::OK();
    }
    SortAndKeep(limit_);
    return Status::OK();
  }

  const PlanNode& node_;
  OperatorPtr child_;
  int64_t limit_;
  ExecContext* ctx_;
  Chunk all_;
  bool sorted_ = false;
  size_t emitted_ = 0;
};

}  // namespace

Result<OperatorPtr> MakeSort(const PlanNode& node, OperatorPtr child, int64_t limit,
                             ExecContext* ctx) {
  return OperatorPtr(std::make_unique<SortOp>(node, std::move(child), limit, ctx));
}

}  // namespace cairn::sql
