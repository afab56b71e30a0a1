// src/event/envelope.h
//
// The envelopes CloudTrail records arrive in (spec cloudtrail-events.md §9, doc/format/input.md):
//   E1 {"Records":[...]}            S3 delivery files (gzip or not), other top-level keys ignored
//   E2 [ {...}, ... ]               bare JSON array (exports, Stratus detonation logs)
//   E3 one record per line          NDJSON; also concatenated (pretty-printed) objects
//   E4 {...}                        a single record
//   E5 {"Events":[{"CloudTrailEvent":"<record as a JSON string>"}, ...]}   LookupEvents output
// ParseJsonText detects the envelope, cuts it into records with the structural scanner (no DOM of
// the file, memory bounded by the file's own size) and parses each record into an EventBatch.
// A record that is not an object, or is otherwise bad, is rejected alone; the rest of the file
// still comes through. A file damaged or truncated inside its envelope keeps the good records
// before the damage and reports one kTruncated error naming the file and the offset.
//
// Thread-safety: free functions; the RecordParser, batch and summary passed in must not be shared
// with other threads during the call.
#pragma once

#include <string>
#include <string_view>

#include "event/event.h"
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
  kUnknown,       // not JSON of any accepted shape (the file is rejected as kBadEnvelope)
};
std::string_view EnvelopeName(Envelope e);

// Takes ownership of `json` (the decompressed text of one input), stores it in `batch` with
// simdjson padding, and parses every record in it. `name` names the input in error messages.
// Accepted records are appended to `batch` and counted in summary->accepted; rejections go to
// summary->Reject. Adds json's size to summary->bytes_json. Returns the envelope found.
Envelope ParseJsonText(std::string json, std::string_view name, RecordParser* parser,
                       EventBatch* batch, ParseSummary* summary);

// As ParseJsonText, for text already in memory the batch owns.
// REQUIRES: `json` is readable for SIMDJSON_PADDING bytes past its end and lives as long as
// `batch`. Does not add to bytes_json.
// `cut_short_because`, when not empty, says the text is only the start of the input (its gzip
// stream broke): the one kTruncated error for the damage then carries that cause, and is reported
// even if the text happens to end cleanly.
Envelope ParseOwnedJson(Str json, std::string_view name, RecordParser* parser, EventBatch* batch,
                        ParseSummary* summary, std::string_view cut_short_because = {});

// Moves `buffer` into `batch` with at least SIMDJSON_PADDING bytes of spare capacity after its
// end (reallocating only if it has less) and returns a view of it.
Str OwnPadded(std::string buffer, EventBatch* batch);

}  // namespace cairn
