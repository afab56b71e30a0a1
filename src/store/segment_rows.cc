// BlockRows over a segment file (format: doc/format/segment.md): single values read from the page
// that holds them. Per stream it reads the block's page directory once and each page it needs
// once (from the PageCache when there); a dictionary code is read straight out of its page (or
// out of the code group's row), a UUID is rendered alone, and only plain string pages are
// decoded whole (their values are found by their lengths, which come first).
#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

#include "common/crc32c.h"
#include "store/block_rows.h"
#include "store/column_codec.h"
#include "store/segment_coding.h"
#include "store/segment_file.h"

namespace cairn::segment {
namespace {

constexpr uint32_t kMaxPageBytes = uint32_t{1} << 30;

// Where each value of a kUuid page is (tags, 16 bytes per UUID, lengths of the other strings,
// their bytes): built once per page read, so that each value is then found without a pass over
// the page.
struct UuidIndex {
  // Per value: kNull; the byte offset in the page of its 16 UUID bytes (tag 1); or, for another
  // string, -1 - (its index in `others`).
  static constexpr int64_t kNull = INT64_MIN;
  std::vector<int64_t> at;
  std::vector<std::pair<uint32_t, uint32_t>> others;  // (offset in the page, length)

  // False when the page is malformed.
  bool Build(std::string_view payload, uint32_t rows) {
    UuidPageLayout layout;
    if (!ReadUuidPageLayout(payload, rows, true, &layout)) return false;
    others = std::move(layout.others);
    at.assign(rows, kNull);
    size_t u = 0, o = 0;
    for (uint32_t r = 0; r < rows; ++r) {
      const char tag = payload[r];
      if (tag == 1) at[r] = static_cast<int64_t>(rows + 16 * u++);
      if (tag == 2) at[r] = -1 - static_cast<int64_t>(o++);
    }
    return true;
  }

  // Value `i` into `out`; false for NULL.
  bool Value(std::string_view payload, uint32_t i, std::string* out) const {
    const int64_t a = at[i];
    if (a == kNull) return false;
    if (a < 0) {
      const auto& [offset, length] = others[static_cast<size_t>(-1 - a)];
      out->assign(payload.data() + offset, length);
      return true;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    const auto* p = reinterpret_cast<const uint8_t*>(payload.data()) + a;
    out->resize(36);
    char* o = out->data();
    // 8-4-4-4-12 hex digits: bytes 0-3, 4-5, 6-7, 8-9, 10-15.
    static constexpr int kGroupEnd[5] = {4, 6, 8, 10, 16};
    for (int b = 0, g = 0; g < 5; ++g) {
      if (g) *o++ = '-';
      for (; b < kGroupEnd[g]; ++b) {
        *o++ = kHex[p[b] >> 4];
        *o++ = kHex[p[b] & 15];
      }
    }
    return true;
  }
};

}  // namespace

class RowReader final : public BlockRows {
 public:
  RowReader(const SegmentFile* file, uint32_t block)
      : file_(file), block_(block), info_(&file->footer().blocks[block]) {}

  uint32_t rows() const override { return info_->rows; }

  Result<Str> String(ColumnId column, uint32_t row) override {
    const ColumnDef& def = GetColumn(column);
    if (def.list_child || (def.type != ColumnType::kString && def.type != ColumnType::kMap) ||
        !def.stored || column == ColumnId::kEventJson) {
      return Status::InvalidArgument(file_->path() + ": BlockRows::String: column " +
                                     std::string(def.name) + " is not a stored scalar string");
    }
    RETURN_IF_ERROR(CheckRow(row));
    return ValueAt(static_cast<uint16_t>(column), row);
  }

  Result<OptBool> Bool(ColumnId column, uint32_t row) override {
    const ColumnDef& def = GetColumn(column);
    if (def.type != ColumnType::kBool || def.list_child) {
      return Status::InvalidArgument(file_->path() + ": BlockRows::Bool: column " +
                                     std::string(def.name) + " is not a boolean");
    }
    RETURN_IF_ERROR(CheckRow(row));
    const uint16_t id = static_cast<uint16_t>(column);
    const ColumnInfo* col = file_->column_info(id);
    const ChunkInfo* chunk = info_->FindChunk(id);
    if (!col || !chunk) return OptBool::kNull;
    if (col->encoding != Encoding::kBool) return Malformed(id, "not a bool stream", chunk->offset);
    ASSIGN_OR_RETURN(PageRef page, PageOf(id, *chunk, row, rows()));
    const std::string& payload = *page.bytes;
    if (payload.size() != page.info->rows) {
      return Malformed(id, "bool page size", page.info->offset);
    }
    const uint8_t v = static_cast<uint8_t>(payload[row - page.info->first]);
    if (v > 2) return Malformed(id, "bool value", page.info->offset);
    return v == 0 ? OptBool::kNull : v == 1 ? OptBool::kFalse : OptBool::kTrue;
  }

