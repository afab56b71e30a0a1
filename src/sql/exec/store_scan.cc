#include "sql/exec/store_scan.h"

#include <openssl/evp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include "sql/exec/operators.h"
#include "sql/exec/store_aggregate.h"
#include "sql/exec/store_scan_internal.h"
#include "sql/lexer.h"
#include "store/columns.h"
#include "store/scan.h"

namespace cairn::sql {
namespace store_internal {
namespace {

// Does `path` lie under one of `leaves` (or is one)? An empty list means everything is needed.
bool Needed(const std::string& path, const std::vector<std::string>& leaves) {
  if (leaves.empty()) return true;
  for (const std::string& l : leaves) {
    if (path == l ||
        (path.size() > l.size() && path.compare(0, l.size(), l) == 0 && path[l.size()] == '.') ||
        (l.size() > path.size() && l.compare(0, path.size(), path) == 0 && l[path.size()] == '.')) {
      return true;
    }
  }
  return false;
}

}  // namespace

int ScanAssembler::Slot(ColumnId id) {
  for (size_t i = 0; i < projection.size(); ++i) {
    if (projection[i] == id) return static_cast<int>(i);
  }
  projection.push_back(id);
  return static_cast<int>(projection.size() - 1);
}

Assembly ScanAssembler::Build(const Type& type, const std::string& path,
                              const std::vector<std::string>& leaves) {
  Assembly a;
  if (!Needed(path, leaves)) return a;
  if (path == "eventjsonchecksum") {
    a.kind = Assembly::Kind::kChecksum;
    a.slot = Slot(ColumnId::kEventJson);
    return a;
  }
  if (type.id() == TypeId::kRow) {
    a.kind = Assembly::Kind::kRow;
    for (const RowField& f : type.fields())
      a.children.push_back(Build(*f.type, path + "." + f.name, leaves));
    return a;
  }
  if (type.id() == TypeId::kArray && path == "resources") {
    a.kind = Assembly::Kind::kResources;
    // The arn column always comes along: its offsets give the element counts.
    Slot(ColumnId::kResourcesArn);
    for (const RowField& f : type.element().fields()) {
      Assembly child;
      if (const ColumnDef* def = FindColumn("resources." + f.name); def && def->lake) {
        child.kind = Assembly::Kind::kLeaf;
        child.id = def->id;
        child.slot = Slot(def->id);
      }
      a.children.push_back(child);
    }
    return a;
  }
  const ColumnDef* def = FindColumn(path);
  if (def == nullptr || !def->lake || !def->stored) return a;
  a.kind = Assembly::Kind::kLeaf;
  a.id = def->id;
  a.slot = Slot(def->id);
  return a;
}

namespace {

void SetString(Vector* out, size_t i, Str s, bool copy) {
  if (IsNull(s)) {
    out->SetNullAndClear(i);
  } else {
    out->strs()[i] = copy ? out->AddString(s) : std::string_view(s);
  }
}

// The store keeps a struct's leaves, not the struct: a struct whose fields are all NULL reads as
// NULL (an event without userIdentity, tlsDetails, ...).
void MarkEmptyRowsNull(Vector* row) {
  for (size_t i = 0; i < row->size(); ++i) {
    bool all_null = true;
    for (size_t k = 0; k < row->child_count() && all_null; ++k) all_null = row->child(k).IsNull(i);
    if (all_null) row->SetNull(i);
  }
}

}  // namespace

void FillFromBatch(const Assembly& a, const ColumnBatch& b, std::span<const uint32_t> rows,
                   const std::shared_ptr<const void>& pin, Vector* out) {
  size_t n = rows.size();
  if (a.kind == Assembly::Kind::kNull) {
    out->ResetNull(n);
    return;
  }
  out->Reset(n);
  switch (a.kind) {
    case Assembly::Kind::kNull:
      return;
    case Assembly::Kind::kRow:
      for (size_t k = 0; k < a.children.size(); ++k)
        FillFromBatch(a.children[k], b, rows, pin, &out->child(k));
      MarkEmptyRowsNull(out);
      return;
    case Assembly::Kind::kChecksum: {
      const ColumnVector& cv = b.columns[static_cast<size_t>(a.slot)];
      for (size_t i = 0; i < n; ++i) {
        Str s = cv.StringAt(rows[i]);
        if (IsNull(s)) {
          out->SetNullAndClear(i);
        } else {
          out->strs()[i] = out->AddString(EventJsonChecksum(s));
        }
      }
      return;
    }
    case Assembly::Kind::kResources: {
      // Offsets come from resources.arn, which the planner always projects.
      const ColumnVector* offsets = nullptr;
      for (const ColumnVector& cv : b.columns) {
        if (cv.id == ColumnId::kResourcesArn) offsets = &cv;
      }
      Vector& elems = out->child(0);
      if (offsets == nullptr || offsets->offsets.empty()) {
        for (size_t i = 0; i < n; ++i) out->SetNullAndClear(i);
        return;
      }
      std::vector<uint32_t> element_rows;
      for (size_t i = 0; i < n; ++i) {
        uint32_t from = offsets->offsets[rows[i]], to = offsets->offsets[rows[i] + 1];
        out->lists()[i] = {static_cast<uint32_t>(element_rows.size()), to - from};
        if (from == to) out->SetNull(i);  // no resources: NULL, as an absent JSON member
        for (uint32_t k = from; k < to; ++k) element_rows.push_back(k);
      }
      elems.Reset(element_rows.size());
      for (size_t f = 0; f < a.children.size(); ++f) {
        FillFromBatch(a.children[f], b, element_rows, pin, &elems.child(f));
      }
      return;
    }
    case Assembly::Kind::kLeaf:
      break;
  }
  const ColumnVector& cv = b.columns[static_cast<size_t>(a.slot)];
  switch (cv.kind) {
    case VectorKind::kInt64:
      for (size_t i = 0; i < n; ++i) {
        int64_t v = cv.i64[rows[i]];
        if (v == INT64_MIN) {
          out->SetNullAndClear(i);
        } else {
          out->i64()[i] = v;
        }
      }
      return;
    case VectorKind::kBool:
      for (size_t i = 0; i < n; ++i) {
        OptBool v = cv.bools[rows[i]];
        if (v == OptBool::kNull) {
          out->SetNullAndClear(i);
        } else {
          out->bools()[i] = v == OptBool::kTrue;
        }
      }
      return;
    case VectorKind::kDict:
      // Dictionary strings live as long as the segment reader, which the snapshot keeps open.
      out->Pin(pin);
      for (size_t i = 0; i < n; ++i) SetString(out, i, cv.StringAt(rows[i]), false);
      return;
    case VectorKind::kString:
      // Plain strings are reused by the scanner on its next batch: copy them.
      for (size_t i = 0; i < n; ++i) SetString(out, i, cv.StringAt(rows[i]), true);
      return;
  }
}

void FillFromEvents(const Assembly& a, const std::vector<EventRef>& events,
                    const std::shared_ptr<const void>& pin, Vector* out) {
  size_t n = events.size();
  out->Reset(n);
  out->Pin(pin);  // event strings live in batches the snapshot keeps alive
  switch (a.kind) {
    case Assembly::Kind::kNull:
      out->SetAllNull();
      return;
    case Assembly::Kind::kRow:
      for (size_t k = 0; k < a.children.size(); ++k)
        FillFromEvents(a.children[k], events, pin, &out->child(k));
      MarkEmptyRowsNull(out);
      return;
    case Assembly::Kind::kChecksum:
      for (size_t i = 0; i < n; ++i) {
        Str raw = events[i].event->raw;
        if (IsNull(raw)) {
          out->SetNullAndClear(i);
        } else {
          out->strs()[i] = out->AddString(EventJsonChecksum(raw));
        }
      }
      return;
    case Assembly::Kind::kResources: {
      Vector& elems = out->child(0);
      std::vector<const Resource*> resources;
      for (size_t i = 0; i < n; ++i) {
        auto span = events[i].batch->ResourcesOf(*events[i].event);
        out->lists()[i] = {static_cast<uint32_t>(resources.size()),
                           static_cast<uint32_t>(span.size())};
        if (span.empty()) out->SetNull(i);
        for (const Resource& r : span) resources.push_back(&r);
      }
      elems.Reset(resources.size());
      for (size_t f = 0; f < a.children.size(); ++f) {
        const Assembly& c = a.children[f];
        Vector& field = elems.child(f);
        field.Reset(resources.size());
        field.Pin(pin);
        for (size_t k = 0; k < resources.size(); ++k) {
          const Str* s =
              c.kind == Assembly::Kind::kLeaf ? ResourceField(*resources[k], c.id) : nullptr;
          SetString(&field, k, s ? *s : Str(), false);
        }
      }
      return;
    }
    case Assembly::Kind::kLeaf:
      break;
  }
  switch (GetColumn(a.id).type) {
    case ColumnType::kTimestamp:
      for (size_t i = 0; i < n; ++i) {
        int64_t v = TimestampField(*events[i].event, a.id);
        if (v == INT64_MIN) {
          out->SetNullAndClear(i);
        } else {
          out->i64()[i] = v;
        }
      }
      return;
    case ColumnType::kBool:
      for (size_t i = 0; i < n; ++i) {
        OptBool v = BoolField(*events[i].event, a.id);
        if (v == OptBool::kNull) {
          out->SetNullAndClear(i);
        } else {
          out->bools()[i] = v == OptBool::kTrue;
        }
      }
      return;
    default:
      for (size_t i = 0; i < n; ++i) SetString(out, i, StringValue(*events[i].event, a.id), false);
      return;
  }
}

namespace {

// The type of column #0 in `e` (the leaf a kMatch term reads).
const Type* LeafType(const BoundExpr& e) {
  if (e.kind == BoundKind::kColumn) return &e.type;
  for (const auto& a : e.args) {
    if (const Type* t = LeafType(*a)) return t;
  }
  return nullptr;
}

// A string that every map text matching `e` contains, when `e` is
//   element_at(m, 'key') = 'v'   or   m['key'] = 'v'   (either side)
// and 'v' can only be the value of a JSON string member: it holds no byte that JSON escapes or
// that a number, boolean, object or array rendering needs alone (only [A-Za-z0-9._:/@+=,-] and
// at least one byte outside [0-9eE+.-], not true/false). A text without backslashes (escapes)
// spells such a member's value byte for byte, so a text with neither the bytes of v nor a
// backslash cannot match. Empty when `e` has no such literal.
std::string RequiredLiteral(const BoundExpr& e) {
  if (e.kind != BoundKind::kFunction || e.function->name != "$eq" || e.args.size() != 2) return "";
  for (int side = 0; side < 2; ++side) {
    const BoundExpr& value = *e.args[side];
    const BoundExpr& get = *e.args[1 - side];
    if (value.kind != BoundKind::kConstant || value.constant.is_null ||
        value.type.id() != TypeId::kVarchar) {
      continue;
    }
    const bool element_at = get.kind == BoundKind::kFunction && get.function->name == "element_at";
    if ((!element_at && get.kind != BoundKind::kSubscript) || get.args.size() != 2 ||
        get.args[0]->kind != BoundKind::kColumn || get.args[0]->type.id() != TypeId::kMap ||
        get.args[1]->kind != BoundKind::kConstant) {
      continue;
    }
    const std::string& v = value.constant.str;
    bool safe = !v.empty() && v != "true" && v != "false", only_number_bytes = true;
    for (char ch : v) {
      const bool alnum =
          (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      safe &= alnum || std::string_view("._:/@+=,-").find(ch) != std::string_view::npos;
      only_number_bytes &=
          (ch >= '0' && ch <= '9') || std::string_view("eE+.-").find(ch) != std::string_view::npos;
    }
    if (safe && !only_number_bytes) return v;
  }
  return "";
}

// Sets maybe[i] for the values that could match a term with required literal `literal`: NULL,
// holding a backslash, or holding the literal. Values that lie back to back in memory (a
// dictionary's or a page's values) are searched as one run: one memchr / memmem pass per run
// instead of a call per value.
void MarkCandidates(std::span<const Str> values, std::string_view literal, uint8_t* maybe) {
  size_t i = 0;
  while (i < values.size()) {
    if (IsNull(values[i])) {
      maybe[i++] = 1;
      continue;
    }
    size_t j = i + 1;
    const char* begin = values[i].data();
    const char* end = begin + values[i].size();
    while (j < values.size() && !IsNull(values[j]) && values[j].data() == end) {
      end += values[j].size();
      ++j;
    }
    // The value of run [i, j) that holds byte `at`.
    auto holder = [&](const char* at) {
      auto it = std::upper_bound(values.begin() + static_cast<long>(i),
                                 values.begin() + static_cast<long>(j), at,
                                 [](const char* p, const Str& v) { return p < v.data(); });
      return static_cast<size_t>(it - values.begin()) - 1;
    };
    for (const char* p = begin; p < end;) {
      const void* hit = std::memchr(p, '\\', static_cast<size_t>(end - p));
      if (hit == nullptr) break;
      const size_t k = holder(static_cast<const char*>(hit));
      maybe[k] = 1;
      p = values[k].data() + values[k].size();  // the next value
    }
    for (const char* p = begin; p < end;) {
      const void* hit = memmem(p, static_cast<size_t>(end - p), literal.data(), literal.size());
      if (hit == nullptr) break;
      const char* at = static_cast<const char*>(hit);
      const size_t k = holder(at);
      if (at + literal.size() <= values[k].data() + values[k].size()) {
        maybe[k] = 1;
        p = values[k].data() + values[k].size();
      } else {
        p = at + 1;  // spans two values: not in either
      }
    }
    i = j;
  }
}

// A kMatch term for the store: the term's expression evaluated over a one-column chunk of values,
// after a search for its required literal (RequiredLiteral) has ruled out most values.
class ExprMatcher final : public ValueMatcher {
 public:
  ExprMatcher(std::shared_ptr<const BoundExpr> expr, Type type)
      : expr_(std::move(expr)), type_(std::move(type)), literal_(RequiredLiteral(*expr_)) {}

  Status Match(std::span<const Str> values, bool* out) const override {
    if (literal_.empty()) return Evaluate(values, out);
    std::unique_ptr<uint8_t[]> maybe(new uint8_t[values.size()]());
    MarkCandidates(values, literal_, maybe.get());
    std::vector<Str> ask;
    std::vector<size_t> at;
    for (size_t i = 0; i < values.size(); ++i) {
      out[i] = false;
      if (maybe[i]) {
        ask.push_back(values[i]);
        at.push_back(i);
      }
    }
    if (ask.empty()) return Status::OK();
    std::unique_ptr<bool[]> got(new bool[ask.size()]);
    RETURN_IF_ERROR(Evaluate(ask, got.get()));
    for (size_t k = 0; k < ask.size(); ++k) out[at[k]] = got[k];
    return Status::OK();
  }

 private:
  Status Evaluate(std::span<const Str> values, bool* out) const {
    Chunk in;
    in.columns.emplace_back(type_);
    Vector result;
    EvalContext
        eval;  // deterministic functions only (the planner checked): no clock, no subqueries
    for (size_t from = 0; from < values.size(); from += kBatchSize) {
      const size_t n = std::min(kBatchSize, values.size() - from);
      Vector& v = in.columns[0];
      v.Reset(n);
      for (size_t i = 0; i < n; ++i) {
        const Str s = values[from + i];
        if (IsNull(s)) {
          v.SetNullAndClear(i);
        } else {
          v.strs()[i] = s;
        }
      }
      in.size = n;
      RETURN_IF_ERROR(sql::Evaluate(*expr_, in, eval, &result));
      for (size_t i = 0; i < n; ++i) out[from + i] = result.IsValid(i) && result.bools()[i];
    }
    return Status::OK();
  }

  std::shared_ptr<const BoundExpr> expr_;
  Type type_;
  std::string literal_;
};

}  // namespace

Result<std::vector<ScanPredicate>> Predicates(const ScanFilter& f) {
  std::vector<ScanPredicate> out;
  for (const ScanFilter::Term& t : f.terms) {
    const ColumnDef* def = FindColumn(t.path);
    if (def == nullptr)
      return Status::Internal("no store column for pushed predicate on " + t.path);
    using Op = ScanFilter::Term::Op;
    switch (t.op) {
      case Op::kEq:
        out.push_back(ScanPredicate::Eq(def->id, t.values[0]));
        break;
      case Op::kIn:
        out.push_back(ScanPredicate::In(def->id, t.values));
        break;
      case Op::kPrefix:
        out.push_back(ScanPredicate::Prefix(def->id, t.values[0]));
        break;
      case Op::kIsNull:
        out.push_back(ScanPredicate::IsNull(def->id));
        break;
      case Op::kIsNotNull:
        out.push_back(ScanPredicate::IsNotNull(def->id));
        break;
      case Op::kBoolEq:
        out.push_back(ScanPredicate::BoolEq(def->id, t.bool_value));
        break;
      case Op::kMatch: {
        const Type* type = t.match ? LeafType(*t.match) : nullptr;
        if (type == nullptr) return Status::Internal("a match term without its column");
        out.push_back(ScanPredicate::Match(def->id, std::make_shared<ExprMatcher>(t.match, *type)));
        break;
      }
    }
  }
  return out;
}

bool EventMatches(const Event& e, const EventBatch& batch, const ScanFilter& f) {
  for (const ScanFilter::Term& t : f.terms) {
    const ColumnDef* def = FindColumn(t.path);
    if (def == nullptr) return false;
    std::vector<Str> values;
    OptBool b = OptBool::kNull;
    if (def->list_child) {
      for (const Resource& r : batch.ResourcesOf(e)) values.push_back(*ResourceField(r, def->id));
    } else if (def->type == ColumnType::kBool) {
      b = BoolField(e, def->id);
    } else if (def->type == ColumnType::kTimestamp) {
      int64_t v = TimestampField(e, def->id);
      values.push_back(v == INT64_MIN ? Str() : Str("", 0));
    } else {
      values.push_back(StringValue(e, def->id));
    }
    using Op = ScanFilter::Term::Op;
    bool any = false;
    switch (t.op) {
      case Op::kMatch:  // a pre-filter only: the Filter above the scan applies it
        any = true;
        break;
      case Op::kBoolEq:
        any = b != OptBool::kNull && (b == OptBool::kTrue) == t.bool_value;
        break;
      case Op::kIsNull:
        any = def->type == ColumnType::kBool ? b == OptBool::kNull : values.empty();
        for (Str v : values) any |= IsNull(v);
        break;
      case Op::kIsNotNull:
        any = def->type == ColumnType::kBool && b != OptBool::kNull;
        for (Str v : values) any |= !IsNull(v);
        break;
      default:
        for (Str v : values) {
          if (IsNull(v)) continue;
          if (t.op == Op::kEq) any |= v == t.values[0];
          if (t.op == Op::kPrefix) any |= v.substr(0, t.values[0].size()) == t.values[0];
          if (t.op == Op::kIn) {
            for (const std::string& x : t.values) any |= v == x;
          }
        }
    }
    if (!any) return false;
  }
  return true;
}

size_t ScanThreads() {
  static const size_t n = [] {
    const char* env = std::getenv("CAIRN_SCAN_THREADS");
    long v = env ? std::strtol(env, nullptr, 10) : 2;
    return static_cast<size_t>(std::clamp(v, 1L, 64L));
  }();
  return n;
}

void AccountSegment(const SegmentScanner& scanner, uint64_t file_bytes, ScanCounters* c) {
  const ScanStats& st = scanner.stats();
  c->events_scanned += st.rows_scanned;
  if (st.blocks_total > 0) {
    c->bytes_scanned += static_cast<uint64_t>(static_cast<double>(file_bytes) *
                                              static_cast<double>(st.blocks_read) /
                                              static_cast<double>(st.blocks_total));
  }
}

}  // namespace store_internal

namespace {

using namespace store_internal;  // NOLINT: this file's own helpers

// Scans a store's snapshot: the segments, then the memtable events. Segments are scanned on up to
// ScanThreads() worker threads (one SegmentScanner per segment, the store's unit of parallelism),
// which assemble the output chunks and hand them over through a bounded queue; the operator's
// own thread takes them in whatever order they come (a scan promises no order), then reads the
// memtable.
// Worker threads per scan: ScanThreads().
class StoreScanOp : public Operator {
 public:
  static constexpr size_t kQueueChunks = 8;

