#include "event/envelope.h"

#include <simdjson.h>

#include <cstring>

namespace cairn {
namespace {

using json_scan::FindContainerEnd;
using json_scan::kNotFound;
using json_scan::SkipValue;
using json_scan::SkipWhitespace;

constexpr std::string_view kBom = "\xEF\xBB\xBF";

std::string_view TypeOfFirstByte(char c) {
  switch (c) {
    case '{':
      return "an object";
    case '[':
      return "an array";
    case '"':
      return "a string";
    case 't':
    case 'f':
      return "a boolean";
    case 'n':
      return "null";
    default:
      return (c == '-' || (c >= '0' && c <= '9')) ? "a number" : "not a JSON value";
  }
}

struct TopScan {
  size_t records_at = kNotFound;         // offset of the '[' of "Records"
  size_t events_at = kNotFound;          // offset of the '[' of "Events"
  size_t records_not_array = kNotFound;  // offset of a "Records" value that is not an array
  size_t end = kNotFound;                // offset just past the object, when scanned whole
};

// Walks the keys of the top-level object at `pos` without parsing values. Stops at "Records" or
// "Events" (the envelope keys); returns with nothing found if the object is damaged or cut short.
TopScan ScanTopObject(const char* data, size_t pos, size_t end) {
  TopScan scan;
  size_t p = SkipWhitespace(data, pos + 1, end);
  if (p < end && data[p] == '}') {
    scan.end = p + 1;
    return scan;
  }
  while (p < end) {
    if (data[p] != '"') return scan;
    size_t ke = json_scan::FindStringEnd(data, p, end);
    if (ke == kNotFound) return scan;
    std::string_view key(data + p + 1, ke - p - 2);
    p = SkipWhitespace(data, ke, end);
    if (p >= end || data[p] != ':') return scan;
    p = SkipWhitespace(data, p + 1, end);
    if (p >= end) return scan;
    if (key == "Records") {
      (data[p] == '[' ? scan.records_at : scan.records_not_array) = p;
      return scan;
    }
    if (key == "Events" && data[p] == '[') {
      scan.events_at = p;
      return scan;
    }
    size_t ve = SkipValue(data, p, end);
    if (ve == kNotFound) return scan;
    p = SkipWhitespace(data, ve, end);
    if (p >= end) return scan;
    if (data[p] == '}') {
      scan.end = p + 1;
      return scan;
    }
    if (data[p] != ',') return scan;
    p = SkipWhitespace(data, p + 1, end);
  }
  return scan;
}

}  // namespace

struct EnvelopeParser::LookupParser {
  simdjson::ondemand::parser parser;
};

EnvelopeParser::EnvelopeParser(std::string_view name, RecordParser* parser, ParseSummary* summary)
    : name_(name),
      parser_(parser),
      summary_(summary),
      max_record_(parser->options().max_record_bytes) {}

EnvelopeParser::~EnvelopeParser() = default;

RecordSource EnvelopeParser::Source(size_t offset, int64_t line) const {
  RecordSource s;
  s.file = name_;
  s.index = index_;
  s.offset = Offset(offset);
  s.line = line;
  return s;
}

void EnvelopeParser::Damaged(size_t offset, const std::string& what) {
  if (damage_reported_) return;  // one error per damaged input
  damage_reported_ = true;
  std::string m = name_ + ": offset " + std::to_string(Offset(offset)) + ": " + what;
  if (!cut_short_because_.empty()) m += " (" + cut_short_because_ + ")";
  summary_->Reject(RejectReason::kTruncated,
                   Status::DataLoss(m + "; records after this point are lost"));
  phase_ = Phase::kDone;
}

void EnvelopeParser::TooLarge(size_t begin, int64_t line) {
  summary_->Reject(RejectReason::kTooLarge,
                   Status::InvalidArgument(RecordLocation(Source(begin, line)) +
                                           ": record is over the limit of " +
                                           std::to_string(max_record_) + " bytes"));
  ++index_;
}

void EnvelopeParser::Record(size_t begin, size_t end, int64_t line, bool has_backslash) {
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

void EnvelopeParser::NotObject(size_t begin, char first, int64_t line) {
  summary_->Reject(
      RejectReason::kNotObject,
      Status::InvalidArgument(RecordLocation(Source(begin, line)) + ": the record is " +
                              std::string(TypeOfFirstByte(first)) + ", not a JSON object"));
  ++index_;
}

void EnvelopeParser::LookupEventsEntry(size_t begin, size_t end) {
  namespace od = simdjson::ondemand;
  if (!lookup_parser_) lookup_parser_ = std::make_unique<LookupParser>();
  const RecordSource src = Source(begin, -1);
  auto reject = [&](RejectReason reason, const std::string& what) {
    summary_->Reject(reason, Status::InvalidArgument(RecordLocation(src) + ": " + what));
    ++index_;
  };
  if (end - begin > max_record_ * 2 + 4096) {
    // The entry holds the record escaped (up to ~2x longer) plus a few short fields.
    return reject(RejectReason::kTooLarge, "LookupEvents entry is " + std::to_string(end - begin) +
                                               " bytes, over the record limit");
  }
  od::document doc;
  od::object obj;
  auto err = lookup_parser_->parser
                 .iterate(data_ + begin, end - begin, end - begin + simdjson::SIMDJSON_PADDING)
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
    return reject(
        err == simdjson::INCORRECT_TYPE ? RejectReason::kWrongType : RejectReason::kInvalidJson,
        std::string("LookupEvents entry: ") + simdjson::error_message(err));
  }
  if (!found) return reject(RejectReason::kWrongType, "LookupEvents entry has no CloudTrailEvent");
  // The decoded record gets its own padded buffer, owned by the batch (Event::raw points into it).
  Str record = OwnPadded(std::string(inner), batch_);
  size_t s = SkipWhitespace(record.data(), 0, record.size());
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

size_t EnvelopeParser::Detect(size_t pos) {
  if (Offset(pos) == 0) {
    std::string_view head(data_, end_);
    if (head.substr(0, kBom.size()) == kBom) {
      pos = kBom.size();
    } else if (!final_ && head.size() < kBom.size() && kBom.substr(0, head.size()) == head) {
      need_more_ = true;  // maybe the start of a BOM
      return 0;
    }
  }
  const size_t p = SkipWhitespace(data_, pos, end_);
  // Newlines skipped here count for NDJSON line numbers.
  for (size_t i = pos; i < p; ++i) line_ += data_[i] == '\n';
  if (p >= end_) {
    if (final_) phase_ = Phase::kDone;
    return end_;
  }
  const char first = data_[p];
  if (first == '[') {
    envelope_ = Envelope::kArray;
    in_array_ = true;
    phase_ = Phase::kValue;
    return p + 1;
  }
  if (first != '{') {
    envelope_ = Envelope::kUnknown;
    summary_->Reject(
        RejectReason::kBadEnvelope,
        Status::InvalidArgument(name_ + ": not a CloudTrail file: the text starts with " +
                                std::string(TypeOfFirstByte(first)) + ", not '{' or '['"));
    phase_ = Phase::kDone;
    return end_;
  }
  const TopScan scan = ScanTopObject(data_, p, end_);
  if (scan.records_at != kNotFound || scan.events_at != kNotFound) {
    lookup_events_ = scan.records_at == kNotFound;
    envelope_ = lookup_events_ ? Envelope::kLookupEvents : Envelope::kRecords;
    in_array_ = true;
    phase_ = Phase::kValue;
    return (lookup_events_ ? scan.events_at : scan.records_at) + 1;
  }
  if (scan.records_not_array != kNotFound) {
    envelope_ = Envelope::kUnknown;
    summary_->Reject(
        RejectReason::kBadEnvelope,
        Status::InvalidArgument(
            name_ + ": offset " + std::to_string(Offset(scan.records_not_array)) +
            ": \"Records\" is " + std::string(TypeOfFirstByte(data_[scan.records_not_array])) +
            ", not an array of records"));
    phase_ = Phase::kDone;
    return end_;
  }
  const void* nl = std::memchr(data_ + p, '\n', end_ - p);
  if (scan.end == kNotFound) {
    // The first object is cut by the end of this chunk, or damaged. Wait for more text while it
    // could still be a record; past that, or at the end, a damaged first object with more lines
    // after it is read as NDJSON so that the lines after the damage still come through.
    if (!final_ && end_ - p <= max_record_ + 64) {
      need_more_ = true;
      return p;
    }
    const bool more_lines =
        nl != nullptr &&
        SkipWhitespace(data_, static_cast<const char*>(nl) - data_ + 1, end_) < end_;
    if (more_lines) {
      envelope_ = Envelope::kLines;
      phase_ = Phase::kLines;
      return p;
    }
    envelope_ = Envelope::kSingle;
    in_array_ = false;
    phase_ = Phase::kValue;  // the value reader rejects it (too large, damaged or truncated)
    return p;
  }
  const size_t rest = SkipWhitespace(data_, scan.end, end_);
  if (rest >= end_) {
    if (!final_) {  // one record, or the first of several: the next bytes decide
      need_more_ = true;
      return p;
    }
    envelope_ = Envelope::kSingle;
    bool has_backslash = true;
    FindContainerEnd(data_, p, scan.end, &has_backslash);
    Record(p, scan.end, -1, has_backslash);
    phase_ = Phase::kDone;
    return end_;
  }
  if (std::memchr(data_ + p, '\n', scan.end - p) == nullptr) {
    envelope_ = Envelope::kLines;
    phase_ = Phase::kLines;
    return p;
  }
  envelope_ = Envelope::kSequence;
  in_array_ = false;
  phase_ = Phase::kValue;
  return p;
}

size_t EnvelopeParser::ParseValues(size_t pos) {
  while (true) {
    switch (phase_) {
      case Phase::kSkipValue: {
        size_t e = json_scan::ResumeContainerEnd(data_, pos, end_, &skip_state_);
        if (e == kNotFound) {
          if (final_) Damaged(end_, "the input ends inside record " + std::to_string(index_ - 1));
          return end_;
        }
        pos = e;
        phase_ = in_array_ ? Phase::kSeparator : Phase::kValue;
        break;
      }
      case Phase::kValue: {
        const size_t p = SkipWhitespace(data_, pos, end_);
        if (p >= end_) {
          if (!final_) return p;
          if (in_array_) {
            Damaged(
                p, "the input ends inside the array, after " + std::to_string(index_) + " records");
          } else if (envelope_ == Envelope::kSingle && index_ == 0) {
            Damaged(p, "the input has no record");
          }
          phase_ = Phase::kDone;
          return end_;
        }
        const char c = data_[p];
        if (in_array_ && c == ']') {
          phase_ = Phase::kAfterArray;
          pos = p + 1;
          break;
        }
        if (c == ',' || c == ':' || c == ']' || c == '}') {
          Damaged(p, std::string("expected a record, found '") + c + "'");
          return end_;
        }
        size_t e;
        bool has_backslash = true;
        if (c == '{' || c == '[') {
          e = FindContainerEnd(data_, p, end_, &has_backslash);
          if (e == kNotFound) {
            if (final_) {
              Damaged(p,
                      "record " + std::to_string(index_) + " is not closed (truncated or damaged)");
              return end_;
            }
            if (end_ - p <= max_record_ + 64) {
              need_more_ = true;
              return p;
            }
            // Longer than any record may be: reject it now and skip it as the text arrives.
            TooLarge(p, -1);
            skip_state_ = json_scan::ScanState{};
            json_scan::ResumeContainerEnd(data_, p, end_, &skip_state_);
            phase_ = Phase::kSkipValue;
            return end_;
          }
        } else {
          e = SkipValue(data_, p, end_);
          if (e == kNotFound || (e == end_ && !final_)) {
            if (!final_ && end_ - p <= 2 * max_record_) {
              need_more_ = true;
              return p;
            }
            Damaged(p,
                    "record " + std::to_string(index_) + " is not closed (truncated or damaged)");
            return end_;
          }
        }
        if (c != '{') {
          NotObject(p, c, -1);
        } else if (lookup_events_) {
          LookupEventsEntry(p, e);
        } else {
          Record(p, e, -1, has_backslash);
        }
        pos = e;
        if (in_array_) {
          phase_ = Phase::kSeparator;
        } else if (envelope_ == Envelope::kSingle) {
          phase_ = Phase::kDone;
          return end_;
        }
        break;
      }
      case Phase::kSeparator: {
        const size_t p = SkipWhitespace(data_, pos, end_);
        if (p >= end_) {
          if (!final_) return p;
          Damaged(p,
                  "the input ends inside the array, after " + std::to_string(index_) + " records");
          return end_;
        }
        if (data_[p] == ',') {
          phase_ = Phase::kValue;
          pos = p + 1;  // a trailing comma before ']' is forgiven
        } else if (data_[p] == ']') {
          phase_ = Phase::kAfterArray;
          pos = p + 1;
        } else {
          Damaged(p, "expected ',' or ']' after record " + std::to_string(index_ - 1) +
                         ", found '" + std::string(1, data_[p]) + "'");
          return end_;
        }
        break;
      }
      case Phase::kAfterArray: {
        const size_t p = SkipWhitespace(data_, pos, end_);
        if (p >= end_) {
          if (!final_) return p;
          // E1/E5: other top-level keys may follow the array, but the object must go on.
          if (envelope_ != Envelope::kArray) Damaged(p, "the input ends before the closing '}'");
          phase_ = Phase::kDone;
          return end_;
        }
        if (envelope_ == Envelope::kArray) Damaged(p, "content after the array");
        phase_ = Phase::kDone;
        return end_;
      }
      default:
        return pos;
    }
  }
}

size_t EnvelopeParser::ParseLines(size_t pos) {
  while (pos < end_) {
    const void* nl = std::memchr(data_ + pos, '\n', end_ - pos);
    if (phase_ == Phase::kSkipLine) {
      if (nl == nullptr) return end_;
      pos = static_cast<const char*>(nl) - data_ + 1;
      ++line_;
      phase_ = Phase::kLines;
      continue;
    }
    if (nl == nullptr && !final_) {
      const size_t s = SkipWhitespace(data_, pos, end_);
      if (end_ - s <= max_record_ + 64) {
        need_more_ = true;
        return pos;
      }
      TooLarge(s, line_);
      phase_ = Phase::kSkipLine;
      return end_;
    }
    const size_t line_end = nl ? static_cast<const char*>(nl) - data_ : end_;
    const size_t s = SkipWhitespace(data_, pos, line_end);
    size_t e = line_end;
    while (e > s && json_scan::IsSpace(data_[e - 1])) --e;
    if (s < e) {
      const char c = data_[s];
      if (c != '{') {
        NotObject(s, c, line_);
      } else {
        bool has_backslash = true;
        const size_t ce = FindContainerEnd(data_, s, e, &has_backslash);
        if (ce == e) {
          Record(s, e, line_, has_backslash);
        } else if (ce == kNotFound && nl == nullptr) {
          Damaged(s, "the last line's record is not closed (truncated)");
          ++index_;
        } else {
          summary_->Reject(
              RejectReason::kInvalidJson,
              Status::InvalidArgument(RecordLocation(Source(s, line_)) + ": " +
                                      (ce == kNotFound ? "the record is not closed on its line"
                                                       : "content after the record on its line")));
          ++index_;
        }
      }
    }
    pos = line_end + 1;
    ++line_;
  }
  return end_;
}

size_t EnvelopeParser::Parse(Str text, bool final, EventBatch* batch) {
  data_ = text.data();
  end_ = text.size();
  final_ = final;
  batch_ = batch;
  need_more_ = false;
  // Room for the records (compact trail records are ~1-2 KB) so the vector rarely regrows;
  // over-reserving costs address space only, untouched pages are never faulted in.
  batch->events.reserve(batch->events.size() + text.size() / 768 + 4);
  size_t pos = 0;
  while (!need_more_ && pos < end_) {
    switch (phase_) {
      case Phase::kDetect:
        pos = Detect(pos);
        break;
      case Phase::kLines:
      case Phase::kSkipLine:
        pos = ParseLines(pos);
        break;
      case Phase::kDone:
        pos = end_;
        break;
      default:
        pos = ParseValues(pos);
        break;
    }
  }
  if (final) {
    // The text may end exactly where a phase expects more.
    if (phase_ != Phase::kDone && phase_ != Phase::kDetect && phase_ != Phase::kLines &&
        phase_ != Phase::kSkipLine) {
      ParseValues(end_);
    }
    if (!cut_short_because_.empty() && !damage_reported_) {
      damage_reported_ = true;
      summary_->Reject(RejectReason::kTruncated,
                       Status::DataLoss(name_ + ": offset " + std::to_string(Offset(end_)) +
                                        " of the JSON: " + cut_short_because_));
    }
    phase_ = Phase::kDone;
    pos = end_;
  }
  base_ += pos;
  return pos;
}

std::string_view EnvelopeName(Envelope e) {
  switch (e) {
    case Envelope::kEmpty:
      return "empty";
    case Envelope::kRecords:
      return "records";
    case Envelope::kArray:
      return "array";
    case Envelope::kLines:
      return "ndjson";
    case Envelope::kSequence:
      return "json-sequence";
    case Envelope::kSingle:
      return "single";
    case Envelope::kLookupEvents:
      return "lookup-events";
    case Envelope::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Str OwnPadded(std::string buffer, EventBatch* batch) {
  const size_t n = buffer.size();
  if (buffer.capacity() < n + simdjson::SIMDJSON_PADDING) {
    buffer.reserve(n + simdjson::SIMDJSON_PADDING);
  }
  return batch->Own(std::move(buffer));
}

Envelope ParseOwnedJson(Str json, std::string_view name, RecordParser* parser, EventBatch* batch,
                        ParseSummary* summary, std::string_view cut_short_because) {
  EnvelopeParser envelope(name, parser, summary);
  if (!cut_short_because.empty()) envelope.SetCutShort(std::string(cut_short_because));
  envelope.Parse(json, /*final=*/true, batch);
  return envelope.envelope();
}

Envelope ParseJsonText(std::string json, std::string_view name, RecordParser* parser,
                       EventBatch* batch, ParseSummary* summary) {
  summary->bytes_json += json.size();
  Str owned = OwnPadded(std::move(json), batch);
  return ParseOwnedJson(owned, name, parser, batch, summary);
}

}  // namespace cairn
