#include "store/compaction.h"

#include <algorithm>
#include <numeric>

namespace cairn {

std::vector<size_t> PickCompaction(std::span<const SegmentInfo> segments,
                                   const CompactionOptions& opts, bool force) {
  std::vector<size_t> small;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].file_bytes < opts.small_segment_bytes) small.push_back(i);
  }
  if (small.size() < 2 || (!force && small.size() <= opts.trigger_count)) return {};
  std::stable_sort(small.begin(), small.end(), [&](size_t a, size_t b) {
    return segments[a].min_time_us < segments[b].min_time_us;
  });
  std::vector<size_t> pick;
  uint64_t raw = 0;
  for (size_t i : small) {
    if (!pick.empty() && raw + segments[i].raw_bytes > opts.max_input_raw_bytes) break;
    pick.push_back(i);
    raw += segments[i].raw_bytes;
  }
  if (pick.size() < 2) return {};
  return pick;
}

Result<SegmentMeta> MergeSegments(Env* env, std::span<const SegmentReader* const> inputs,
                                  int64_t floor_us, const std::string& out_path,
                                  const SegmentWriteOptions& opts) {
  std::vector<EventBatch> batches(inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) RETURN_IF_ERROR(inputs[i]->ReadAll(&batches[i]));
  std::vector<EventRef> refs;
  size_t total = 0;
  for (const EventBatch& b : batches) total += b.events.size();
  refs.reserve(total);
  for (const EventBatch& b : batches) {
    for (const Event& e : b.events) {
      if (e.event_time_us >= floor_us) refs.push_back({&e, &b});
    }
  }
  if (refs.empty()) return SegmentMeta{};
  std::stable_sort(refs.begin(), refs.end(), [](const EventRef& a, const EventRef& b) {
    return a.event->event_time_us < b.event->event_time_us;
  });
  return WriteSegment(env, out_path, refs, opts);
}

}  // namespace cairn
