// Aggregation inside the store scan: GROUP BY and count(*) / count(x) / count(DISTINCT x) over an
// event data store, computed by the scan's worker threads on the segments' own encodings.
//
// Why: an aggregate above a plain scan gets every row as strings and hashes them on the query
// thread. Here each worker aggregates one segment at a time on *local ids*: a dictionary column's
// code (the segment's dictionary is shared by all its blocks), or, for plain strings, timestamps
// and expressions (date_trunc('day', eventTime)), a small per-segment id map. Groups and distinct
// (group, value) pairs are then integer keys in flat hash tables. When a segment is done, its
// partial result is merged into the query's result: each local id is translated to a global id
// once per segment (one string hash per distinct value, not per row). The memtable's events go
// through the same path after the segments.
//
// Applies when the aggregate sits directly on a store scan, has at most two group keys, each a
// string or integer value (a scan column, or a deterministic expression over scan columns), and
// only count(*), count(x) and count(DISTINCT x) with x such a value, without FILTER. Anything else
// runs in HashAggregateOp over the ordinary scan. The row restriction of member accounts is a
// predicate of the scan, so it holds here as everywhere.
#include "sql/exec/store_aggregate.h"

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "sql/exec/store_scan_internal.h"

namespace cairn::sql {
namespace {

using namespace store_internal;  // NOLINT: the store operators' shared helpers

// Open-addressing hash table from 64-bit keys to 32-bit values (linear probing, power-of-two
// capacity, at most half full). The key ~0 marks empty slots and cannot be stored; callers' keys
// are pairs of 32-bit ids that never reach ~0.
class FlatMap64 {
 public:
  FlatMap64() { Rehash(16); }

  // The value of `key`, or `value` after inserting it; *inserted says which.
  uint32_t FindOrInsert(uint64_t key, uint32_t value, bool* inserted) {
    if ((size_ + 1) * 2 > keys_.size()) Rehash(keys_.size() * 2);
    size_t i = Mix(key) & mask_;
    while (true) {
      if (keys_[i] == key) {
        *inserted = false;
        return values_[i];
      }
      if (keys_[i] == kEmpty) {
        keys_[i] = key;
        values_[i] = value;
        ++size_;
        *inserted = true;
        return value;
      }
      i = (i + 1) & mask_;
    }
  }
  // Set use: true if `key` was not there.
  bool Insert(uint64_t key) {
    bool inserted;
    FindOrInsert(key, 0, &inserted);
    return inserted;
  }
  // Set use: inserts every key of `keys`. A large table is mostly cache misses; the slot of the
  // key a few places ahead is prefetched while this one is probed (the table is grown for the
  // whole batch first, so those slots stay where they are).
  void InsertMany(std::span<const uint64_t> keys) {
    while ((size_ + keys.size()) * 2 > keys_.size()) Rehash(keys_.size() * 2);
    constexpr size_t kAhead = 8;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (k + kAhead < keys.size()) __builtin_prefetch(&keys_[Mix(keys[k + kAhead]) & mask_]);
      const uint64_t key = keys[k];
      size_t i = Mix(key) & mask_;
      while (keys_[i] != key && keys_[i] != kEmpty) i = (i + 1) & mask_;
      if (keys_[i] == kEmpty) {
        keys_[i] = key;
        ++size_;
      }
    }
  }
  // Room for `n` keys without growing.
  void Reserve(size_t n) {
    size_t capacity = keys_.size();
    while (n * 2 > capacity) capacity *= 2;
    if (capacity != keys_.size()) Rehash(capacity);
  }
  size_t size() const { return size_; }
  int64_t MemoryBytes() const { return static_cast<int64_t>(keys_.size() * 12); }
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (keys_[i] != kEmpty) f(keys_[i], values_[i]);
    }
  }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static uint64_t Mix(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
  }
  void Rehash(size_t capacity) {
    std::vector<uint64_t> keys(capacity, kEmpty);
    std::vector<uint32_t> values(capacity);
    keys.swap(keys_);
    values.swap(values_);
    mask_ = capacity - 1;
    size_ = 0;
    for (size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == kEmpty) continue;
      bool inserted;
      FindOrInsert(keys[i], values[i], &inserted);
    }
  }

  std::vector<uint64_t> keys_;
  std::vector<uint32_t> values_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Dense ids (1, 2, ...) for strings: an open-addressing table of (hash, id) over an arena that
// holds each distinct string once. Flat, so a lookup is one probe into a contiguous array rather
// than a walk through list nodes.
class StringIds {
 public:
  StringIds() { Rehash(16); }