  Status Elements(ColumnId column, uint32_t row, std::vector<Str>* out) override {
    const ColumnDef& def = GetColumn(column);
    if (!def.list_child) {
      return Status::InvalidArgument(file_->path() + ": BlockRows::Elements: column " +
                                     std::string(def.name) + " is not a list child");
    }
    RETURN_IF_ERROR(CheckRow(row));
    ASSIGN_OR_RETURN(auto range, ElementRange(row));
    for (uint32_t k = range.first; k < range.second; ++k) {
      ASSIGN_OR_RETURN(Str v, ValueAt(static_cast<uint16_t>(column), k));
      out->push_back(v);
    }
    return Status::OK();
  }

  Result<bool> Record(uint32_t row, std::string* out) override {
    RETURN_IF_ERROR(CheckRow(row));
    ASSIGN_OR_RETURN(Str skeleton, ValueAt(kRawSkeletonId, row));
    if (IsNull(skeleton)) return false;
    ASSIGN_OR_RETURN(int64_t event_time, TimeAt(static_cast<uint16_t>(ColumnId::kEventTime), row));
    ASSIGN_OR_RETURN(int64_t creation,
                     TimeAt(static_cast<uint16_t>(ColumnId::kSessionCreationDate), row));
    Status error;
    auto value = [&](ColumnId column, uint32_t element) -> Str {
      if (!error.ok()) return Str();
      const uint16_t id = static_cast<uint16_t>(column);
      uint32_t index = row;
      if (GetColumn(column).list_child) {
        auto range = ElementRange(row);
        if (!range.ok()) {
          error = range.status();
          return Str();
        }
        if (element >= range->second - range->first) return Str();
        index = range->first + element;
      }
      auto v = ValueAt(id, index);
      if (!v.ok()) {
        error = v.status();
        return Str();
      }
      return *v;
    };
    const size_t before = out->size();
    if (!RebuildRecord(skeleton, event_time, creation, value, out, nullptr)) {
      out->resize(before);
      RETURN_IF_ERROR(error);
      const ChunkInfo* chunk = info_->FindChunk(kRawSkeletonId);
      return Status::DataLoss(file_->Where("record skeleton of row " + std::to_string(row) +
                                               " in block " + std::to_string(block_) +
                                               ": malformed",
                                           chunk ? chunk->offset : 0));
    }
    return true;
  }

 private:
  // A stream's pages in this block: the directory, and the pages read so far.
  struct Stream {
    bool read = false;
    std::vector<PageInfo> pages;
    std::vector<std::shared_ptr<const std::string>> payloads;  // null: not read yet
    std::vector<std::vector<Str>> plain;                       // kPlain: decoded pages
    std::vector<UuidIndex> uuids;                              // kUuid: indexed pages
    std::vector<int64_t> times;                                // time streams: every row
    bool times_ready = false;
  };
  struct PageRef {
    const PageInfo* info;
    const std::string* bytes;  // the decompressed payload
    size_t index;              // of the page in its stream
  };

  Status CheckRow(uint32_t row) const {
    if (row < rows()) return Status::OK();
    return Status::OutOfRange(file_->path() + ": block " + std::to_string(block_) + " has no row " +
                              std::to_string(row));
  }

  Status Malformed(uint16_t id, std::string_view what, uint64_t offset) const {
    return Status::DataLoss(file_->Where("stream " + std::to_string(id) + " in block " +
                                             std::to_string(block_) + ": malformed " +
                                             std::string(what),
                                         offset));
  }

