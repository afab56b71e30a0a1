// src/store/wal_batch.h
//
// The payload of a WAL kBatch record: the accepted events of one appended batch, as their exact
// original record bytes (Event::raw) plus the two values the record parser may have made up rather
// than read from those bytes: eventTime (stamped with the ingest time when a record has none) and
// eventID (synthesised when absent). Replay re-parses the bytes and restores those two values, so a
// replayed event is the event that was acknowledged. Grammar: atop wal_batch.cc and
// doc/format/wal.md.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "common/status.h"
#include "event/event.h"

namespace cairn::wal {

// Appends the batch payload for `events` to `out`.
// REQUIRES: every event's raw is non-NULL.
void EncodeBatch(std::span<const Event> events, std::string* out);

// One event as stored in a batch payload. Views point into the payload.
struct WalEvent {
  int64_t event_time_us;
  bool has_event_id;  // false: the parser reads eventID from raw
  Str event_id;       // when has_event_id; may be NULL (the event had no eventID)
  std::string_view raw;
};

// Calls `fn` for each event of a batch payload, in order. kDataLoss (naming `where`) if the payload
// is malformed; `fn`'s error is returned as is.
Status DecodeBatch(std::string_view payload, std::string_view where,
                   const std::function<Status(const WalEvent&)>& fn);

}  // namespace cairn::wal
