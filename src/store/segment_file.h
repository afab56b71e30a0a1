// src/store/segment_file.h
//
// Internals of the segment reader shared by segment_reader.cc and scan.cc (not for other users):
// SegmentFile, the SegmentReader of format version 1, and BlockCursor, which decodes the streams of
// one block on demand.
//
// Thread-safety: SegmentFile's const methods are safe from many threads (lazily loaded parts are
// guarded by a mutex and never change once loaded). A BlockCursor belongs to one thread.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/bloom_filter.h"
#include "store/column_codec.h"
#include "store/columns.h"
#include "store/page_cache.h"
#include "store/raw_skeleton.h"
#include "store/segment_dict.h"
#include "store/segment_format.h"
#include "store/segment_reader.h"

namespace cairn::segment {

// Streams are addressed by a dense index: catalog ids first, then the pseudo streams.
inline constexpr int kStreamCount = kColumnCount + 4;
inline int StreamIndex(uint16_t id) { return id < 1000 ? id : kColumnCount + (id - 1000); }
inline bool IsValidStreamId(uint16_t id) {
  return id < kColumnCount || (id >= kResourcesCountId && id <= kCodeGroupId);
}

class SegmentFile final : public SegmentReader {
 public:
  SegmentFile(std::string path, Footer footer, uint64_t footer_offset,
              std::unique_ptr<RandomAccessFile> file)
      : SegmentReader(std::move(path), footer.meta),
        footer_(std::move(footer)),
        footer_offset_(footer_offset),
        file_(std::move(file)) {
    column_index_.fill(nullptr);
    for (const ColumnInfo& c : footer_.columns) column_index_[StreamIndex(c.id)] = &c;
    chunk_index_.assign(footer_.blocks.size() * kStreamCount, nullptr);
    for (size_t b = 0; b < footer_.blocks.size(); ++b) {
      for (const ChunkInfo& c : footer_.blocks[b].chunks) {
        if (IsValidStreamId(c.id)) chunk_index_[b * kStreamCount + StreamIndex(c.id)] = &c;
      }
    }
    if (const ColumnInfo* g = column_index_[StreamIndex(kCodeGroupId)]) {
      for (uint16_t m : g->members) {
        group_offset_[StreamIndex(m)] = group_stride_;
        group_stride_ += column_index_[StreamIndex(m)]->code_width;
      }
    }
  }

  // The decompressed page from the process's PageCache, or null when it is not cached there
  // (pages stored uncompressed are never cached). A hit needs no file read at all.
  std::shared_ptr<const std::string> LookupPage(const PageInfo& page) const;
  // Checks `stored` (the page's stored bytes) against the page's checksum, decompresses it and,
  // if it was compressed, caches it. Null when the page is corrupt.
  std::shared_ptr<const std::string> DecompressShared(std::string_view stored, const PageInfo& page,
                                                      const ZstdDictionary* zdict) const;

  // Whole-block codes of a code group member, cached in the PageCache beside the pages (under a
  // key no page offset can take): a scan of one grouped column reads code_width bytes per row
  // instead of the whole interleaved group row (~40 bytes on the standard data). Values as in the
  // group (0 = NULL, else code + 1), code_width bytes each, little-endian.
  std::shared_ptr<const std::string> LookupMemberCodes(uint32_t block, uint16_t id) const;
  void CacheMemberCodes(uint32_t block, uint16_t id,
                        std::shared_ptr<const std::string> codes) const;
  // The same for a time-delta stream (eventTime) of a whole block: its int64 values (native byte
  // order) as decoded, so that hot scans of time windows and time projections copy them instead
  // of decoding a varint per row.
  std::shared_ptr<const std::string> LookupBlockTimes(uint32_t block, uint16_t id) const;
  void CacheBlockTimes(uint32_t block, uint16_t id, std::shared_ptr<const std::string> times) const;

  Result<bool> ContainsEvent(Str event_id, Str recipient_account_id) const override;
  Result<bool> ContainsEvent(Str event_id, Str recipient_account_id,
                             int64_t event_time_us) const override;
  Result<std::optional<std::string>> FetchRawByEventId(Str event_id,
                                                       Str recipient_account_id) const override;
  Status ForEachEvent(
      const std::function<Status(const Event&, const EventBatch&)>& fn) const override;
  Status ReadAll(EventBatch* out) const override;
  Status ReadBlock(uint32_t block, EventBatch* out) const override;
  Status Verify() const override;
  Result<std::unique_ptr<SegmentScanner>> NewScan(const ScanSpec& spec) const override;
  uint64_t cache_id() const override { return cache_id_; }
  uint32_t block_count() const override { return static_cast<uint32_t>(footer_.blocks.size()); }
  BlockRange block_range(uint32_t block) const override {
    const BlockInfo& b = footer_.blocks[block];
    return BlockRange{b.rows, b.min_time, b.max_time};
  }
  Status ReadBlockColumns(uint32_t block, std::span<const ColumnId> columns,
                          const std::function<Status(const ColumnBatch&)>& fn) const override;
  Status ReadRecords(uint32_t block, std::span<const uint32_t> rows,
                     const std::function<Status(uint32_t, Str)>& fn) const override;
  // In segment_rows.cc.
  Result<std::unique_ptr<BlockRows>> NewBlockRows(uint32_t block) const override;

