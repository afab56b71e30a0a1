#include "sql/exec/aggregate_states.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "sql/expression_eval.h"
#include "sql/functions/compare.h"

namespace cairn::sql {
namespace {

// One optional value per group, stored by physical type, owning its bytes.
class ValueSlots {
 public:
  explicit ValueSlots(Type type) : type_(std::move(type)) {}

  void Resize(size_t n) {
    has_.resize(n, 0);
    switch (Kind()) {
      case kInt:
        i64_.resize(n, 0);
        break;
      case kDouble:
        f64_.resize(n, 0);
        break;
      case kBool:
        b_.resize(n, 0);
        break;
      case kString:
        str_.resize(n);
        break;
      case kOther:
        val_.resize(n, Value::Null(type_));
        break;
    }
  }
  bool Has(size_t g) const { return has_[g] != 0; }
  void Clear(size_t g) {
    has_[g] = 0;
    if (Kind() == kString) std::string().swap(str_[g]);
    if (Kind() == kOther) val_[g] = Value::Null(type_);
  }
  // Stores v[row] (NULL allowed: stored as present-and-NULL via null_).
  void Set(size_t g, const Vector& v, size_t row) {
    has_[g] = 1;
    if (null_.size() < has_.size()) null_.resize(has_.size(), 0);
    null_[g] = v.IsNull(row);
    if (v.IsNull(row)) return;
    switch (Kind()) {
      case kInt:
        i64_[g] = v.i64()[row];
        break;
      case kDouble:
        f64_[g] = v.f64()[row];
        break;
      case kBool:
        b_[g] = v.bools()[row];
        break;
      case kString:
        str_[g].assign(v.strs()[row]);
        break;
      case kOther:
        val_[g] = v.GetValue(row);
        break;
    }
  }
  // Compares v[row] (non-NULL) with the stored value of g (present, non-NULL).
  int Compare(size_t g, const Vector& v, size_t row) const {
    switch (Kind()) {
      case kInt:
        return v.i64()[row] < i64_[g] ? -1 : v.i64()[row] > i64_[g];
      case kDouble: {
        Vector one(type_);
        one.Resize(1);
        one.f64()[0] = f64_[g];
        return CompareValues(v, row, one, 0);
      }
      case kBool:
        return static_cast<int>(v.bools()[row] != 0) - static_cast<int>(b_[g] != 0);
      case kString: {
        int c = v.strs()[row].compare(str_[g]);
        return c < 0 ? -1 : c > 0;
      }
      case kOther: {
        Vector one(type_);
        one.Resize(1);
        one.SetValue(0, val_[g]);
        return CompareValues(v, row, one, 0);
      }
    }
    return 0;
  }
  // Writes every group's value (absent or NULL -> NULL).
  void Write(size_t groups, Vector* out) const {
    out->Reset(groups);
    for (size_t g = 0; g < groups; ++g) {
      if (!Has(g) || (g < null_.size() && null_[g])) {
        out->SetNullAndClear(g);
        continue;
      }
      switch (Kind()) {
        case kInt:
          out->i64()[g] = i64_[g];
          break;
        case kDouble:
          out->f64()[g] = f64_[g];
          break;
        case kBool:
          out->bools()[g] = b_[g];
          break;
        case kString:
          out->strs()[g] = out->AddString(str_[g]);
          break;
        case kOther:
          out->SetValue(g, val_[g]);
          break;
      }
    }
  }
  int64_t Bytes() const {
    int64_t b = static_cast<int64_t>(has_.size() * 10);
    for (const auto& s : str_) b += static_cast<int64_t>(s.capacity() + 32);
    b += static_cast<int64_t>(val_.size() * 64);
    return b;
  }

