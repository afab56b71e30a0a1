// Hash aggregation and DISTINCT.
//
// Groups are found by the canonical key bytes of the group columns (AppendKey), with a fast path
// for a single bigint/timestamp key and for a single string key, the usual shapes of Lake queries
// (GROUP BY eventName, GROUP BY date_trunc('day', eventTime)). Group key values are copied into
// the operator's own vectors, so the input batches are released as the aggregation proceeds.
#include <unordered_map>
#include <unordered_set>

#include "sql/exec/aggregate_states.h"
#include "sql/exec/operators.h"
#include "sql/exec/value_ids.h"

namespace cairn::sql {
namespace {

struct StringViewHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

class HashAggregateOp : public Operator {
 public:
  HashAggregateOp(const PlanNode& node, OperatorPtr child, ExecContext* ctx)
      : node_(node), child_(std::move(child)), ctx_(ctx) {}

  Status Init() {
    for (const auto& g : node_.groups) keys_.emplace_back(g->type);
    for (const AggregateCall& call : node_.aggregates) {
      ASSIGN_OR_RETURN(auto states, MakeAggregateStates(call.function, call.order));
      states_.push_back(std::move(states));
      distinct_.emplace_back();
      distinct_ids_.emplace_back();
      distinct_fast_.emplace_back();
    }
    if (node_.groups.empty()) AddGroup();  // a global aggregate has one row, even over no input
    if (node_.groups.size() == 1) {
      const Type& t = node_.groups[0]->type;
      if (IsInt64Physical(t)) fast_ = Fast::kInt64;
      if (t.id() == TypeId::kVarchar) fast_ = Fast::kString;
    }
    // One or two string / integer keys (GROUP BY eventName; GROUP BY userIdentity.arn,
    // eventSource): keys become dense value ids, groups are found by the ids.
    if (!node_.groups.empty() && node_.groups.size() <= 2 && fast_ != Fast::kInt64) {
      bool ok = true;
      for (const auto& g : node_.groups) ok &= ValueIds::Supports(g->type);
      if (ok) {
        fast_ = Fast::kIds;
        value_ids_.resize(node_.groups.size());
        col_ids_.resize(node_.groups.size());
      }
    }
    return Status::OK();
  }

  Result<bool> Next(Chunk* out) override {
    if (!built_) RETURN_IF_ERROR(Build());
    if (emitted_ >= groups_) return false;
    size_t n = std::min(kBatchSize, groups_ - emitted_);
    out->columns.clear();
    out->size = n;
    for (Vector& k : keys_) {
      out->columns.emplace_back(k.type());
      out->columns.back().AppendRange(k, emitted_, n);
    }
    for (Vector& r : results_) {
      out->columns.emplace_back(r.type());
      out->columns.back().AppendRange(r, emitted_, n);
    }
    emitted_ += n;
    return true;
  }

 private:
  enum class Fast { kNone, kInt64, kString, kIds };

  void LookupIds(const std::vector<const Vector*>& cols, size_t n, std::vector<uint32_t>* ids) {
    for (size_t k = 0; k < cols.size(); ++k) value_ids_[k].Map(*cols[k], &col_ids_[k]);
    if (cols.size() == 1) {
      const std::vector<uint32_t>& v = col_ids_[0];
      for (size_t i = 0; i < n; ++i) {
        if (v[i] >= group_of_id_.size()) group_of_id_.resize(v[i] + 1, kNoGroup);
        uint32_t& g = group_of_id_[v[i]];
        if (g == kNoGroup) g = NewGroup(cols, i);
        (*ids)[i] = g;
      }
      return;
    }
    uint64_t last_key = UINT64_MAX;
    uint32_t last_group = kNoGroup;
    for (size_t i = 0; i < n; ++i) {
      const uint64_t key = uint64_t{col_ids_[0][i]} << 32 | col_ids_[1][i];
      if (key == last_key) {
        (*ids)[i] = last_group;
        continue;
      }
      auto [it, inserted] = id_groups_.try_emplace(key, 0);
      if (inserted) it->second = NewGroup(cols, i);
      (*ids)[i] = it->second;
      last_key = key;
      last_group = it->second;
    }
  }

  uint32_t AddGroup() {
    uint32_t g = static_cast<uint32_t>(groups_++);
    for (auto& s : states_) s->Resize(groups_);
    return g;
  }