  const Footer& footer() const { return footer_; }
  // Where the data sections end (the footer begins).
  uint64_t footer_offset() const { return footer_offset_; }
  // REQUIRES: IsValidStreamId(id).
  const ColumnInfo* column_info(uint16_t id) const { return column_index_[StreamIndex(id)]; }
  // Stream `id`'s chunk in `block`, or nullptr (every value NULL there): BlockInfo::FindChunk
  // without its walk over the block's chunks.
  // REQUIRES: block < block_count(), IsValidStreamId(id).
  const ChunkInfo* chunk(uint32_t block, uint16_t id) const {
    return chunk_index_[size_t{block} * kStreamCount + StreamIndex(id)];
  }
  // Code group layout: bytes per row, and a member's first byte in a row.
  size_t group_stride() const { return group_stride_; }
  size_t group_offset(uint16_t id) const { return group_offset_[StreamIndex(id)]; }

  // "<path>: <what> at offset <offset>" for error messages.
  std::string Where(std::string_view what, uint64_t offset) const;

  // Reads `size` bytes at `offset` into `*out` (kDataLoss if the file is shorter).
  Status ReadBytes(uint64_t offset, uint64_t size, std::string* out) const;
  // The same bytes as a view: of the file's mapping when it is mapped (no copy), else of
  // `*scratch`, which the caller keeps while it uses the view.
  Result<std::string_view> ReadView(uint64_t offset, uint64_t size, std::string* scratch) const;
  // The dictionary of a kDict stream (its directory read on first use).
  // REQUIRES: column_info(id)->encoding == kDict.
  Result<const SegmentDictionary*> Dict(uint16_t id) const;
  // The zstd dictionary of a stream, or nullptr if it has none.
  Result<const ZstdDictionary*> Zdict(uint16_t id) const;
  // The bloom filter of stream `id` in block `block`; nullopt when there is none. All blooms of
  // the segment are read at the first call (one read), then lookups take no lock.
  Result<std::optional<BloomFilterView>> Bloom(uint32_t block, uint16_t id) const;

  // Which dictionary codes occur in a block, learned from scans: a scan that decodes the codes
  // of dictionary stream `id` in `block` for a predicate records them (NoteBlockCodes), and later
  // scans skip the block when none of the codes they want occurs (BlockLacksCodes), without
  // decoding it again. A zone map (min/max code) cannot rule out a value in the middle of the
  // range; this can. Held for dictionaries up to kMaxLearnedDict values, within a per-file budget.
  static constexpr uint32_t kMaxLearnedDict = 1u << 16;
  void NoteBlockCodes(uint32_t block, uint16_t id, std::span<const uint32_t> codes) const;
  // True when the block's codes were learned and none of `wanted` is among them.
  bool BlockLacksCodes(uint32_t block, uint16_t id, std::span<const uint32_t> wanted) const;

 private:
  Result<bool> Contains(Str event_id, Str recipient_account_id, int64_t lo, int64_t hi) const;
  void LoadBlooms() const;

  Footer footer_;
  std::array<const ColumnInfo*, kStreamCount> column_index_;
  std::vector<const ChunkInfo*> chunk_index_;  // [block * kStreamCount + StreamIndex(id)]
  std::array<size_t, kStreamCount> group_offset_{};
  size_t group_stride_ = 0;
  uint64_t footer_offset_;
  std::unique_ptr<RandomAccessFile> file_;
  const uint64_t cache_id_ = PageCache::NewFileId();  // this file in the PageCache

  mutable std::mutex mu_;
  mutable std::array<std::unique_ptr<SegmentDictionary>, kStreamCount> dicts_;
  mutable std::array<std::unique_ptr<ZstdDictionary>, kStreamCount> zdicts_;
  mutable std::once_flag blooms_once_;
  mutable std::string bloom_bytes_;                      // the span of all bloom sections
  mutable std::vector<std::vector<BloomEntry>> blooms_;  // per block
  mutable std::vector<Status> bloom_status_;             // per block: the section's check
  mutable std::mutex codes_mu_;
  // (stream id << 32 | block) -> bitmap over the stream's dictionary codes.
  mutable std::unordered_map<uint64_t, std::vector<uint64_t>> block_codes_;
  mutable size_t block_codes_bytes_ = 0;
};

// The decoded values of one stream in one block. Dictionary streams keep their codes; with a
// small dictionary they are kDict, with a large one kString, their values looked up for the rows
// asked for (the others stay NULL).
struct DecodedStream {
  bool initialized = false;  // representation chosen, every value NULL until decoded
  bool loaded = false;       // every value decoded
  VectorKind kind = VectorKind::kString;
  const SegmentDictionary* dictionary = nullptr;  // dictionary streams
  std::span<const Str> dict;                      // kDict: every value of the dictionary
  std::vector<uint32_t> codes;                    // dictionary streams
  std::vector<Str> strs;                          // kString
  std::vector<int64_t> i64;                       // kInt64
  std::vector<OptBool> bools;                     // kBool
  std::vector<uint32_t> counts;                   // resources count stream
  // Partially loaded plain streams: pages decoded so far.
  std::vector<PageInfo> pages;
  std::vector<bool> page_loaded;
  bool all_codes = false;  // code group members: every code of the block decoded
  std::string chunk_dir;   // the page directory (pages are read when not in the page cache)
  bool chunk_read = false;