 private:
  enum StorageKind { kInt, kDouble, kBool, kString, kOther };
  StorageKind Kind() const {
    if (IsInt64Physical(type_)) return kInt;
    if (type_.id() == TypeId::kDouble) return kDouble;
    if (type_.id() == TypeId::kBoolean) return kBool;
    if (IsStringPhysical(type_)) return kString;
    return kOther;
  }
  Type type_;
  std::vector<uint8_t> has_, null_;
  std::vector<int64_t> i64_;
  std::vector<double> f64_;
  std::vector<uint8_t> b_;
  std::vector<std::string> str_;
  std::vector<Value> val_;
};

class CountStates : public AggregateStates {
 public:
  CountStates(AggregateKind kind) : kind_(kind) {}
  void Resize(size_t n) override { counts_.resize(n, 0); }
  void Clear(uint32_t g) override { counts_[g] = 0; }
  Status Update(std::span<const uint32_t> groups, std::span<const Vector* const> args,
                size_t n) override {
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = groups[i];
      if (g == kNoGroup) continue;
      if (kind_ == AggregateKind::kCountStar) {
        ++counts_[g];
      } else if (kind_ == AggregateKind::kCount) {
        counts_[g] += args[0]->IsValid(i);
      } else {  // count_if
        counts_[g] += args[0]->IsValid(i) && args[0]->bools()[i];
      }
    }
    return Status::OK();
  }
  Status Finalize(size_t groups, Vector* out) override {
    out->Reset(groups);
    for (size_t g = 0; g < groups; ++g) out->i64()[g] = counts_[g];
    return Status::OK();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(counts_.size() * 8); }

 private:
  AggregateKind kind_;
  std::vector<int64_t> counts_;
};

class SumStates : public AggregateStates {
 public:
  explicit SumStates(Type type) : type_(std::move(type)) {}
  void Resize(size_t n) override {
    has_.resize(n, 0);
    i_.resize(n, 0);
    d_.resize(n, 0);
  }
  void Clear(uint32_t g) override {
    has_[g] = 0;
    i_[g] = 0;
    d_[g] = 0;
  }
  Status Update(std::span<const uint32_t> groups, std::span<const Vector* const> args,
                size_t n) override {
    const Vector& v = *args[0];
    bool dbl = type_.id() == TypeId::kDouble;
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = groups[i];
      if (g == kNoGroup || v.IsNull(i)) continue;
      has_[g] = 1;
      if (dbl) {
        d_[g] += v.f64()[i];
      } else if (__builtin_add_overflow(i_[g], v.i64()[i], &i_[g])) {
        return QueryFailed("bigint addition overflow in sum()");
      }
    }
    return Status::OK();
  }
  Status Finalize(size_t groups, Vector* out) override {
    out->Reset(groups);
    for (size_t g = 0; g < groups; ++g) {
      if (!has_[g]) {
        out->SetNullAndClear(g);
      } else if (type_.id() == TypeId::kDouble) {
        out->f64()[g] = d_[g];
      } else {
        out->i64()[g] = i_[g];
      }
    }
    return Status::OK();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(has_.size() * 17); }

 private:
  Type type_;
  std::vector<uint8_t> has_;
  std::vector<int64_t> i_;
  std::vector<double> d_;
};

class AvgStates : public AggregateStates {
 public:
  explicit AvgStates(Type type) : type_(std::move(type)) {}
  void Resize(size_t n) override {
    count_.resize(n, 0);
    sum_.resize(n, 0);
    isum_.resize(n, 0);
  }
  void Clear(uint32_t g) override {
    count_[g] = 0;
    sum_[g] = 0;
    isum_[g] = 0;
  }
  Status Update(std::span<const uint32_t> groups, std::span<const Vector* const> args,
                size_t n) override {
    const Vector& v = *args[0];
    bool interval = type_.id() == TypeId::kIntervalDayTime;
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = groups[i];
      if (g == kNoGroup || v.IsNull(i)) continue;
      ++count_[g];
      if (interval) {
        isum_[g] += v.i64()[i];
      } else {
        sum_[g] += v.f64()[i];
      }
    }
    return Status::OK();
  }
  Status Finalize(size_t groups, Vector* out) override {
    out->Reset(groups);
    for (size_t g = 0; g < groups; ++g) {
      if (count_[g] == 0) {
        out->SetNullAndClear(g);
      } else if (type_.id() == TypeId::kIntervalDayTime) {
        out->i64()[g] = static_cast<int64_t>(isum_[g] / count_[g]);
      } else {
        out->f64()[g] = sum_[g] / static_cast<double>(count_[g]);
      }
    }
    return Status::OK();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(count_.size() * 32); }

 private:
  Type type_;
  std::vector<int64_t> count_;
  std::vector<double> sum_;
  std::vector<__int128> isum_;
};