  StoreScanOp(const PlanNode& scan, std::shared_ptr<const Snapshot> snapshot, ExecContext* ctx,
              const std::optional<std::string>& restrict_account)
      : scan_(scan), filter_(scan.scan_filter), snapshot_(std::move(snapshot)), ctx_(ctx) {
    // The row restriction is one more pushed-down term, so the store applies it while scanning:
    // no operator above the scan (aggregates, joins, subqueries) ever sees another account's rows.
    if (restrict_account) {
      filter_.terms.push_back(
          {"recipientaccountid", ScanFilter::Term::Op::kEq, {*restrict_account}, false, nullptr});
    }
  }
  ~StoreScanOp() override { StopWorkers(); }

  Status Init() {
    ASSIGN_OR_RETURN(filter_, ResolveScanFilter(filter_, ctx_));
    ScanAssembler planner;
    for (const ScanColumn& c : scan_.scan_columns)
      assemblies_.push_back(planner.Build(c.type, c.path, c.leaves));
    spec_.projection = planner.projection;
    if (spec_.projection.empty()) spec_.projection.push_back(ColumnId::kEventTime);
    spec_.min_time_us = std::max(filter_.min_time_us, snapshot_->min_time_us());
    spec_.max_time_us = filter_.max_time_us;
    ASSIGN_OR_RETURN(spec_.predicates, Predicates(filter_));
    spec_.batch_rows = static_cast<uint32_t>(kBatchSize);
    for (const ScanPredicate& p : spec_.predicates) {
      inline_ |= (p.op == PredicateOp::kEq || p.op == PredicateOp::kIn) &&
                 GetColumn(p.column).needle && p.values.size() <= 64;
    }
    return Status::OK();
  }

