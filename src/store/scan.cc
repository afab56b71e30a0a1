// The segment scanner: block skipping by zone maps, dictionaries and bloom filters, predicate
// evaluation into a selection vector, and column batches that point into the decoded block.
#include "store/scan.h"

#include <algorithm>
#include <numeric>

#include "store/segment_file.h"

namespace cairn::segment {
namespace {

bool StartsWith(Str s, std::string_view p) {
  return s.size() >= p.size() && s.substr(0, p.size()) == p;
}

// A predicate checked against the segment once: dictionary predicates become a set of codes.
struct Prepared {
  ScanPredicate pred;
  uint16_t id = 0;
  const ColumnDef* def = nullptr;
  const ColumnInfo* col = nullptr;  // nullptr: the column is NULL in every row of the segment
  bool is_dict = false;
  std::vector<uint32_t> codes;  // dictionary codes that match (sorted)
  std::vector<uint8_t> bitmap;  // over the dictionary (Eq/In on dictionaries up to 1M values)
  bool is_range = false;        // prefix: the codes [range_lo, range_hi)
  uint32_t range_lo = 0, range_hi = 0;
  std::vector<uint64_t> hashes;  // bloom hashes of the wanted values (Eq/In)
  // In with many values (an IN list from a subquery): the values sorted, for a binary search per
  // plain value instead of a comparison with each. Views into pred.values' strings, which stay
  // in place when the Prepared (and so the vector) is moved.
  std::vector<std::string_view> sorted;
  int cost = 0;  // evaluation order: cheap first
  // kMatch: whether a NULL value matches, and on dictionary columns the answer per code, found
  // on first use (0 = not asked yet, 1 = no, 2 = yes).
  bool null_matches = false;
  const SegmentDictionary* dict = nullptr;
  std::vector<uint8_t> memo;
  std::span<const Str> all_values;  // the whole dictionary, once a block asks about many codes

  bool MatchCode(uint32_t c) const {
    if (c == kNullCode) return false;
    if (is_range) return c >= range_lo && c < range_hi;
    if (!bitmap.empty()) return bitmap[c];
    return std::binary_search(codes.begin(), codes.end(), c);
  }

  // Could a code in [lo, hi] match?
  bool MayMatchCodes(uint32_t lo, uint32_t hi) const {
    if (is_range) return range_lo < range_hi && range_lo <= hi && range_hi > lo;
    auto it = std::lower_bound(codes.begin(), codes.end(), lo);
    return it != codes.end() && *it <= hi;
  }

  bool MatchString(Str v) const {
    if (IsNull(v)) return false;
    switch (pred.op) {
      case PredicateOp::kEq:
      case PredicateOp::kIn:
        if (!sorted.empty()) return std::binary_search(sorted.begin(), sorted.end(), v);
        for (const std::string& w : pred.values) {
          if (v == w) return true;
        }
        return false;
      case PredicateOp::kPrefix:
        return StartsWith(v, pred.values[0]);
      default:
        return false;
    }
  }
};

// Zone maps are asked about at most this many values of an IN list (beyond, a block is read).
constexpr size_t kMaxZoneValues = 64;
// An IN list longer than this is searched in its sorted values (Prepared::sorted).
constexpr size_t kMaxLinearInValues = 16;

// Could any value in [min_prefix..max_prefix] (16-byte prefixes of min and max) equal `v`?
bool ZoneMayContain(const ChunkInfo& c, std::string_view v) {
  std::string_view p = v.substr(0, kZonePrefix);
  return !(p < std::string_view(c.min_prefix)) && !(p > std::string_view(c.max_prefix));
}

// Could a value in the zone start with `p`?
bool ZoneMayStartWith(const ChunkInfo& c, std::string_view p) {
  std::string_view lo = c.min_prefix, hi = c.max_prefix;
  std::string_view pp = p.substr(0, kZonePrefix);
  // Every value v satisfies prefix16(v) <= hi; a value starting with p has prefix16(v) >= pp.
  if (pp > hi) return false;
  // Every value is >= min >= lo. A value starting with p is < lo when lo exceeds p on p's bytes.
  if (lo > p && !StartsWith(lo, p)) return false;
  return true;
}

class Scanner final : public SegmentScanner {
 public:
  Scanner(const SegmentFile* file, ScanSpec spec, std::vector<Prepared> preds, bool never)
      : file_(file), spec_(std::move(spec)), preds_(std::move(preds)), never_(never) {
    needs_json_ = std::find(spec_.projection.begin(), spec_.projection.end(),
                            ColumnId::kEventJson) != spec_.projection.end();
    const uint32_t blocks = static_cast<uint32_t>(file_->footer().blocks.size());
    stats_.blocks_total = blocks;
    const uint32_t first = spec_.first_block;
    const uint32_t end = spec_.last_block < blocks ? spec_.last_block + 1 : blocks;
    for (uint32_t b = first; b < end; ++b)
      order_.push_back(spec_.reverse ? end - 1 - (b - first) : b);
    if (spec_.batch_rows == 0) spec_.batch_rows = 2048;
  }

