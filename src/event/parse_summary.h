// src/event/parse_summary.h
//
// ParseSummary counts what an import or `cairn parse` did: records accepted, records rejected by
// reason, files read or skipped, bytes read (as stored and as JSON), and keeps the first few error
// messages for display. Every rejection is one Status naming the file, the record index and the
// reason ("trail.json.gz: record 17 (offset 40213): eventTime is not a string").
//
// Thread-safety: not synchronised. Each worker fills its own summary; Merge() them afterwards.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn {

// Why a record (or, for the file-level reasons, a whole file or its tail) was not accepted.
enum class RejectReason : uint8_t {
  kInvalidJson = 0,   // the record is not valid JSON
  kNotObject,         // an array element / line that is not a JSON object
  kMissingEventTime,  // no eventTime, or eventTime null
  kBadEventTime,      // eventTime present but not an RFC 3339 date-time string
  kMissingEventId,    // no eventID, or null or ""
  kWrongType,         // a known field of the wrong JSON type (eventName a number, ...)
  kTooLarge,          // record bigger than the limit
  kTruncated,         // file-level: the file ends (or is damaged) inside the envelope
  kBadEnvelope,       // file-level: not one of the accepted envelopes
  kUnreadable,        // file-level: cannot be read or decompressed
};
inline constexpr size_t kRejectReasonCount = 10;

// Stable snake_case names, used as keys in `--format json` output: "invalid_json", ...
std::string_view RejectReasonName(RejectReason reason);
// Human labels for tables: "invalid JSON", ...
std::string_view RejectReasonLabel(RejectReason reason);

struct ParseSummary {
  static constexpr size_t kDefaultMaxErrors = 20;

  uint64_t accepted = 0;
  std::array<uint64_t, kRejectReasonCount> rejected{};
  uint64_t files_read = 0;             // files whose records were parsed (even if some were bad)
  uint64_t digest_files_skipped = 0;   // CloudTrail-Digest files: recognised, not events
  uint64_t insight_files_skipped = 0;  // CloudTrail-Insight files: recognised, not taken
  uint64_t other_files_skipped = 0;    // files in folders whose names are not JSON inputs
  uint64_t bytes_read = 0;             // bytes as stored (compressed when gzip)
  uint64_t bytes_json = 0;             // bytes of JSON after decompression
  std::vector<std::string> errors;     // the first `max_errors` rejection messages, in order
  size_t max_errors = kDefaultMaxErrors;

  // Counts one rejection and keeps its message if there is room.
  void Reject(RejectReason reason, const Status& status);
  // Adds `other`'s counts; keeps other's error messages after ours while there is room.
  void Merge(const ParseSummary& other);

  uint64_t rejected_total() const;
  bool clean() const { return rejected_total() == 0; }
};

}  // namespace cairn