  Result<bool> Next(Chunk* out) override {
    if (filter_.empty_result || spec_.min_time_us > spec_.max_time_us) return false;
    if (!segments_done_ && inline_) {
      ASSIGN_OR_RETURN(bool got, NextInline(out));
      if (got) return true;
      if (inline_) segments_done_ = true;  // else: the rest was handed to the workers
    }
    if (!segments_done_) {
      if (!started_) StartWorkers();
      std::unique_lock<std::mutex> l(mu_);
      while (true) {
        if (!error_.ok()) return error_;
        if (!queue_.empty()) {
          *out = std::move(queue_.front());
          queue_.pop_front();
          space_.notify_one();
          return true;
        }
        if (running_ == 0) break;
        // Wake up now and then to notice a cancellation or the deadline.
        ready_.wait_for(l, std::chrono::milliseconds(20));
        l.unlock();
        Status st = ctx_->CheckCancelled();
        l.lock();
        if (!st.ok()) {
          stop_ = true;
          space_.notify_all();
          return st;
        }
      }
      l.unlock();
      StopWorkers();
      segments_done_ = true;
    }
    RETURN_IF_ERROR(ctx_->CheckCancelled());
    return NextMemtable(out);
  }

 private:
  // A needle (an equality on a column with bloom filters) usually reads a few blocks: the query
  // thread scans the segments itself, without starting workers and waiting for them to be
  // scheduled. If the needle turns out to select many blocks, the segments not yet scanned go to
  // the workers. Returns false when there are no segments left to scan here.
  static constexpr uint64_t kInlineBlocks = 16;
  Result<bool> NextInline(Chunk* out) {
    const auto& segments = snapshot_->segments();
    while (true) {
      if (!inline_scanner_) {
        if (inline_segment_ >= segments.size()) return false;
        if (inline_blocks_ > kInlineBlocks) {
          inline_ = false;
          next_segment_ = inline_segment_;
          return false;
        }
        ASSIGN_OR_RETURN(inline_scanner_, segments[inline_segment_].reader->NewScan(spec_));
      }
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      Result<bool> more = inline_scanner_->Next(&inline_batch_);
      if (!more.ok() || !*more) {
        Account(*inline_scanner_, segments[inline_segment_].info.file_bytes);
        inline_blocks_ += inline_scanner_->stats().blocks_read;
        inline_scanner_.reset();
        ++inline_segment_;
        RETURN_IF_ERROR(more.status());
        continue;
      }
      if (inline_batch_.sel.empty()) continue;
      ctx_->counters().events_matched += inline_batch_.sel.size();
      Emit(inline_batch_, inline_batch_.sel, out);
      return true;
    }
  }