  // The id of `s`, copying it in when new.
  uint32_t FindOrInsert(std::string_view s) {
    if ((offsets_.size() + 1) * 2 > slots_.size()) Rehash(slots_.size() * 2);
    const uint64_t h = std::hash<std::string_view>{}(s);
    size_t i = h & mask_;
    while (true) {
      Slot& slot = slots_[i];
      if (slot.id == 0) {
        bytes_.append(s);
        offsets_.push_back(bytes_.size());
        slot = {h, static_cast<uint32_t>(offsets_.size())};
        return slot.id;
      }
      if (slot.hash == h && Get(slot.id) == s) return slot.id;
      i = (i + 1) & mask_;
    }
  }
  // REQUIRES: 1 <= id <= size(). The view is valid until the next insertion.
  std::string_view Get(uint32_t id) const {
    const size_t begin = id == 1 ? 0 : offsets_[id - 2];
    return std::string_view(bytes_).substr(begin, offsets_[id - 1] - begin);
  }
  size_t size() const { return offsets_.size(); }
  int64_t MemoryBytes() const {
    return static_cast<int64_t>(slots_.size() * sizeof(Slot) + offsets_.size() * 8 + bytes_.size());
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = 0;  // 0: empty
  };
  void Rehash(size_t capacity) {
    std::vector<Slot> slots(capacity);
    mask_ = capacity - 1;
    for (const Slot& s : slots_) {
      if (s.id == 0) continue;
      size_t i = s.hash & mask_;
      while (slots[i].id != 0) i = (i + 1) & mask_;
      slots[i] = s;
    }
    slots_.swap(slots);
  }

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  std::vector<size_t> offsets_;  // id - 1 -> end of the string in bytes_
  std::string bytes_;
};

// A value the aggregation reads per row: a group key or a count's argument.
struct Source {
  int column = -1;                  // the scan column (direct sources), or -1
  int slot = -1;                    // direct: the store projection slot of that column's leaf
  const BoundExpr* expr = nullptr;  // not direct: evaluated over the assembled scan columns
  bool is_string = true;            // else int64 physical (timestamps, bigint)
  // Direct timestamp sources: date_trunc to a multiple of this many microseconds (0: none).
  int64_t trunc_us = 0;
  const BoundExpr* trunc_expr = nullptr;  // the date_trunc call (evaluated for memtable events)
};

// Local ids of one source within one segment: 0 = NULL; a dictionary code c is c + 1; every
// other value (plain strings, integers, expression results) gets kPlainBase + n, n = 0, 1, ...
class LocalIds {
 public:
  static constexpr uint32_t kPlainBase = 1u << 31;

  void MapColumn(const ColumnVector& cv, std::span<const uint32_t> rows, int64_t trunc_us,
                 uint32_t* ids) {
    if (cv.kind == VectorKind::kInt64 && trunc_us > 0) {
      // date_trunc('day', eventTime): rows are in time order, so a row almost always falls in
      // the unit of the row before it, [lo, hi), and needs no division.
      int64_t lo = 1, hi = 0;  // no unit yet
      uint32_t id = 0;
      for (size_t i = 0; i < rows.size(); ++i) {
        const int64_t v = cv.i64[rows[i]];
        if (v == INT64_MIN) {
          ids[i] = 0;
          continue;
        }
        if (v < lo || v >= hi) {
          int64_t r = v % trunc_us;
          if (r < 0) r += trunc_us;
          lo = v - r;
          hi = lo > std::numeric_limits<int64_t>::max() - trunc_us
                   ? std::numeric_limits<int64_t>::max()
                   : lo + trunc_us;
          id = IntId(lo);
        }
        ids[i] = id;
      }
      return;
    }
    switch (cv.kind) {
      case VectorKind::kDict:
        if (dict_.empty() || dict_.data() == cv.dict.data()) {
          if (!cv.dict.empty()) dict_ = cv.dict;
          // NULL (kNullCode) wraps to 0.
          if (rows.size() == cv.codes.size()) {
            // Every row selected (rows are ascending and distinct): no gather.
            const uint32_t* codes = cv.codes.data();
            for (size_t i = 0; i < rows.size(); ++i) ids[i] = codes[i] + 1;
          } else {
            for (size_t i = 0; i < rows.size(); ++i) ids[i] = cv.codes[rows[i]] + 1;
          }
          return;
        }
        // A second dictionary in one segment (not written today): map its strings instead.
        for (size_t i = 0; i < rows.size(); ++i) ids[i] = StringId(cv.StringAt(rows[i]));
        return;
      case VectorKind::kString:
        for (size_t i = 0; i < rows.size(); ++i) ids[i] = StringId(cv.strs[rows[i]]);
        return;
      case VectorKind::kInt64:
        for (size_t i = 0; i < rows.size(); ++i) {
          const int64_t v = cv.i64[rows[i]];
          ids[i] = v == INT64_MIN ? 0 : IntId(v);
        }
        return;
      case VectorKind::kBool:  // not a source type (SourceFor)
        for (size_t i = 0; i < rows.size(); ++i) ids[i] = 0;
        return;
    }
  }

  void MapVector(const Vector& v, size_t n, bool is_string, uint32_t* ids) {
    if (is_string) {
      for (size_t i = 0; i < n; ++i) ids[i] = v.IsNull(i) ? 0 : StringId(v.strs()[i]);
    } else {
      for (size_t i = 0; i < n; ++i) ids[i] = v.IsNull(i) ? 0 : IntId(v.i64()[i]);
    }
  }

