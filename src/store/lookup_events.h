// src/store/lookup_events.h
//
// LookupEvents (spec/event-history.md): the request, its validation, the opaque paging token, and
// the lookup itself over one store's read view (a LookupSource: the segments and memtable events
// of a Snapshot). The API handler and `cairn lookup` both call LookupEvents(); src/store/
// event_history.h wraps it for one account+region history store.
//
// Semantics (spec §2-§5, with the spec's suggested choices for what AWS leaves unconfirmed):
//   - at most one lookup attribute, compared by exact, case-sensitive equality; ResourceType and
//     ResourceName match when ANY element of the event's resources matches;
//   - StartTime and EndTime inclusive, EndTime defaults to now; events older than the window
//     (90 days before now) or below the store's retention floor are never returned;
//   - without EventCategory only management events are returned; with EventCategory=insight only
//     Insights events (and only the EventId/EventName/EventSource attributes are allowed);
//   - newest first, ties ordered by eventID descending (byte-wise); a page holds MaxResults events
//     (default 50); NextToken is present while more remain.
//
// NextToken encodes the (eventTime, eventID) of the page's last event: the next page continues
// strictly after that position in the order above, so events appended between calls with a newer
// eventTime never shift a page, and no event that was older than the position is repeated or
// skipped. The token is authenticated with HMAC-SHA256 over the position and the request's
// parameters (attribute, times, category) and the caller's scope (for example the account and
// region of the history): a modified token, or one sent with other parameters or to another
// history, is InvalidNextTokenException. MaxResults may change between pages (the AWS CLI's
// --page-size / --max-items do that). Byte layout: doc/format/lookup-token.md and atop
// lookup_events.cc.
//
// Errors: a validation failure is a kInvalidArgument Status whose message starts with the AWS
// exception name of spec §7 and a colon ("InvalidTimeRangeException: StartTime ... is after
// EndTime ..."); LookupExceptionName() extracts it. Read errors of the store (kDataLoss ...) pass
// through unchanged.
//
// Thread-safety: free functions over immutable inputs; safe from many threads at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_writer.h"
#include "common/status.h"
#include "event/event.h"
#include "store/lookup_cache.h"
#include "store/segment_reader.h"
#include "store/segment_writer.h"

namespace cairn {

struct LookupAttribute {
  std::string key;    // AttributeKey, case-sensitive: EventId, EventName, ...
  std::string value;  // AttributeValue
};

struct LookupEventsRequest {
  std::vector<LookupAttribute> attributes;  // at most one
  std::optional<double> start_time;         // epoch seconds (fractions allowed)
  std::optional<double> end_time;
  std::optional<std::string> event_category;  // only "insight"
  std::optional<int64_t> max_results;         // 1..50, default 50
  std::optional<std::string> next_token;
};

struct LookupResource {
  std::optional<std::string> resource_type;  // resources[].type
  std::optional<std::string> resource_name;  // resources[].ARN
};

// One event of the response (spec §5). Optional members are omitted from the response when empty.
struct LookupEventResult {
  std::string event_id;
  std::optional<std::string> event_name;
  std::optional<std::string> read_only;  // "true" / "false"
  std::optional<std::string> access_key_id;
  int64_t event_time_us = 0;
  std::optional<std::string> event_source;
  std::optional<std::string> username;  // spec §6 (DerivedUsername)
  std::vector<LookupResource> resources;
  std::string cloud_trail_event;  // the exact original record
  // The event as WriteLookupEventsResponse writes it (one JSON object), when the lookup had it
  // ready (LookupBlockCache); the writer then copies it instead of rendering the fields again.
  std::shared_ptr<const std::string> rendered;
};

struct LookupEventsResponse {
  std::vector<LookupEventResult> events;
  std::string next_token;  // empty: no more results
};

// The events a lookup reads: what a store Snapshot holds. Every pointer must stay valid for the
// duration of the LookupEvents call.
struct LookupSource {
  std::vector<const SegmentReader*> segments;
  std::vector<EventRef> memtable;   // any order
  int64_t min_time_us = INT64_MIN;  // events before this are expired (retention floor)
};

// What one lookup did, for benchmarks and tests (LookupContext::stats).
struct LookupStats {
  uint64_t segments = 0;         // segments whose time range meets the lookup's window
  uint64_t blocks_scanned = 0;   // blocks whose pages were decoded to find matching rows
  uint64_t blocks_skipped = 0;   // blocks ruled out without decoding anything
  uint64_t blocks_cached = 0;    // blocks walked in the LookupBlockCache
  uint64_t blocks_built = 0;     // blocks decoded whole into the LookupBlockCache
  uint64_t records_rebuilt = 0;  // original records rebuilt from their segment