  const ScanStats& stats() const override { return stats_; }

  Result<bool> Next(ColumnBatch* out) override {
    while (true) {
      if (returned_ >= spec_.limit) return false;
      if (cursor_ && next_batch_ < batch_count_) {
        ASSIGN_OR_RETURN(bool filled, EmitBatch(out));
        if (filled) return true;
        continue;
      }
      if (next_block_ >= order_.size()) return false;
      const uint32_t block = order_[next_block_++];
      if (never_ || !BlockMaySatisfy(block)) {
        ++stats_.blocks_skipped;
        continue;
      }
      RETURN_IF_ERROR(StartBlock(block));
    }
  }

 private:
  bool BlockMaySatisfy(uint32_t b) {
    const BlockInfo& info = file_->footer().blocks[b];
    if (info.max_time < spec_.min_time_us || info.min_time > spec_.max_time_us) return false;
    for (const Prepared& p : preds_) {
      const ChunkInfo* chunk = p.col ? file_->chunk(b, p.id) : nullptr;
      const PredicateOp op = p.pred.op;
      if (!chunk) {
        // Every value NULL in this block (for list children: no element has a value).
        if (op == PredicateOp::kMatch && p.null_matches) continue;
        if (op != PredicateOp::kIsNull) return false;
        continue;
      }
      switch (op) {
        case PredicateOp::kMatch:
          break;
        case PredicateOp::kIsNull:
          if (!p.def->list_child && chunk->null_count == 0) return false;
          break;
        case PredicateOp::kIsNotNull:
          break;
        case PredicateOp::kBoolEq:
          if ((p.pred.bool_value == OptBool::kTrue ? chunk->true_count : chunk->false_count) == 0) {
            return false;
          }
          break;
        case PredicateOp::kEq:
        case PredicateOp::kIn:
        case PredicateOp::kPrefix: {
          if (p.is_dict) {
            if (!p.MayMatchCodes(chunk->min_code, chunk->max_code)) return false;
            if (!p.is_range && file_->BlockLacksCodes(b, p.id, p.codes)) return false;
          } else if (p.pred.values.size() <= kMaxZoneValues) {
            bool any = false;
            for (const std::string& v : p.pred.values) {
              any |= op == PredicateOp::kPrefix ? ZoneMayStartWith(*chunk, v)
                                                : ZoneMayContain(*chunk, v);
            }
            if (!any) return false;
          }
          if (!p.hashes.empty()) {
            auto bloom = file_->Bloom(b, p.id);
            if (!bloom.ok()) {
              pending_error_ = bloom.status();
              return true;  // read the block: the error is reported there
            }
            if (bloom->has_value()) {
              bool any = false;
              for (uint64_t h : p.hashes) any |= (*bloom)->MayContainHash(h);
              if (!any) return false;
            }
          }
          break;
        }
      }
    }
    return true;
  }