  // Whether the local ids of this source are cv's dictionary codes + 1 (the segment's one
  // dictionary, adopted on first sight), as MapColumn gives them.
  bool UsesDict(const ColumnVector& cv) {
    if (!dict_.empty() && dict_.data() != cv.dict.data()) return false;
    if (!cv.dict.empty()) dict_ = cv.dict;
    return true;
  }

  bool IsDictId(uint32_t id) const { return id != 0 && id < kPlainBase; }
  std::string_view DictString(uint32_t id) const { return dict_[id - 1]; }
  size_t dict_size() const { return dict_.size(); }
  size_t plain_count() const { return strings_.size() + ints_.size(); }
  std::string_view PlainString(uint32_t id) const { return strings_.Get(id - kPlainBase + 1); }
  int64_t PlainInt(uint32_t id) const { return ints_[id - kPlainBase]; }

 private:
  uint32_t StringId(std::string_view s) {
    if (s.data() == nullptr) return 0;
    if (s.data() == last_data_ && s.size() == last_size_) return last_id_;
    last_data_ = s.data();
    last_size_ = s.size();
    last_id_ = kPlainBase + strings_.FindOrInsert(s) - 1;
    return last_id_;
  }

  uint32_t IntId(int64_t v) {
    if (have_last_int_ && v == last_int_) return last_int_id_;
    auto [it, inserted] = int_ids_.try_emplace(v, kPlainBase + static_cast<uint32_t>(ints_.size()));
    if (inserted) ints_.push_back(v);
    have_last_int_ = true;
    last_int_ = v;
    last_int_id_ = it->second;
    return it->second;
  }

  std::span<const Str> dict_;
  StringIds strings_;
  std::unordered_map<int64_t, uint32_t> int_ids_;
  std::vector<int64_t> ints_;
  const char* last_data_ = nullptr;
  size_t last_size_ = 0;
  uint32_t last_id_ = 0;
  bool have_last_int_ = false;
  int64_t last_int_ = 0;
  uint32_t last_int_id_ = 0;
};

// What one aggregate computes.
struct AggSpec {
  enum class Kind : uint8_t { kCountStar, kCount, kCountDistinct } kind;
  int source = -1;  // kCount, kCountDistinct
};

// The aggregation state over local ids of one segment (or of the memtable).
struct Partial {
  std::vector<LocalIds> ids;                  // per source
  FlatMap64 groups;                           // (id0 << 32 | id1) -> group
  std::vector<uint32_t> dense;                // one dictionary key: id -> group + 1 (0: none yet)
  std::vector<uint64_t> dense_counts;         // one dictionary key, count(*) only: id -> rows
  std::vector<uint64_t> group_keys;           // group -> key
  std::vector<std::vector<uint64_t>> counts;  // per aggregate, per group (count kinds)
  std::vector<FlatMap64> distinct;            // per aggregate: (group << 32 | id)
};

class StoreAggregateOp : public Operator {
 public:
  StoreAggregateOp(const PlanNode& agg, std::shared_ptr<const Snapshot> snapshot, ExecContext* ctx,
                   ScanFilter filter, std::vector<Source> sources, std::vector<AggSpec> aggs,
                   uint64_t inline_rows)
      : agg_(agg),
        scan_(*agg.children[0]),
        snapshot_(std::move(snapshot)),
        ctx_(ctx),
        filter_(std::move(filter)),
        sources_(std::move(sources)),
        aggs_(std::move(aggs)),
        inline_rows_(inline_rows),
        global_ids_(sources_.size()) {}

  Status Init() {
    ScanAssembler assembler;
    for (const ScanColumn& c : scan_.scan_columns)
      assemblies_.push_back(assembler.Build(c.type, c.path, c.leaves));
    for (Source& s : sources_) {
      if (s.column >= 0) s.slot = assemblies_[static_cast<size_t>(s.column)].slot;
      if (s.expr) CollectColumns(*s.expr);
    }
    // An empty projection (count(*) alone) reads no column: blocks inside the time range are
    // counted from the block index.
    spec_.projection = assembler.projection;
    spec_.min_time_us = std::max(filter_.min_time_us, snapshot_->min_time_us());
    spec_.max_time_us = filter_.max_time_us;
    ASSIGN_OR_RETURN(spec_.predicates, Predicates(filter_));
    // Ids and counts need no vectors of the pipeline's batch size: take whole blocks (fewer
    // batches, less per-batch work in the scanner), unless expressions are evaluated per batch.
    spec_.batch_rows = static_cast<uint32_t>(expr_columns_.empty() ? 8 * kBatchSize : kBatchSize);
    global_.counts.resize(aggs_.size());
    global_.distinct.resize(aggs_.size());
    count_star_only_ = !aggs_.empty();
    for (const AggSpec& a : aggs_) count_star_only_ &= a.kind == AggSpec::Kind::kCountStar;
    return Status::OK();
  }

