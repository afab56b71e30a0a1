#include "event/envelope.h"

#include <simdjson.h>

#include <cstring>

#include "event/json_scan.h"

namespace cairn {
namespace {

using json_scan::FindContainerEnd;
using json_scan::kNotFound;
using json_scan::SkipValue;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view TypeOfFirstByte(char c) {
  switch (c) {
    case '{': return "an object";
    case '[': return "an array";
    case '"': return "a string";
    case 't':
    case 'f': return "a boolean";
    case 'n': return "null";
    default:
      return (c == '-' || (c >= '0' && c <= '9')) ? "a number" : "not a JSON value";
  }
}

// Cuts one input's text into records and feeds them to the RecordParser.
class Splitter {
 public:
  Splitter(Str json, std::string_view name, RecordParser* parser, EventBatch* batch,
           ParseSummary* summary)
      : data_(json.data()),
        end_(json.size()),
        name_(name),
        parser_(parser),
        batch_(batch),
        summary_(summary) {}

  Envelope Run();
  // See ParseOwnedJson's `cut_short_because`.
  void SetCutShort(std::string_view cause) { cut_short_because_ = cause; }
  bool damage_reported() const { return damage_reported_; }

 private:
  struct TopScan {
    size_t records_at = kNotFound;  // offset of the '[' of "Records"
    size_t events_at = kNotFound;   // offset of the '[' of "Events"
    size_t records_not_array = kNotFound;  // offset of a "Records" value that is not an array
    size_t end = kNotFound;         // offset just past the object, when it was scanned whole
  };
  // Walks the keys of the top-level object at `pos` without parsing values.
  TopScan ScanTopObject(size_t pos) const;

  // E1/E2: the array whose '[' is at `pos`. `lookup_events` selects E5 entries.
  // Returns the offset after the array's ']', or kNotFound if it was damaged (already reported).
  size_t SplitArray(size_t pos, bool lookup_events);
  void SplitLines(size_t pos);
  void SplitSequence(size_t pos);

  // Parses the record [begin, end) (whitespace already trimmed). `has_backslash` as for
  // RecordParser::Parse.
  void Record(size_t begin, size_t end, int64_t line, bool has_backslash = true);
  // Rejects a non-object value at [begin, ...) (`first` is its first byte).
  void NotObject(size_t begin, char first, int64_t line);
  void LookupEventsEntry(size_t begin, size_t end);
  void Damaged(size_t offset, const std::string& what);

  RecordSource Source(size_t offset, int64_t line) const {
    RecordSource s;
    s.file = name_;
    s.index = index_;
    s.offset = offset;
    s.line = line;
    return s;
  }