  Status StartBlock(uint32_t b) {
    if (!pending_error_.ok()) {
      Status s = pending_error_;
      pending_error_ = Status::OK();
      return s;
    }
    if (cursor_) {
      cursor_->Reset(b);  // keeps its buffers: no allocations per block
    } else {
      cursor_ = std::make_unique<BlockCursor>(file_, b);
    }
    ++stats_.blocks_read;
    const uint32_t rows = cursor_->rows();
    stats_.rows_scanned += rows;
    const BlockInfo& info = cursor_->info();
    sel_.clear();
    size_t first = 0;  // the predicates from here on are still to be applied
    if (info.min_time >= spec_.min_time_us && info.max_time <= spec_.max_time_us) {
      if (!preds_.empty() && FirstOnCodes(preds_[0])) {
        // Every row is in the time range: the first predicate, on a dictionary's codes, selects
        // from all rows directly (no list of every row written first and read back).
        RETURN_IF_ERROR(SelectByCodes(preds_[0], rows));
        first = 1;
      } else {
        sel_.resize(rows);
        std::iota(sel_.begin(), sel_.end(), 0u);
      }
    } else {
      const DecodedStream* t;
      ASSIGN_OR_RETURN(t, cursor_->Load(static_cast<uint16_t>(ColumnId::kEventTime)));
      for (uint32_t r = 0; r < rows; ++r) {
        if (t->i64[r] >= spec_.min_time_us && t->i64[r] <= spec_.max_time_us) sel_.push_back(r);
      }
    }
    for (size_t i = first; i < preds_.size(); ++i) {
      if (sel_.empty()) break;
      RETURN_IF_ERROR(Filter(preds_[i]));
    }
    stats_.rows_selected += sel_.size();
    all_selected_ = sel_.size() == rows;
    batch_count_ = sel_.empty() ? 0 : (rows + spec_.batch_rows - 1) / spec_.batch_rows;
    next_batch_ = 0;
    return Status::OK();
  }

  // Whether SelectByCodes can apply `p`: = / IN / IS [NOT] NULL on a dictionary column of a
  // scalar (not list) stream present in the segment.
  static bool FirstOnCodes(const Prepared& p) {
    if (!p.col || !p.is_dict || p.def->list_child || p.is_range) return false;
    switch (p.pred.op) {
      case PredicateOp::kEq:
      case PredicateOp::kIn:
      case PredicateOp::kIsNull:
      case PredicateOp::kIsNotNull:
        return true;
      default:
        return false;
    }
  }

  // sel_ := the rows in [0, rows) whose code satisfies `p`, as Filter() would select them from
  // every row. REQUIRES: FirstOnCodes(p). One loop per operation: a comparison that depends on
  // the operation inside the loop was slower.
  Status SelectByCodes(Prepared& p, uint32_t rows) {
    const DecodedStream* s;
    ASSIGN_OR_RETURN(s, cursor_->LoadCodes(p.id));
    file_->NoteBlockCodes(cursor_->block(), p.id, s->codes);
    const uint32_t* codes = s->codes.data();
    sel_.resize(rows);
    uint32_t* out = sel_.data();
    size_t n = 0;
    if (p.pred.op == PredicateOp::kIsNotNull) {
      for (uint32_t r = 0; r < rows; ++r) {
        out[n] = r;
        n += codes[r] != kNullCode;
      }
    } else if (p.pred.op == PredicateOp::kIsNull) {
      for (uint32_t r = 0; r < rows; ++r) {
        out[n] = r;
        n += codes[r] == kNullCode;
      }
    } else if (p.codes.size() == 1) {
      const uint32_t want = p.codes[0];
      for (uint32_t r = 0; r < rows; ++r) {
        out[n] = r;
        n += codes[r] == want;
      }
    } else {
      for (uint32_t r = 0; r < rows; ++r) {
        out[n] = r;
        n += p.MatchCode(codes[r]);
      }
    }
    sel_.resize(n);
    return Status::OK();
  }

