// src/store/segment_dict.h
//
// Segment dictionaries: the sorted distinct values of a dictionary-encoded stream, stored in pages
// of ~16 KB so that a reader decodes only the pages it touches (a point lookup of one record needs
// a few values out of dictionaries that can hold hundreds of thousands).
//
//   dictionary := directory page*            (the footer's section_ref covers the directory)
//   directory  := pages_size:varint page_count:varint
//                 (count:varint usize:varint csize:varint compression:u8 crc:fixed32 first:bytes)*
//   page       := a plain payload (column_codec.h) of `count` values, stored like chunk pages
// `first` is the page's first value (for binary search without decoding pages).
//
// Thread-safety: EncodeDictionary is a pure function. A SegmentDictionary is safe to use from
// many threads: pages are decoded once, under a lock, and read without one afterwards.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "common/status.h"
#include "event/event.h"
#include "store/column_codec.h"
#include "store/segment_format.h"

namespace cairn::segment {

class SegmentFile;

// The order of `values` ascending (byte-wise, as std::string_view compares): `values[order[0]]`
// is the least. Sorts 8-byte big-endian chunks of the values, one chunk deeper only inside groups
// that share every chunk so far, so most comparisons are between integers in cache rather than
// memcmp calls on values spread over the events. Equal values keep no particular order.
std::vector<uint32_t> SortedOrder(std::span<const Str> values);

// Encodes `sorted` (ascending, distinct) as a directory and the pages that follow it.
void EncodeDictionary(std::span<const Str> sorted, PageCompressor* compressor,
                      const ZstdDictionary* zdict, std::string* directory, std::string* pages);

class SegmentDictionary {
 public:
  // Reads and checks the directory of stream `col`'s dictionary.
  static Result<std::unique_ptr<SegmentDictionary>> Load(const SegmentFile* file,
                                                         const ColumnInfo& col);
  ~SegmentDictionary();

  uint32_t size() const { return count_; }
  // Small dictionaries (≤ 1 MB of values) are handed to scans whole (VectorKind::kDict).
  bool small() const { return small_; }

  // The value of `code`. REQUIRES: code < size().
  Result<Str> Value(uint32_t code) const;
  // The code of `v`, if present.
  Result<std::optional<uint32_t>> Find(Str v) const;
  // Codes [first, second) of the values starting with `prefix`.
  Result<std::pair<uint32_t, uint32_t>> PrefixRange(Str prefix) const;
  // Every value, by code (decodes every page once).
  Result<std::span<const Str>> All() const;

 private:
  struct Page {
    uint32_t first_code, count;
    uint64_t offset;
    PageInfo info;
    std::string first;
  };
  struct Decoded {
    std::string bytes;
    std::vector<Str> values;
  };
  SegmentDictionary() = default;
  Result<const Decoded*> DecodePage(size_t p) const;
  // The page that holds the first value >= v (or the last page).
  size_t PageFor(Str v) const;
  // Code of the first value >= v.
  Result<uint32_t> LowerBound(Str v) const;

  const SegmentFile* file_ = nullptr;
  uint16_t id_ = 0;
  uint32_t count_ = 0;
  bool small_ = false;
  std::vector<Page> pages_;
  mutable std::mutex mu_;
  mutable std::unique_ptr<std::atomic<const Decoded*>[]> decoded_;
  mutable std::vector<std::unique_ptr<Decoded>> owned_;
  mutable std::vector<Str> all_;
  mutable bool all_ready_ = false;
};

}  // namespace cairn::segment