  const char* data_;
  size_t end_;
  std::string_view name_;
  RecordParser* parser_;
  EventBatch* batch_;
  ParseSummary* summary_;
  uint64_t index_ = 0;  // index of the next record
  std::string_view cut_short_because_;
  bool damage_reported_ = false;
  std::unique_ptr<simdjson::ondemand::parser> lookup_parser_;  // E5 only
};

Splitter::TopScan Splitter::ScanTopObject(size_t pos) const {
  TopScan scan;
  size_t p = json_scan::SkipWhitespace(data_, pos + 1, end_);
  if (p < end_ && data_[p] == '}') {
    scan.end = p + 1;
    return scan;
  }
  while (p < end_) {
    if (data_[p] != '"') return scan;
    size_t ke = json_scan::FindStringEnd(data_, p, end_);
    if (ke == kNotFound) return scan;
    std::string_view key(data_ + p + 1, ke - p - 2);
    p = json_scan::SkipWhitespace(data_, ke, end_);
    if (p >= end_ || data_[p] != ':') return scan;
    p = json_scan::SkipWhitespace(data_, p + 1, end_);
    if (p >= end_) return scan;
    if (data_[p] == '[') {
      if (key == "Records") {
        scan.records_at = p;
        return scan;
      }
      if (key == "Events") {
        scan.events_at = p;
        return scan;
      }
    }
    if (key == "Records") {
      scan.records_not_array = p;
      return scan;
    }
    size_t ve = SkipValue(data_, p, end_);
    if (ve == kNotFound) return scan;
    p = json_scan::SkipWhitespace(data_, ve, end_);
    if (p >= end_) return scan;
    if (data_[p] == '}') {
      scan.end = p + 1;
      return scan;
    }
    if (data_[p] != ',') return scan;
    p = json_scan::SkipWhitespace(data_, p + 1, end_);
  }
  return scan;
}

void Splitter::Damaged(size_t offset, const std::string& what) {
  if (damage_reported_) return;  // one error per damaged input
  damage_reported_ = true;
  std::string m = std::string(name_) + ": offset " + std::to_string(offset) + ": " + what;
  if (!cut_short_because_.empty()) m += " (" + std::string(cut_short_because_) + ")";
  summary_->Reject(RejectReason::kTruncated,
                   Status::DataLoss(m + "; records after this point are lost"));
}

void Splitter::Record(size_t begin, size_t end, int64_t line, bool has_backslash) {
  RejectReason reason;
  Status st = parser_->Parse(Str(data_ + begin, end - begin), Source(begin, line), batch_, &reason,
                             has_backslash);
  if (st.ok()) {
    ++summary_->accepted;
  } else {
    summary_->Reject(reason, st);
  }
  ++index_;
}

void Splitter::NotObject(size_t begin, char first, int64_t line) {
  summary_->Reject(RejectReason::kNotObject,
                   Status::InvalidArgument(RecordLocation(Source(begin, line)) + ": the record is " +
                                           std::string(TypeOfFirstByte(first)) +
                                           ", not a JSON object"));
  ++index_;
}

void Splitter::LookupEventsEntry(size_t begin, size_t end) {
  namespace od = simdjson::ondemand;
  if (!lookup_parser_) lookup_parser_ = std::make_unique<od::parser>();
  const RecordSource src = Source(begin, -1);
  auto reject = [&](RejectReason reason, const std::string& what) {
    summary_->Reject(reason, Status::InvalidArgument(RecordLocation(src) + ": " + what));
    ++index_;
  };
  if (end - begin > parser_->options().max_record_bytes * 2 + 4096) {
    // The entry holds the record escaped (up to ~2x longer) plus a few short fields.
    return reject(RejectReason::kTooLarge, "LookupEvents entry is " + std::to_string(end - begin) +
                                               " bytes, over the record limit");
  }
  od::document doc;
  od::object obj;
  auto err = lookup_parser_->iterate(data_ + begin, end - begin, end - begin + simdjson::SIMDJSON_PADDING)
                 .get(doc);
  if (!err) err = doc.get_object().get(obj);
  std::string_view inner;
  bool found = false;
  if (!err) {
    for (auto fr : obj) {
      od::field f;
      if ((err = std::move(fr).get(f))) break;
      std::string_view key;
      if ((err = f.unescaped_key().get(key))) break;
      if (key != "CloudTrailEvent") continue;
      if ((err = f.value().get_string().get(inner))) break;
      found = true;
      break;
    }
  }
  if (err) {
    return reject(err == simdjson::INCORRECT_TYPE ? RejectReason::kWrongType
                                                  : RejectReason::kInvalidJson,
                  std::string("LookupEvents entry: ") + simdjson::error_message(err));
  }
  if (!found) return reject(RejectReason::kWrongType, "LookupEvents entry has no CloudTrailEvent");
  // The decoded record gets its own padded buffer, owned by the batch (Event::raw points into it).
  Str record = OwnPadded(std::string(inner), batch_);
  size_t s = json_scan::SkipWhitespace(record.data(), 0, record.size());
  size_t e = record.size();
  while (e > s && json_scan::IsSpace(record[e - 1])) --e;
  RejectReason reason;
  Status st = parser_->Parse(record.substr(s, e - s), src, batch_, &reason);
  if (st.ok()) {
    ++summary_->accepted;
  } else {
    summary_->Reject(reason, st.WithPrefix("CloudTrailEvent"));
  }
  ++index_;
}

size_t Splitter::SplitArray(size_t pos, bool lookup_events) {
  size_t p = json_scan::SkipWhitespace(data_, pos + 1, end_);
  if (p < end_ && data_[p] == ']') return p + 1;
  while (true) {
    if (p >= end_) {
      Damaged(p, "the file ends inside the array, after " + std::to_string(index_) + " records");
      return kNotFound;
    }
    const char c = data_[p];
    if (c == '{') {
      bool has_backslash = true;
      size_t e = FindContainerEnd(data_, p, end_, &has_backslash);
      if (e == kNotFound) {
        Damaged(p, "record " + std::to_string(index_) + " is not closed (truncated or damaged)");
        return kNotFound;
      }
      if (lookup_events) {
        LookupEventsEntry(p, e);
      } else {
        Record(p, e, -1, has_backslash);
      }
      p = e;
    } else if (c == ',' || c == ']' || c == ':' || c == '}') {
      Damaged(p, std::string("expected a record, found '") + c + "'");
      return kNotFound;
    } else {
      size_t e = SkipValue(data_, p, end_);
      if (e == kNotFound) {
        Damaged(p, "record " + std::to_string(index_) + " is not closed (truncated or damaged)");
        return kNotFound;
      }
      NotObject(p, c, -1);
      p = e;
    }
    p = json_scan::SkipWhitespace(data_, p, end_);
    if (p >= end_) {
      Damaged(p, "the file ends inside the array, after " + std::to_string(index_) + " records");
      return kNotFound;
    }
    if (data_[p] == ']') return p + 1;
    if (data_[p] != ',') {
      Damaged(p, std::string("expected ',' or ']' after record ") + std::to_string(index_ - 1) +
                     ", found '" + data_[p] + "'");
      return kNotFound;
    }
    p = json_scan::SkipWhitespace(data_, p + 1, end_);
    if (p < end_ && data_[p] == ']') return p + 1;  // a trailing comma is forgiven
  }
}

void Splitter::SplitLines(size_t pos) {
  int64_t line = 1;  // `pos` is at the start of the text, or just after its BOM
  while (pos < end_) {
    const void* nl = std::memchr(data_ + pos, '\n', end_ - pos);
    const size_t line_end = nl ? static_cast<const char*>(nl) - data_ : end_;
    size_t s = json_scan::SkipWhitespace(data_, pos, line_end);
    size_t e = line_end;
    while (e > s && json_scan::IsSpace(data_[e - 1])) --e;
    if (s < e) {
      const char c = data_[s];
      if (c == '{') {
        bool has_backslash = true;
        size_t ce = FindContainerEnd(data_, s, e, &has_backslash);
        if (ce == e) {
          Record(s, e, line, has_backslash);
        } else if (ce == kNotFound && nl == nullptr) {
          Damaged(s, "the last line's record is not closed (truncated)");
          ++index_;
        } else {
          summary_->Reject(
              RejectReason::kInvalidJson,
              Status::InvalidArgument(RecordLocation(Source(s, line)) + ": " +
                                      (ce == kNotFound ? "the record is not closed on its line"
                                                       : "content after the record on its line")));
          ++index_;
        }
      } else {
        NotObject(s, c, line);
      }
    }
    pos = line_end + 1;
    ++line;
  }
}

void Splitter::SplitSequence(size_t pos) {
  while (true) {
    size_t p = json_scan::SkipWhitespace(data_, pos, end_);
    if (p >= end_) return;
    const char c = data_[p];
    bool has_backslash = true;
    size_t e = c == '{' ? FindContainerEnd(data_, p, end_, &has_backslash) : SkipValue(data_, p, end_);
    if (e == kNotFound) {
      Damaged(p, "record " + std::to_string(index_) + " is not closed (truncated or damaged)");
      return;
    }
    if (c == '{') {
      Record(p, e, -1, has_backslash);
    } else {
      NotObject(p, c, -1);
    }
    pos = e;
  }
}

Envelope Splitter::Run() {
  size_t bom_end = 0;
  if (std::string_view(data_, end_).substr(0, kBom.size()) == kBom) bom_end = kBom.size();
  const size_t start = json_scan::SkipWhitespace(data_, bom_end, end_);
  if (start >= end_) return Envelope::kEmpty;
  const char first = data_[start];
  if (first == '[') {
    size_t e = SplitArray(start, /*lookup_events=*/false);
    if (e != kNotFound) {
      size_t rest = json_scan::SkipWhitespace(data_, e, end_);
      if (rest < end_) Damaged(rest, "content after the array");
    }
    return Envelope::kArray;
  }
  if (first != '{') {
    summary_->Reject(RejectReason::kBadEnvelope,
                     Status::InvalidArgument(std::string(name_) +
                                             ": not a CloudTrail file: the text starts with " +
                                             std::string(TypeOfFirstByte(first)) +
                                             ", not '{' or '['"));
    return Envelope::kUnknown;
  }
  TopScan scan = ScanTopObject(start);
  if (scan.records_at != kNotFound || scan.events_at != kNotFound) {
    const bool e5 = scan.records_at == kNotFound;
    size_t e = SplitArray(e5 ? scan.events_at : scan.records_at, e5);
    if (e != kNotFound) {
      // Other top-level keys may follow; only a missing end of the object is worth reporting.
      size_t rest = json_scan::SkipWhitespace(data_, e, end_);
      if (rest >= end_) Damaged(rest, "the file ends before the closing '}'");
    }
    return e5 ? Envelope::kLookupEvents : Envelope::kRecords;
  }
  if (scan.records_not_array != kNotFound) {
    summary_->Reject(RejectReason::kBadEnvelope,
                     Status::InvalidArgument(
                         std::string(name_) + ": offset " + std::to_string(scan.records_not_array) +
                         ": \"Records\" is " +
                         std::string(TypeOfFirstByte(data_[scan.records_not_array])) +
                         ", not an array of records"));
    return Envelope::kUnknown;
  }
  const bool has_newline_after_first_line = [&] {
    const void* nl = std::memchr(data_ + start, '\n', end_ - start);
    if (nl == nullptr) return false;
    size_t after = static_cast<const char*>(nl) - data_ + 1;
    return json_scan::SkipWhitespace(data_, after, end_) < end_;
  }();
  if (scan.end == kNotFound) {
    // The first object is damaged. With more lines, treat the text as NDJSON so that the lines
    // after the damage still come through; otherwise it is one bad (or truncated) record.
    if (has_newline_after_first_line) {
      SplitLines(bom_end);
      return Envelope::kLines;
    }
    size_t e = end_;
    while (e > start && json_scan::IsSpace(data_[e - 1])) --e;
    if (FindContainerEnd(data_, start, e) == kNotFound) {
      Damaged(start, "the record is not closed (truncated or damaged)");
    } else {
      Record(start, e, -1);
    }
    return Envelope::kSingle;
  }
  size_t rest = json_scan::SkipWhitespace(data_, scan.end, end_);
  if (rest >= end_) {
    Record(start, scan.end, -1);
    return Envelope::kSingle;
  }
  if (std::memchr(data_ + start, '\n', scan.end - start) == nullptr) {
    SplitLines(bom_end);
    return Envelope::kLines;
  }
  SplitSequence(start);
  return Envelope::kSequence;
}

}  // namespace

std::string_view EnvelopeName(Envelope e) {
  switch (e) {
    case Envelope::kEmpty: return "empty";
    case Envelope::kRecords: return "records";
    case Envelope::kArray: return "array";
    case Envelope::kLines: return "ndjson";
    case Envelope::kSequence: return "json-sequence";
    case Envelope::kSingle: return "single";
    case Envelope::kLookupEvents: return "lookup-events";
    case Envelope::kUnknown: return "unknown";
  }
  return "unknown";
}

Str OwnPadded(std::string buffer, EventBatch* batch) {
  const size_t n = buffer.size();
  if (buffer.capacity() < n + simdjson::SIMDJSON_PADDING) buffer.reserve(n + simdjson::SIMDJSON_PADDING);
  return batch->Own(std::move(buffer));
}

Envelope ParseOwnedJson(Str json, std::string_view name, RecordParser* parser, EventBatch* batch,
                        ParseSummary* summary, std::string_view cut_short_because) {
  // Room for the records (compact trail records are ~1-2 KB) so the vector rarely regrows.
  // Over-reserving costs address space only: untouched pages are never faulted in.
  batch->events.reserve(batch->events.size() + json.size() / 768 + 4);
  Splitter splitter(json, name, parser, batch, summary);
  splitter.SetCutShort(cut_short_because);
  Envelope e = splitter.Run();
  if (!cut_short_because.empty() && !splitter.damage_reported()) {
    summary->Reject(RejectReason::kTruncated,
                    Status::DataLoss(std::string(name) + ": offset " + std::to_string(json.size()) +
                                     " of the JSON: " + std::string(cut_short_because)));
  }
  return e;
}

Envelope ParseJsonText(std::string json, std::string_view name, RecordParser* parser,
                       EventBatch* batch, ParseSummary* summary) {
  summary->bytes_json += json.size();
  Str owned = OwnPadded(std::move(json), batch);
  return ParseOwnedJson(owned, name, parser, batch, summary);
}

}  // namespace cairn