  Status Build() {
    built_ = true;
    Chunk in;
    std::vector<Vector> group_values(node_.groups.size());
    std::vector<uint32_t> ids;
    std::string key;
    int64_t reserved = 0;
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      ASSIGN_OR_RETURN(bool more, child_->Next(&in));
      if (!more) break;
      size_t n = in.size;
      ids.assign(n, 0);
      if (!node_.groups.empty()) {
        std::vector<const Vector*> cols;
        for (size_t k = 0; k < node_.groups.size(); ++k) {
          // A plain input column is used as it is (evaluating it would copy it).
          const BoundExpr& g = *node_.groups[k];
          if (g.kind == BoundKind::kColumn && g.index >= 0 &&
              static_cast<size_t>(g.index) < in.columns.size()) {
            cols.push_back(&in.columns[static_cast<size_t>(g.index)]);
            continue;
          }
          RETURN_IF_ERROR(Evaluate(g, in, ctx_->eval(), &group_values[k]));
          cols.push_back(&group_values[k]);
        }
        if (fast_ == Fast::kIds) {
          LookupIds(cols, n, &ids);
        } else {
          for (size_t i = 0; i < n; ++i) ids[i] = Lookup(cols, i, &key);
        }
      }
      for (size_t a = 0; a < node_.aggregates.size(); ++a)
        RETURN_IF_ERROR(UpdateAggregate(a, in, ids));
      int64_t bytes = 0;
      for (const auto& s : states_) bytes += s->MemoryBytes();
      for (const Vector& k : keys_) bytes += static_cast<int64_t>(k.size() * 16 + k.heap_bytes());
      bytes += static_cast<int64_t>(groups_ * 48);
      for (const auto& d : distinct_) bytes += static_cast<int64_t>(d.size() * 48);
      for (const auto& d : distinct_fast_) bytes += static_cast<int64_t>(d.size() * 24);
      for (const auto& v : distinct_ids_) bytes += v.MemoryBytes();
      for (const auto& v : value_ids_) bytes += v.MemoryBytes();
      bytes += static_cast<int64_t>(id_groups_.size() * 24 + group_of_id_.size() * 4);
      if (bytes > reserved) {
        RETURN_IF_ERROR(ctx_->Reserve(bytes - reserved));
        reserved = bytes;
      }
    }
    results_.clear();
    for (size_t a = 0; a < node_.aggregates.size(); ++a) {
      results_.emplace_back(node_.aggregates[a].function.result_type);
      RETURN_IF_ERROR(states_[a]->Finalize(groups_, &results_.back()));
    }
    return Status::OK();
  }

  uint32_t NewGroup(const std::vector<const Vector*>& cols, size_t i) {
    uint32_t g = AddGroup();
    for (size_t k = 0; k < cols.size(); ++k) {
      keys_[k].Resize(groups_);
      keys_[k].CopyRowOwned(*cols[k], i, g);
    }
    return g;
  }

  uint32_t Lookup(const std::vector<const Vector*>& cols, size_t i, std::string* key) {
    const Vector& c0 = *cols[0];
    if (fast_ == Fast::kInt64) {
      if (c0.IsNull(i)) {
        if (null_group_ == kNoGroup) null_group_ = NewGroup(cols, i);
        return null_group_;
      }
      auto [it, inserted] = int_groups_.try_emplace(c0.i64()[i], 0);
      if (inserted) it->second = NewGroup(cols, i);
      return it->second;
    }
    if (fast_ == Fast::kString) {
      if (c0.IsNull(i)) {
        if (null_group_ == kNoGroup) null_group_ = NewGroup(cols, i);
        return null_group_;
      }
      std::string_view s = c0.strs()[i];
      auto it = string_groups_.find(s);
      if (it != string_groups_.end()) return it->second;
      uint32_t g = NewGroup(cols, i);
      // The key view points into the group's own copy of the string.
      string_groups_.emplace(keys_[0].strs()[g], g);
      return g;
    }
    key->clear();
    RowKey(cols, i, key);
    auto it = groups_by_key_.find(*key);
    if (it != groups_by_key_.end()) return it->second;
    uint32_t g = NewGroup(cols, i);
    groups_by_key_.emplace(*key, g);
    return g;
  }