  void StartWorkers() {
    started_ = true;
    size_t segments = snapshot_->segments().size() - next_segment_.load();
    size_t threads = std::min(ScanThreads(), segments);
    running_ = threads;
    for (size_t t = 0; t < threads; ++t) workers_.emplace_back([this] { Work(); });
  }

  void StopWorkers() {
    {
      std::lock_guard<std::mutex> l(mu_);
      stop_ = true;
    }
    space_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
  }

  // A worker: scans segments (taken in turn) until there are none left, the consumer stops, or
  // an error; every chunk goes into the queue.
  void Work() {
    Status st = WorkLoop();
    std::lock_guard<std::mutex> l(mu_);
    if (!st.ok() && error_.ok()) error_ = st;
    --running_;
    ready_.notify_all();
  }

  Status WorkLoop() {
    const auto& segments = snapshot_->segments();
    ColumnBatch batch;
    while (true) {
      size_t seg = next_segment_.fetch_add(1);
      if (seg >= segments.size()) return Status::OK();
      ASSIGN_OR_RETURN(std::unique_ptr<SegmentScanner> scanner,
                       segments[seg].reader->NewScan(spec_));
      Status st = ScanSegment(scanner.get(), &batch);
      Account(*scanner, segments[seg].info.file_bytes);
      RETURN_IF_ERROR(st);
      std::lock_guard<std::mutex> l(mu_);
      if (stop_) return Status::OK();
    }
  }

