#include "store/segment_reader.h"

#include <zstd.h>

#include <vector>

#include "store/columns.h"
#include "store/segment_coding.h"
#include "store/segment_crc32c.h"
#include "store/segment_v0.h"

namespace cairn {
namespace {

constexpr size_t kTailSize = 8 + 4 + 4 + 4 + 8;

struct BlockEntry {
  uint64_t offset;
  uint32_t size;
  uint32_t crc;
  uint64_t rows;
  uint64_t raw_size;
  int64_t min_time, max_time;
};

// PROVISIONAL reader of format version 0.
class SegmentReaderV0 final : public SegmentReader {
 public:
  SegmentReaderV0(std::string path, SegmentMeta meta, std::unique_ptr<RandomAccessFile> file,
                  std::vector<BlockEntry> blocks)
      : SegmentReader(std::move(path), meta), file_(std::move(file)), blocks_(std::move(blocks)) {}

  Result<bool> ContainsEvent(Str event_id, Str recipient_account_id) const override {
    bool found = false;
    Status s = ForEachEvent([&](const Event& e, const EventBatch&) {
      if (!IsNull(e.event_id) && e.event_id == event_id &&
          e.recipient_account_id == recipient_account_id &&
          IsNull(e.recipient_account_id) == IsNull(recipient_account_id)) {
        found = true;
        return Status::Cancelled("found");
      }
      return Status::OK();
    });
    if (found) return true;
    if (!s.ok()) return s;
    return false;
  }

  Result<std::optional<std::string>> FetchRawByEventId(Str event_id,
                                                       Str recipient_account_id) const override {
    std::optional<std::string> raw;
    Status s = ForEachEvent([&](const Event& e, const EventBatch&) {
      if (e.event_id == event_id && !IsNull(e.event_id) &&
          (IsNull(recipient_account_id) || e.recipient_account_id == recipient_account_id)) {
        raw = std::string(e.raw);
        return Status::Cancelled("found");
      }
      return Status::OK();
    });
    if (!s.ok() && !raw) return s;
    return raw;
  }

  Status ForEachEvent(
      const std::function<Status(const Event&, const EventBatch&)>& fn) const override {
    for (size_t b = 0; b < blocks_.size(); ++b) {
      EventBatch batch;
      RETURN_IF_ERROR(DecodeBlock(b, &batch));
      for (const Event& e : batch.events) RETURN_IF_ERROR(fn(e, batch));
    }
    return Status::OK();
  }

  Status ReadAll(EventBatch* out) const override {
    for (size_t b = 0; b < blocks_.size(); ++b) RETURN_IF_ERROR(DecodeBlock(b, out));
    return Status::OK();
  }

  Result<std::unique_ptr<SegmentScanner>> NewScan(const ScanSpec&) const override {
    return Status::Unimplemented(path_ + ": scans need segment format version 1");
  }

 private:
  Status DecodeBlock(size_t b, EventBatch* out) const {
    const BlockEntry& be = blocks_[b];
    std::string where = path_ + ": block " + std::to_string(b) + " at offset " + std::to_string(be.offset);
    std::string scratch(be.size, '\0');
    ASSIGN_OR_RETURN(std::string_view data, file_->Read(be.offset, be.size, scratch.data()));
    if (data.size() != be.size) return Status::DataLoss(where + ": truncated");
    if (segment::Crc32c(data) != be.crc) return Status::DataLoss(where + ": checksum mismatch");
    if (be.raw_size > (1ull << 32)) return Status::DataLoss(where + ": bad size");
    std::string rows(be.raw_size, '\0');
    size_t n = ZSTD_decompress(rows.data(), rows.size(), data.data(), data.size());
    if (ZSTD_isError(n) || n != rows.size()) return Status::DataLoss(where + ": bad compressed data");
    Str owned = out->Own(std::move(rows));
    size_t first = out->events.size();
    for (uint64_t i = 0; i < be.rows; ++i) {
      if (!segment::v0::DecodeRow(&owned, out)) {
        out->events.resize(first);
        return Status::DataLoss(where + ": bad row " + std::to_string(i));
      }
    }
    return Status::OK();
  }

  std::unique_ptr<RandomAccessFile> file_;
  std::vector<BlockEntry> blocks_;
};

}  // namespace

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, env->NewRandomAccessFile(path));
  const uint64_t size = file->Size();
  if (size < 12 + kTailSize) {
    return Status::DataLoss(path + ": file too short for a segment (" + std::to_string(size) + " bytes)");
  }
  char tail_buf[kTailSize];
  ASSIGN_OR_RETURN(std::string_view tail, file->Read(size - kTailSize, kTailSize, tail_buf));
  const std::string tail_where = path + ": footer tail at offset " + std::to_string(size - kTailSize);
  if (tail.size() != kTailSize || std::string_view(tail.data() + kTailSize - 8, 8) !=
                                      std::string_view(segment::kEndMagic, 8)) {
    return Status::DataLoss(tail_where + ": bad magic");
  }
  segment::Decoder td(tail);
  uint64_t footer_offset = td.Fixed64();
  uint32_t footer_size = td.Fixed32();
  uint32_t footer_crc = td.Fixed32();
  uint32_t version = td.Fixed32();
  if (version != segment::kVersionV0) {
    return Status::DataLoss(tail_where + ": unsupported version " + std::to_string(version));
  }
  if (footer_offset < 12 || footer_offset + footer_size != size - kTailSize) {
    return Status::DataLoss(tail_where + ": bad footer position");
  }
  std::string footer_buf(footer_size, '\0');
  ASSIGN_OR_RETURN(std::string_view footer, file->Read(footer_offset, footer_size, footer_buf.data()));
  const std::string footer_where = path + ": footer at offset " + std::to_string(footer_offset);
  if (footer.size() != footer_size || segment::Crc32c(footer) != footer_crc) {
    return Status::DataLoss(footer_where + ": checksum mismatch");
  }
  segment::Decoder d(footer);
  SegmentMeta meta;
  meta.format_version = version;
  meta.file_bytes = size;
  meta.event_count = d.Varint();
  meta.min_event_time_us = d.SignedVarint();
  meta.max_event_time_us = d.SignedVarint();
  meta.raw_bytes = d.Varint();
  meta.block_count = d.Varint32();
  std::vector<BlockEntry> blocks;
  uint64_t rows = 0;
  for (uint32_t i = 0; i < meta.block_count && d.ok(); ++i) {
    BlockEntry b;
    b.offset = d.Fixed64();
    b.size = d.Fixed32();
    b.crc = d.Fixed32();
    b.rows = d.Varint();
    b.raw_size = d.Varint();
    b.min_time = d.SignedVarint();
    b.max_time = d.SignedVarint();
    if (b.offset < 12 || b.offset + b.size > footer_offset) d.Fail();
    rows += b.rows;
    blocks.push_back(b);
  }
  if (!d.ok() || !d.done() || rows != meta.event_count) {
    return Status::DataLoss(footer_where + ": malformed footer");
  }
  return std::unique_ptr<SegmentReader>(
      new SegmentReaderV0(path, meta, std::move(file), std::move(blocks)));
}

}  // namespace cairn