  Status UpdateAggregate(size_t a, const Chunk& in, const std::vector<uint32_t>& ids) {
    const AggregateCall& call = node_.aggregates[a];
    size_t n = in.size;
    std::vector<Vector> args(call.args.size() + call.order_exprs.size());
    std::vector<const Vector*> arg_ptrs;
    for (size_t k = 0; k < call.args.size(); ++k) {
      const BoundExpr& x = *call.args[k];
      if (x.kind == BoundKind::kColumn && x.index >= 0 &&
          static_cast<size_t>(x.index) < in.columns.size()) {
        arg_ptrs.push_back(&in.columns[static_cast<size_t>(x.index)]);
        continue;
      }
      RETURN_IF_ERROR(Evaluate(x, in, ctx_->eval(), &args[k]));
      arg_ptrs.push_back(&args[k]);
    }
    for (size_t k = 0; k < call.order_exprs.size(); ++k) {
      RETURN_IF_ERROR(
          Evaluate(*call.order_exprs[k], in, ctx_->eval(), &args[call.args.size() + k]));
      arg_ptrs.push_back(&args[call.args.size() + k]);
    }
    std::vector<uint32_t> groups = ids;
    if (call.filter) {
      Vector f;
      RETURN_IF_ERROR(Evaluate(*call.filter, in, ctx_->eval(), &f));
      for (size_t i = 0; i < n; ++i) {
        if (f.IsNull(i) || !f.bools()[i]) groups[i] = kNoGroup;
      }
    }
    if (call.distinct && call.args.size() == 1 && ValueIds::Supports(arg_ptrs[0]->type())) {
      // The same on value ids: (group, id) pairs in one 64-bit key.
      std::vector<uint32_t> vids;
      distinct_ids_[a].Map(*arg_ptrs[0], &vids);
      for (size_t i = 0; i < n; ++i) {
        if (groups[i] == kNoGroup) continue;
        if (!distinct_fast_[a].insert(uint64_t{groups[i]} << 32 | vids[i]).second)
          groups[i] = kNoGroup;
      }
    } else if (call.distinct) {
      // A value counts once per group: (group, value key) pairs already seen are skipped. NULLs
      // are left to the aggregate, which ignores them.
      std::string key;
      for (size_t i = 0; i < n; ++i) {
        if (groups[i] == kNoGroup) continue;
        key.assign(reinterpret_cast<const char*>(&groups[i]), sizeof(uint32_t));
        RowKey(std::vector<const Vector*>(arg_ptrs.begin(),
                                          arg_ptrs.begin() + static_cast<long>(call.args.size())),
               i, &key);
        if (!distinct_[a].insert(key).second) groups[i] = kNoGroup;
      }
    }
    return states_[a]->Update(groups, arg_ptrs, n);
  }

  const PlanNode& node_;
  OperatorPtr child_;
  ExecContext* ctx_;
  Fast fast_ = Fast::kNone;
  std::vector<Vector> keys_;
  std::vector<std::unique_ptr<AggregateStates>> states_;
  std::vector<std::unordered_set<std::string>> distinct_;
  std::vector<ValueIds> distinct_ids_;                       // count(DISTINCT x) on value ids
  std::vector<std::unordered_set<uint64_t>> distinct_fast_;  // (group << 32 | value id)
  std::vector<ValueIds> value_ids_;                          // Fast::kIds: per group column
  std::vector<std::vector<uint32_t>> col_ids_;
  std::vector<uint32_t> group_of_id_;                 // one key: value id -> group
  std::unordered_map<uint64_t, uint32_t> id_groups_;  // two keys: (id0 << 32 | id1) -> group
  std::unordered_map<std::string, uint32_t> groups_by_key_;
  std::unordered_map<int64_t, uint32_t> int_groups_;
  std::unordered_map<std::string_view, uint32_t, StringViewHash, std::equal_to<>> string_groups_;
  uint32_t null_group_ = kNoGroup;
  size_t groups_ = 0;
  bool built_ = false;
  std::vector<Vector> results_;
  size_t emitted_ = 0;
};

// DISTINCT: streams rows whose key was not seen before.
class DistinctOp : public Operator {
 public:
  DistinctOp(OperatorPtr child, ExecContext* ctx) : child_(std::move(child)), ctx_(ctx) {}
  Result<bool> Next(Chunk* out) override {
    std::string key;
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      Chunk in;
      ASSIGN_OR_RETURN(bool more, child_->Next(&in));
      if (!more) return false;
      std::vector<const Vector*> cols;
      for (const Vector& v : in.columns) cols.push_back(&v);
      std::vector<uint32_t> keep;
      for (size_t i = 0; i < in.size; ++i) {
        key.clear();
        RowKey(cols, i, &key);
        if (seen_.insert(key).second) {
          RETURN_IF_ERROR(ctx_->Reserve(static_cast<int64_t>(key.size() + 48)));
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

 private:
  OperatorPtr child_;
  ExecContext* ctx_;
  std::unordered_set<std::string> seen_;
};

}  // namespace

Result<OperatorPtr> MakeHashAggregate(const PlanNode& node, OperatorPtr child, ExecContext* ctx) {
  auto op = std::make_unique<HashAggregateOp>(node, std::move(child), ctx);
  RETURN_IF_ERROR(op->Init());
  return OperatorPtr(std::move(op));
}

Result<OperatorPtr> MakeDistinct(const PlanNode&, OperatorPtr child, ExecContext* ctx) {
  return OperatorPtr(std::make_unique<DistinctOp>(std::move(child), ctx));
}

}  // namespace cairn::sql
