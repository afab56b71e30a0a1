// src/store/segment_writer.cc
//
// PROVISIONAL format (version 0): row-wise blocks of zstd-compressed records. Being replaced by the
// columnar format of doc/format/segment.md (version 1); kept only so the store engine can code
// against the API meanwhile.
//
//   file    := header block* footer tail
//   header  := "CAIRNSEG" version:fixed32
//   block   := zstd(row*)
//   footer  := meta block_count:varint block_entry*
//   tail    := footer_offset:fixed64 footer_size:fixed32 footer_crc:fixed32 version:fixed32 "CAIRNEND"
#include "store/segment_writer.h"

#include <zstd.h>

#include <algorithm>

#include "store/columns.h"
#include "store/segment_coding.h"
#include "store/segment_crc32c.h"
#include "store/segment_v0.h"

namespace cairn {

std::vector<EventRef> SortedEventRefs(std::span<const EventBatch* const> batches) {
  std::vector<EventRef> refs;
  for (const EventBatch* b : batches) {
    for (const Event& e : b->events) refs.push_back({&e, b});
  }
  std::stable_sort(refs.begin(), refs.end(), [](const EventRef& a, const EventRef& b) {
    return a.event->event_time_us < b.event->event_time_us;
  });
  return refs;
}

Result<SegmentMeta> WriteSegment(Env* env, const std::string& path, std::span<const EventRef> events,
                                 const SegmentWriteOptions& opts) {
  for (size_t i = 1; i < events.size(); ++i) {
    if (events[i].event->event_time_us < events[i - 1].event->event_time_us) {
      return Status::InvalidArgument(path + ": events not sorted by eventTime at index " +
                                     std::to_string(i));
    }
  }
  ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewWritableFile(path));
  std::string buf;
  buf.append(segment::kMagic, 8);
  segment::PutFixed32(&buf, segment::kVersionV0);
  uint64_t offset = buf.size();
  RETURN_IF_ERROR(file->Append(buf));

  const uint32_t block_rows = opts.block_rows ? opts.block_rows : segment::kDefaultBlockRows;
  SegmentMeta meta;
  meta.format_version = segment::kVersionV0;
  meta.event_count = events.size();
  if (!events.empty()) {
    meta.min_event_time_us = events.front().event->event_time_us;
    meta.max_event_time_us = events.back().event->event_time_us;
  }
  std::string footer_blocks;
  std::string rows, compressed;
  for (size_t begin = 0; begin < events.size(); begin += block_rows) {
    size_t end = std::min(events.size(), begin + block_rows);
    rows.clear();
    for (size_t i = begin; i < end; ++i) {
      segment::v0::EncodeRow(*events[i].event, *events[i].batch, &rows);
      meta.raw_bytes += events[i].event->raw.size();
    }
    compressed.resize(ZSTD_compressBound(rows.size()));
    size_t n = ZSTD_compress(compressed.data(), compressed.size(), rows.data(), rows.size(),
                             opts.compression_level);
    if (ZSTD_isError(n)) {
      return Status::Internal(path + ": zstd: " + ZSTD_getErrorName(n));
    }
    compressed.resize(n);
    RETURN_IF_ERROR(file->Append(compressed));
    segment::PutFixed64(&footer_blocks, offset);
    segment::PutFixed32(&footer_blocks, static_cast<uint32_t>(n));
    segment::PutFixed32(&footer_blocks, segment::Crc32c(compressed));
    segment::PutVarint(&footer_blocks, end - begin);
    segment::PutVarint(&footer_blocks, rows.size());
    segment::PutSignedVarint(&footer_blocks, events[begin].event->event_time_us);
    segment::PutSignedVarint(&footer_blocks, events[end - 1].event->event_time_us);
    offset += n;
    ++meta.block_count;
  }
  std::string footer;
  segment::PutVarint(&footer, meta.event_count);
  segment::PutSignedVarint(&footer, meta.min_event_time_us);
  segment::PutSignedVarint(&footer, meta.max_event_time_us);
  segment::PutVarint(&footer, meta.raw_bytes);
  segment::PutVarint(&footer, meta.block_count);
  footer += footer_blocks;
  std::string tail;
  segment::PutFixed64(&tail, offset);
  segment::PutFixed32(&tail, static_cast<uint32_t>(footer.size()));
  segment::PutFixed32(&tail, segment::Crc32c(footer));
  segment::PutFixed32(&tail, segment::kVersionV0);
  tail.append(segment::kEndMagic, 8);
  RETURN_IF_ERROR(file->Append(footer));
  RETURN_IF_ERROR(file->Append(tail));
  meta.file_bytes = offset + footer.size() + tail.size();
  if (opts.sync) RETURN_IF_ERROR(file->Sync());
  RETURN_IF_ERROR(file->Close());
  return meta;
}

}  // namespace cairn