  Status Filter(Prepared& p) {
    size_t n = 0;
    if (!p.col) {
      // The column is NULL everywhere in the segment.
      if (p.pred.op != PredicateOp::kIsNull &&
          !(p.pred.op == PredicateOp::kMatch && p.null_matches))
        sel_.clear();
      return Status::OK();
    }
    if (p.pred.op == PredicateOp::kMatch) return FilterMatch(p);
    if (p.def->list_child) {
      const std::vector<uint32_t>* offsets;
      ASSIGN_OR_RETURN(offsets, cursor_->ElementOffsets());
      const DecodedStream* s;
      if (p.is_dict) {
        ASSIGN_OR_RETURN(s, cursor_->LoadCodes(p.id));
        file_->NoteBlockCodes(cursor_->block(), p.id, s->codes);
      } else {
        ASSIGN_OR_RETURN(s, cursor_->Load(p.id));
      }
      for (uint32_t r : sel_) {
        const uint32_t begin = (*offsets)[r], end = (*offsets)[r + 1];
        bool match = false;
        if (p.pred.op == PredicateOp::kIsNull) {
          match = begin == end;
          for (uint32_t k = begin; k < end && !match; ++k) {
            match = p.is_dict ? s->codes[k] == kNullCode : IsNull(s->strs[k]);
          }
        } else {
          for (uint32_t k = begin; k < end && !match; ++k) match = ElementMatches(p, *s, k);
        }
        sel_[n] = r;
        n += match;
      }
      sel_.resize(n);
      return Status::OK();
    }
    const DecodedStream* s;
    if (p.is_dict) {
      ASSIGN_OR_RETURN(s, cursor_->LoadCodes(p.id));
      file_->NoteBlockCodes(cursor_->block(), p.id, s->codes);
      if (!p.is_range && p.codes.size() == 1 &&
          (p.pred.op == PredicateOp::kEq || p.pred.op == PredicateOp::kIn)) {
        // One wanted code (a needle): a plain comparison per row.
        const uint32_t want = p.codes[0];
        const uint32_t* codes = s->codes.data();
        for (uint32_t r : sel_) {
          sel_[n] = r;
          n += codes[r] == want;
        }
        sel_.resize(n);
        return Status::OK();
      }
      const uint32_t* codes = s->codes.data();
      switch (p.pred.op) {
        case PredicateOp::kIsNull:
          for (uint32_t r : sel_) {
            sel_[n] = r;
            n += codes[r] == kNullCode;
          }
          break;
        case PredicateOp::kIsNotNull:
          for (uint32_t r : sel_) {
            sel_[n] = r;
            n += codes[r] != kNullCode;
          }
          break;
        default:
          for (uint32_t r : sel_) {
            sel_[n] = r;
            n += p.MatchCode(codes[r]);
          }
          break;
      }
      sel_.resize(n);
      return Status::OK();
    }
    // UUIDs compared as bytes, each row with each value: for long IN lists (from subqueries) the
    // rows' text is searched in the sorted values instead.
    if (p.col->encoding == Encoding::kUuid &&
        (p.pred.op == PredicateOp::kEq || (p.pred.op == PredicateOp::kIn && p.sorted.empty()))) {
      return cursor_->FilterUuidRows(p.id, p.pred.values, &sel_);
    }
    ASSIGN_OR_RETURN(s, cursor_->LoadRows(p.id, sel_));
    switch (s->kind) {
      case VectorKind::kDict:  // not reached: dictionary streams are handled above
        break;
      case VectorKind::kString:
        for (uint32_t r : sel_) {
          const Str v = s->strs[r];
          bool match;
          if (p.pred.op == PredicateOp::kIsNull) {
            match = IsNull(v);
          } else if (p.pred.op == PredicateOp::kIsNotNull) {
            match = !IsNull(v);
          } else {
            match = p.MatchString(v);
          }
          sel_[n] = r;
          n += match;
        }
        break;
      case VectorKind::kInt64:
        for (uint32_t r : sel_) {
          const bool null = s->i64[r] == INT64_MIN;
          sel_[n] = r;
          n += p.pred.op == PredicateOp::kIsNull ? null : !null;
        }
        break;
      case VectorKind::kBool:
        for (uint32_t r : sel_) {
          const OptBool v = s->bools[r];
          bool match;
          if (p.pred.op == PredicateOp::kIsNull) {
            match = v == OptBool::kNull;
          } else if (p.pred.op == PredicateOp::kIsNotNull) {
            match = v != OptBool::kNull;
          } else {
            match = v == p.pred.bool_value;
          }
          sel_[n] = r;
          n += match;
        }
        break;
    }
    sel_.resize(n);
    return Status::OK();
  }

