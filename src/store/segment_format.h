// src/store/segment_format.h
//
// The in-memory form of a segment's footer and page directories, and their byte encodings
// (doc/format/segment.md, version 1). Shared by the segment writer and reader.
//
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/segment_writer.h"

namespace cairn::segment {

inline constexpr char kMagic[8] = {'C', 'A', 'I', 'R', 'N', 'S', 'E', 'G'};
inline constexpr char kEndMagic[8] = {'C', 'A', 'I', 'R', 'N', 'E', 'N', 'D'};
inline constexpr uint32_t kVersion = 1;
inline constexpr size_t kHeaderSize = 12;               // magic, version
inline constexpr size_t kTailSize = 8 + 4 + 4 + 4 + 8;  // footer offset/size/crc, version, magic
inline constexpr uint32_t kDefaultBlockRows = 8192;
inline constexpr uint32_t kMaxBlockRows = 1u << 20;
inline constexpr size_t kZonePrefix = 16;  // bytes of min/max kept for plain string zone maps

// Stored streams that are not catalog columns. Catalog ids are < 1000.
inline constexpr uint16_t kResourcesCountId = 1000;       // elements of `resources` per row
inline constexpr uint16_t kUserIdentityPresentId = 1001;  // bool: the record has userIdentity
inline constexpr uint16_t kRawSkeletonId = 1002;
// The codes of the grouped dictionary streams, row by row (see Encoding::kCodeGroup).
inline constexpr uint16_t kCodeGroupId = 1003;  // the record bytes minus column values

enum class Encoding : uint8_t {
  kDict = 1,          // codes into the segment dictionary of the column (code 0 = NULL)
  kPlain = 2,         // strings: lengths (varint, len+1, 0 = NULL) then bytes
  kTimeDelta = 3,     // eventtime: first value then deltas, zigzag varints
  kTimeRelative = 4,  // other timestamps: 0 = NULL, else zigzag(value - eventtime) + 1
  kBool = 5,          // one byte per row: OptBool + 1
  kCount = 6,         // varint per row
  kUuid = 7,          // canonical lower-case UUID strings as 16 bytes each
  // The codes of several dictionary streams, interleaved row by row: for each row, each member's
  // code (member's code_width bytes, 0 = NULL) in member order. Correlated columns (a principal's
  // arn, type, account, session issuer...) then repeat as whole byte runs that zstd matches.
  kCodeGroup = 8,
};

// A byte range of the file with its CRC32C.
struct SectionRef {
  uint64_t offset = 0;
  uint64_t size = 0;
  uint32_t crc = 0;
};

// Per segment and stream: how its chunks are encoded and the shared parts they need.
struct ColumnInfo {
  uint16_t id = 0;
  Encoding encoding = Encoding::kPlain;
  uint32_t dict_count = 0;  // kDict: number of values in the dictionary
  uint8_t code_width = 0;   // kDict: bytes per code (1, 2 or 4)
  SectionRef dict;          // kDict: the sorted dictionary
  SectionRef zdict;         // a trained zstd dictionary for this stream's pages (size 0: none)
  bool grouped = false;     // kDict: codes live in the kCodeGroupId stream, not in own chunks
  std::vector<uint16_t> members;  // kCodeGroup: the grouped streams, in row layout order
};

// A stream's data in one block: a page directory followed by the pages. Grouped streams have a
// chunk entry (null count, zone map) with size 0: their codes are in the group's chunk.
struct ChunkInfo {
  uint16_t id = 0;
  uint32_t null_count = 0;  // NULL values (rows, or elements for list children)
  uint64_t offset = 0;      // of the directory; pages follow it
  uint64_t size = 0;        // directory + pages
  uint32_t dir_size = 0;
  uint32_t dir_crc = 0;
  // Zone map (which fields are meaningful depends on the encoding).
  uint32_t min_code = 0, max_code = 0;  // kDict, over non-NULL codes (0-based dictionary index)
  std::string min_prefix, max_prefix;   // kPlain: the first kZonePrefix bytes of min and max
  int64_t min_i64 = 0, max_i64 = 0;     // timestamps, over non-NULL values
  uint32_t true_count = 0, false_count = 0;  // kBool
};

struct BlockInfo {
  uint32_t rows = 0;
  int64_t min_time = 0, max_time = 0;
  std::vector<ChunkInfo> chunks;  // ascending id; an absent stream is all NULL in this block
  SectionRef bloom;               // the block's bloom filters (size 0: none)

  const ChunkInfo* FindChunk(uint16_t id) const;
};

struct Footer {
  SegmentMeta meta;
  std::vector<ColumnInfo> columns;  // ascending id
  std::vector<BlockInfo> blocks;

  const ColumnInfo* FindColumn(uint16_t id) const;
};

void EncodeFooter(const Footer& footer, std::string* out);
// Decodes and checks the footer's internal consistency (ranges inside [kHeaderSize, data_end),
// row counts summing to the event count). Returns false when malformed.
bool DecodeFooter(std::string_view data, uint64_t data_end, Footer* footer);

// A page of a chunk as listed in the chunk's directory.
enum class PageCompression : uint8_t { kNone = 0, kZstd = 1, kZstdDict = 2 };
struct PageInfo {
  uint32_t rows = 0;   // values in the page
  uint32_t usize = 0;  // uncompressed bytes
  uint32_t csize = 0;  // stored bytes
  PageCompression compression = PageCompression::kNone;
  uint32_t crc = 0;     // of the stored bytes
  uint64_t offset = 0;  // derived on decode: file offset of the stored bytes
  uint32_t first = 0;   // derived on decode: index of the page's first value in the chunk
};

void EncodePageDirectory(const std::vector<PageInfo>& pages, std::string* out);
// `pages_offset` is the file offset right after the directory; `chunk_end` bounds the pages.
bool DecodePageDirectory(std::string_view data, uint64_t pages_offset, uint64_t chunk_end,
                         std::vector<PageInfo>* pages);

// The bloom section of a block: entries of (stream id, filter bytes).
struct BloomEntry {
  uint16_t id = 0;
  std::string_view bits;
};
void EncodeBlooms(const std::vector<std::pair<uint16_t, std::string>>& blooms, std::string* out);
bool DecodeBlooms(std::string_view data, std::vector<BloomEntry>* out);

}  // namespace cairn::segment
