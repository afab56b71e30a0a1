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
#include <functional>
#include <memory>
#include <mutex>
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
  // A segment is "small" while its events' raw records total less than this. A merge's output is
  // also cut into several segments at UTC day boundaries once the current one reaches it, so every
  // output but the last is big (each merge leaves fewer small segments: compaction ends), and
  // outputs cover disjoint time ranges (the dedupe lookups of the ingest path and time-bounded
  // scans ask fewer segments).
  uint64_t small_segment_raw_bytes = 64ull << 20;
  // Compact automatically when more than this many small segments exist.
  size_t trigger_count = 8;
  // Upper bound of one merge's input, in raw record bytes (bounds its memory: the inputs are read
  // back whole).
  uint64_t max_input_raw_bytes = 128ull << 20;
  // Stores that share a gate run their background merges one at a time: a merge reads its inputs
  // back whole, so an organization's many stores merging at once would add up (a data folder
  // gives all its stores one gate). nullptr: no limit.
  std::shared_ptr<std::mutex> gate;
};

// Picks the segments of one merge: indices into `segments`, in eventTime order of their start.
// Candidates are the small segments; with `force` any two or more are merged, otherwise only when
// there are more than trigger_count of them. The pick takes neighbours in time (so merged segments
// overlap little) up to max_input_raw_bytes, starting from the oldest. Empty: nothing to do.
std::vector<size_t> PickCompaction(std::span<const SegmentInfo> segments,
                                   const CompactionOptions& opts, bool force);

struct MergeOutput {
  uint64_t number;
  SegmentMeta meta;
};

// Reads every event of `inputs`, drops those with eventTime < floor_us, sorts the rest by eventTime
// (ties: input order, then the order within an input) and writes them as one or more segments
// (see CompactionOptions::small_segment_raw_bytes), each at path_of(number) with number =
// new_number(). Each output is synced; the caller syncs the folder. Returns the outputs in time
// order (none when every event was expired). On error the outputs written so far are removed.
Result<std::vector<MergeOutput>> MergeSegments(Env* env,
                                               std::span<const SegmentReader* const> inputs,
                                               int64_t floor_us, const CompactionOptions& copts,
                                               const SegmentWriteOptions& opts,
                                               const std::function<uint64_t()>& new_number,
                                               const std::function<std::string(uint64_t)>& path_of);

}  // namespace cairn
