// src/store/page_cache.h
//
// PageCache keeps decompressed segment pages in memory (an "uncompressed page cache"), so that
// queries that read the same blocks again — dashboards, repeated Lake queries, the hot runs of
// bench/run queries — do not pay zstd decompression (and its buffer allocations) each time.
// Pages are keyed by the segment file's process-unique id and the page's offset in the file;
// segment files are immutable, so an entry never goes stale. Segment readers also keep derived
// per-block data here under keys with the offset's top bit set (SegmentFile::LookupMemberCodes:
// one code group member's codes; LookupBlockTimes: decoded eventTime), so that one budget bounds
// both. Least recently used pages are
// evicted past the byte budget (default 1 GiB; CAIRN_PAGE_CACHE_MB overrides, 0 disables).
//
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace cairn::segment {

class PageCache {
 public:
  explicit PageCache(size_t capacity_bytes) : capacity_(capacity_bytes) {}

  // The process-wide cache used by segment readers.
  static PageCache& Default();
  // A new id for a segment file opened by this process.
  static uint64_t NewFileId();

  // Copies the cached page into `out` and returns true, or returns false when it is not cached.
  bool Lookup(uint64_t file_id, uint64_t offset, std::string* out);
  // Caches `bytes` as the page at `offset` of file `file_id` (no-op if the page alone exceeds the
  // budget).
  void Insert(uint64_t file_id, uint64_t offset, std::string_view bytes);
  // The same without copying: the cached page is shared (it stays valid while the caller holds
  // it, even after eviction). Lookup returns null when the page is not cached.
  std::shared_ptr<const std::string> LookupShared(uint64_t file_id, uint64_t offset);
  void InsertShared(uint64_t file_id, uint64_t offset, std::shared_ptr<const std::string> bytes);

  size_t bytes() const;
  void SetCapacity(size_t capacity_bytes);

 private:
  struct Entry {
    uint64_t file_id;
    uint64_t offset;
    std::shared_ptr<const std::string> bytes;
  };
  struct KeyHash {
    size_t operator()(const std::pair<uint64_t, uint64_t>& k) const {
      return std::hash<uint64_t>{}(k.first * 0x9E3779B97F4A7C15ull ^ k.second);
    }
  };
  void EvictLocked();

  mutable std::mutex mu_;
  size_t capacity_;
  size_t bytes_ = 0;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::pair<uint64_t, uint64_t>, std::list<Entry>::iterator, KeyHash> index_;
};

}  // namespace cairn::segment
