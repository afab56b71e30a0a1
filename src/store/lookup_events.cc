// LookupEvents: validation, paging tokens and the newest-first lookup over a store's read view.
//
// A NextToken is the standard base64 (with '=' padding) of:
//   token    := version:uint8(=1)  time_us:fixed64le  id_len:varint  event_id[id_len]  mac[16]
//   mac      := the first 16 bytes of HMAC-SHA256(key, "cairn.lookup.v1" 0x00 scope_len:varint
//   scope
//               params_len:varint params  version time_us id_len event_id)
//   params   := "a" attr_key:uint8 value_len:varint value
//               "s" (0x00 | 0x01 start_us:fixed64le)  "e" (0x00 | 0x01 end_us:fixed64le)
//               "c" (0x00 | 0x01)            the insight category
// (time_us, event_id) is the position of the last event of the page just returned; the next page
// starts strictly after it in (eventTime desc, eventID desc) order. See doc/format/lookup-token.md.
#include "store/lookup_events.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <queue>

#include "store/columns.h"
#include "store/scan.h"

namespace cairn {
namespace {

using Attribute = LookupPlan::Attribute;

constexpr uint8_t kTokenVersion = 1;
constexpr size_t kMacBytes = 16;
constexpr std::string_view kMacLabel{"cairn.lookup.v1\0", 16};

Status LookupError(std::string_view exception, const std::string& message) {
  return Status::InvalidArgument(std::string(exception) + ": " + message);
}

struct AttributeName {
  std::string_view name;
  Attribute attribute;
};
constexpr AttributeName kAttributes[] = {
    {"EventId", Attribute::kEventId},           {"EventName", Attribute::kEventName},
    {"EventSource", Attribute::kEventSource},   {"ReadOnly", Attribute::kReadOnly},
    {"Username", Attribute::kUsername},         {"ResourceType", Attribute::kResourceType},
    {"ResourceName", Attribute::kResourceName}, {"AccessKeyId", Attribute::kAccessKeyId},
};

void PutFixed64(std::string* out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}
void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
bool GetFixed64(std::string_view* in, uint64_t* v) {
  if (in->size() < 8) return false;
  *v = 0;
  for (int i = 0; i < 8; ++i)
    *v |= static_cast<uint64_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(8);
  return true;
}
bool GetVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    *v |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return true;
  }
  return false;
}

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64Encode(std::string_view in) {
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) |
                       (static_cast<uint8_t>(in[i + 1]) << 8) | static_cast<uint8_t>(in[i + 2]);
    for (int k = 3; k >= 0; --k) out.push_back(kBase64[(v >> (6 * k)) & 63]);
  }
  if (i + 1 == in.size()) {
    const uint32_t v = static_cast<uint8_t>(in[i]) << 16;
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.append("==");
  } else if (i + 2 == in.size()) {
    const uint32_t v = (static_cast<uint8_t>(in[i]) << 16) | (static_cast<uint8_t>(in[i + 1]) << 8);
    out.push_back(kBase64[(v >> 18) & 63]);
    out.push_back(kBase64[(v >> 12) & 63]);
    out.push_back(kBase64[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

// Strict: only the canonical encoding of some bytes is accepted.
bool Base64Decode(std::string_view in, std::string* out) {
  if (in.size() % 4 != 0) return false;
  out->clear();
  int8_t value[256];
  std::memset(value, -1, sizeof value);
  for (int i = 0; i < 64; ++i) value[static_cast<uint8_t>(kBase64[i])] = static_cast<int8_t>(i);
  for (size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    int pad = 0;
    uint32_t v = 0;
    for (size_t k = 0; k < 4; ++k) {
      const char c = in[i + k];
      if (c == '=' && last && k >= 2) {
        ++pad;
        v <<= 6;
        continue;
      }
      if (pad > 0 || value[static_cast<uint8_t>(c)] < 0) return false;
      v = (v << 6) | static_cast<uint32_t>(value[static_cast<uint8_t>(c)]);
    }
    out->push_back(static_cast<char>((v >> 16) & 0xFF));
    if (pad < 2) out->push_back(static_cast<char>((v >> 8) & 0xFF));
    if (pad < 1) out->push_back(static_cast<char>(v & 0xFF));
    // Non-canonical: bits set in the padding.
    if ((pad == 1 && (v & 0xFF) != 0) || (pad == 2 && (v & 0xFFFF) != 0)) return false;
  }
  return true;
}

std::string Mac(const LookupContext& ctx, std::string_view params, std::string_view body) {
  std::string msg(kMacLabel);
  PutVarint(&msg, ctx.scope.size());
  msg += ctx.scope;
  PutVarint(&msg, params.size());
  msg += params;
  msg += body;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int md_len = 0;
  HMAC(EVP_sha256(), ctx.token_key.data(), static_cast<int>(ctx.token_key.size()),
       reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), md, &md_len);
  return std::string(reinterpret_cast<const char*>(md), kMacBytes);
}

bool ConstantTimeEqual(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

Status DecodeToken(std::string_view token, const LookupContext& ctx, LookupPlan* plan) {
  const Status invalid =
      LookupError("InvalidNextTokenException",
                  "NextToken is invalid, or was issued for other request parameters");
  std::string bytes;
  if (token.empty() || token.size() > 4096 || !Base64Decode(token, &bytes)) return invalid;
  if (bytes.size() < 1 + 8 + 1 + kMacBytes) return invalid;
  const std::string_view body(bytes.data(), bytes.size() - kMacBytes);
  const std::string_view mac(bytes.data() + body.size(), kMacBytes);
  if (!ConstantTimeEqual(mac, Mac(ctx, plan->params, body))) return invalid;
  std::string_view in = body;
  uint64_t time = 0, id_len = 0;
  if (static_cast<uint8_t>(in.front()) != kTokenVersion) return invalid;
  in.remove_prefix(1);
  if (!GetFixed64(&in, &time) || !GetVarint(&in, &id_len) || id_len != in.size()) return invalid;
  plan->has_cursor = true;
  plan->cursor_time_us = static_cast<int64_t>(time);
  plan->cursor_event_id.assign(in);
  return Status::OK();
}

// Epoch seconds to microseconds; false when not representable.
bool SecondsToMicros(double seconds, int64_t* us) {
  if (!std::isfinite(seconds) || std::fabs(seconds) > 9.2e12) return false;
  *us = static_cast<int64_t>(std::llround(seconds * 1e6));
  return true;
}

Str ToStr(const std::string& s) { return Str(s.data(), s.size()); }

std::optional<std::string> Opt(Str s) {
  if (IsNull(s)) return std::nullopt;
  return std::string(s);
}

std::optional<std::string> ReadOnlyString(OptBool b) {
  if (b == OptBool::kNull) return std::nullopt;
  return std::string(b == OptBool::kTrue ? "true" : "false");
}

// A string member of an Insights record's insightDetails object (spec insights.md §4.2), which is
// where such records carry their eventName and eventSource.
std::optional<std::string> InsightDetail(Str details_json, const char* key) {
  if (IsNull(details_json)) return std::nullopt;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (parser.parse(details_json.data(), details_json.size()).get(doc) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  std::string_view v;
  if (doc[key].get(v) != simdjson::SUCCESS) return std::nullopt;
  return std::string(v);
}

// Insights records have no top-level eventName/eventSource: take insightDetails' (spec §5).
void FillFromInsightDetails(Str details_json, LookupEventResult* r) {
  if (IsNull(details_json)) return;
  if (!r->event_name) r->event_name = InsightDetail(details_json, "eventName");
  if (!r->event_source) r->event_source = InsightDetail(details_json, "eventSource");
}

// Whether the plan's attribute is checked on the result rather than pushed into the scan: the
// EventName/EventSource of Insights events may live in insightDetails.
bool PostFiltered(const LookupPlan& plan) {
  return plan.insight &&
         (plan.attribute == Attribute::kEventName || plan.attribute == Attribute::kEventSource);
}

bool PostFilterMatches(const LookupPlan& plan, const LookupEventResult& r) {
  if (!PostFiltered(plan)) return true;
  const std::optional<std::string>& v =
      plan.attribute == Attribute::kEventName ? r.event_name : r.event_source;
  return v && *v == plan.value;
}

// The category value a plan selects (categories are derived by the parser, spec P1).
std::string_view CategoryOf(const LookupPlan& plan) {
  return plan.insight ? "Insight" : "Management";
}

// Newer first: (eventTime desc, eventID desc).
bool Before(int64_t ta, std::string_view ida, int64_t tb, std::string_view idb) {
  return ta != tb ? ta > tb : ida > idb;
}

// A result, and for rows of a cached block, where its record and rendering are kept (filled in
// once the page is known, so that rows pushed out of the page are never rendered).
struct Hit {
  int64_t time = 0;
  // Complete for memtable rows; for rows of a cached block, and scanned rows (`deferred`), only
  // eventTime and eventID until FillHits completes it once the page is known.
  LookupEventResult r;
  std::shared_ptr<const LookupBlock> block;
  bool deferred = false;            // a scanned row: its values and record are read by FillHits
  std::shared_ptr<BlockRows> rows;  // deferred: the block's rows, as the scan opened them
  const SegmentReader* segment = nullptr;
  uint32_t block_index = 0;
  uint32_t row = 0;  // in the block

  std::string_view id() const {
    return block ? std::string_view(block->id[row]) : std::string_view(r.event_id);
  }
};

// The K best results so far. The worst kept result is at the top of the heap.
class TopK {
 public:
  explicit TopK(size_t k) : k_(k) {}

  bool full() const { return heap_.size() >= k_; }
  const Hit& worst() const { return heap_.front(); }

  // Whether an event at this position would be kept.
  bool Wants(int64_t t, std::string_view id) const {
    return !full() || Before(t, id, worst().time, worst().id());
  }
  void Add(Hit h) {
    heap_.push_back(std::move(h));
    std::push_heap(heap_.begin(), heap_.end(), Cmp);
    if (heap_.size() > k_) {
      std::pop_heap(heap_.begin(), heap_.end(), Cmp);
      heap_.pop_back();
    }
  }
  void Add(LookupEventResult r) {
    Hit h;
    h.time = r.event_time_us;
    h.r = std::move(r);
    Add(std::move(h));
  }
  std::vector<Hit> TakeSorted() {
    std::sort(heap_.begin(), heap_.end(), Cmp);
    return std::move(heap_);
  }

 private:
  static bool Cmp(const Hit& a, const Hit& b) { return Before(a.time, a.id(), b.time, b.id()); }
  size_t k_;
  std::vector<Hit> heap_;
};

// Whether (t, id) lies inside the plan's window, after its cursor.
bool InRange(const LookupPlan& plan, int64_t min_time, int64_t t, std::string_view id) {
  if (t < min_time || t > plan.max_time_us) return false;
  if (plan.has_cursor && !Before(plan.cursor_time_us, plan.cursor_event_id, t, id)) return false;
  return true;
}

LookupEventResult ResultOf(const Event& e, const EventBatch& batch) {
  LookupEventResult r;
  r.event_id = std::string(e.event_id);
  r.event_name = Opt(e.event_name);
  r.read_only = ReadOnlyString(e.read_only);
  r.access_key_id = e.user_identity.present ? Opt(e.user_identity.access_key_id) : std::nullopt;
  r.event_time_us = e.event_time_us;
  r.event_source = Opt(e.event_source);
  r.username = Opt(DerivedUsername(e));
  for (const Resource& res : batch.ResourcesOf(e))
    r.resources.push_back({Opt(res.type), Opt(res.arn)});
  r.cloud_trail_event = std::string(e.raw);
  FillFromInsightDetails(e.insight_details_json, &r);
  return r;
}

// The projection of segment scans, in this order.
enum Slot {
  kTime,
  kId,
  kName,
  kSource,
  kReadOnly,
  kAccessKey,
  kUser,
  kResType,
  kResName,
  kJson,
  kInsight
};
std::vector<ColumnId> ScanProjection(const LookupPlan& plan) {
  std::vector<ColumnId> projection = {ColumnId::kEventTime,    ColumnId::kEventId,
                                      ColumnId::kEventName,    ColumnId::kEventSource,
                                      ColumnId::kReadOnly,     ColumnId::kUserIdentityAccessKeyId,
                                      ColumnId::kUsername,     ColumnId::kResourcesType,
                                      ColumnId::kResourcesArn, ColumnId::kEventJson};
  if (plan.insight) projection.push_back(ColumnId::kInsightDetails);
  return projection;
}

LookupEventResult ResultOfRow(const ColumnBatch& b, uint32_t row) {
  LookupEventResult r;
  r.event_time_us = b.columns[kTime].i64[row];
  r.event_id = std::string(b.columns[kId].StringAt(row));
  r.event_name = Opt(b.columns[kName].StringAt(row));
  r.event_source = Opt(b.columns[kSource].StringAt(row));
  r.read_only = ReadOnlyString(b.columns[kReadOnly].bools[row]);
  r.access_key_id = Opt(b.columns[kAccessKey].StringAt(row));
  r.username = Opt(b.columns[kUser].StringAt(row));
  const ColumnVector& types = b.columns[kResType];
  const ColumnVector& names = b.columns[kResName];
  if (!types.offsets.empty()) {
    for (uint32_t k = types.offsets[row]; k < types.offsets[row + 1]; ++k) {
      r.resources.push_back({Opt(types.StringAt(k)), Opt(names.StringAt(k))});
    }
  }
  Str raw = b.columns[kJson].StringAt(row);
  r.cloud_trail_event.assign(raw.data() ? raw.data() : "", raw.size());
  if (b.columns.size() > kInsight) FillFromInsightDetails(b.columns[kInsight].StringAt(row), &r);
  return r;
}

// The plan's category and attribute value as codes of one cached block.
struct BlockMatch {
  bool none = false;  // no row of the block can match
  uint32_t category = 0;
  uint32_t value = 0;  // coded attributes: the value's code in the block
};

BlockMatch MatchOf(const LookupBlock& b, const LookupPlan& plan, std::string_view category) {
  BlockMatch m;
  m.category = b.category.Find(category);
  const LookupBlock::Coded* coded = nullptr;
  switch (plan.attribute) {
    case Attribute::kEventName:
      coded = &b.name;
      break;
    case Attribute::kEventSource:
      coded = &b.source;
      break;
    case Attribute::kUsername:
      coded = &b.username;
      break;
    case Attribute::kAccessKeyId:
      coded = &b.access_key;
      break;
    case Attribute::kResourceType:
      coded = &b.resource_type;
      break;
    case Attribute::kResourceName:
      coded = &b.resource_arn;
      break;
    case Attribute::kNone:
    case Attribute::kEventId:
    case Attribute::kReadOnly:
      break;
  }
  if (coded) m.value = coded->Find(plan.value);
  m.none = m.category == LookupBlock::Coded::kAbsent ||
           (coded && m.value == LookupBlock::Coded::kAbsent);
  return m;
}

// Whether row `row` of a cached block satisfies the plan's category and attribute: the
// predicates ScanPredicates() gives the scan, evaluated on the decoded values.
// REQUIRES: !m.none.
bool MatchesCachedRow(const LookupBlock& b, uint32_t row, const LookupPlan& plan,
                      const BlockMatch& m) {
  if (b.category.codes[row] != m.category) return false;
  switch (plan.attribute) {
    case Attribute::kNone:
      return true;
    case Attribute::kEventId:
      return !IsNull(b.id[row]) && b.id[row] == plan.value;
    case Attribute::kEventName:
      return b.name.codes[row] == m.value;
    case Attribute::kEventSource:
      return b.source.codes[row] == m.value;
    case Attribute::kReadOnly:
      return b.read_only[row] == (plan.value == "true" ? OptBool::kTrue : OptBool::kFalse);
    case Attribute::kUsername:
      return b.username.codes[row] == m.value;
    case Attribute::kAccessKeyId:
      return b.access_key.codes[row] == m.value;
    case Attribute::kResourceType:
    case Attribute::kResourceName: {
      const std::vector<uint32_t>& codes =
          plan.attribute == Attribute::kResourceType ? b.resource_type.codes : b.resource_arn.codes;
      for (uint32_t k = b.resource_offsets[row]; k < b.resource_offsets[row + 1]; ++k) {
        if (codes[k] == m.value) return true;
      }
      return false;
    }
  }
  return false;
}

// The result of a cached row, without its record (FillCachedHits adds it).
LookupEventResult ResultOfCachedRow(const LookupBlock& b, uint32_t row) {
  LookupEventResult r;
  r.event_time_us = b.time[row];
  r.event_id = std::string(b.id[row]);
  r.event_name = Opt(b.name.at(row));
  r.event_source = Opt(b.source.at(row));
  r.read_only = ReadOnlyString(b.read_only[row]);
  r.access_key_id = Opt(b.access_key.at(row));
  r.username = Opt(b.username.at(row));
  for (uint32_t k = b.resource_offsets[row]; k < b.resource_offsets[row + 1]; ++k) {
    r.resources.push_back({Opt(b.resource_type.at(k)), Opt(b.resource_arn.at(k))});
  }
  return r;
}

// Reads the rest of a scanned row's result (`deferred` hits) from its block.
Status FillScannedRow(BlockRows* rows, uint32_t row, LookupEventResult* r) {
  ASSIGN_OR_RETURN(Str name, rows->String(ColumnId::kEventName, row));
  r->event_name = Opt(name);
  ASSIGN_OR_RETURN(Str source, rows->String(ColumnId::kEventSource, row));
  r->event_source = Opt(source);
  ASSIGN_OR_RETURN(OptBool read_only, rows->Bool(ColumnId::kReadOnly, row));
  r->read_only = ReadOnlyString(read_only);
  ASSIGN_OR_RETURN(Str key, rows->String(ColumnId::kUserIdentityAccessKeyId, row));
  r->access_key_id = Opt(key);
  ASSIGN_OR_RETURN(Str user, rows->String(ColumnId::kUsername, row));
  r->username = Opt(user);
  std::vector<Str> types, arns;
  RETURN_IF_ERROR(rows->Elements(ColumnId::kResourcesType, row, &types));
  RETURN_IF_ERROR(rows->Elements(ColumnId::kResourcesArn, row, &arns));
  if (types.size() != arns.size()) {
    return Status::Internal("resources.type and resources.arn differ in length");
  }
  for (size_t k = 0; k < types.size(); ++k) r->resources.push_back({Opt(types[k]), Opt(arns[k])});
  return Status::OK();
}

// Completes the page's hits that came from segments: scanned rows get their values and record,
// rows of cached blocks the kept rendering (with `rendered_only`, only the rendering and the
// position) or, the first time, their record (rebuilt, rendered and kept for the next lookups).
// Rows are read through one BlockRows per block, which decodes only the pages that hold them:
// a page's events are often spread over many blocks.
Status FillHits(LookupBlockCache* cache, std::vector<Hit>* hits, bool rendered_only,
                LookupStats* stats) {
  std::vector<size_t> missing;
  for (size_t i = 0; i < hits->size(); ++i) {
    Hit& h = (*hits)[i];
    if (h.deferred) {
      missing.push_back(i);
      continue;
    }
    if (!h.block) continue;
    if (std::shared_ptr<const LookupBlock::Rendered> done = h.block->rendered(h.row)) {
      if (rendered_only) {
        h.r.event_time_us = h.time;
        h.r.event_id = std::string(h.id());
      } else {
        h.r = ResultOfCachedRow(*h.block, h.row);
        h.r.cloud_trail_event = done->record;
      }
      h.r.rendered = std::shared_ptr<const std::string>(done, &done->json);
    } else {
      missing.push_back(i);
    }
  }
  // Grouped by block.
  std::sort(missing.begin(), missing.end(), [&](size_t a, size_t b) {
    const Hit& x = (*hits)[a];
    const Hit& y = (*hits)[b];
    if (x.segment != y.segment) return x.segment < y.segment;
    if (x.block_index != y.block_index) return x.block_index < y.block_index;
    return x.row < y.row;
  });
  if (stats != nullptr) stats->records_rebuilt += missing.size();
  std::shared_ptr<BlockRows> rows;
  const SegmentReader* rows_segment = nullptr;
  uint32_t rows_block = 0;
  std::string record;
  for (size_t i : missing) {
    Hit& h = (*hits)[i];
    if (!rows || rows_segment != h.segment || rows_block != h.block_index) {
      if (h.rows) {
        rows = h.rows;
      } else {
        ASSIGN_OR_RETURN(std::unique_ptr<BlockRows> opened, h.segment->NewBlockRows(h.block_index));
        rows = std::move(opened);
      }
      rows_segment = h.segment;
      rows_block = h.block_index;
    }
    record.clear();
    ASSIGN_OR_RETURN(bool has_record, rows->Record(h.row, &record));
    if (h.deferred) {
      RETURN_IF_ERROR(FillScannedRow(rows.get(), h.row, &h.r));
      if (has_record) h.r.cloud_trail_event = record;
      continue;
    }
    h.r = ResultOfCachedRow(*h.block, h.row);
    auto rendered = std::make_shared<LookupBlock::Rendered>();
    if (has_record) rendered->record = record;
    h.r.cloud_trail_event = rendered->record;
    JsonWriter w(&rendered->json);
    WriteLookupEvent(h.r, &w);
    if (rendered_only) h.r.cloud_trail_event.clear();
    const size_t bytes = rendered->record.size() + rendered->json.size();
    std::shared_ptr<const LookupBlock::Rendered> kept = h.block->SetRendered(h.row, rendered);
    if (kept == rendered) cache->Charge(h.segment->cache_id(), h.block_index, bytes);
    h.r.rendered = std::shared_ptr<const std::string>(kept, &kept->json);
  }
  return Status::OK();
}

std::vector<ScanPredicate> ScanPredicates(const LookupPlan& plan) {
  std::vector<ScanPredicate> preds;
  preds.push_back(ScanPredicate::Eq(ColumnId::kEventCategory, std::string(CategoryOf(plan))));
  if (PostFiltered(plan)) return preds;
  switch (plan.attribute) {
    case Attribute::kNone:
      break;
    case Attribute::kEventId:
      preds.push_back(ScanPredicate::Eq(ColumnId::kEventId, plan.value));
      break;
    case Attribute::kEventName:
      preds.push_back(ScanPredicate::Eq(ColumnId::kEventName, plan.value));
      break;
    case Attribute::kEventSource:
      preds.push_back(ScanPredicate::Eq(ColumnId::kEventSource, plan.value));
      break;
    case Attribute::kReadOnly:
      preds.push_back(ScanPredicate::BoolEq(ColumnId::kReadOnly, plan.value == "true"));
      break;
    case Attribute::kUsername:
      preds.push_back(ScanPredicate::Eq(ColumnId::kUsername, plan.value));
      break;
    case Attribute::kResourceType:
      preds.push_back(ScanPredicate::Eq(ColumnId::kResourcesType, plan.value));
      break;
    case Attribute::kResourceName:
      preds.push_back(ScanPredicate::Eq(ColumnId::kResourcesArn, plan.value));
      break;
    case Attribute::kAccessKeyId:
      preds.push_back(ScanPredicate::Eq(ColumnId::kUserIdentityAccessKeyId, plan.value));
      break;
  }
  return preds;
}

}  // namespace

size_t LookupAttributeLength(std::string_view value) {
  size_t n = 0;
  for (unsigned char c : value) {
    if ((c & 0xC0) == 0x80) continue;  // a UTF-8 continuation byte
    n += (c == '_' || c == ' ' || c == ',' || c == '\n') ? 2 : 1;
  }
  return n;
}

std::string_view LookupExceptionName(const Status& status) {
  if (status.code() != StatusCode::kInvalidArgument) return {};
  std::string_view m = status.message();
  const size_t colon = m.find(':');
  if (colon == std::string_view::npos) return {};
  std::string_view name = m.substr(0, colon);
  static constexpr std::string_view kNames[] = {
      "InvalidLookupAttributesException", "InvalidTimeRangeException", "InvalidMaxResultsException",
      "InvalidNextTokenException", "InvalidEventCategoryException"};
  for (std::string_view k : kNames) {
    if (name == k) return k;
  }
  return {};
}

Result<LookupPlan> PlanLookup(const LookupEventsRequest& req, const LookupContext& ctx) {
  LookupPlan plan;
  if (req.event_category) {
    if (*req.event_category != "insight") {
      return LookupError(
          "InvalidEventCategoryException",
          "EventCategory '" + *req.event_category + "' is not valid; the only value is 'insight'");
    }
    plan.insight = true;
  }
  if (req.attributes.size() > 1) {
    return LookupError(
        "InvalidLookupAttributesException",
        "at most one lookup attribute is allowed, got " + std::to_string(req.attributes.size()));
  }
  uint8_t attr_code = 0;
  if (!req.attributes.empty()) {
    const LookupAttribute& a = req.attributes[0];
    for (size_t i = 0; i < std::size(kAttributes); ++i) {
      if (a.key == kAttributes[i].name) {
        plan.attribute = kAttributes[i].attribute;
        attr_code = static_cast<uint8_t>(i + 1);
      }
    }
    if (plan.attribute == Attribute::kNone) {
      return LookupError("InvalidLookupAttributesException",
                         "unknown AttributeKey '" + a.key +
                             "'; valid keys: EventId, EventName, EventSource, ReadOnly, Username, "
                             "ResourceType, ResourceName, AccessKeyId");
    }
    if (plan.insight && plan.attribute != Attribute::kEventId &&
        plan.attribute != Attribute::kEventName && plan.attribute != Attribute::kEventSource) {
      return LookupError(
          "InvalidLookupAttributesException",
          "AttributeKey '" + a.key +
              "' is not supported for insight events; use EventId, EventName or EventSource");
    }
    const size_t len = LookupAttributeLength(a.value);
    if (len < 1 || len > kLookupMaxAttributeLength) {
      return LookupError("InvalidLookupAttributesException",
                         "AttributeValue for " + a.key + " must be 1 to 2000 characters, got " +
                             std::to_string(len));
    }
    plan.value = a.value;
    if (plan.attribute == Attribute::kReadOnly) {
      if (a.value != "true" && a.value != "false") {
        return LookupError(
            "InvalidLookupAttributesException",
            "AttributeValue for ReadOnly must be 'true' or 'false', got '" + a.value + "'");
      }
    }
  }
  int64_t start_us = INT64_MIN, end_us = INT64_MAX;
  if (req.start_time && !SecondsToMicros(*req.start_time, &start_us)) {
    return LookupError("InvalidTimeRangeException", "StartTime is not a valid timestamp");
  }
  if (req.end_time && !SecondsToMicros(*req.end_time, &end_us)) {
    return LookupError("InvalidTimeRangeException", "EndTime is not a valid timestamp");
  }
  if (req.start_time && req.end_time && start_us > end_us) {
    return LookupError("InvalidTimeRangeException", "StartTime " + std::to_string(*req.start_time) +
                                                        " is after EndTime " +
                                                        std::to_string(*req.end_time));
  }
  if (req.max_results) {
    if (*req.max_results < 1 || *req.max_results > kLookupMaxResults) {
      return LookupError("InvalidMaxResultsException", "MaxResults must be between 1 and 50, got " +
                                                           std::to_string(*req.max_results));
    }
    plan.max_results = static_cast<uint32_t>(*req.max_results);
  }
  plan.min_time_us = std::max(start_us, ctx.now_us - ctx.window_us);
  plan.max_time_us = req.end_time ? end_us : ctx.now_us;

  std::string& p = plan.params;
  p.push_back('a');
  p.push_back(static_cast<char>(attr_code));
  PutVarint(&p, plan.value.size());
  p += plan.value;
  p.push_back('s');
  p.push_back(req.start_time ? 1 : 0);
  if (req.start_time) PutFixed64(&p, static_cast<uint64_t>(start_us));
  p.push_back('e');
  p.push_back(req.end_time ? 1 : 0);
  if (req.end_time) PutFixed64(&p, static_cast<uint64_t>(end_us));
  p.push_back('c');
  p.push_back(plan.insight ? 1 : 0);

  if (req.next_token) RETURN_IF_ERROR(DecodeToken(*req.next_token, ctx, &plan));
  return plan;
}

std::string EncodeLookupToken(const LookupPlan& plan, const LookupContext& ctx, int64_t time_us,
                              std::string_view event_id) {
  std::string body;
  body.push_back(static_cast<char>(kTokenVersion));
  PutFixed64(&body, static_cast<uint64_t>(time_us));
  PutVarint(&body, event_id.size());
  body += event_id;
  return Base64Encode(body + Mac(ctx, plan.params, body));
}

void WriteLookupEvent(const LookupEventResult& e, JsonWriter* w) {
  w->BeginObject();
  w->Member("EventId", e.event_id);
  if (e.event_name) w->Member("EventName", *e.event_name);
  if (e.read_only) w->Member("ReadOnly", *e.read_only);
  if (e.access_key_id) w->Member("AccessKeyId", *e.access_key_id);
  if (e.event_time_us % 1000000 == 0) {
    w->Member("EventTime", static_cast<int64_t>(e.event_time_us / 1000000));
  } else {
    w->Member("EventTime", static_cast<double>(e.event_time_us) / 1e6);
  }
  if (e.event_source) w->Member("EventSource", *e.event_source);
  if (e.username) w->Member("Username", *e.username);
  w->Key("Resources").BeginArray();
  for (const LookupResource& r : e.resources) {
    w->BeginObject();
    if (r.resource_type) w->Member("ResourceType", *r.resource_type);
    if (r.resource_name) w->Member("ResourceName", *r.resource_name);
    w->EndObject();
  }
  w->EndArray();
  w->Member("CloudTrailEvent", e.cloud_trail_event);
  w->EndObject();
}

void WriteLookupEventsResponse(const LookupEventsResponse& response, JsonWriter* w) {
  size_t rendered = 0;
  for (const LookupEventResult& e : response.events)
    rendered += e.rendered ? e.rendered->size() : 0;
  w->Reserve(rendered + response.events.size() + response.next_token.size() + 64);
  w->BeginObject();
  w->Key("Events").BeginArray();
  for (const LookupEventResult& e : response.events) {
    if (e.rendered) {
      w->Raw(*e.rendered);
    } else {
      WriteLookupEvent(e, w);
    }
  }
  w->EndArray();
  if (!response.next_token.empty()) w->Member("NextToken", response.next_token);
  w->EndObject();
}

bool MatchesLookup(const Event& e, const EventBatch& batch, const LookupPlan& plan) {
  if (IsNull(e.event_category) || e.event_category != CategoryOf(plan)) return false;
  const Str v = ToStr(plan.value);
  auto eq = [&](Str s) { return !IsNull(s) && s == v; };
  if (PostFiltered(plan)) {
    Str top = plan.attribute == Attribute::kEventName ? e.event_name : e.event_source;
    if (!IsNull(top)) return top == v;
    const std::optional<std::string> detail =
        InsightDetail(e.insight_details_json,
                      plan.attribute == Attribute::kEventName ? "eventName" : "eventSource");
    return detail && *detail == plan.value;
  }
  switch (plan.attribute) {
    case Attribute::kNone:
      return true;
    case Attribute::kEventId:
      return eq(e.event_id);
    case Attribute::kEventName:
      return eq(e.event_name);
    case Attribute::kEventSource:
      return eq(e.event_source);
    case Attribute::kReadOnly:
      return e.read_only == (plan.value == "true" ? OptBool::kTrue : OptBool::kFalse);
    case Attribute::kUsername:
      return eq(DerivedUsername(e));
    case Attribute::kAccessKeyId:
      return e.user_identity.present && eq(e.user_identity.access_key_id);
    case Attribute::kResourceType:
    case Attribute::kResourceName:
      for (const Resource& r : batch.ResourcesOf(e)) {
        if (eq(plan.attribute == Attribute::kResourceType ? r.type : r.arn)) return true;
      }
      return false;
  }
  return false;
}

Result<LookupEventsResponse> LookupEvents(const LookupSource& source,
                                          const LookupEventsRequest& req,
                                          const LookupContext& ctx) {
  ASSIGN_OR_RETURN(LookupPlan plan, PlanLookup(req, ctx));
  return ExecuteLookup(source, plan, ctx);
}

Result<LookupEventsResponse> ExecuteLookup(const LookupSource& source, const LookupPlan& plan,
                                           const LookupContext& ctx) {
  const auto started = std::chrono::steady_clock::now();
  const int64_t min_time = std::max(plan.min_time_us, source.min_time_us);
  const int64_t max_time =
      plan.has_cursor ? std::min(plan.max_time_us, plan.cursor_time_us) : plan.max_time_us;
  // One more than a page tells whether another page follows.
  TopK top(plan.max_results + 1);
  LookupEventsResponse response;
  if (min_time > max_time) return response;

  // The memtable holds the newest events: taking them first lets the segment scans below start
  // with a full page and skip whatever is older than its worst event.
  for (const EventRef& ref : source.memtable) {
    const Event& e = *ref.event;
    if (IsNull(e.event_id) || !InRange(plan, min_time, e.event_time_us, e.event_id)) continue;
    if (!top.Wants(e.event_time_us, e.event_id) || !MatchesLookup(e, *ref.batch, plan)) continue;
    top.Add(ResultOf(e, *ref.batch));
  }

  std::vector<const SegmentReader*> segments;
  for (const SegmentReader* s : source.segments) {
    const SegmentMeta& m = s->meta();
    if (m.event_count == 0 || m.max_event_time_us < min_time || m.min_event_time_us > max_time)
      continue;
    segments.push_back(s);
  }
  LookupStats stats;
  std::sort(segments.begin(), segments.end(), [](const SegmentReader* a, const SegmentReader* b) {
    return a->meta().max_event_time_us > b->meta().max_event_time_us;
  });
  // Insights lookups filter some attributes after the scan, on insightDetails: they always scan.
  // Needle attributes (EventId, AccessKeyId) are found through the segments' bloom filters, which
  // skip whole blocks: a cached block would be walked row by row instead (measured at 10M:
  // AccessKeyId p50 0.13 -> 0.65 ms with the cache).
  const bool needle =
      plan.attribute == Attribute::kEventId || plan.attribute == Attribute::kAccessKeyId;
  LookupBlockCache* cache = PostFiltered(plan) || plan.insight || needle ? nullptr : ctx.cache;
  const std::vector<ScanPredicate> predicates = ScanPredicates(plan);
  const bool deferred = !plan.insight;
  const std::string_view category = CategoryOf(plan);
  // The first block met that is ready to be cached (LookupBlockCache::Ready): decoded for the
  // cache once the page is answered, if the lookup was quick enough (MayBuild).
  const SegmentReader* build_segment = nullptr;
  uint32_t build_block = 0;
  ColumnBatch batch;
  std::vector<uint32_t> used;  // uncached blocks that gave rows to the page
  // The rows of the block being scanned (deferred lookups), shared with the hits taken from it.
  std::shared_ptr<BlockRows> block_rows;
  const SegmentReader* block_rows_segment = nullptr;
  uint32_t block_rows_block = 0;
  for (const SegmentReader* segment : segments) {
    if (top.full() && segment->meta().max_event_time_us < top.worst().time) continue;
    const uint64_t reader_id = segment->cache_id();
    int64_t b = static_cast<int64_t>(segment->block_count()) - 1;
    bool segment_done = false;
    while (b >= 0 && !segment_done) {
      const SegmentReader::BlockRange range = segment->block_range(static_cast<uint32_t>(b));
      if (range.max_time_us < min_time) break;  // blocks are in time order
      if (top.full() && range.max_time_us < top.worst().time) break;
      if (range.rows == 0 || range.min_time_us > max_time) {
        --b;
        continue;
      }
      std::shared_ptr<const LookupBlock> cached;
      if (cache != nullptr) {
        cached = cache->Find(reader_id, static_cast<uint32_t>(b));
        if (!cached && build_segment == nullptr &&
            cache->Ready(reader_id, static_cast<uint32_t>(b))) {
          build_segment = segment;
          build_block = static_cast<uint32_t>(b);
        }
      }
      if (cached) {
        ++stats.blocks_cached;
        const LookupBlock& lb = *cached;
        const BlockMatch match = MatchOf(lb, plan, category);
        // Rows are in eventTime order: start at the newest one inside the window.
        const int64_t newest =
            std::upper_bound(lb.time.begin(), lb.time.end(), max_time) - lb.time.begin() - 1;
        for (int64_t r = match.none ? -1 : newest; r >= 0; --r) {
          const uint32_t row = static_cast<uint32_t>(r);
          const int64_t t = lb.time[row];
          if (t > max_time) continue;
          if (t < min_time || (top.full() && t < top.worst().time)) {
            segment_done = true;
            break;
          }
          const Str id = lb.id[row];
          if (IsNull(id) || !MatchesCachedRow(lb, row, plan, match)) continue;
          if (!InRange(plan, min_time, t, id) || !top.Wants(t, id)) continue;
          Hit h;
          h.time = t;
          h.block = cached;
          h.segment = segment;
          h.block_index = static_cast<uint32_t>(b);
          h.row = row;
          top.Add(std::move(h));
        }
        --b;
        continue;
      }
      // The run of blocks down to the next cached one is scanned as before the cache.
      int64_t lo = b;
      while (lo > 0 &&
             (cache == nullptr || !cache->Find(reader_id, static_cast<uint32_t>(lo - 1))) &&
             segment->block_range(static_cast<uint32_t>(lo - 1)).max_time_us >= min_time) {
        --lo;
      }
      ScanSpec spec;
      // Insights lookups check insightDetails on the scanned rows; the others only order rows
      // by (eventTime, eventID) here and read the values of the page's rows afterwards.
      spec.projection =
          deferred ? std::vector<ColumnId>{ColumnId::kEventTime} : ScanProjection(plan);
      spec.min_time_us = min_time;
      spec.max_time_us = max_time;
      spec.first_block = static_cast<uint32_t>(lo);
      spec.last_block = static_cast<uint32_t>(b);
      if (top.full()) {
        // Only events at or above the worst kept one can still make the page.
        spec.min_time_us = std::max(spec.min_time_us, top.worst().time);
      }
      spec.predicates = predicates;
      spec.reverse = true;
      // Small batches: each batch rebuilds the original records of its selected rows.
      spec.batch_rows = plan.max_results + 1;
      ASSIGN_OR_RETURN(std::unique_ptr<SegmentScanner> scan, segment->NewScan(spec));
      used.clear();
      bool done = false;
      while (!done) {
        ASSIGN_OR_RETURN(bool more, scan->Next(&batch));
        if (!more) break;
        if (!deferred) stats.records_rebuilt += batch.sel.size();
        for (uint32_t row : batch.sel) {
          const int64_t t = batch.columns[kTime].i64[row];
          if (top.full() && t < top.worst().time) {
            done = true;  // rows come newest first: nothing later in this segment can be kept
            break;
          }
          if (deferred) {
            // The eventID of a candidate row alone, from the block's BlockRows, which then
            // reads the row's values and record if it stays on the page.
            if (t < min_time || t > max_time) continue;
            if (!block_rows || block_rows_segment != segment || block_rows_block != batch.block) {
              ASSIGN_OR_RETURN(std::unique_ptr<BlockRows> br, segment->NewBlockRows(batch.block));
              block_rows = std::move(br);
              block_rows_segment = segment;
              block_rows_block = batch.block;
            }
            const uint32_t block_row = batch.first_row + row;
            ASSIGN_OR_RETURN(const Str id, block_rows->String(ColumnId::kEventId, block_row));
            if (IsNull(id) || !InRange(plan, min_time, t, id) || !top.Wants(t, id)) continue;
            Hit h;
            h.time = t;
            h.r.event_time_us = t;
            h.r.event_id = std::string(id);
            h.deferred = true;
            h.rows = block_rows;
            h.segment = segment;
            h.block_index = batch.block;
            h.row = block_row;
            top.Add(std::move(h));
            if (used.empty() || used.back() != batch.block) used.push_back(batch.block);
            continue;
          }
          const Str id = batch.columns[kId].StringAt(row);
          if (IsNull(id) || !InRange(plan, min_time, t, id) || !top.Wants(t, id)) continue;
          LookupEventResult r = ResultOfRow(batch, row);
          if (PostFilterMatches(plan, r)) {
            top.Add(std::move(r));
            if (used.empty() || used.back() != batch.block) used.push_back(batch.block);
          }
        }
      }
      if (cache != nullptr) {
        for (uint32_t u : used) cache->NoteUse(reader_id, u);
      }
      stats.blocks_scanned += scan->stats().blocks_read;
      stats.blocks_skipped += scan->stats().blocks_skipped;
      segment_done = done;
      b = lo - 1;
    }
  }

  std::vector<Hit> hits = top.TakeSorted();
  const bool more = hits.size() > plan.max_results;
  if (more) hits.resize(plan.max_results);
  RETURN_IF_ERROR(FillHits(cache, &hits, ctx.rendered_only, &stats));
  if (build_segment != nullptr) {
    // A steady clock, not the Env's: this is a cost budget, not event time.
    const auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    if (cache->MayBuild(static_cast<uint64_t>(elapsed.count()))) {
      // A block that fails to decode whole is left to the scans, which read it as before and
      // report damage in the pages they need.
      Result<std::shared_ptr<LookupBlock>> built = LookupBlock::Build(*build_segment, build_block);
      if (built.ok()) {
        ++stats.blocks_built;
        cache->Insert(build_segment->cache_id(), build_block, std::move(*built));
      }
    }
  }
  stats.segments = segments.size();
  if (ctx.stats != nullptr) *ctx.stats += stats;
  response.events.reserve(hits.size());
  for (Hit& h : hits) response.events.push_back(std::move(h.r));
  if (more) {
    const LookupEventResult& last = response.events.back();
    response.next_token = EncodeLookupToken(plan, ctx, last.event_time_us, last.event_id);
  }
  return response;
}

}  // namespace cairn
