// src/store/snapshot.h
//
// A Snapshot is a reader's consistent view of a store at one moment: the segment list of the
// manifest version current then (with their open readers), the memtable events acknowledged by
// then, and the retention cutoff. Flushes, compactions and retention passes that run afterwards do
// not change what the snapshot shows, and the files it uses are not deleted while it lives.
//
// Everything a scan must apply itself: min_time_us() (events with an earlier eventTime are expired:
// partially expired segments still hold them).
//
// Thread-safety: immutable; every method may be called from many threads at once. A Snapshot may
// outlive the EventStore that made it (REQUIRES: not the Env).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "event/event.h"
#include "store/memtable.h"
#include "store/segment_writer.h"
#include "store/version.h"

namespace cairn {

struct SnapshotSegment {
  SegmentInfo info;
  const SegmentReader* reader;  // valid as long as the Snapshot
};

class Snapshot {
 public:
  // Used by EventStore. `memtables` are (memtable, number of its batches visible), oldest first.
  Snapshot(std::shared_ptr<const Version> version,
           std::vector<std::pair<std::shared_ptr<const MemTable>, size_t>> memtables,
           int64_t min_time_us);

  // Readable segments, in manifest order. Bad segments (see bad_segments()) are not listed.
  const std::vector<SnapshotSegment>& segments() const { return segments_; }
  // "segments/000012.seg: DataLoss: ..." for each segment that could not be opened.
  const std::vector<std::string>& bad_segments() const { return bad_segments_; }

  // Events with eventTime < min_time_us() are expired and must not be returned.
  int64_t min_time_us() const { return min_time_us_; }

  // The acknowledged events not yet in a segment, in append order (not sorted by time, not
  // filtered by min_time_us). The refs point into batches the snapshot keeps alive.
  std::vector<EventRef> MemtableEvents() const;
  uint64_t memtable_event_count() const { return memtable_events_; }

  // Visits every live event: each segment's events in eventTime order, then the memtable events;
  // expired events are skipped. A convenience for tools, tests and small stores; SQL scans the
  // segments with their scan API instead. Stops at fn's first error and returns it.
  Status ForEachEvent(const std::function<Status(const Event&, const EventBatch&)>& fn) const;

  // Events in segments plus memtables (expired ones in partially expired segments included).
  uint64_t event_count() const;
  uint64_t manifest_sequence() const { return version_->manifest_sequence; }

 private:
  std::shared_ptr<const Version> version_;
  std::vector<std::pair<std::shared_ptr<const MemTable>, size_t>> memtables_;
  int64_t min_time_us_;
  uint64_t memtable_events_ = 0;
  std::vector<SnapshotSegment> segments_;
  std::vector<std::string> bad_segments_;
};

}  // namespace cairn
