// src/event/record_parser.h
//
// RecordParser turns the JSON text of one CloudTrail record into an Event (src/event/event.h)
// appended to an EventBatch. It uses simdjson On-Demand: string fields without escapes become views
// straight into the input buffer, strings with escapes are unescaped into the batch's arena, and
// the free-form objects (requestParameters, responseElements, additionalEventData,
// serviceEventDetails, addendum, edgeDeviceDetails, insightDetails, webIdFederationData.attributes)
// are kept as their exact JSON text. Event::raw is the record's exact bytes.
//
// What is accepted and refused is documented in doc/format/input.md. In short:
//   - every field is optional except eventTime (RFC 3339, fraction and offset allowed, stored as
//     whole UTC seconds) and eventID (a non-empty string);
//   - known fields must have their JSON type (or null); a few type slips made by tools are
//     forgiven: eventVersion and sessionContext text fields given as numbers or booleans keep their
//     JSON text; readOnly/managementEvent given as the strings "true"/"false";
//     sessionCredentialFromConsole given as a boolean;
//   - unknown fields, unknown regions and future eventVersions are kept (in raw), not refused;
//   - eventCategory is derived when absent (spec cloudtrail-events.md P1).
//
// Thread-safety: a RecordParser holds a simdjson parser and is used by one thread at a time. Keep
// one per thread and reuse it: its buffers grow to the largest record seen and stay allocated.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include "common/status.h"
#include "event/event.h"
#include "event/parse_summary.h"

namespace cairn {
namespace record_parser_internal {
class Kernel;
}

struct RecordParserOptions {
  // Records longer than this are rejected (kTooLarge) without being parsed. AWS's own limit is
  // 256 KB; hand-made data is allowed more.
  size_t max_record_bytes = size_t{1} << 20;
  // Check that the free-form objects and unknown fields are valid JSON (every token visited).
  // Without it they are skipped structurally and only the known fields are validated.
  bool validate_payloads = true;
  // Use the baseline (scalar) kernel even when the CPU runs the Haswell one (tests compare them).
  bool force_fallback_kernel = false;
};

// Where a record came from, for error messages: "<file>: record <index> (offset <offset>)", or
// "<file>: line <line> (record <index>)" for NDJSON.
struct RecordSource {
  std::string_view file;
  uint64_t index = 0;   // 0-based position of the record in its file
  uint64_t offset = 0;  // byte offset of the record's first byte in the file's JSON text
  int64_t line = -1;    // 1-based line number for NDJSON inputs, -1 otherwise
};

// Formats the prefix of a record's error messages (see RecordSource).
std::string RecordLocation(const RecordSource& src);

class RecordParser {
 public:
  explicit RecordParser(RecordParserOptions options = {});
  ~RecordParser();
  RecordParser(const RecordParser&) = delete;
  RecordParser& operator=(const RecordParser&) = delete;

  // Parses `json`, one record, and appends its Event to `batch` (resources to batch->resources).
  // REQUIRES: `json` is readable for SIMDJSON_PADDING (64) bytes past its end, and it lives as long
  // as `batch` (normally it points into a buffer that `batch` owns, see EventBatch::Own).
  // On rejection nothing is appended to batch->events, `*reason` says why and the Status names the
  // record (RecordLocation) and the problem.
  // `has_backslash` false promises that `json` contains no backslash (the envelope splitter
  // learns it for free); the parser then skips looking for escapes in each string.
  Status Parse(Str json, const RecordSource& src, EventBatch* batch, RejectReason* reason,
               bool has_backslash = true);

  const RecordParserOptions& options() const { return options_; }
  // Which simdjson kernel parses: "haswell" (AVX2, chosen when the CPU has it) or "fallback".
  std::string_view kernel() const { return kernel_; }

 private:
  RecordParserOptions options_;
  std::string_view kernel_;
  std::unique_ptr<record_parser_internal::Kernel> impl_;
};

}  // namespace cairn