  // Reads and checks the page directory of `chunk` (once), whose pages hold `values` values.
  Result<Stream*> StreamOf(uint16_t id, const ChunkInfo& chunk, uint32_t values) {
    Stream& s = streams_[StreamIndex(id)];
    if (s.read) return &s;
    std::string dir;
    RETURN_IF_ERROR(file_->ReadBytes(chunk.offset, chunk.dir_size, &dir));
    const std::string where = "page directory of stream " + std::to_string(chunk.id) +
                              " in block " + std::to_string(block_);
    if (crc32c::Value(dir) != chunk.dir_crc) {
      return Status::DataLoss(file_->Where(where + ": checksum mismatch", chunk.offset));
    }
    if (!DecodePageDirectory(dir, chunk.offset + chunk.dir_size, chunk.offset + chunk.size,
                             &s.pages)) {
      return Status::DataLoss(file_->Where(where + ": malformed", chunk.offset));
    }
    uint64_t total = 0;
    for (const PageInfo& p : s.pages) total += p.rows;
    if (total != values) {
      return Status::DataLoss(file_->Where(where + ": value count mismatch", chunk.offset));
    }
    s.payloads.assign(s.pages.size(), nullptr);
    s.plain.assign(s.pages.size(), {});
    s.uuids.assign(s.pages.size(), {});
    s.read = true;
    return &s;
  }

  // The page of stream `id` (stored in `chunk`, `values` values) that holds value `index`,
  // decompressed. `zdict_id` is the stream whose zstd dictionary the pages use.
  Result<PageRef> PageOf(uint16_t id, const ChunkInfo& chunk, uint32_t index, uint32_t values,
                         uint16_t zdict_id = 0) {
    ASSIGN_OR_RETURN(Stream * s, StreamOf(id, chunk, values));
    auto it = std::upper_bound(s->pages.begin(), s->pages.end(), index,
                               [](uint32_t i, const PageInfo& p) { return i < p.first; });
    if (it == s->pages.begin()) return Malformed(id, "page directory", chunk.offset);
    const size_t p = static_cast<size_t>(it - s->pages.begin()) - 1;
    const PageInfo& page = s->pages[p];
    if (index >= page.first + page.rows) return Malformed(id, "page directory", chunk.offset);
    if (!s->payloads[p]) {
      const std::string where = "page " + std::to_string(p) + " of stream " + std::to_string(id) +
                                " in block " + std::to_string(block_);
      if (page.usize > kMaxPageBytes) {
        return Status::DataLoss(file_->Where(where + ": page too large", page.offset));
      }
      std::shared_ptr<const std::string> bytes;
      if (page.compression != PageCompression::kNone) {
        bytes = PageCache::Default().LookupShared(file_->cache_id(), page.offset);
      }
      if (!bytes) {
        std::string stored;
        RETURN_IF_ERROR(file_->ReadBytes(page.offset, page.csize, &stored));
        const ZstdDictionary* zdict = nullptr;
        if (page.compression == PageCompression::kZstdDict) {
          ASSIGN_OR_RETURN(zdict, file_->Zdict(zdict_id ? zdict_id : id));
        }
        bytes = file_->DecompressShared(stored, page, zdict);
        if (!bytes) {
          return Status::DataLoss(
              file_->Where(where + ": checksum mismatch or bad compressed data", page.offset));
        }
      }
      s->payloads[p] = std::move(bytes);
    }
    return PageRef{&page, s->payloads[p].get(), p};
  }

  // Number of values of stream `id` in this block: rows, or elements for list children.
  Result<uint32_t> ValueCount(uint16_t id) {
    if (id < kColumnCount && GetColumn(static_cast<ColumnId>(id)).list_child) {
      RETURN_IF_ERROR(LoadOffsets());
      return offsets_.back();
    }
    return rows();
  }

  // Row `row`'s elements of resources.*: [first, second).
  Result<std::pair<uint32_t, uint32_t>> ElementRange(uint32_t row) {
    RETURN_IF_ERROR(LoadOffsets());
    return std::make_pair(offsets_[row], offsets_[row + 1]);
  }

