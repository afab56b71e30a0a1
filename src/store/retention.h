// src/store/retention.h
//
// Retention by eventTime: an event is expired once its eventTime is more than `retention_days`
// before now. Whole segments past the cutoff are dropped from the manifest; partially expired
// segments and memtable events are filtered at read (Snapshot::min_time_us) and dropped when a
// compaction rewrites them.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "store/manifest.h"

namespace cairn {

inline constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

// The earliest eventTime still retained at `now_us`. Saturates instead of overflowing.
inline int64_t RetentionCutoff(int64_t now_us, uint32_t retention_days) {
  const int64_t span = static_cast<int64_t>(retention_days) * kMicrosPerDay;
  return now_us < INT64_MIN + span ? INT64_MIN : now_us - span;
}

// True when every event of the segment is before `cutoff_us` (or it has none).
inline bool SegmentExpired(const SegmentInfo& s, int64_t cutoff_us) {
  return s.event_count == 0 || s.max_time_us < cutoff_us;
}

// Indices of the segments that are entirely expired at `cutoff_us`.
std::vector<size_t> ExpiredSegments(std::span<const SegmentInfo> segments, int64_t cutoff_us);

}  // namespace cairn
