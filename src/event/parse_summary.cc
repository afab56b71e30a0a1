#include "event/parse_summary.h"

namespace cairn {

std::string_view RejectReasonName(RejectReason reason) {
  switch (reason) {
    case RejectReason::kInvalidJson:
      return "invalid_json";
    case RejectReason::kNotObject:
      return "not_object";
    case RejectReason::kMissingEventTime:
      return "missing_event_time";
    case RejectReason::kBadEventTime:
      return "bad_event_time";
    case RejectReason::kMissingEventId:
      return "missing_event_id";
    case RejectReason::kWrongType:
      return "wrong_type";
    case RejectReason::kTooLarge:
      return "too_large";
    case RejectReason::kTruncated:
      return "truncated";
    case RejectReason::kBadEnvelope:
      return "bad_envelope";
    case RejectReason::kUnreadable:
      return "unreadable";
  }
  return "unknown";
}

std::string_view RejectReasonLabel(RejectReason reason) {
  switch (reason) {
    case RejectReason::kInvalidJson:
      return "invalid JSON";
    case RejectReason::kNotObject:
      return "not a JSON object";
    case RejectReason::kMissingEventTime:
      return "missing eventTime";
    case RejectReason::kBadEventTime:
      return "unparseable eventTime";
    case RejectReason::kMissingEventId:
      return "missing eventID";
    case RejectReason::kWrongType:
      return "field of the wrong type";
    case RejectReason::kTooLarge:
      return "record too large";
    case RejectReason::kTruncated:
      return "truncated or damaged file";
    case RejectReason::kBadEnvelope:
      return "not a CloudTrail envelope";
    case RejectReason::kUnreadable:
      return "unreadable file";
  }
  return "unknown";
}

void ParseSummary::Reject(RejectReason reason, const Status& status) {
  ++rejected[static_cast<size_t>(reason)];
  if (errors.size() < max_errors) errors.push_back(status.message());
}

void ParseSummary::Merge(const ParseSummary& o) {
  accepted += o.accepted;
  for (size_t i = 0; i < kRejectReasonCount; ++i) rejected[i] += o.rejected[i];
  files_read += o.files_read;
  digest_files_skipped += o.digest_files_skipped;
  insight_files_skipped += o.insight_files_skipped;
  other_files_skipped += o.other_files_skipped;
  bytes_read += o.bytes_read;
  bytes_json += o.bytes_json;
  for (const std::string& e : o.errors) {
    if (errors.size() >= max_errors) break;
    errors.push_back(e);
  }
}

uint64_t ParseSummary::rejected_total() const {
  uint64_t n = 0;
  for (uint64_t r : rejected) n += r;
  return n;
}

}  // namespace cairn