  Status LoadOffsets() {
    if (!offsets_.empty()) return Status::OK();
    std::vector<uint32_t> offsets(rows() + 1, 0);
    if (const ChunkInfo* chunk = info_->FindChunk(kResourcesCountId)) {
      std::vector<uint32_t> counts;
      uint64_t total = 0;
      ASSIGN_OR_RETURN(Stream * s, StreamOf(kResourcesCountId, *chunk, rows()));
      for (size_t p = 0; p < s->pages.size(); ++p) {
        ASSIGN_OR_RETURN(PageRef page,
                         PageOf(kResourcesCountId, *chunk, s->pages[p].first, rows()));
        counts.clear();
        if (!DecodeCounts(*page.bytes, page.info->rows, &counts)) {
          return Malformed(kResourcesCountId, "counts", page.info->offset);
        }
        for (uint32_t i = 0; i < page.info->rows; ++i) {
          total += counts[i];
          if (total > (uint64_t{1} << 28)) {
            return Malformed(kResourcesCountId, "counts", page.info->offset);
          }
          offsets[page.info->first + i + 1] = static_cast<uint32_t>(total);
        }
      }
    }
    offsets_ = std::move(offsets);
    return Status::OK();
  }

  // eventtime or another timestamp stream at `row` (INT64_MIN: NULL).
  Result<int64_t> TimeAt(uint16_t id, uint32_t row) {
    const ColumnInfo* col = file_->column_info(id);
    const ChunkInfo* chunk = info_->FindChunk(id);
    if (!col || !chunk) return INT64_MIN;
    Stream& s = streams_[StreamIndex(id)];
    if (!s.times_ready) {
      const bool relative = col->encoding == Encoding::kTimeRelative;
      if (!relative && col->encoding != Encoding::kTimeDelta) {
        return Malformed(id, "not a time stream", chunk->offset);
      }
      std::span<const int64_t> event_times;
      if (relative) {
        const uint16_t et = static_cast<uint16_t>(ColumnId::kEventTime);
        RETURN_IF_ERROR(TimeAt(et, 0).status());
        event_times = streams_[StreamIndex(et)].times;
        if (event_times.size() != rows()) {
          return Malformed(id, "eventtime missing", chunk->offset);
        }
      }
      std::vector<int64_t> times;
      times.reserve(rows());
      ASSIGN_OR_RETURN(Stream * st, StreamOf(id, *chunk, rows()));
      for (size_t p = 0; p < st->pages.size(); ++p) {
        ASSIGN_OR_RETURN(PageRef page, PageOf(id, *chunk, st->pages[p].first, rows()));
        const bool ok = relative ? DecodeTimeRelative(*page.bytes, page.info->rows, event_times,
                                                      page.info->first, &times)
                                 : DecodeTimeDelta(*page.bytes, page.info->rows, &times);
        if (!ok) return Malformed(id, "timestamps", page.info->offset);
      }
      s.times = std::move(times);
      s.times_ready = true;
    }
    return s.times[row];
  }

  // Value `index` (row, or element for list children) of string stream `id`.
  Result<Str> ValueAt(uint16_t id, uint32_t index) {
    const ColumnInfo* col = file_->column_info(id);
    const ChunkInfo* chunk = info_->FindChunk(id);
    if (!col || !chunk) return Str();  // NULL in every row of the segment, or of this block
    switch (col->encoding) {
      case Encoding::kDict: {
        uint32_t code = 0;  // 0 = NULL, else index + 1
        if (col->grouped) {
          ASSIGN_OR_RETURN(code, GroupedCode(id, *col, index));
        } else {
          ASSIGN_OR_RETURN(uint32_t values, ValueCount(id));
          ASSIGN_OR_RETURN(PageRef page, PageOf(id, *chunk, index, values));
          const std::string& payload = *page.bytes;
          const uint8_t width = col->code_width;
          if (width != 1 && width != 2 && width != 4) {
            return Malformed(id, "code width", chunk->offset);
          }
          if (payload.size() != static_cast<size_t>(page.info->rows) * width) {
            return Malformed(id, "code page size", page.info->offset);
          }
          const auto* b = reinterpret_cast<const uint8_t*>(payload.data()) +
                          static_cast<size_t>(index - page.info->first) * width;
          code = ReadCode(b, width);
          if (code > col->dict_count) return Malformed(id, "code", page.info->offset);
        }
        if (code == 0) return Str();
        ASSIGN_OR_RETURN(const SegmentDictionary* dict, file_->Dict(id));
        if (dict->small()) {
          ASSIGN_OR_RETURN(std::span<const Str> all, dict->All());
          if (code - 1 >= all.size()) return Malformed(id, "code", chunk->offset);
          return all[code - 1];
        }
        return dict->Value(code - 1);
      }
      case Encoding::kPlain: {
        ASSIGN_OR_RETURN(uint32_t values, ValueCount(id));
        ASSIGN_OR_RETURN(PageRef page, PageOf(id, *chunk, index, values));
        std::vector<Str>& decoded = streams_[StreamIndex(id)].plain[page.index];
        if (decoded.empty() && page.info->rows > 0) {
          if (!DecodePlain(*page.bytes, page.info->rows, &decoded)) {
            decoded.clear();
            return Malformed(id, "strings", page.info->offset);
          }
        }
        return decoded[index - page.info->first];
      }
      case Encoding::kUuid: {
        ASSIGN_OR_RETURN(uint32_t values, ValueCount(id));
        ASSIGN_OR_RETURN(PageRef page, PageOf(id, *chunk, index, values));
        UuidIndex& uuids = streams_[StreamIndex(id)].uuids[page.index];
        if (uuids.at.empty() && page.info->rows > 0) {
          if (!uuids.Build(*page.bytes, page.info->rows)) {
            uuids.at.clear();
            return Malformed(id, "UUIDs", page.info->offset);
          }
        }
        auto text = std::make_unique<std::string>();
        if (!uuids.Value(*page.bytes, index - page.info->first, text.get())) return Str();
        owned_.push_back(std::move(text));
        return Str(owned_.back()->data(), owned_.back()->size());
      }
      case Encoding::kTimeDelta:
      case Encoding::kTimeRelative:
      case Encoding::kBool:
      case Encoding::kCount:
      case Encoding::kCodeGroup:
        break;
    }
    return Malformed(id, "not a string stream", chunk->offset);
  }