  Status ScanSegment(SegmentScanner* scanner, ColumnBatch* batch) {
    while (true) {
      RETURN_IF_ERROR(ctx_->CheckCancelled());
      ASSIGN_OR_RETURN(bool more, scanner->Next(batch));
      if (!more) return Status::OK();
      if (batch->sel.empty()) continue;
      ctx_->counters().events_matched += batch->sel.size();
      Chunk chunk;
      Emit(*batch, batch->sel, &chunk);
      std::unique_lock<std::mutex> l(mu_);
      space_.wait(l, [&] { return stop_ || queue_.size() < kQueueChunks; });
      if (stop_) return Status::OK();
      queue_.push_back(std::move(chunk));
      ready_.notify_one();
    }
  }

  // Adds a finished (or abandoned) segment scan's figures to the query's counters. Bytes scanned
  // are the segment file's bytes in proportion to the blocks read: blocks skipped by zone maps,
  // dictionaries and blooms are not read, so not counted (as the Lake bills only what it scans).
  void Account(const SegmentScanner& scanner, uint64_t file_bytes) {
    AccountSegment(scanner, file_bytes, &ctx_->counters());
  }

  void Emit(const ColumnBatch& batch, std::span<const uint32_t> rows, Chunk* out) const {
    out->columns.clear();
    out->size = rows.size();
    for (size_t c = 0; c < assemblies_.size(); ++c) {
      out->columns.emplace_back(scan_.scan_columns[c].type);
      FillFromBatch(assemblies_[c], batch, rows, snapshot_, &out->columns.back());
    }
  }

