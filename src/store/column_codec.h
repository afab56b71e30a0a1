// src/store/column_codec.h
//
// Encoders and decoders of the page payloads of segment chunks (doc/format/segment.md §Pages), and
// the zstd page compression they share. A chunk is one stream (a column, or the record skeletons,
// resources counts, ...) of one block, split into pages that are compressed one by one so that a
// point read decompresses only the page holding its row.
//
// Payloads (uncompressed):
//   kDict         code[rows] as code_width-byte little-endian integers; 0 = NULL, else index + 1
//   kPlain        len[rows] as varints (0 = NULL, else length + 1), then the bytes of all values
//   kTimeDelta    unit:u8, then rows svarints: value/unit - previous value/unit (previous of the
//                 first is 0); unit byte 1 = whole seconds (all values divisible), 0 = microseconds
//   kTimeRelative unit:u8, then per row a varint: 0 = NULL, else zigzag(value/unit -
//                 eventtime/unit) + 1
//   kBool         one byte per row: 0 = NULL, 1 = false, 2 = true
//   kCount        one varint per row
//   kUuid         tag[rows] (0 = NULL, 1 = canonical UUID, 2 = other string), then 16 bytes per
//                 UUID, then per other string its length as a varint, then their bytes
//
// Thread-safety: the free functions are pure; a PageCompressor is used by one thread at a time;
// a ZstdDictionary is immutable once built and may be shared.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "event/event.h"
#include "store/segment_format.h"

struct ZSTD_CCtx_s;
struct ZSTD_CDict_s;
struct ZSTD_DDict_s;

namespace cairn::segment {

// --- payload encoders (append to `out`)
void EncodeCodes(std::span<const uint32_t> codes_plus1, uint8_t width, std::string* out);
void EncodePlain(std::span<const Str> values, std::string* out);
void EncodeTimeDelta(std::span<const int64_t> values, std::string* out);
void EncodeTimeRelative(std::span<const int64_t> values, std::span<const int64_t> event_times,
                        std::string* out);
void EncodeBools(std::span<const OptBool> values, std::string* out);
void EncodeCounts(std::span<const uint32_t> values, std::string* out);
// True for a canonical lower-case UUID: 8-4-4-4-12 hex digits [0-9a-f] with dashes.
bool IsCanonicalUuid(Str s);
// The 16 bytes of a canonical UUID. REQUIRES: IsCanonicalUuid(s).
void UuidBytes(Str s, uint8_t out[16]);
// IsCanonicalUuid and UuidBytes in one pass: false (and `out` unspecified) when `s` is not one.
bool ParseCanonicalUuid(Str s, uint8_t out[16]);
// Where the values of a kUuid payload are: `rows` tag bytes (0 NULL, 1 UUID, 2 another string),
// 16 bytes per UUID in row order, the varint lengths of the other strings, then their bytes.
struct UuidPageLayout {
  size_t uuids = 0;                                   // rows tagged 1
  size_t other_count = 0;                             // rows tagged 2
  std::vector<std::pair<uint32_t, uint32_t>> others;  // per row tagged 2: (offset, length)
};
// Reads the layout of `payload`; the other strings' lengths only when `read_others`. Returns false
// when the payload is malformed (unknown tag, short, lengths not ending exactly at its end).
bool ReadUuidPageLayout(std::string_view payload, uint32_t rows, bool read_others,
                        UuidPageLayout* out);
// Keeps the entries of `rows` (ascending, relative to the page's first row) whose value in the
// kUuid `payload` equals one of `uuids` (16 bytes each) or `others` (non-UUID strings): evaluates
// = / IN without rendering UUIDs as text. Returns false when the payload is malformed.
bool FilterUuidPage(std::string_view payload, uint32_t page_rows,
                    const std::vector<std::string>& uuids, const std::vector<std::string>& others,
                    std::vector<uint32_t>* rows);
void EncodeUuids(std::span<const Str> values, std::string* out);

// --- payload decoders: append exactly `rows` values; false when the payload is malformed.
// Codes come out 0-based with kNullCode (0xFFFFFFFF) for NULL; a code >= dict_count is malformed.
bool DecodeCodes(std::string_view payload, uint32_t rows, uint8_t width, uint32_t dict_count,
                 std::vector<uint32_t>* out);
// Views point into `payload`.
bool DecodePlain(std::string_view payload, uint32_t rows, std::vector<Str>* out);
bool DecodeTimeDelta(std::string_view payload, uint32_t rows, std::vector<int64_t>* out);
// `event_times` holds the eventtime of every row of the block; `first_row` is the page's first row.
bool DecodeTimeRelative(std::string_view payload, uint32_t rows,
                        std::span<const int64_t> event_times, uint32_t first_row,
                        std::vector<int64_t>* out);
bool DecodeBools(std::string_view payload, uint32_t rows, std::vector<OptBool>* out);
bool DecodeCounts(std::string_view payload, uint32_t rows, std::vector<uint32_t>* out);
// Appends the text of the values to `text` and per row (offset in `text`, length) to `spans`;
// offset -1 for NULL.
bool DecodeUuids(std::string_view payload, uint32_t rows, std::string* text,
                 std::vector<std::pair<int64_t, uint32_t>>* spans);

// A zstd dictionary trained for one stream of one segment, ready for compression and/or
// decompression.
class ZstdDictionary {
 public:
  ~ZstdDictionary();
  // Trains a dictionary of at most `max_bytes` from `samples`. Returns nullptr when training fails
  // or the samples are too few to help.
  static std::unique_ptr<ZstdDictionary> Train(const std::vector<std::string_view>& samples,
                                               size_t max_bytes, int level);
  // Wraps stored dictionary bytes for decompression. nullptr if zstd refuses them.
  static std::unique_ptr<ZstdDictionary> ForDecompression(std::string_view bytes);

  const std::string& bytes() const { return bytes_; }
  ZSTD_CDict_s* cdict() const { return cdict_; }
  ZSTD_DDict_s* ddict() const { return ddict_; }

 private:
  ZstdDictionary() = default;
  std::string bytes_;
  ZSTD_CDict_s* cdict_ = nullptr;
  ZSTD_DDict_s* ddict_ = nullptr;
};

// Compresses pages; keeps its zstd context between calls.
class PageCompressor {
 public:
  explicit PageCompressor(int level);
  ~PageCompressor();
  PageCompressor(const PageCompressor&) = delete;
  PageCompressor& operator=(const PageCompressor&) = delete;

  // Appends the stored form of `payload` to `out` and fills `page` (rows is left to the caller;
  // offset/first are not used). Stores it uncompressed when compression does not pay.
  void Compress(std::string_view payload, const ZstdDictionary* dict, PageInfo* page,
                std::string* out);

 private:
  int level_;
  ZSTD_CCtx_s* cctx_;
  std::string scratch_;
};

// Decompresses one stored page into `out` (replacing its contents). `dict` is required for
// kZstdDict pages. Checks the CRC first. Returns false when the page is corrupt.
bool DecompressPage(std::string_view stored, const PageInfo& page, const ZstdDictionary* dict,
                    std::string* out);

}  // namespace cairn::segment