  // kMatch: the caller's matcher, asked once per distinct dictionary value (answers kept for the
  // whole segment) or, on plain columns, once per selected row in one call per block.
  Status FilterMatch(Prepared& p) {
    size_t n = 0;
    if (p.is_dict) {
      const DecodedStream* s;
      ASSIGN_OR_RETURN(s, cursor_->LoadCodes(p.id));
      // The memo's last slot is the NULL value's (known since NewScan).
      const size_t null_slot = p.memo.size() - 1;
      ask_codes_.clear();
      for (uint32_t r : sel_) {
        const uint32_t c = s->codes[r];
        if (c != kNullCode && p.memo[c] == 0) {
          p.memo[c] = 3;  // asked below
          ask_codes_.push_back(c);
        }
      }
      if (!ask_codes_.empty()) {
        ask_values_.clear();
        if (p.all_values.empty() && ask_codes_.size() * 16 > p.dict->size()) {
          // Much of the dictionary is asked about: decode it all at once rather than find each
          // code's page, and ask about every value not answered yet (later blocks will ask
          // about most of them) in one call, in code order: the values lie back to back, and
          // a matcher can search them as one run.
          ASSIGN_OR_RETURN(p.all_values, p.dict->All());
          ask_codes_.clear();
          for (uint32_t c = 0; c < p.all_values.size(); ++c) {
            if (p.memo[c] == 0 || p.memo[c] == 3) {
              p.memo[c] = 3;
              ask_codes_.push_back(c);
            }
          }
        } else {
          std::sort(ask_codes_.begin(), ask_codes_.end());  // neighbours in memory, too
        }
        for (uint32_t c : ask_codes_) {
          if (!p.all_values.empty()) {
            ask_values_.push_back(p.all_values[c]);
            continue;
          }
          Str v;
          ASSIGN_OR_RETURN(v, p.dict->Value(c));
          ask_values_.push_back(v);
        }
        std::unique_ptr<bool[]> out(new bool[ask_values_.size()]);
        Status st = p.pred.matcher->Match(ask_values_, out.get());
        for (size_t k = 0; k < ask_codes_.size(); ++k) {
          p.memo[ask_codes_[k]] = st.ok() ? (out[k] ? 2 : 1) : 0;
        }
        RETURN_IF_ERROR(st);
      }
      for (uint32_t r : sel_) {
        const uint32_t c = s->codes[r];
        sel_[n] = r;
        n += p.memo[c == kNullCode ? null_slot : c] == 2;
      }
      sel_.resize(n);
      return Status::OK();
    }
    const DecodedStream* s;
    ASSIGN_OR_RETURN(s, cursor_->LoadRows(p.id, sel_));
    ask_values_.clear();
    for (uint32_t r : sel_) ask_values_.push_back(s->StringAt(r));
    std::unique_ptr<bool[]> out(new bool[ask_values_.size()]);
    RETURN_IF_ERROR(p.pred.matcher->Match(ask_values_, out.get()));
    for (size_t k = 0; k < sel_.size(); ++k) {
      sel_[n] = sel_[k];
      n += out[k];
    }
    sel_.resize(n);
    return Status::OK();
  }

  static bool ElementMatches(const Prepared& p, const DecodedStream& s, uint32_t k) {
    if (p.is_dict) {
      if (p.pred.op == PredicateOp::kIsNotNull) return s.codes[k] != kNullCode;
      return p.MatchCode(s.codes[k]);
    }
    if (p.pred.op == PredicateOp::kIsNotNull) return !IsNull(s.strs[k]);
    return p.MatchString(s.strs[k]);
  }