  Result<bool> Next(Chunk* out) override {
    if (!built_) RETURN_IF_ERROR(Build());
    if (emitted_ >= group_count_) return false;
    const size_t n = std::min(kBatchSize, group_count_ - emitted_);
    out->columns.clear();
    out->size = n;
    for (size_t k = 0; k < agg_.groups.size(); ++k) {
      out->columns.emplace_back(agg_.groups[k]->type);
      Vector& v = out->columns.back();
      v.Reset(n);
      const Source& s = sources_[k];
      for (size_t i = 0; i < n; ++i) {
        const uint64_t key = global_.group_keys[emitted_ + i];
        const uint32_t id = static_cast<uint32_t>(
            agg_.groups.size() == 2 && k == 0 ? key >> 32 : key & 0xFFFFFFFFu);
        if (id == 0) {
          v.SetNullAndClear(i);
        } else if (s.is_string) {
          v.strs()[i] = v.AddString(global_ids_[k].strings.Get(id));
        } else {
          v.i64()[i] = global_ids_[k].ints[id - 1];
        }
      }
    }
    for (size_t a = 0; a < aggs_.size(); ++a) {
      out->columns.emplace_back(agg_.aggregates[a].function.result_type);
      Vector& v = out->columns.back();
      v.Reset(n);
      for (size_t i = 0; i < n; ++i) {
        v.i64()[i] = static_cast<int64_t>(result_counts_[a][emitted_ + i]);
      }
    }
    emitted_ += n;
    return true;
  }

 private:
  // Value ids of one source across the query.
  struct GlobalIds {
    StringIds strings;  // string sources
    std::unordered_map<int64_t, uint32_t> int_ids;
    std::vector<int64_t> ints;  // id - 1 -> value (integer sources)
  };
  struct GlobalState {
    FlatMap64 groups;
    std::vector<uint64_t> group_keys;
    std::vector<std::vector<uint64_t>> counts;
    std::vector<FlatMap64> distinct;
  };

  void CollectColumns(const BoundExpr& e) {
    if (e.kind == BoundKind::kColumn && e.index >= 0) {
      if (std::find(expr_columns_.begin(), expr_columns_.end(), e.index) == expr_columns_.end())
        expr_columns_.push_back(e.index);
      return;
    }
    for (const auto& a : e.args) CollectColumns(*a);
  }

  Status Build() {
    built_ = true;
    const bool empty = filter_.empty_result || spec_.min_time_us > spec_.max_time_us;
    const auto& segments = snapshot_->segments();
    const size_t threads = empty ? 0 : std::min(ScanThreads(), segments.size());
    if (threads > 0 && RowsInTimeRange() <= inline_rows_) {
      // Little to read (a short time window): this thread aggregates it, rather than start
      // workers and wait for them to be scheduled (what a small query's time goes to on a busy
      // machine).
      RETURN_IF_ERROR(WorkLoop());
    } else {
      std::vector<std::thread> workers;
      std::vector<Status> results(threads);
      for (size_t t = 0; t < threads; ++t) {
        workers.emplace_back([this, t, &results] { results[t] = WorkLoop(); });
      }
      for (std::thread& w : workers) w.join();
      for (const Status& s : results) RETURN_IF_ERROR(s);
    }
    RETURN_IF_ERROR(ctx_->CheckCancelled());
    if (!empty) RETURN_IF_ERROR(AggregateMemtable());
    if (agg_.groups.empty() && global_.group_keys.empty()) {
      // A global aggregate has one row, even over no input.
      bool inserted;
      global_.groups.FindOrInsert(0, 0, &inserted);
      global_.group_keys.push_back(0);
      for (size_t a = 0; a < aggs_.size(); ++a) global_.counts[a].push_back(0);
    }
    group_count_ = global_.group_keys.size();
    result_counts_.resize(aggs_.size());
    for (size_t a = 0; a < aggs_.size(); ++a) {
      if (aggs_[a].kind == AggSpec::Kind::kCountDistinct) {
        result_counts_[a].assign(group_count_, 0);
        global_.distinct[a].ForEach(
            [&](uint64_t key, uint32_t) { ++result_counts_[a][static_cast<size_t>(key >> 32)]; });
      } else {
        result_counts_[a] = std::move(global_.counts[a]);
        result_counts_[a].resize(group_count_, 0);
      }
    }
    return Status::OK();
  }

  // Rows of the blocks whose time range meets the scan's (an upper bound of what it reads,
  // from the block indexes alone).
  uint64_t RowsInTimeRange() const {
    uint64_t rows = 0;
    for (const auto& seg : snapshot_->segments()) {
      const SegmentReader& r = *seg.reader;
      for (uint32_t b = 0; b < r.block_count(); ++b) {
        const SegmentReader::BlockRange range = r.block_range(b);
        if (range.max_time_us >= spec_.min_time_us && range.min_time_us <= spec_.max_time_us)
          rows += range.rows;
      }
    }
    return rows;
  }

