// src/store/segment_writer.h
//
// Writes one immutable segment file: a batch of events sorted by eventTime, stored as columns in
// blocks with zone maps, bloom filters for the needle columns, and the exact original records.
// Format: doc/format/segment.md.
//
// Thread-safety: WriteSegment is a free function; concurrent calls must write different paths.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "event/event.h"

namespace cairn {

namespace segment {
class ZstdDictionary;
}

// The trained zstd dictionaries of a series of segments (one store's), kept so that the next
// segment reuses them instead of training its own: training costs ~5% of writing a 72 MB segment
// and more of smaller ones, and a dictionary trained on the previous segments of the same store
// compresses the next one about as well. A segment still stores the dictionary it uses (its
// format does not change); a dictionary is trained again after `reuse` segments, so it follows
// the data.
// Thread-safety: safe to use from several writers at once.
class TrainedDictionaries {
 public:
  explicit TrainedDictionaries(uint32_t reuse = 8) : reuse_(reuse) {}

  // The dictionary kept under `key`, unless there is none or it was handed out `reuse` times.
  std::shared_ptr<const segment::ZstdDictionary> Get(uint64_t key);
  // Keeps `dict` under `key` (replacing the one there) for the next `reuse` segments.
  void Put(uint64_t key, std::shared_ptr<const segment::ZstdDictionary> dict);

 private:
  struct Entry {
    std::shared_ptr<const segment::ZstdDictionary> dict;
    uint32_t uses = 0;
  };
  const uint32_t reuse_;
  std::mutex mu_;
  std::map<uint64_t, Entry> entries_;
};

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
  // When set, the streams' zstd dictionaries come from here and go back here (shared by the
  // segments of one store); when null, every segment trains its own.
  std::shared_ptr<TrainedDictionaries> dictionaries;
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
