#include "store/snapshot.h"

namespace cairn {

Snapshot::Snapshot(std::shared_ptr<const Version> version,
                   std::vector<std::pair<std::shared_ptr<const MemTable>, size_t>> memtables,
                   int64_t min_time_us)
    : version_(std::move(version)), memtables_(std::move(memtables)), min_time_us_(min_time_us) {
  for (const auto& seg : version_->segments) {
    if (seg->bad()) {
      bad_segments_.push_back(seg->error().ToString());
    } else {
      segments_.push_back({seg->info(), seg->reader()});
    }
  }
  for (const auto& [mem, n] : memtables_) {
    mem->ForEachBatch(n, [&](const EventBatch& b) { memtable_events_ += b.events.size(); });
  }
}

std::vector<EventRef> Snapshot::MemtableEvents() const {
  std::vector<EventRef> out;
  out.reserve(memtable_events_);
  for (const auto& [mem, n] : memtables_) {
    mem->ForEachBatch(n, [&](const EventBatch& b) {
      for (const Event& e : b.events) out.push_back({&e, &b});
    });
  }
  return out;
}

Status Snapshot::ForEachEvent(
    const std::function<Status(const Event&, const EventBatch&)>& fn) const {
  for (const SnapshotSegment& seg : segments_) {
    if (seg.info.max_time_us < min_time_us_) continue;
    RETURN_IF_ERROR(seg.reader->ForEachEvent([&](const Event& e, const EventBatch& b) {
      if (e.event_time_us < min_time_us_) return Status::OK();
      return fn(e, b);
    }));
  }
  for (const EventRef& r : MemtableEvents()) {
    if (r.event->event_time_us < min_time_us_) continue;
    RETURN_IF_ERROR(fn(*r.event, *r.batch));
  }
  return Status::OK();
}

uint64_t Snapshot::event_count() const {
  uint64_t n = memtable_events_;
  for (const SnapshotSegment& s : segments_) n += s.info.event_count;
  return n;
}

}  // namespace cairn