  Result<bool> EmitBatch(ColumnBatch* out) {
    const uint32_t rows = cursor_->rows();
    const uint32_t index = spec_.reverse ? batch_count_ - 1 - next_batch_ : next_batch_;
    ++next_batch_;
    const uint32_t r0 = index * spec_.batch_rows;
    const uint32_t n = std::min(spec_.batch_rows, rows - r0);
    out->row_count = n;
    out->block = cursor_->block();
    out->first_row = r0;
    if (all_selected_) {
      out->sel.resize(n);
      std::iota(out->sel.begin(), out->sel.end(), 0u);
    } else {
      auto lo = std::lower_bound(sel_.begin(), sel_.end(), r0);
      auto hi = std::lower_bound(lo, sel_.end(), r0 + n);
      if (lo == hi) return false;
      out->sel.resize(static_cast<size_t>(hi - lo));
      for (size_t k = 0; k < out->sel.size(); ++k) out->sel[k] = lo[k] - r0;
    }
    if (spec_.reverse) std::reverse(out->sel.begin(), out->sel.end());
    if (out->sel.size() > spec_.limit - returned_) out->sel.resize(spec_.limit - returned_);
    returned_ += out->sel.size();
    // The rows whose values are decoded. Without a LIMIT every selected row of the block is
    // emitted in some batch: decode them all at the first batch (whole pages and blocks, which
    // the member-code cache keeps), else only this batch's.
    // (Records are rebuilt for this batch's rows only.)
    const bool batch_only = spec_.limit != std::numeric_limits<uint64_t>::max() || needs_json_;
    if (batch_only) {
      abs_rows_.resize(out->sel.size());
      for (size_t k = 0; k < out->sel.size(); ++k) abs_rows_[k] = r0 + out->sel[k];
      if (spec_.reverse) std::reverse(abs_rows_.begin(), abs_rows_.end());
    }
    const std::span<const uint32_t> decode_rows =
        spec_.limit == std::numeric_limits<uint64_t>::max() ? std::span<const uint32_t>(sel_)
                                                            : std::span<const uint32_t>(abs_rows_);
    out->columns.resize(spec_.projection.size());
    raw_bufs_.resize(spec_.projection.size());
    for (size_t i = 0; i < spec_.projection.size(); ++i) {
      RETURN_IF_ERROR(FillColumn(spec_.projection[i], r0, n, decode_rows, i, &out->columns[i]));
    }
    return true;
  }

  Status FillColumn(ColumnId id, uint32_t r0, uint32_t n, std::span<const uint32_t> rows,
                    size_t slot, ColumnVector* v) {
    *v = ColumnVector();
    v->id = id;
    const uint16_t sid = static_cast<uint16_t>(id);
    if (id == ColumnId::kEventJson) {
      RawBuffer& rb = raw_bufs_[slot];
      rb.bytes.clear();
      rb.views.assign(n, Str());
      std::vector<std::pair<uint32_t, size_t>> at;  // row, start
      for (uint32_t r : abs_rows_) {                // this batch's rows (EmitBatch: needs_json_)
        const size_t start = rb.bytes.size();
        const DecodedStream* skel;
        const uint32_t one[1] = {r};
        ASSIGN_OR_RETURN(skel, cursor_->LoadRows(kRawSkeletonId, one));
        if (IsNull(skel->StringAt(r))) continue;
        RETURN_IF_ERROR(cursor_->RebuildRaw(r, &rb.bytes, nullptr));
        at.emplace_back(r, start);
      }
      for (size_t k = 0; k < at.size(); ++k) {
        const size_t end = k + 1 < at.size() ? at[k + 1].second : rb.bytes.size();
        rb.views[at[k].first - r0] = Str(rb.bytes.data() + at[k].second, end - at[k].second);
      }
      v->kind = VectorKind::kString;
      v->strs = rb.views;
      return Status::OK();
    }
    if (GetColumn(id).list_child) {
      const std::vector<uint32_t>* offsets;
      ASSIGN_OR_RETURN(offsets, cursor_->ElementOffsets());
      const DecodedStream* s;
      ASSIGN_OR_RETURN(s, cursor_->Load(sid));
      v->offsets = std::span<const uint32_t>(offsets->data() + r0, n + 1);
      SetValues(*s, 0, s->kind == VectorKind::kDict ? s->codes.size() : s->strs.size(), v);
      return Status::OK();
    }
    const DecodedStream* s;
    ASSIGN_OR_RETURN(s, cursor_->LoadRows(sid, rows));
    SetValues(*s, r0, n, v);
    return Status::OK();
  }