  Status WorkLoop() {
    const auto& segments = snapshot_->segments();
    ColumnBatch batch;
    // Segments are alike: each distinct set starts with room for as many pairs as this worker's
    // previous segment had (growing one from 16 slots rehashes it a dozen times).
    std::vector<size_t> last_distinct(aggs_.size(), 0);
    while (!stop_.load()) {
      const size_t seg = next_segment_.fetch_add(1);
      if (seg >= segments.size()) return Status::OK();
      ASSIGN_OR_RETURN(std::unique_ptr<SegmentScanner> scanner,
                       segments[seg].reader->NewScan(spec_));
      Partial partial = NewPartial();
      for (size_t a = 0; a < partial.distinct.size(); ++a) {
        partial.distinct[a].Reserve(last_distinct[a]);
      }
      Status st = ScanSegment(scanner.get(), &batch, &partial);
      for (size_t a = 0; a < partial.distinct.size(); ++a) {
        last_distinct[a] = partial.distinct[a].size();
      }
      AccountSegment(*scanner, segments[seg].info.file_bytes, &ctx_->counters());
      if (st.ok()) st = Merge(partial);
      if (!st.ok()) {
        stop_ = true;
        return st;
      }
    }
    return Status::OK();
  }

  Partial NewPartial() const {
    Partial p;
    p.ids.resize(sources_.size());
    p.counts.resize(aggs_.size());
    p.distinct.resize(aggs_.size());
    return p;
  }

  Status ScanSegment(SegmentScanner* scanner, ColumnBatch* batch, Partial* p) {
    std::vector<std::vector<uint32_t>> ids(sources_.size());
    std::vector<uint32_t> groups;
    Chunk exprs_in;
    Vector value;
    EvalContext eval = ctx_->eval();
    while (true) {
      if (stop_.load()) return Status::OK();
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      ASSIGN_OR_RETURN(bool more, scanner->Next(batch));
      if (!more) return Status::OK();
      if (batch->sel.empty()) continue;
      const size_t n = batch->sel.size();
      ctx_->counters().events_matched += n;
      if (count_star_only_ && agg_.groups.empty()) {
        const uint32_t g = GroupOf(p, 0);
        for (size_t a = 0; a < aggs_.size(); ++a) p->counts[a][g] += n;
        continue;
      }
      if (count_star_only_ && agg_.groups.size() == 1 && sources_[0].expr == nullptr &&
          sources_[0].trunc_us == 0 && CountCodes(*batch, p)) {
        continue;
      }
      if (!expr_columns_.empty()) {
        exprs_in.columns.clear();
        for (const ScanColumn& c : scan_.scan_columns) exprs_in.columns.emplace_back(c.type);
        exprs_in.size = n;
        for (int c : expr_columns_) {
          FillFromBatch(assemblies_[static_cast<size_t>(c)], *batch, batch->sel, snapshot_,
                        &exprs_in.columns[static_cast<size_t>(c)]);
        }
      }
      for (size_t s = 0; s < sources_.size(); ++s) {
        ids[s].resize(n);
        const Source& src = sources_[s];
        if (src.expr == nullptr) {
          p->ids[s].MapColumn(batch->columns[static_cast<size_t>(src.slot)], batch->sel,
                              src.trunc_us, ids[s].data());
        } else {
          RETURN_IF_ERROR(Evaluate(*src.expr, exprs_in, eval, &value));
          p->ids[s].MapVector(value, n, src.is_string, ids[s].data());
        }
      }
      Accumulate(ids, n, p, &groups);
    }
  }

  // GROUP BY one dictionary column with count(*) only, every row of the batch selected: a
  // histogram of the codes as the scan decoded them, without ids or a row list. False (nothing
  // done) when the batch is not of that kind.
  bool CountCodes(const ColumnBatch& b, Partial* p) {
    const ColumnVector& cv = b.columns[static_cast<size_t>(sources_[0].slot)];
    if (cv.kind != VectorKind::kDict || b.sel.size() != cv.codes.size() ||
        !p->ids[0].UsesDict(cv)) {
      return false;
    }
    std::vector<uint64_t>& counts = p->dense_counts;
    if (counts.size() < cv.dict.size() + 1) counts.resize(cv.dict.size() + 1);
    uint64_t* c = counts.data();
    const uint32_t* codes = cv.codes.data();
    for (size_t i = 0; i < cv.codes.size(); ++i) ++c[codes[i] + 1];  // NULL: kNullCode + 1 = 0
    return true;
  }

  // Memtable events (acknowledged, not yet in a segment): filtered like the scan, then the same
  // aggregation from assembled vectors.
  Status AggregateMemtable() {
    std::vector<EventRef> events;
    ScanCounters& c = ctx_->counters();
    for (const EventRef& r : snapshot_->MemtableEvents()) {
      ++c.events_scanned;
      c.bytes_scanned += r.event->raw.size();
      const int64_t t = r.event->event_time_us;
      if (t < spec_.min_time_us || t > spec_.max_time_us) continue;
      if (!EventMatches(*r.event, *r.batch, filter_)) continue;
      events.push_back(r);
    }
    if (events.empty()) return Status::OK();
    c.events_matched += events.size();
    Partial p = NewPartial();
    std::vector<std::vector<uint32_t>> ids(sources_.size());
    std::vector<uint32_t> groups;
    EvalContext eval = ctx_->eval();
    Vector value;
    for (size_t from = 0; from < events.size(); from += kBatchSize) {
      const size_t n = std::min(kBatchSize, events.size() - from);
      std::vector<EventRef> part(events.begin() + static_cast<long>(from),
                                 events.begin() + static_cast<long>(from + n));
      Chunk in;
      in.size = n;
      for (size_t k = 0; k < scan_.scan_columns.size(); ++k) {
        in.columns.emplace_back(scan_.scan_columns[k].type);
        FillFromEvents(assemblies_[k], part, snapshot_, &in.columns.back());
      }
      for (size_t s = 0; s < sources_.size(); ++s) {
        ids[s].resize(n);
        const Source& src = sources_[s];
        const Vector* v = &in.columns[static_cast<size_t>(std::max(src.column, 0))];
        const BoundExpr* expr = src.expr ? src.expr : src.trunc_expr;
        if (expr != nullptr) {
          RETURN_IF_ERROR(Evaluate(*expr, in, eval, &value));
          v = &value;
        }
        p.ids[s].MapVector(*v, n, src.is_string, ids[s].data());
      }
      Accumulate(ids, n, &p, &groups);
    }
    return Merge(p);
  }

