// src/store/segment_reader.h
//
// SegmentReader gives read access to one immutable segment file (format: doc/format/segment.md):
// its metadata, needle lookups by eventID (bloom filter, then an exact check), the original record
// bytes, whole-segment iteration (compaction) and column scans (SQL, event history).
//
// Corruption is reported as kDataLoss naming the file and the offset of the damaged part; a damaged
// block does not make the other blocks unreadable.
//
// Thread-safety: after Open() succeeds, every const method may be called from many threads at once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/env.h"
#include "common/status.h"
#include "event/event.h"
#include "store/block_rows.h"
#include "store/scan.h"
#include "store/segment_writer.h"

namespace cairn {

class SegmentReader {
 public:
  // Opens `path` and validates the header, footer and block index (with their checksums).
  // Block data is read and verified lazily, when used.
  static Result<std::unique_ptr<SegmentReader>> Open(Env* env, const std::string& path);

  virtual ~SegmentReader() = default;

  const SegmentMeta& meta() const { return meta_; }
  const std::string& path() const { return path_; }

  // True if the segment holds an event with this eventID and recipientAccountId (both compared
  // exactly; a NULL recipient_account_id matches events whose recipientAccountId is NULL).
  // The deduplication check of the ingest path: a bloom filter rules most segments out without
  // reading block data.
  virtual Result<bool> ContainsEvent(Str event_id, Str recipient_account_id) const = 0;
  // The same, searching only the blocks whose time range holds `event_time_us` (a re-imported
  // event has the same eventTime as the original): usually one block instead of all.
  virtual Result<bool> ContainsEvent(Str event_id, Str recipient_account_id,
                                     int64_t event_time_us) const = 0;

  // The original record bytes of the event with this eventID, or nullopt if absent. With a
  // non-NULL recipient_account_id only that account's event matches.
  virtual Result<std::optional<std::string>> FetchRawByEventId(
      Str event_id, Str recipient_account_id = Str()) const = 0;

  // Calls `fn` for every event in eventTime order (ties in write order). The Event and the batch
  // it points into are valid only during the call. Stops at the first non-OK status from `fn`
  // and returns it.
  virtual Status ForEachEvent(
      const std::function<Status(const Event&, const EventBatch&)>& fn) const = 0;

  // Appends every event of the segment to `out` (its memory owned by `out`), in eventTime order.
  // On error `out` is left as it was.
  virtual Status ReadAll(EventBatch* out) const = 0;

  // Appends the events of block `block` (0 <= block < meta().block_count) to `out`: the unit for
  // streaming merges, and a way to salvage the readable blocks of a damaged segment.
  virtual Status ReadBlock(uint32_t block, EventBatch* out) const = 0;

  // Reads every byte of the file and checks every checksum and encoding (a full integrity check).
  // Returns the first problem found as kDataLoss naming the file and offset.
  virtual Status Verify() const = 0;

  // Starts a scan. The scanner must not outlive the reader.
  // kInvalidArgument for a spec naming a column of the wrong type for a predicate.
  virtual Result<std::unique_ptr<SegmentScanner>> NewScan(const ScanSpec& spec) const = 0;

  // --- Block access for caches of decoded data (LookupEvents' block cache, lookup_cache.h).

  // Identifies this opened reader among all segment readers of the process; never reused, so
  // caches keyed by it cannot confuse a dropped segment with a later one.
  virtual uint64_t cache_id() const = 0;

  // The blocks, in eventTime order (a block's events are not older than the previous block's).
  struct BlockRange {
    uint32_t rows = 0;
    int64_t min_time_us = 0, max_time_us = 0;
  };
  virtual uint32_t block_count() const = 0;
  // REQUIRES: block < block_count().
  virtual BlockRange block_range(uint32_t block) const = 0;

  // Decodes `columns` for every row of `block` and calls `fn` once: batch.columns[i] holds
  // columns[i] (list children with their offsets), batch.row_count the block's rows, batch.sel
  // is empty. The views are valid during the call only. kInvalidArgument for a column that is not
  // stored or is eventjson (use ReadRecords).
  virtual Status ReadBlockColumns(uint32_t block, std::span<const ColumnId> columns,
                                  const std::function<Status(const ColumnBatch&)>& fn) const = 0;

  // Rebuilds the original records of `rows` (ascending, < block_range(block).rows) of `block`
  // and calls fn(row, record) for each in order; a row stored without a record gets a NULL Str.
  // The record is valid during the call only.
  virtual Status ReadRecords(uint32_t block, std::span<const uint32_t> rows,
                             const std::function<Status(uint32_t, Str)>& fn) const = 0;

  // Reads single rows of `block` (values and records), decoding only the pages that hold them
  // (block_rows.h): for a few rows of a block. kOutOfRange when block >= block_count().
  virtual Result<std::unique_ptr<BlockRows>> NewBlockRows(uint32_t block) const = 0;

 protected:
  SegmentReader(std::string path, SegmentMeta meta) : path_(std::move(path)), meta_(meta) {}
  std::string path_;
  SegmentMeta meta_;
};

}  // namespace cairn