// min, max, arbitrary, min_by, max_by.
class ExtremeStates : public AggregateStates {
 public:
  ExtremeStates(AggregateKind kind, const BoundAggregate& agg)
      : kind_(kind),
        value_(agg.arg_types[0]),
        key_(agg.arg_types.size() > 1 ? agg.arg_types[1] : agg.arg_types[0]) {}
  void Resize(size_t n) override {
    value_.Resize(n);
    key_.Resize(n);
  }
  void Clear(uint32_t g) override {
    value_.Clear(g);
    key_.Clear(g);
  }
  Status Update(std::span<const uint32_t> groups, std::span<const Vector* const> args,
                size_t n) override {
    const Vector& v = *args[0];
    bool by = kind_ == AggregateKind::kMinBy || kind_ == AggregateKind::kMaxBy;
    const Vector& k = by ? *args[1] : v;
    bool want_max = kind_ == AggregateKind::kMax || kind_ == AggregateKind::kMaxBy;
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = groups[i];
      if (g == kNoGroup || k.IsNull(i)) continue;
      if (kind_ == AggregateKind::kArbitrary) {
        if (!value_.Has(g)) value_.Set(g, v, i);
        continue;
      }
      if (!key_.Has(g)) {
        key_.Set(g, k, i);
        if (by) value_.Set(g, v, i);
        continue;
      }
      int c = key_.Compare(g, k, i);
      if (want_max ? c > 0 : c < 0) {
        key_.Set(g, k, i);
        if (by) value_.Set(g, v, i);
      }
    }
    return Status::OK();
  }
  Status Finalize(size_t groups, Vector* out) override {
    bool by = kind_ == AggregateKind::kMinBy || kind_ == AggregateKind::kMaxBy;
    (by || kind_ == AggregateKind::kArbitrary ? value_ : key_).Write(groups, out);
    return Status::OK();
  }
  int64_t MemoryBytes() const override { return value_.Bytes() + key_.Bytes(); }

 private:
  AggregateKind kind_;
  ValueSlots value_;
  ValueSlots key_;
};

class BoolStates : public AggregateStates {
 public:
  explicit BoolStates(bool is_and) : is_and_(is_and) {}
  void Resize(size_t n) override { state_.resize(n, -1); }
  void Clear(uint32_t g) override { state_[g] = -1; }
  Status Update(std::span<const uint32_t> groups, std::span<const Vector* const> args,
                size_t n) override {
    const Vector& v = *args[0];
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = groups[i];
      if (g == kNoGroup || v.IsNull(i)) continue;
      bool b = v.bools()[i] != 0;
      if (state_[g] < 0) {
        state_[g] = b;
      } else {
        state_[g] = is_and_ ? (state_[g] && b) : (state_[g] || b);
      }
    }
    return Status::OK();
  }
  Status Finalize(size_t groups, Vector* out) override {
    out->Reset(groups);
    for (size_t g = 0; g < groups; ++g) {
      if (state_[g] < 0) {
        out->SetNull(g);
      } else {
        out->bools()[g] = static_cast<uint8_t>(state_[g]);
      }
    }
    return Status::OK();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(state_.size()); }

 private:
  bool is_and_;
  std::vector<int8_t> state_;
};

// Welford's online variance.
class VarianceStates : public AggregateStates {
 public:
  explicit VarianceStates(AggregateKind kind) : kind_(kind) {}
  void Resize(size_t n) override {
    n_.resize(n, 0);
    mean_.resize(n, 0);
    m2_.resize(n, 0);
  }
  void Clear(uint32_t g) override { n_[g] = 0, mean_[g] = 0, m2_[g] = 0; }
  Status Update(std::span<const uint32_t> groups, std::span<const Vector* const> args,
                size_t n) override {
    const Vector& v = *args[0];
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = groups[i];
      if (g == kNoGroup || v.IsNull(i)) continue;
      double x = v.f64()[i];
      ++n_[g];
      double d = x - mean_[g];
      mean_[g] += d / static_cast<double>(n_[g]);
      m2_[g] += d * (x - mean_[g]);
    }
    return Status::OK();
  }
  Status Finalize(size_t groups, Vector* out) override {
    out->Reset(groups);
    bool sample = kind_ == AggregateKind::kStddevSamp || kind_ == AggregateKind::kVarSamp;
    bool root = kind_ == AggregateKind::kStddevSamp || kind_ == AggregateKind::kStddevPop;
    for (size_t g = 0; g < groups; ++g) {
      int64_t k = n_[g];
      if (k == 0 || (sample && k < 2)) {
        out->SetNullAndClear(g);
        continue;
      }
      double var = m2_[g] / static_cast<double>(sample ? k - 1 : k);
      out->f64()[g] = root ? std::sqrt(var) : var;
    }
    return Status::OK();
  }
  int64_t MemoryBytes() const override { return static_cast<int64_t>(n_.size() * 24); }

 private:
  AggregateKind kind_;
  std::vector<int64_t> n_;
  std::vector<double> mean_, m2_;
};

