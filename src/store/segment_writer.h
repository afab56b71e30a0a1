// src/store/segment_writer.h
//
// Writes one immutable segment file: a batch of events sorted by eventTime, stored as columns in
// blocks with zone maps, bloom filters for the needle columns, and the exact original records.
// Format: doc/format/segment.md.
//
// Thread-safety: WriteSegment is a free function; concurrent calls must write different paths.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "event/event.h"

namespace cairn {

// One event to write and the batch that owns its memory (resources, strings).
struct EventRef {
  const Event* event;
  const EventBatch* batch;
};

struct SegmentWriteOptions {
  // zstd level for plain, UUID (at most 3) and fixed-width pages. Dictionary pages and the code
  // group never go below their own minimums (6 and 3, segment_writer.cc), whatever this says.
  int compression_level = 3;
  // Rows per block: the unit of zone maps, bloom filters and scans. 0 = the default (16384).
  uint32_t block_rows = 0;
  // Sync the file before returning (the engine then renames/links it into the manifest).
  bool sync = true;
};

// What the manifest keeps about a segment. Also stored in the segment footer.
struct SegmentMeta {
  uint32_t format_version = 0;
  uint64_t event_count = 0;
  int64_t min_event_time_us = 0;  // inclusive; 0 when event_count == 0
  int64_t max_event_time_us = 0;  // inclusive; 0 when event_count == 0
  uint64_t file_bytes = 0;        // size of the file
  uint64_t raw_bytes = 0;         // sum of the original record sizes (Event::raw)
  uint32_t block_count = 0;
};

// Writes `events` to a new file at `path` (created or truncated) and, if opts.sync, makes it
// durable. On error the file may be partly written; the caller removes it.
// REQUIRES: `events` sorted by event_time_us ascending (kInvalidArgument otherwise); every
// EventRef's batch outlives the call. An empty span writes a valid empty segment.
Result<SegmentMeta> WriteSegment(Env* env, const std::string& path,
                                 std::span<const EventRef> events,
                                 const SegmentWriteOptions& opts = {});

// Convenience: references to all events of `batches`, stably sorted by event_time_us.
std::vector<EventRef> SortedEventRefs(std::span<const EventBatch* const> batches);

}  // namespace cairn
