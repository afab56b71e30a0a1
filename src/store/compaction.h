// src/store/compaction.h
//
// Compaction merges small segments into bigger ones, so a store that is fed often does not end up
// with thousands of tiny files (each costs an open reader, a bloom probe per ingested event and a
// scan task per query). Picking is a pure function of the segment list; merging reads the inputs
// back, drops expired events, sorts by eventTime and writes one new segment. The store installs the
// result with one manifest replace; readers holding snapshots keep the inputs until they let go.
//
// Thread-safety: pure functions; MergeSegments reads its inputs through thread-safe const methods.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "store/manifest.h"
#include "store/segment_reader.h"
#include "store/segment_writer.h"

namespace cairn {

struct CompactionOptions {
  // A segment is "small" below this many bytes on disk.
  uint64_t small_segment_bytes = 32ull << 20;
  // Compact automatically when more than this many small segments exist.
  size_t trigger_count = 8;
  // Upper bound of one merge's input, in raw record bytes (bounds its memory: the inputs are read
  // back whole).
  uint64_t max_input_raw_bytes = 128ull << 20;
};

// Picks the segments of one merge: indices into `segments`, in eventTime order of their start.
// Candidates are the small segments; with `force` any two or more are merged, otherwise only when
// there are more than trigger_count of them. The pick takes neighbours in time (so merged segments
// overlap little) up to max_input_raw_bytes, starting from the oldest. Empty: nothing to do.
std::vector<size_t> PickCompaction(std::span<const SegmentInfo> segments,
                                   const CompactionOptions& opts, bool force);

// Reads every event of `inputs`, drops those with eventTime < floor_us, and writes the rest sorted
// by eventTime (ties: input order, then the order within an input) to `out_path`. Returns the new
// segment's meta, or nullopt-like meta with event_count == 0 and no file written when nothing is
// left.
Result<SegmentMeta> MergeSegments(Env* env, std::span<const SegmentReader* const> inputs,
                                  int64_t floor_us, const std::string& out_path,
                                  const SegmentWriteOptions& opts);

}  // namespace cairn