  uint32_t GroupOf(Partial* p, uint64_t key) {
    bool inserted;
    const uint32_t g =
        p->groups.FindOrInsert(key, static_cast<uint32_t>(p->group_keys.size()), &inserted);
    if (inserted) {
      p->group_keys.push_back(key);
      for (size_t a = 0; a < aggs_.size(); ++a) {
        if (aggs_[a].kind != AggSpec::Kind::kCountDistinct) p->counts[a].push_back(0);
      }
    }
    return g;
  }

  // Adds n rows, whose source ids are `ids`, to `p`; `groups` is scratch space.
  void Accumulate(const std::vector<std::vector<uint32_t>>& ids, size_t n, Partial* p,
                  std::vector<uint32_t>* groups_buf) {
    groups_buf->resize(n);
    std::vector<uint32_t>& groups = *groups_buf;
    const size_t keys = agg_.groups.size();
    if (keys == 0) {
      const uint32_t g = GroupOf(p, 0);
      std::fill(groups.begin(), groups.end(), g);
    } else if (keys == 1 && count_star_only_) {
      // GROUP BY one key, count(*) only: count by id in the dense table, make the groups after.
      const std::vector<uint32_t>& k0 = ids[0];
      for (size_t i = 0; i < n; ++i) {
        const uint32_t id = k0[i];
        if (id < LocalIds::kPlainBase) {
          if (id >= p->dense_counts.size())
            p->dense_counts.resize(std::max<size_t>(id + 1, p->dense_counts.size() * 2));
          ++p->dense_counts[id];
        } else {
          const uint32_t g = GroupOf(p, id);
          for (size_t a = 0; a < aggs_.size(); ++a) ++p->counts[a][g];
        }
      }
      return;
    } else if (keys == 1) {
      const std::vector<uint32_t>& k0 = ids[0];
      for (size_t i = 0; i < n; ++i) {
        const uint32_t id = k0[i];
        if (id < LocalIds::kPlainBase) {
          // Dictionary codes (and NULL) index a dense table.
          if (id >= p->dense.size()) p->dense.resize(std::max<size_t>(id + 1, p->dense.size() * 2));
          uint32_t& slot = p->dense[id];
          if (slot == 0) slot = GroupOf(p, id) + 1;
          groups[i] = slot - 1;
        } else {
          groups[i] = GroupOf(p, id);
        }
      }
    } else {
      const std::vector<uint32_t>& k0 = ids[0];
      const std::vector<uint32_t>& k1 = ids[1];
      uint64_t last = ~uint64_t{0};
      uint32_t last_group = 0;
      for (size_t i = 0; i < n; ++i) {
        const uint64_t key = uint64_t{k0[i]} << 32 | k1[i];
        if (key != last) {
          last_group = GroupOf(p, key);
          last = key;
        }
        groups[i] = last_group;
      }
    }
    for (size_t a = 0; a < aggs_.size(); ++a) {
      const AggSpec& spec = aggs_[a];
      switch (spec.kind) {
        case AggSpec::Kind::kCountStar: {
          uint64_t* counts = p->counts[a].data();
          for (size_t i = 0; i < n; ++i) ++counts[groups[i]];
          break;
        }
        case AggSpec::Kind::kCount: {
          uint64_t* counts = p->counts[a].data();
          const std::vector<uint32_t>& v = ids[static_cast<size_t>(spec.source)];
          for (size_t i = 0; i < n; ++i) counts[groups[i]] += v[i] != 0;
          break;
        }
        case AggSpec::Kind::kCountDistinct: {
          const std::vector<uint32_t>& v = ids[static_cast<size_t>(spec.source)];
          FlatMap64& set = p->distinct[a];
          uint64_t last = ~uint64_t{0};
          for (size_t i = 0; i < n; ++i) {
            if (v[i] == 0) continue;  // NULLs are not counted
            const uint64_t key = uint64_t{groups[i]} << 32 | v[i];
            if (key == last) continue;
            set.Insert(key);
            last = key;
          }
          break;
        }
      }
    }
  }

