// src/store/lookup_cache.h
//
// LookupBlockCache keeps, for the segment blocks that LookupEvents reads again and again (the
// newest events of busy histories, which every lookup without a time range starts with), what a
// lookup needs of each row, decoded once: eventTime, eventID, eventCategory and the values of the
// eight lookup attributes (LookupBlock). For the rows that lookups returned it also keeps the
// original record and the event rendered as the LookupEvents response writes it. A lookup over a
// cached block is a loop over arrays in memory instead of decoding the block's pages again, and
// a returned row costs a copy instead of rebuilding its record and escaping it into JSON.
//
// Admission: a block is decoded whole only once lookups have returned rows from it
// `admit_after` times (Ready()): a block read once, by a lookup for a rare value or an old time
// range, costs what it did without the cache. The decode (~1 ms of CPU for 8192 rows) is done by
// a lookup after its answer is ready, and only by one that took less than `build_budget_us`, so
// that it never lands on top of an expensive lookup. Entries are keyed by
// (SegmentReader::cache_id(), block): a reader's id is never reused, so an entry can never describe
// another segment. Entries are immutable once built, except for rows rendered later; they are
// shared (std::shared_ptr), so eviction (least recently used, by bytes) never invalidates a block a
// lookup is using.
//
// Thread-safety: every method may be called from many threads at once; a LookupBlock's const
// methods too.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "event/event.h"
#include "store/segment_reader.h"

namespace cairn {

// The lookup columns of one block, every row decoded. Strings are views into memory the block
// owns.
class LookupBlock {
 public:
  // Decodes block `block` of `segment`. kDataLoss (naming the file) when the block is corrupt.
  static Result<std::shared_ptr<LookupBlock>> Build(const SegmentReader& segment, uint32_t block);

  // A returned row: its original record and the event object as the response writes it.
  struct Rendered {
    std::string record;
    std::string json;
  };

  // A string column as codes into the block's own table of its distinct values, so that a
  // lookup finds its value's code once per block and then compares integers.
  struct Coded {
    static constexpr uint32_t kNull = 0xFFFFFFFFu;
    static constexpr uint32_t kAbsent = 0xFFFFFFFEu;  // Find(): no row holds the value
    std::vector<uint32_t> codes;  // per row (per element for resources), kNull for NULL
    std::vector<Str> values;      // distinct values
    Str at(size_t i) const { return codes[i] == kNull ? Str() : values[codes[i]]; }
    uint32_t Find(std::string_view v) const;
  };

  uint32_t rows = 0;
  std::vector<int64_t> time;  // eventTime, ascending
  std::vector<Str> id;        // eventID
  Coded category, name, source, access_key, username;
  std::vector<OptBool> read_only;
  std::vector<uint32_t> resource_offsets;  // row r: elements [offsets[r], offsets[r+1])
  Coded resource_type, resource_arn;

  // Bytes held (decoded columns; rendered rows are charged to the cache as they are added).
  size_t bytes() const { return bytes_; }

  // The rendered row, or null when it was not rendered yet.
  std::shared_ptr<const Rendered> rendered(uint32_t row) const;
  // Keeps the first rendering of `row` and returns the one kept.
  std::shared_ptr<const Rendered> SetRendered(uint32_t row,
                                              std::shared_ptr<const Rendered> r) const;

 private:
  Str Copy(Str s);

  std::vector<std::unique_ptr<char[]>> chunks_;
  size_t chunk_left_ = 0;
  char* chunk_at_ = nullptr;
  size_t bytes_ = 0;
  mutable std::mutex mu_;
  mutable std::vector<std::shared_ptr<const Rendered>> rendered_;
};

class LookupBlockCache {
 public:
  struct Options {
    size_t capacity_bytes = size_t{128} << 20;
    uint32_t admit_after = 2;  // pages returned from a block before it is cached (0: at once)
    // A lookup decodes a block for the cache (at most one, after its own answer is ready) only
    // if it took less than this: a whole-block decode costs ~1 ms of CPU, and an expensive lookup
    // paying it too would be in the latency tail. 0: no limit.
    uint64_t build_budget_us = 1000;
  };
  explicit LookupBlockCache(Options options) : options_(options) {}

  // The process-wide cache that event histories use.
  static LookupBlockCache& Default();

  // The cached block, or null.
  std::shared_ptr<const LookupBlock> Find(uint64_t reader_id, uint32_t block);
  // Whether the block has been used enough to be cached (NoteUse).
  bool Ready(uint64_t reader_id, uint32_t block);
  // Whether a lookup that took `elapsed_us` may decode a block for the cache (build_budget_us).
  bool MayBuild(uint64_t elapsed_us) const {
    return options_.build_budget_us == 0 || elapsed_us < options_.build_budget_us;
  }
  // Records that a lookup returned rows of this (uncached) block.
  void NoteUse(uint64_t reader_id, uint32_t block);
  // Caches `b` (replacing nothing if another thread cached the block first) and returns the
  // entry that is cached.
  std::shared_ptr<const LookupBlock> Insert(uint64_t reader_id, uint32_t block,
                                            std::shared_ptr<const LookupBlock> b);
  // Adds `bytes` (a row rendered into a cached block) to the block's charge.
  void Charge(uint64_t reader_id, uint32_t block, size_t bytes);

  size_t bytes() const;
  size_t blocks() const;

 private:
  using Key = std::pair<uint64_t, uint32_t>;
  struct KeyHash {
    size_t operator()(const Key& k) const {
      return std::hash<uint64_t>{}(k.first * 0x9E3779B97F4A7C15ull ^ k.second);
    }
  };
  struct Entry {
    Key key;
    std::shared_ptr<const LookupBlock> block;
    size_t charge = 0;
  };
  void EvictLocked();

  const Options options_;
  mutable std::mutex mu_;
  size_t bytes_ = 0;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<Key, std::list<Entry>::iterator, KeyHash> index_;
  // Uses of uncached blocks; cleared when it grows past a bound (it only delays admission).
  std::unordered_map<Key, uint32_t, KeyHash> uses_;
};

}  // namespace cairn