  Result<bool> NextMemtable(Chunk* out) {
    if (!memtable_loaded_) {
      memtable_loaded_ = true;
      ScanCounters& c = ctx_->counters();
      for (const EventRef& r : snapshot_->MemtableEvents()) {
        ++c.events_scanned;
        c.bytes_scanned += r.event->raw.size();
        int64_t t = r.event->event_time_us;
        if (t < spec_.min_time_us || t > spec_.max_time_us) continue;
        if (!EventMatches(*r.event, *r.batch, filter_)) continue;
        memtable_.push_back(r);
      }
      c.events_matched += memtable_.size();
    }
    if (memtable_pos_ >= memtable_.size()) return false;
    size_t n = std::min(kBatchSize, memtable_.size() - memtable_pos_);
    std::vector<EventRef> events(memtable_.begin() + static_cast<long>(memtable_pos_),
                                 memtable_.begin() + static_cast<long>(memtable_pos_ + n));
    memtable_pos_ += n;
    out->columns.clear();
    out->size = n;
    for (size_t c = 0; c < assemblies_.size(); ++c) {
      out->columns.emplace_back(scan_.scan_columns[c].type);
      FillFromEvents(assemblies_[c], events, snapshot_, &out->columns.back());
    }
    return true;
  }

  const PlanNode& scan_;
  ScanFilter filter_;  // the plan's pushed-down filter, plus the row restriction
  std::shared_ptr<const Snapshot> snapshot_;
  ExecContext* ctx_;
  std::vector<Assembly> assemblies_;
  ScanSpec spec_;
  // Needle scans on the query thread (NextInline).
  bool inline_ = false;
  size_t inline_segment_ = 0;
  uint64_t inline_blocks_ = 0;
  std::unique_ptr<SegmentScanner> inline_scanner_;
  ColumnBatch inline_batch_;
  // Segment workers.
  bool started_ = false;
  bool segments_done_ = false;
  std::atomic<size_t> next_segment_{0};
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable ready_;  // a chunk was queued, or a worker ended
  std::condition_variable space_;  // the queue has room, or stop_
  std::deque<Chunk> queue_;        // guarded by mu_
  size_t running_ = 0;             // guarded by mu_
  bool stop_ = false;              // guarded by mu_
  Status error_;                   // guarded by mu_
  // Memtable.
  bool memtable_loaded_ = false;
  std::vector<EventRef> memtable_;
  size_t memtable_pos_ = 0;
};

}  // namespace

std::string EventJsonChecksum(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &len, EVP_sha256(), nullptr);
  unsigned char b64[4 * ((EVP_MAX_MD_SIZE + 2) / 3) + 1];
  int n = EVP_EncodeBlock(b64, digest, static_cast<int>(len));
  return std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

void StoreCatalog::Add(std::string id, std::shared_ptr<const Snapshot> snapshot) {
  stores_[std::move(id)] = std::move(snapshot);
}

std::optional<TableInfo> StoreCatalog::Resolve(std::string_view name) const {
  auto it = stores_.find(name);
  if (it == stores_.end()) return std::nullopt;
  return TableInfo{it->first, &CloudTrailSchema()};
}

Result<std::unique_ptr<Operator>> StoreCatalog::OpenScan(const PlanNode& scan, ExecContext* ctx) {
  auto it = stores_.find(scan.table.id);
  if (it == stores_.end()) return Status::NotFound("no event data store " + scan.table.id);
  auto op = std::make_unique<StoreScanOp>(scan, it->second, ctx, restrict_account_);
  RETURN_IF_ERROR(op->Init());
  return std::unique_ptr<Operator>(std::move(op));
}

Result<std::unique_ptr<Operator>> StoreCatalog::OpenAggregate(const PlanNode& agg,
                                                              ExecContext* ctx) {
  if (agg.children.size() != 1 || agg.children[0]->kind != PlanKind::kScan)
    return std::unique_ptr<Operator>();
  const PlanNode& scan = *agg.children[0];
  auto it = stores_.find(scan.table.id);
  if (it == stores_.end()) return std::unique_ptr<Operator>();
  ASSIGN_OR_RETURN(ScanFilter filter, ResolveScanFilter(scan.scan_filter, ctx));
  if (restrict_account_) {
    filter.terms.push_back(
        {"recipientaccountid", ScanFilter::Term::Op::kEq, {*restrict_account_}, false, nullptr});
  }
  return MakeStoreAggregate(agg, it->second, ctx, std::move(filter), inline_aggregate_rows_);
}

}  // namespace cairn::sql
