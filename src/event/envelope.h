// src/event/envelope.h
//
// The envelopes CloudTrail records arrive in (spec cloudtrail-events.md §9, doc/format/input.md):
//   E1 {"Records":[...]}            S3 delivery files (gzip or not), other top-level keys ignored
//   E2 [ {...}, ... ]               bare JSON array (exports, Stratus detonation logs)
//   E3 one record per line          NDJSON; also concatenated (pretty-printed) objects
//   E4 {...}                        a single record
//   E5 {"Events":[{"CloudTrailEvent":"<record as a JSON string>"}, ...]}   LookupEvents output
// The envelope is detected from the first bytes, cut into records with the structural scanner (no
// DOM of the file) and each record is parsed on its own into an EventBatch. A record that is not
// an object, or is otherwise bad, is rejected alone; the rest of the input still comes through.
// An input damaged or truncated inside its envelope keeps the good records before the damage and
// reports one kTruncated error naming the input and the offset.
//
// Inputs too large to hold at once are parsed in pieces: EnvelopeParser::Parse takes the text
// chunk by chunk, each chunk's records going to that chunk's batch, so memory stays bounded by
// the chunk size (plus one record) whatever the input's size.
//
// Thread-safety: an EnvelopeParser is used by one thread at a time; the RecordParser and summary
// it was given must not be shared meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "event/event.h"
#include "event/json_scan.h"
#include "event/parse_summary.h"
#include "event/record_parser.h"

namespace cairn {

enum class Envelope {
  kEmpty,         // only whitespace (or nothing): no records, no error
  kRecords,       // E1
  kArray,         // E2
  kLines,         // E3, one record per line
  kSequence,      // E3 variant: whitespace-separated values spanning several lines
  kSingle,        // E4
  kLookupEvents,  // E5
  kUnknown,       // not JSON of any accepted shape (the input is rejected as kBadEnvelope)
};
std::string_view EnvelopeName(Envelope e);

// Splits one input's text into records, in one piece or chunk by chunk.
class EnvelopeParser {
 public:
  // `name` names the input in messages; `parser` and `summary` must outlive this object.
  // Accepted records are counted in summary->accepted, rejections go to summary->Reject.
  EnvelopeParser(std::string_view name, RecordParser* parser, ParseSummary* summary);
  ~EnvelopeParser();
  EnvelopeParser(const EnvelopeParser&) = delete;
  EnvelopeParser& operator=(const EnvelopeParser&) = delete;

  // Parses the records that are complete in `text` into `batch` and returns how many bytes of
  // `text` were used. The caller keeps the rest, text[used..], and passes it again at the start
  // of the next call, followed by the input's next bytes. `final`: nothing follows `text`; every
  // byte is then used. An unfinished value larger than the record limit is rejected (kTooLarge)
  // and skipped as the following chunks arrive, so the unused rest never exceeds about one
  // record.
  // REQUIRES: `text` is readable for SIMDJSON_PADDING bytes past its end and lives as long as
  // `batch` (it points into a buffer the batch owns); no call after a final one.
  size_t Parse(Str text, bool final, EventBatch* batch);

  // Marks the input as cut short (its gzip stream broke): the one kTruncated error for the damage
  // then carries `cause`, and is reported at the final Parse even if the text ends cleanly.
  void SetCutShort(std::string cause) { cut_short_because_ = std::move(cause); }

  // The envelope detected so far (kEmpty before the first non-blank byte).
  Envelope envelope() const { return envelope_; }

  // Where counts and rejections go from now on (for example one summary per chunk).
  void set_summary(ParseSummary* summary) { summary_ = summary; }

 private:
  enum class Phase {
    kDetect,      // nothing decided yet
    kValue,       // array: a record or ']' is next; sequence: a record or the end
    kSeparator,   // array: ',' or ']' is next
    kAfterArray,  // E1/E5 after the array: only checks that the input goes on to a '}'
    kLines,       // NDJSON: at the start of a line
    kSkipValue,   // inside an oversized container, already rejected
    kSkipLine,    // inside an oversized line, already rejected
    kDone,        // everything else is ignored
  };

  // Each returns the offset where parsing stopped in `text` (all of it when finished), or sets
  // need_more_ when a value is cut by the end of a non-final chunk.
  size_t Detect(size_t pos);
  size_t ParseValues(size_t pos);
  size_t ParseLines(size_t pos);
  void Record(size_t begin, size_t end, int64_t line, bool has_backslash);
  void NotObject(size_t begin, char first, int64_t line);
  void LookupEventsEntry(size_t begin, size_t end);
  void Damaged(size_t offset, const std::string& what);
  void TooLarge(size_t begin, int64_t line);
  RecordSource Source(size_t offset, int64_t line) const;
  uint64_t Offset(size_t pos) const { return base_ + pos; }

  std::string name_;
  RecordParser* parser_;
  ParseSummary* summary_;
  size_t max_record_;

  // The chunk being parsed.
  const char* data_ = nullptr;
  size_t end_ = 0;
  bool final_ = false;
  EventBatch* batch_ = nullptr;
  bool need_more_ = false;

  Envelope envelope_ = Envelope::kEmpty;
  Phase phase_ = Phase::kDetect;
  bool in_array_ = false;  // kValue/kSkipValue inside an array (else a sequence)
  bool lookup_events_ = false;
  uint64_t base_ = 0;   // input offset of the current chunk's first byte
  uint64_t index_ = 0;  // index of the next record
  int64_t line_ = 1;    // NDJSON: line number of the next line
  json_scan::ScanState skip_state_;
  std::string cut_short_because_;
  bool damage_reported_ = false;
  struct LookupParser;
  std::unique_ptr<LookupParser> lookup_parser_;  // E5 only
};

// Takes ownership of `json` (the decompressed text of one whole input), stores it in `batch` with
// simdjson padding, and parses every record in it. Adds json's size to summary->bytes_json.
// Returns the envelope found.
Envelope ParseJsonText(std::string json, std::string_view name, RecordParser* parser,
                       EventBatch* batch, ParseSummary* summary);

// As ParseJsonText, for the whole text of an input already in memory the batch owns.
// REQUIRES: as for EnvelopeParser::Parse. Does not add to bytes_json. `cut_short_because` as for
// EnvelopeParser::SetCutShort (empty: the text is whole).
Envelope ParseOwnedJson(Str json, std::string_view name, RecordParser* parser, EventBatch* batch,
                        ParseSummary* summary, std::string_view cut_short_because = {});

// Moves `buffer` into `batch` with at least SIMDJSON_PADDING bytes of spare capacity after its
// end (reallocating only if it has less) and returns a view of it.
Str OwnPadded(std::string buffer, EventBatch* batch);

}  // namespace cairn
