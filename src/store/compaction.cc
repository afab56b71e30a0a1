#include "store/compaction.h"

#include <algorithm>
#include <numeric>

namespace cairn {

std::vector<size_t> PickCompaction(std::span<const SegmentInfo> segments,
                                   const CompactionOptions& opts, bool force) {
  std::vector<size_t> small;
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].raw_bytes < opts.small_segment_raw_bytes) small.push_back(i);
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

Result<std::vector<MergeOutput>> MergeSegments(
    Env* env, std::span<const SegmentReader* const> inputs, int64_t floor_us,
    const CompactionOptions& copts, const SegmentWriteOptions& opts,
    const std::function<uint64_t()>& new_number,
    const std::function<std::string(uint64_t)>& path_of) {
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
  std::stable_sort(refs.begin(), refs.end(), [](const EventRef& a, const EventRef& b) {
    return a.event->event_time_us < b.event->event_time_us;
  });

  std::vector<MergeOutput> out;
  auto fail = [&](const Status& s) {
    for (const MergeOutput& o : out) env->RemoveFile(path_of(o.number)).IgnoreError();
    return s;
  };
  constexpr int64_t kDay = 86400LL * 1000000;
  auto day_of = [](int64_t t) { return t >= 0 ? t / kDay : (t - kDay + 1) / kDay; };
  size_t begin = 0;
  while (begin < refs.size()) {
    size_t end = begin;
    uint64_t raw = 0;
    while (end < refs.size()) {
      if (raw >= copts.small_segment_raw_bytes &&
          day_of(refs[end].event->event_time_us) != day_of(refs[end - 1].event->event_time_us)) {
        break;
      }
      raw += refs[end].event->raw.size();
      ++end;
    }
    const uint64_t number = new_number();
    auto meta = WriteSegment(env, path_of(number),
                             std::span<const EventRef>(refs.data() + begin, end - begin), opts);
    if (!meta.ok()) {
      env->RemoveFile(path_of(number)).IgnoreError();
      return fail(meta.status());
    }
    out.push_back({number, *meta});
    begin = end;
  }
  return out;
}

}  // namespace cairn