  Str StringAt(size_t i) const {
    if (kind == VectorKind::kDict) return codes[i] == kNullCode ? Str() : dict[codes[i]];
    return strs[i];
  }
  // Back to the state before the first decode, keeping the vectors' memory.
  void Clear();
};

// Decodes the streams of one block, each at most once. Memory of decoded pages is owned by the
// cursor (or handed to `own` when given, e.g. EventBatch::Own, so that views outlive the cursor).
class BlockCursor {
 public:
  using OwnFn = std::function<Str(std::string)>;
  BlockCursor(const SegmentFile* file, uint32_t block, OwnFn own = nullptr);

  // Moves to `block` of the same file, dropping what was decoded (views into it end) but keeping
  // buffers, so that a scan does not allocate per block.
  void Reset(uint32_t block);

  uint32_t block() const { return block_; }
  uint32_t rows() const { return info_->rows; }
  const BlockInfo& info() const { return *info_; }
  const ChunkInfo* chunk(uint16_t id) const { return file_->chunk(block_, id); }

  // Decodes every value of stream `id`.
  Result<const DecodedStream*> Load(uint16_t id);
  // Decodes at least the values of `rows` (ascending) of scalar stream `id`; other values may stay
  // NULL. Only plain streams are decoded partially; others are loaded whole.
  Result<const DecodedStream*> LoadRows(uint16_t id, std::span<const uint32_t> rows);
  // Decodes the codes of dictionary stream `id` (values not looked up): for predicates.
  Result<const DecodedStream*> LoadCodes(uint16_t id);
  // Keeps the rows of `sel` (ascending) whose value of kUuid stream `id` equals one of `wanted`,
  // comparing UUIDs as 16 bytes (no text is rendered).
  Status FilterUuidRows(uint16_t id, const std::vector<std::string>& wanted,
                        std::vector<uint32_t>* sel);
  // Value `index` (row, or element for list children) of string stream `id`, decoding as little
  // as it can (dictionary streams: only the codes and one dictionary page).
  Result<Str> ValueAt(uint16_t id, uint32_t index);
  // Row r's elements of resources.* are [element_offsets()[r], element_offsets()[r+1]).
  Result<const std::vector<uint32_t>*> ElementOffsets();

  // Rebuilds row r's original record, appending it to `out`. `spliced` as in RebuildRecord.
  Status RebuildRaw(uint32_t row, std::string* out, std::vector<SplicedValue>* spliced);

 private:
  Status Decode(uint16_t id, DecodedStream* s, std::span<const uint32_t> rows, bool all,
                bool values = true);
  Status ReadChunk(const ChunkInfo& chunk, DecodedStream* s);
  // The decompressed bytes of `page` of stream `id` (its zstd dictionary when it has one): from
  // the page cache, else read from the file, checked, decompressed and cached.
  // `what` names the page in errors ("page 3 of stream 12").
  Result<std::shared_ptr<const std::string>> PageBytes(uint16_t id, const PageInfo& page,
                                                       const std::function<std::string()>& what);
  Status DecodePage(uint16_t id, const ColumnInfo* col, DecodedStream* s, size_t page,
                    uint32_t value_count);
  // Codes of a stream stored in the code group (Encoding::kCodeGroup).
  Status DecodeGrouped(uint16_t id, const ColumnInfo& col, DecodedStream* s,
                       std::span<const uint32_t> rows, bool all);
  // Large dictionaries: looks up the values of `rows` (all when `all`).
  Status Materialize(DecodedStream* s, std::span<const uint32_t> rows, bool all);
  Str Own(std::string s);
  uint32_t ValueCount(uint16_t id);

  const SegmentFile* file_;
  uint32_t block_;
  const BlockInfo* info_;
  OwnFn own_;
  std::array<DecodedStream, kStreamCount> streams_;
  std::vector<uint32_t> element_offsets_;
  bool element_offsets_ready_ = false;
  std::vector<std::unique_ptr<std::string>> owned_;
  // Decompressed pages of the code group (null: not yet), shared with the PageCache.
  std::vector<std::shared_ptr<const std::string>> group_pages_;
  std::vector<bool> group_page_ready_;
  std::string stored_scratch_;           // stored page bytes read without a mapping
  std::vector<int64_t> i64_scratch_;     // DecodePage's decoded values, before they are placed
  std::vector<uint32_t> codes_scratch_;  // ... and codes
  // Cached pages that decoded plain values point into (when there is no `own_`).
  std::vector<std::shared_ptr<const std::string>> pinned_;
};

}  // namespace cairn::segment