class ApproxDistinctStates : public AggregateStates {
 public:
  static constexpr size_t kExactLimit = 4096;
  static constexpr int kP = 12;
  static constexpr size_t kM = size_t{1} << kP;

  void Resize(size_t n) override {
    exact_.resize(n);
    registers_.resize(n);
  }
  void Clear(uint32_t g) override {
    std::unordered_set<uint64_t>().swap(exact_[g]);
    std::vector<uint8_t>().swap(registers_[g]);
  }
  Status Update(std::span<const uint32_t> groups, std::span<const Vector* const> args,
                size_t n) override {
    const Vector& v = *args[0];
    std::string key;
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = groups[i];
      if (g == kNoGroup || v.IsNull(i)) continue;
      key.clear();
      AppendKey(v, i, &key);
      uint64_t h = Mix(std::hash<std::string_view>{}(key));
      if (registers_[g].empty()) {
        exact_[g].insert(h);
        if (exact_[g].size() > kExactLimit) {
          registers_[g].assign(kM, 0);
          for (uint64_t x : exact_[g]) AddHll(registers_[g], x);
          std::unordered_set<uint64_t>().swap(exact_[g]);
        }
      } else {
        AddHll(registers_[g], h);
      }
    }
    return Status::OK();
  }
  Status Finalize(size_t groups, Vector* out) override {
    out->Reset(groups);
    for (size_t g = 0; g < groups; ++g) {
      out->i64()[g] =
          registers_[g].empty() ? static_cast<int64_t>(exact_[g].size()) : Estimate(registers_[g]);
    }
    return Status::OK();
  }
  int64_t MemoryBytes() const override {
    int64_t b = 0;
    for (size_t g = 0; g < exact_.size(); ++g) {
      b += static_cast<int64_t>(exact_[g].size() * 24 + registers_[g].size() + 64);
    }
    return b;
  }

 private:
  static uint64_t Mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
  }
  static void AddHll(std::vector<uint8_t>& reg, uint64_t h) {
    size_t idx = h >> (64 - kP);
    uint64_t rest = (h << kP) | (uint64_t{1} << (kP - 1));
    uint8_t rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    reg[idx] = std::max(reg[idx], rank);
  }
  static int64_t Estimate(const std::vector<uint8_t>& reg) {
    double m = static_cast<double>(kM);
    double sum = 0;
    size_t zeros = 0;
    for (uint8_t r : reg) {
      sum += std::ldexp(1.0, -r);
      zeros += r == 0;
    }
    double alpha = 0.7213 / (1 + 1.079 / m);
    double e = alpha * m * m / sum;
    if (e <= 2.5 * m && zeros > 0) e = m * std::log(m / static_cast<double>(zeros));
    return static_cast<int64_t>(std::llround(e));
  }
  std::vector<std::unordered_set<uint64_t>> exact_;
  std::vector<std::vector<uint8_t>> registers_;
};