  static uint32_t ReadCode(const uint8_t* b, uint8_t width) {
    uint32_t c = b[0];
    if (width >= 2) c |= static_cast<uint32_t>(b[1]) << 8;
    if (width == 4) c |= static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
    return c;
  }

  // The code (0 = NULL, else index + 1) of grouped stream `id` in `row`, from the code group.
  Result<uint32_t> GroupedCode(uint16_t id, const ColumnInfo& col, uint32_t row) {
    if (id < kColumnCount && GetColumn(static_cast<ColumnId>(id)).list_child) {
      return Malformed(id, "grouped list child", 0);
    }
    const ChunkInfo* group = info_->FindChunk(kCodeGroupId);
    if (!file_->column_info(kCodeGroupId) || !group) {
      return Status::DataLoss(
          file_->Where("code group of block " + std::to_string(block_) + " missing",
                       info_->chunks.empty() ? 0 : info_->chunks[0].offset));
    }
    const size_t stride = file_->group_stride(), at = file_->group_offset(id);
    if (col.code_width != 1 && col.code_width != 2 && col.code_width != 4) {
      return Malformed(id, "code width", group->offset);
    }
    ASSIGN_OR_RETURN(PageRef page, PageOf(kCodeGroupId, *group, row, rows(), kCodeGroupId));
    if (page.bytes->size() != static_cast<size_t>(page.info->rows) * stride ||
        at + col.code_width > stride) {
      return Status::DataLoss(file_->Where("page " + std::to_string(page.index) +
                                               " of the code group in block " +
                                               std::to_string(block_) + ": malformed",
                                           page.info->offset));
    }
    const auto* b = reinterpret_cast<const uint8_t*>(page.bytes->data()) +
                    static_cast<size_t>(row - page.info->first) * stride + at;
    const uint32_t code = ReadCode(b, col.code_width);
    if (code > col.dict_count) {
      return Status::DataLoss(file_->Where("page " + std::to_string(page.index) +
                                               " of the code group in block " +
                                               std::to_string(block_) + ": code out of range",
                                           page.info->offset));
    }
    return code;
  }

  const SegmentFile* file_;
  uint32_t block_;
  const BlockInfo* info_;
  std::array<Stream, kStreamCount> streams_;
  std::vector<uint32_t> offsets_;  // resources elements per row, prefix sums; empty: not loaded
  std::vector<std::unique_ptr<std::string>> owned_;  // rendered UUIDs
};

Result<std::unique_ptr<BlockRows>> SegmentFile::NewBlockRows(uint32_t block) const {
  if (block >= footer_.blocks.size()) {
    return Status::OutOfRange(path_ + ": no block " + std::to_string(block));
  }
  return std::unique_ptr<BlockRows>(new RowReader(this, block));
}

}  // namespace cairn::segment