  LookupStats& operator+=(const LookupStats& o) {
    segments += o.segments;
    blocks_scanned += o.blocks_scanned;
    blocks_skipped += o.blocks_skipped;
    blocks_cached += o.blocks_cached;
    blocks_built += o.blocks_built;
    records_rebuilt += o.records_rebuilt;
    return *this;
  }
};

struct LookupContext {
  int64_t now_us = 0;
  // Key of the token MAC. Any bytes; tokens made with one key are invalid under another.
  std::string token_key;
  // Binds tokens to one history ("<account>/<region>"): a token is invalid in another scope.
  std::string scope;
  // How far back lookups reach (spec §4: 90 days).
  int64_t window_us = 90LL * 24 * 3600 * 1000000;
  // Decoded blocks to read instead of decoding segment pages again (lookup_cache.h); null: none.
  LookupBlockCache* cache = nullptr;
  // For callers that only write the response (the API): events that come rendered from the
  // cache carry only `rendered`, EventId and EventTime (cloud_trail_event and the other fields
  // stay empty), which saves copying them.
  bool rendered_only = false;
  // When set, the lookup adds what it did to *stats.
  LookupStats* stats = nullptr;
};

// A validated request: what the scan needs.
struct LookupPlan {
  enum class Attribute : uint8_t {
    kNone,
    kEventId,
    kEventName,
    kEventSource,
    kReadOnly,
    kUsername,
    kResourceType,
    kResourceName,
    kAccessKeyId,
  };
  Attribute attribute = Attribute::kNone;
  std::string value;                // the attribute's value (kReadOnly: "true" / "false")
  bool insight = false;             // EventCategory=insight
  int64_t min_time_us = INT64_MIN;  // inclusive
  int64_t max_time_us = INT64_MAX;  // inclusive
  uint32_t max_results = 50;
  // Continue strictly after this position (from NextToken).
  bool has_cursor = false;
  int64_t cursor_time_us = 0;
  std::string cursor_event_id;
  // The request's canonical parameters, covered by the token MAC.
  std::string params;
};

inline constexpr uint32_t kLookupMaxResults = 50;
inline constexpr size_t kLookupMaxAttributeLength = 2000;

// Validates `req` and decodes its token. Errors carry the spec §7 exception names.
Result<LookupPlan> PlanLookup(const LookupEventsRequest& req, const LookupContext& ctx);

// Runs a lookup: one page of results and the token for the next.
Result<LookupEventsResponse> LookupEvents(const LookupSource& source,
                                          const LookupEventsRequest& req, const LookupContext& ctx);
// The same for an already validated plan.
Result<LookupEventsResponse> ExecuteLookup(const LookupSource& source, const LookupPlan& plan,
                                           const LookupContext& ctx);

// True when `e` satisfies the plan's category and attribute (not its time range or cursor).
bool MatchesLookup(const Event& e, const EventBatch& batch, const LookupPlan& plan);

// The token that continues after (time_us, event_id) for `plan`'s parameters.
std::string EncodeLookupToken(const LookupPlan& plan, const LookupContext& ctx, int64_t time_us,
                              std::string_view event_id);

// Writes `response` as the LookupEvents response document of spec §5:
//   {"Events":[{"EventId","EventName","ReadOnly","AccessKeyId","EventTime","EventSource",
//               "Username","Resources":[{"ResourceType","ResourceName"}],"CloudTrailEvent"}],
//    "NextToken"}
// EventTime is epoch seconds (a JSON number); absent optional members are omitted; NextToken only
// when there is one.
void WriteLookupEventsResponse(const LookupEventsResponse& response, JsonWriter* w);
// Writes one element of "Events" (ignores e.rendered).
void WriteLookupEvent(const LookupEventResult& e, JsonWriter* w);

// "InvalidTimeRangeException" for a Status made by PlanLookup; empty for any other Status.
std::string_view LookupExceptionName(const Status& status);

// The AttributeValue length as spec §3 counts it: UTF-8 characters, with '_', ' ', ',' and '\n'
// counting twice.
size_t LookupAttributeLength(std::string_view value);

}  // namespace cairn