  // Translates local id `id` of source `s` in partial `p` to the query's id (0 stays NULL).
  uint32_t GlobalId(size_t s, const LocalIds& local, uint32_t id, std::vector<uint32_t>* dict_map,
                    std::vector<uint32_t>* plain_map) {
    if (id == 0) return 0;
    uint32_t* slot;
    if (local.IsDictId(id)) {
      if (dict_map->empty()) dict_map->assign(local.dict_size() + 1, 0);
      slot = &(*dict_map)[id];
    } else {
      if (plain_map->empty()) plain_map->assign(local.plain_count(), 0);
      slot = &(*plain_map)[id - LocalIds::kPlainBase];
    }
    if (*slot != 0) return *slot;
    GlobalIds& g = global_ids_[s];
    if (sources_[s].is_string) {
      *slot =
          g.strings.FindOrInsert(local.IsDictId(id) ? local.DictString(id) : local.PlainString(id));
    } else {
      const int64_t v = local.PlainInt(id);
      auto [it, inserted] = g.int_ids.try_emplace(v, static_cast<uint32_t>(g.ints.size() + 1));
      if (inserted) g.ints.push_back(v);
      *slot = it->second;
    }
    return *slot;
  }

  // Turns the dense counts of a count(*)-only partial into groups.
  void FoldDenseCounts(Partial* p) {
    for (size_t id = 0; id < p->dense_counts.size(); ++id) {
      const uint64_t c = p->dense_counts[id];
      if (c == 0) continue;
      const uint32_t g = GroupOf(p, static_cast<uint32_t>(id));
      for (size_t a = 0; a < aggs_.size(); ++a) p->counts[a][g] += c;
    }
    p->dense_counts.clear();
  }

  Status Merge(Partial& p) {
    FoldDenseCounts(&p);
    std::lock_guard<std::mutex> l(merge_mu_);
    std::vector<std::vector<uint32_t>> dict_maps(sources_.size()), plain_maps(sources_.size());
    auto global = [&](size_t s, uint32_t id) {
      return GlobalId(s, p.ids[s], id, &dict_maps[s], &plain_maps[s]);
    };
    const size_t keys = agg_.groups.size();
    std::vector<uint32_t> group_map(p.group_keys.size());
    for (size_t g = 0; g < p.group_keys.size(); ++g) {
      const uint64_t key = p.group_keys[g];
      uint64_t gkey = 0;
      if (keys == 1) gkey = global(0, static_cast<uint32_t>(key));
      if (keys == 2) {
        gkey = uint64_t{global(0, static_cast<uint32_t>(key >> 32))} << 32 |
               global(1, static_cast<uint32_t>(key));
      }
      bool inserted;
      const uint32_t gg = global_.groups.FindOrInsert(
          gkey, static_cast<uint32_t>(global_.group_keys.size()), &inserted);
      if (inserted) {
        global_.group_keys.push_back(gkey);
        for (size_t a = 0; a < aggs_.size(); ++a) {
          if (aggs_[a].kind != AggSpec::Kind::kCountDistinct) global_.counts[a].push_back(0);
        }
      }
      group_map[g] = gg;
      for (size_t a = 0; a < aggs_.size(); ++a) {
        if (aggs_[a].kind != AggSpec::Kind::kCountDistinct) global_.counts[a][gg] += p.counts[a][g];
      }
    }
    for (size_t a = 0; a < aggs_.size(); ++a) {
      if (aggs_[a].kind != AggSpec::Kind::kCountDistinct) continue;
      const size_t s = static_cast<size_t>(aggs_[a].source);
      std::vector<uint64_t> gkeys;
      gkeys.reserve(p.distinct[a].size());
      p.distinct[a].ForEach([&](uint64_t key, uint32_t) {
        gkeys.push_back(uint64_t{group_map[static_cast<size_t>(key >> 32)]} << 32 |
                        global(s, static_cast<uint32_t>(key)));
      });
      global_.distinct[a].InsertMany(gkeys);
    }
    // The query's memory limit covers the merged state.
    int64_t bytes = global_.groups.MemoryBytes() +
                    static_cast<int64_t>(global_.group_keys.size() * (8 + 8 * aggs_.size()));
    for (const FlatMap64& d : global_.distinct) bytes += d.MemoryBytes();
    for (const GlobalIds& g : global_ids_) {
      bytes += g.strings.MemoryBytes() + static_cast<int64_t>(g.ints.size() * 48);
    }
    if (bytes > reserved_) {
      RETURN_IF_ERROR(ctx_->Reserve(bytes - reserved_));
      reserved_ = bytes;
    }
    return Status::OK();
  }

  const PlanNode& agg_;
  const PlanNode& scan_;
  std::shared_ptr<const Snapshot> snapshot_;
  ExecContext* ctx_;
  ScanFilter filter_;
  std::vector<Source> sources_;  // the group keys (in order), then count arguments
  std::vector<AggSpec> aggs_;
  uint64_t inline_rows_;              // at most this many rows in the time range: no workers
  std::vector<Assembly> assemblies_;  // per scan column
  std::vector<int> expr_columns_;     // scan columns that expression sources read
  bool count_star_only_ = false;      // every aggregate is count(*)
  ScanSpec spec_;
  std::atomic<size_t> next_segment_{0};
  std::atomic<bool> stop_{false};
  // Merged state, guarded by merge_mu_ while workers run.
  std::mutex merge_mu_;
  std::vector<GlobalIds> global_ids_;
  GlobalState global_;
  int64_t reserved_ = 0;
  // Result.
  bool built_ = false;
  size_t group_count_ = 0;
  std::vector<std::vector<uint64_t>> result_counts_;
  size_t emitted_ = 0;
};

