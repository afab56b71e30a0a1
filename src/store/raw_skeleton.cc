#include "store/raw_skeleton.h"

#include <algorithm>
#include <cstring>

#include "store/event_fields.h"
#include "store/segment_coding.h"

namespace cairn::segment {
namespace {

constexpr char kEscape = 0x01;
constexpr uint8_t kListChild = 0xF0;
constexpr uint8_t kEventTimeMarker = 0xF1;
constexpr uint8_t kCreationDateMarker = 0xF2;
constexpr uint8_t kLiteralEscape = 0xFF;
constexpr size_t kMinCut = 3;  // a cut must save more than the 2-byte marker

struct Cut {
  uint32_t offset, size;
  uint16_t column;  // ColumnId value, or kSplicedEventTime
  int64_t element;  // -1 for scalar columns
};

// Appends raw bytes, escaping 0x01.
void AppendLiteral(std::string_view s, std::string* out) {
  size_t at = 0;
  while (at < s.size()) {
    const void* hit = std::memchr(s.data() + at, kEscape, s.size() - at);
    if (!hit) {
      out->append(s.data() + at, s.size() - at);
      return;
    }
    size_t pos = static_cast<const char*>(hit) - s.data();
    out->append(s.data() + at, pos - at);
    out->push_back(kEscape);
    out->push_back(static_cast<char>(kLiteralEscape));
    at = pos + 1;
  }
}

// Days from the civil date (proleptic Gregorian), after H. Hinnant's algorithm.
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

void Put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

// The scalar columns whose values a skeleton cuts out, with their place in Event.
struct CutColumn {
  uint16_t column;
  int32_t offset;
};
const std::vector<CutColumn>& CutColumns() {
  static const std::vector<CutColumn> columns = [] {
    std::vector<CutColumn> out;
    for (const ColumnDef& c : AllColumns()) {
      if (c.list_child || !c.stored || c.id == ColumnId::kUsername || c.id == ColumnId::kEventJson)
        continue;
      if (c.type != ColumnType::kString && c.type != ColumnType::kMap) continue;
      if (static_cast<uint16_t>(c.id) >= kListChild) continue;
      out.push_back({static_cast<uint16_t>(c.id), StringFieldOffset(c.id)});
    }
    return out;
  }();
  return columns;
}

}  // namespace

bool RenderEventTime(int64_t us, char out[20]) {
  if (us % 1000000 != 0) return false;
  int64_t secs = us / 1000000;
  int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400;
  int64_t rem = secs - days * 86400;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  if (y < 0 || y > 9999) return false;
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  Put2(out + 5, m);
  out[7] = '-';
  Put2(out + 8, d);
  out[10] = 'T';
  Put2(out + 11, static_cast<unsigned>(rem / 3600));
  out[13] = ':';
  Put2(out + 14, static_cast<unsigned>(rem / 60 % 60));
  out[16] = ':';
  Put2(out + 17, static_cast<unsigned>(rem % 60));
  out[19] = 'Z';
  return true;
}

void BuildSkeleton(const Event& e, const EventBatch& batch, std::string* out) {
  const Str raw = e.raw;
  if (raw.empty()) return;
  const char* begin = raw.data();
  const char* end = begin + raw.size();
  Cut cuts[kColumnCount + 64];
  size_t n = 0;
  auto consider = [&](Str v, uint16_t column, int64_t element) {
    if (IsNull(v) || v.size() < kMinCut || v.data() < begin || v.data() + v.size() > end) return;
    if (n == sizeof cuts / sizeof cuts[0]) return;
    cuts[n++] = Cut{static_cast<uint32_t>(v.data() - begin), static_cast<uint32_t>(v.size()),
                    column, element};
  };
  for (const CutColumn& c : CutColumns()) consider(StringAtOffset(e, c.offset), c.column, -1);
  auto resources = batch.ResourcesOf(e);
  for (size_t i = 0; i < resources.size() && i < 16; ++i) {
    consider(resources[i].arn, static_cast<uint16_t>(ColumnId::kResourcesArn), i);
    consider(resources[i].account_id, static_cast<uint16_t>(ColumnId::kResourcesAccountId), i);
    consider(resources[i].type, static_cast<uint16_t>(ColumnId::kResourcesType), i);
  }
  // Timestamps have no view: look for their usual spelling, first in the few bytes before the
  // field that usually follows them (`next`: eventSource after eventTime, mfaAuthenticated after
  // creationDate), then through the whole record. Any place where the key is followed by the
  // rendered time is a correct cut.
  auto cut_time = [&](std::string_view key, int64_t us, uint16_t marker, Str next) {
    char when[20];
    if (!RenderEventTime(us, when)) return;
    auto try_at = [&](const void* hit) {
      if (!hit) return false;
      const size_t at = static_cast<const char*>(hit) - begin + key.size();
      if (at + 20 > raw.size() || std::memcmp(begin + at, when, 20) != 0) return false;
      cuts[n++] = Cut{static_cast<uint32_t>(at), 20, marker, -1};
      return true;
    };
    constexpr ptrdiff_t kWindow = 96;
    if (!IsNull(next) && next.data() > begin && next.data() <= end) {
      const char* from = next.data() - std::min(kWindow, next.data() - begin);
      if (try_at(memmem(from, next.data() - from, key.data(), key.size()))) return;
    }
    for (const char* from = begin; from < end;) {
      const void* hit = memmem(from, end - from, key.data(), key.size());
      if (!hit || try_at(hit)) return;
      from = static_cast<const char*>(hit) + 1;  // the key spelled inside another value
    }
  };
  cut_time("\"eventTime\":\"", e.event_time_us, kSplicedEventTime, e.event_source);
  if (e.user_identity.creation_date_us != INT64_MIN) {
    cut_time("\"creationDate\":\"", e.user_identity.creation_date_us, kSplicedCreationDate,
             e.user_identity.mfa_authenticated);
  }
  // The cuts come mostly in record order already (CutColumns follows the usual field order):
  // an insertion sort does little work on them.
  auto before = [](const Cut& a, const Cut& b) {
    return a.offset != b.offset ? a.offset < b.offset : a.size > b.size;
  };
  for (size_t i = 1; i < n; ++i) {
    const Cut c = cuts[i];
    size_t j = i;
    for (; j > 0 && before(c, cuts[j - 1]); --j) cuts[j] = cuts[j - 1];
    cuts[j] = c;
  }
  out->reserve(out->size() + raw.size());
  // Records hardly ever hold a 0x01 byte: then the literal pieces need no escaping.
  const bool escapes = std::memchr(begin, kEscape, raw.size()) != nullptr;
  auto literal = [&](std::string_view piece) {
    if (escapes) {
      AppendLiteral(piece, out);
    } else {
      out->append(piece.data(), piece.size());
    }
  };
  size_t at = 0;
  for (size_t i = 0; i < n; ++i) {
    const Cut& c = cuts[i];
    if (c.offset < at) continue;  // overlaps a previous cut (views sharing bytes)
    literal(raw.substr(at, c.offset - at));
    if (c.column == kSplicedEventTime) {
      const char marker[2] = {kEscape, static_cast<char>(kEventTimeMarker)};
      out->append(marker, 2);
    } else if (c.column == kSplicedCreationDate) {
      const char marker[2] = {kEscape, static_cast<char>(kCreationDateMarker)};
      out->append(marker, 2);
    } else if (c.element >= 0) {
      const char marker[3] = {kEscape, static_cast<char>(kListChild), static_cast<char>(c.column)};
      out->append(marker, 3);
      PutVarint(out, static_cast<uint64_t>(c.element));
    } else {
      const char marker[2] = {kEscape, static_cast<char>(c.column)};
      out->append(marker, 2);
    }
    at = c.offset + c.size;
  }
  literal(raw.substr(at));
}

bool RebuildRecord(std::string_view skeleton, int64_t event_time_us, int64_t creation_date_us,
                   const SkeletonValueFn& value, std::string* out,
                   std::vector<SplicedValue>* spliced) {
  const size_t base = out->size();
  size_t at = 0;
  while (at < skeleton.size()) {
    const void* hit = std::memchr(skeleton.data() + at, kEscape, skeleton.size() - at);
    if (!hit) {
      out->append(skeleton.data() + at, skeleton.size() - at);
      break;
    }
    size_t pos = static_cast<const char*>(hit) - skeleton.data();
    out->append(skeleton.data() + at, pos - at);
    if (pos + 1 >= skeleton.size()) return false;
    const uint8_t tag = static_cast<uint8_t>(skeleton[pos + 1]);
    at = pos + 2;
    if (tag == kLiteralEscape) {
      out->push_back(kEscape);
      continue;
    }
    if (tag == kEventTimeMarker || tag == kCreationDateMarker) {
      char when[20];
      const bool event_time = tag == kEventTimeMarker;
      if (!RenderEventTime(event_time ? event_time_us : creation_date_us, when)) return false;
      if (spliced) {
        spliced->push_back({event_time ? kSplicedEventTime : kSplicedCreationDate, 0,
                            static_cast<uint32_t>(out->size() - base), 20});
      }
      out->append(when, 20);
      continue;
    }
    uint16_t column = tag;
    uint32_t element = 0;
    if (tag == kListChild) {
      if (at >= skeleton.size()) return false;
      column = static_cast<uint8_t>(skeleton[at++]);
      Decoder d(skeleton.substr(at));
      element = d.Varint32();
      if (!d.ok()) return false;
      at = skeleton.size() - d.remaining();
      if (column != static_cast<uint16_t>(ColumnId::kResourcesArn) &&
          column != static_cast<uint16_t>(ColumnId::kResourcesAccountId) &&
          column != static_cast<uint16_t>(ColumnId::kResourcesType)) {
        return false;
      }
    } else if (tag >= kColumnCount || GetColumn(static_cast<ColumnId>(tag)).list_child) {
      return false;
    }
    Str v = value(static_cast<ColumnId>(column), element);
    if (IsNull(v)) return false;
    if (spliced) {
      spliced->push_back({column, element, static_cast<uint32_t>(out->size() - base),
                          static_cast<uint32_t>(v.size())});
    }
    out->append(v.data(), v.size());
  }
  return true;
}

}  // namespace cairn::segment