  static void SetValues(const DecodedStream& s, size_t from, size_t n, ColumnVector* v) {
    v->kind = s.kind;
    switch (s.kind) {
      case VectorKind::kInt64:
        v->i64 = std::span<const int64_t>(s.i64.data() + from, n);
        break;
      case VectorKind::kBool:
        v->bools = std::span<const OptBool>(s.bools.data() + from, n);
        break;
      case VectorKind::kDict:
        v->codes = std::span<const uint32_t>(s.codes.data() + from, n);
        v->dict = s.dict;
        break;
      case VectorKind::kString:
        v->strs = std::span<const Str>(s.strs.data() + from, n);
        break;
    }
  }

  struct RawBuffer {
    std::string bytes;
    std::vector<Str> views;
  };

  const SegmentFile* file_;
  ScanSpec spec_;
  std::vector<Prepared> preds_;
  bool never_;
  std::vector<uint32_t> order_;
  size_t next_block_ = 0;
  std::unique_ptr<BlockCursor> cursor_;
  std::vector<uint32_t> sel_;  // selected rows of the current block, ascending
  bool all_selected_ = false;  // sel_ holds every row of the block
  bool needs_json_ = false;    // eventjson is projected
  uint32_t batch_count_ = 0, next_batch_ = 0;
  std::vector<RawBuffer> raw_bufs_;
  ScanStats stats_;
  Status pending_error_;
  uint64_t returned_ = 0;
  std::vector<uint32_t> abs_rows_;
  std::vector<uint32_t> ask_codes_;  // FilterMatch scratch
  std::vector<Str> ask_values_;
};

}  // namespace

Result<std::unique_ptr<SegmentScanner>> SegmentFile::NewScan(const ScanSpec& spec) const {
  for (ColumnId id : spec.projection) {
    if (static_cast<int>(id) >= kColumnCount) {
      return Status::InvalidArgument(path_ + ": scan: unknown column id " +
                                     std::to_string(static_cast<int>(id)));
    }
    if (!GetColumn(id).stored) {
      return Status::InvalidArgument(path_ + ": scan: column " + std::string(GetColumn(id).name) +
                                     " is not stored; compute it from eventjson");
    }
  }
  bool never = false;
  std::vector<Prepared> preds;
  for (const ScanPredicate& sp : spec.predicates) {
    if (static_cast<int>(sp.column) >= kColumnCount) {
      return Status::InvalidArgument(path_ + ": scan: unknown predicate column");
    }
    Prepared p;
    p.pred = sp;
    if (sp.op == PredicateOp::kIn && sp.values.size() > kMaxLinearInValues) {
      p.sorted.assign(sp.values.begin(), sp.values.end());
      // A subquery's values come sorted (ResolveScanFilter): not sorted again for every segment.
      if (!std::is_sorted(p.sorted.begin(), p.sorted.end()))
        std::sort(p.sorted.begin(), p.sorted.end());
    }
    p.id = static_cast<uint16_t>(sp.column);
    p.def = &GetColumn(sp.column);
    const std::string name(p.def->name);
    if (!p.def->stored || sp.column == ColumnId::kEventJson) {
      return Status::InvalidArgument(path_ + ": scan: no predicates on " + name);
    }
    const bool is_string = p.def->type == ColumnType::kString || p.def->type == ColumnType::kMap;
    switch (sp.op) {
      case PredicateOp::kEq:
      case PredicateOp::kPrefix:
        if (!is_string || sp.values.size() != 1) {
          return Status::InvalidArgument(path_ + ": scan: bad = or LIKE predicate on " + name);
        }
        break;
      case PredicateOp::kIn:
        if (!is_string)
          return Status::InvalidArgument(path_ + ": scan: bad IN predicate on " + name);
        if (sp.values.empty()) never = true;
        break;
      case PredicateOp::kBoolEq:
        if (p.def->type != ColumnType::kBool || sp.bool_value == OptBool::kNull) {
          return Status::InvalidArgument(path_ + ": scan: bad boolean predicate on " + name);
        }
        break;
      case PredicateOp::kIsNull:
      case PredicateOp::kIsNotNull:
        break;
      case PredicateOp::kMatch: {
        if (!is_string || p.def->list_child || !sp.matcher) {
          return Status::InvalidArgument(path_ + ": scan: bad match predicate on " + name);
        }
        const Str null_value;
        bool null_matches = false;
        RETURN_IF_ERROR(sp.matcher->Match(std::span<const Str>(&null_value, 1), &null_matches));
        p.null_matches = null_matches;
        break;
      }
    }
    p.col = column_info(p.id);
    if (!p.col) {
      if (sp.op != PredicateOp::kIsNull && !(sp.op == PredicateOp::kMatch && p.null_matches))
        never = true;
      preds.push_back(std::move(p));
      continue;
    }
    p.is_dict = p.col->encoding == Encoding::kDict;
    if (sp.op == PredicateOp::kMatch && p.is_dict) {
      ASSIGN_OR_RETURN(p.dict, Dict(p.id));
      p.memo.assign(size_t{p.dict->size()} + 1, 0);
      p.memo.back() = p.null_matches ? 2 : 1;
    }
    const bool value_op =
        sp.op == PredicateOp::kEq || sp.op == PredicateOp::kIn || sp.op == PredicateOp::kPrefix;
    if (p.is_dict && value_op) {
      const SegmentDictionary* dict;
      ASSIGN_OR_RETURN(dict, Dict(p.id));
      if (sp.op == PredicateOp::kPrefix) {
        // The dictionary is sorted: values with the prefix are one range of codes.
        ASSIGN_OR_RETURN(auto range, dict->PrefixRange(sp.values[0]));
        p.is_range = true;
        p.range_lo = range.first;
        p.range_hi = range.second;
        if (range.first == range.second) never = true;
      } else {
        for (const std::string& v : sp.values) {
          ASSIGN_OR_RETURN(std::optional<uint32_t> code, dict->Find(v));
          if (code) p.codes.push_back(*code);
        }
        std::sort(p.codes.begin(), p.codes.end());
        p.codes.erase(std::unique(p.codes.begin(), p.codes.end()), p.codes.end());
        // A byte per dictionary value answers each row in one load (a binary search over the
        // wanted codes costs a few branches per row).
        if ((dict->size() <= (1u << 16) && p.codes.size() > 1) ||
            (dict->size() <= (1u << 20) && p.codes.size() > 8)) {
          p.bitmap.assign(dict->size(), 0);
          for (uint32_t c : p.codes) p.bitmap[c] = 1;
        }
        if (p.codes.empty()) never = true;
      }
    }
    if (p.def->needle && (sp.op == PredicateOp::kEq || sp.op == PredicateOp::kIn) &&
        sp.values.size() <= 64) {
      for (const std::string& v : sp.values) p.hashes.push_back(BloomHash(v));
    }
    // Cheap predicates first: dictionaries and bools before strings, lists last; the caller's
    // matchers after everything else, so they see the fewest rows.
    p.cost = sp.op == PredicateOp::kMatch                    ? 4
             : p.def->list_child                             ? 3
             : p.is_dict || p.def->type == ColumnType::kBool ? 0
             : p.hashes.empty()                              ? 2
                                                             : 1;
    preds.push_back(std::move(p));
  }
  std::stable_sort(preds.begin(), preds.end(),
                   [](const Prepared& a, const Prepared& b) { return a.cost < b.cost; });
  if (spec.min_time_us > spec.max_time_us) never = true;
  return std::unique_ptr<SegmentScanner>(new Scanner(this, spec, std::move(preds), never));
}

}  // namespace cairn::segment