bool Deterministic(const BoundExpr& e) {
  switch (e.kind) {
    case BoundKind::kInSubquery:
    case BoundKind::kExists:
    case BoundKind::kScalarSubquery:
    case BoundKind::kAggregate:
    case BoundKind::kWindow:
      return false;
    case BoundKind::kFunction:
      if (!e.function->deterministic) return false;
      break;
    default:
      break;
  }
  for (const auto& a : e.args) {
    if (!Deterministic(*a)) return false;
  }
  return true;
}

// The source for expression `e` over the scan's columns, if the aggregation can read it.
std::optional<Source> SourceFor(const BoundExpr& e, const PlanNode& scan) {
  Source s;
  if (IsStringPhysical(e.type)) {
    s.is_string = true;
  } else if (IsInt64Physical(e.type)) {
    s.is_string = false;
  } else {
    return std::nullopt;
  }
  if (e.kind == BoundKind::kColumn) {
    if (e.index < 0 || static_cast<size_t>(e.index) >= scan.scan_columns.size())
      return std::nullopt;
    const ScanColumn& c = scan.scan_columns[static_cast<size_t>(e.index)];
    s.column = e.index;
    const ColumnDef* def = c.store_column ? &GetColumn(*c.store_column) : nullptr;
    // A stored scalar leaf is read from the store's vectors; other columns (NULL-only paths,
    // computed ones like eventjsonchecksum) are evaluated like expressions.
    if (def && def->stored && !def->list_child && def->lake &&
        c.store_column != ColumnId::kEventJson &&
        (def->type == ColumnType::kString || def->type == ColumnType::kTimestamp)) {
      return s;
    }
  }
  // date_trunc(unit, eventTime) for units of fixed length: truncated inside the id mapping.
  if (e.kind == BoundKind::kFunction && e.function->name == "date_trunc" && e.args.size() == 2 &&
      e.args[0]->kind == BoundKind::kConstant && !e.args[0]->constant.is_null &&
      e.args[0]->type.id() == TypeId::kVarchar && e.args[1]->kind == BoundKind::kColumn &&
      e.type.id() == TypeId::kTimestamp && e.args[1]->type.id() == TypeId::kTimestamp) {
    std::string unit = e.args[0]->constant.str;
    for (char& ch : unit) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const int64_t us = unit == "second"   ? 1'000'000
                       : unit == "minute" ? 60'000'000
                       : unit == "hour"   ? 3'600'000'000
                       : unit == "day"    ? 86'400'000'000
                                          : 0;
    std::optional<Source> col = SourceFor(*e.args[1], scan);
    if (us > 0 && col && col->expr == nullptr) {
      col->trunc_us = us;
      col->trunc_expr = &e;
      return col;
    }
  }
  if (!Deterministic(e)) return std::nullopt;
  s.expr = &e;
  return s;
}

}  // namespace

Result<std::unique_ptr<Operator>> MakeStoreAggregate(const PlanNode& agg,
                                                     std::shared_ptr<const Snapshot> snapshot,
                                                     ExecContext* ctx, ScanFilter filter,
                                                     uint64_t inline_rows) {
  if (agg.kind != PlanKind::kAggregate || agg.children.size() != 1 ||
      agg.children[0]->kind != PlanKind::kScan || agg.groups.size() > 2) {
    return std::unique_ptr<Operator>();
  }
  const PlanNode& scan = *agg.children[0];
  std::vector<Source> sources;
  for (const auto& g : agg.groups) {
    std::optional<Source> s = SourceFor(*g, scan);
    if (!s) return std::unique_ptr<Operator>();
    sources.push_back(*s);
  }
  std::vector<AggSpec> aggs;
  for (const AggregateCall& call : agg.aggregates) {
    if (call.filter || !call.order_exprs.empty()) return std::unique_ptr<Operator>();
    const AggregateKind kind = call.function.kind;
    if (kind == AggregateKind::kCountStar && call.args.empty()) {
      aggs.push_back({AggSpec::Kind::kCountStar, -1});
      continue;
    }
    if (kind != AggregateKind::kCount || call.args.size() != 1) return std::unique_ptr<Operator>();
    std::optional<Source> s = SourceFor(*call.args[0], scan);
    if (!s) return std::unique_ptr<Operator>();
    sources.push_back(*s);
    aggs.push_back({call.distinct ? AggSpec::Kind::kCountDistinct : AggSpec::Kind::kCount,
                    static_cast<int>(sources.size() - 1)});
  }
  auto op = std::make_unique<StoreAggregateOp>(agg, std::move(snapshot), ctx, std::move(filter),
                                               std::move(sources), std::move(aggs), inline_rows);
  RETURN_IF_ERROR(op->Init());
  return std::unique_ptr<Operator>(std::move(op));
}

}  // namespace cairn::sql