// array_agg (with optional ORDER BY) and approx_percentile: keep the values.
class CollectStates : public AggregateStates {
 public:
  CollectStates(const BoundAggregate& agg, std::vector<SortKey> order)
      : agg_(agg), order_(std::move(order)), values_(agg.arg_types[0]) {}
  void Resize(size_t n) override { members_.resize(n); }
  void Clear(uint32_t g) override { members_[g].clear(); }
  Status Update(std::span<const uint32_t> groups, std::span<const Vector* const> args,
                size_t n) override {
    const Vector& v = *args[0];
    bool percentile = agg_.kind == AggregateKind::kApproxPercentile;
    if (order_keys_.empty()) {
      for (size_t k = 0; k < order_.size(); ++k) order_keys_.emplace_back(args[1 + k]->type());
    }
    for (size_t i = 0; i < n; ++i) {
      uint32_t g = groups[i];
      if (g == kNoGroup) continue;
      if (percentile) {
        if (v.IsNull(i)) continue;
        if (args[1]->IsValid(i)) percentile_ = args[1]->f64()[i];
      }
      // Values are copied with their bytes: the state must not pin every input batch.
      size_t at = values_.size();
      members_[g].push_back(static_cast<uint32_t>(at));
      values_.Resize(at + 1);
      values_.CopyRowOwned(v, i, at);
      for (size_t k = 0; k < order_.size(); ++k) {
        order_keys_[k].Resize(at + 1);
        order_keys_[k].CopyRowOwned(*args[1 + k], i, at);
      }
    }
    return Status::OK();
  }
  Status Finalize(size_t groups, Vector* out) override {
    out->Reset(groups);
    for (size_t g = 0; g < groups; ++g) {
      std::vector<uint32_t>& m = members_[g];
      if (agg_.kind == AggregateKind::kApproxPercentile) {
        if (m.empty()) {
          out->SetNullAndClear(g);
          continue;
        }
        std::sort(m.begin(), m.end(), [&](uint32_t a, uint32_t b) {
          return CompareValues(values_, a, values_, b) < 0;
        });
        size_t idx =
            static_cast<size_t>(std::llround(percentile_ * static_cast<double>(m.size() - 1)));
        out->CopyRow(values_, m[std::min(idx, m.size() - 1)], g);
        continue;
      }
      // array_agg: NULL when there were no rows.
      if (m.empty()) {
        out->SetNullAndClear(g);
        continue;
      }
      if (!order_.empty()) {
        std::stable_sort(m.begin(), m.end(),
                         [&](uint32_t a, uint32_t b) { return OrderLess(a, b); });
      }
      Vector& elems = out->child(0);
      uint32_t at = static_cast<uint32_t>(elems.size());
      for (uint32_t idx : m) elems.AppendRange(values_, idx, 1);
      out->lists()[g] = {at, static_cast<uint32_t>(m.size())};
    }
    out->ShareStringsOf(values_);
    return Status::OK();
  }
  int64_t MemoryBytes() const override {
    return static_cast<int64_t>(values_.size() * 24 + values_.heap_bytes());
  }

 private:
  bool OrderLess(uint32_t a, uint32_t b) const {
    for (size_t k = 0; k < order_.size(); ++k) {
      const Vector& v = order_keys_[k];
      bool an = v.IsNull(a), bn = v.IsNull(b);
      if (an || bn) {
        if (an == bn) continue;
        return order_[k].nulls_first ? an : bn;
      }
      int c = CompareValues(v, a, v, b);
      if (c) return order_[k].descending ? c > 0 : c < 0;
    }
    return false;
  }
  BoundAggregate agg_;
  std::vector<SortKey> order_;
  Vector values_;
  std::vector<Vector> order_keys_;
  std::vector<std::vector<uint32_t>> members_;
  double percentile_ = 0.5;
};

}  // namespace

Result<std::unique_ptr<AggregateStates>> MakeAggregateStates(const BoundAggregate& agg,
                                                             const std::vector<SortKey>& order) {
  switch (agg.kind) {
    case AggregateKind::kCountStar:
    case AggregateKind::kCount:
    case AggregateKind::kCountIf:
      return std::unique_ptr<AggregateStates>(new CountStates(agg.kind));
    case AggregateKind::kSum:
      return std::unique_ptr<AggregateStates>(new SumStates(agg.result_type));
    case AggregateKind::kAvg:
      return std::unique_ptr<AggregateStates>(new AvgStates(agg.result_type));
    case AggregateKind::kMin:
    case AggregateKind::kMax:
    case AggregateKind::kMinBy:
    case AggregateKind::kMaxBy:
    case AggregateKind::kArbitrary:
      return std::unique_ptr<AggregateStates>(new ExtremeStates(agg.kind, agg));
    case AggregateKind::kBoolAnd:
      return std::unique_ptr<AggregateStates>(new BoolStates(true));
    case AggregateKind::kBoolOr:
      return std::unique_ptr<AggregateStates>(new BoolStates(false));
    case AggregateKind::kStddevSamp:
    case AggregateKind::kStddevPop:
    case AggregateKind::kVarSamp:
    case AggregateKind::kVarPop:
      return std::unique_ptr<AggregateStates>(new VarianceStates(agg.kind));
    case AggregateKind::kApproxDistinct:
      return std::unique_ptr<AggregateStates>(new ApproxDistinctStates());
    case AggregateKind::kArrayAgg:
    case AggregateKind::kApproxPercentile:
      return std::unique_ptr<AggregateStates>(new CollectStates(agg, order));
    case AggregateKind::kMapAgg:
    case AggregateKind::kListAgg:
      break;
  }
  return Status::Unimplemented("aggregate " + agg.name + " is not implemented");
}

}  // namespace cairn::sql
