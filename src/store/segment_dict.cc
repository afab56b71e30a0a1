#include "store/segment_dict.h"

#include <algorithm>
#include <cstring>

#include "common/crc32c.h"
#include "store/segment_coding.h"
#include "store/segment_file.h"

namespace cairn::segment {
namespace {
constexpr size_t kDictPageBytes = 16 * 1024;
constexpr uint64_t kSmallDictBytes = 1 << 20;

// Values that share longer prefixes than this are rare; see SortChunks.
constexpr size_t kMaxChunkDepth = 512;

struct ChunkKey {
  uint64_t chunk;  // bytes [depth, depth + 8) of the value, big-endian, zero-padded
  uint32_t rest;   // bytes left from depth, capped at 9 (9: the value goes on past this chunk)
  uint32_t index;
  bool operator<(const ChunkKey& o) const {
    return chunk != o.chunk ? chunk < o.chunk : rest < o.rest;
  }
};

void FillKeys(std::span<const Str> values, size_t depth, ChunkKey* begin, ChunkKey* end) {
  for (ChunkKey* k = begin; k != end; ++k) {
    const Str v = values[k->index];
    const size_t left = v.size() - depth;  // REQUIRES: v.size() > depth (rest was 9)
    uint64_t chunk = 0;
    if (left >= 8) {
      std::memcpy(&chunk, v.data() + depth, 8);
    } else {
      std::memcpy(&chunk, v.data() + depth, left);
    }
    k->chunk = __builtin_bswap64(chunk);
    k->rest = static_cast<uint32_t>(std::min<size_t>(left, 9));
  }
}

// Sorts [begin, end), whose values agree on their first `depth` bytes and all go on past them.
void SortChunks(std::span<const Str> values, size_t depth, ChunkKey* begin, ChunkKey* end) {
  while (end - begin > 1) {
    if (depth >= kMaxChunkDepth) {
      // Past this depth, whole comparisons: the recursion stays shallow whatever the values.
      std::sort(begin, end, [&](const ChunkKey& a, const ChunkKey& b) {
        return values[a.index].substr(depth) < values[b.index].substr(depth);
      });
      return;
    }
    FillKeys(values, depth, begin, end);
    std::sort(begin, end);
    // Runs that share this chunk and go on are sorted by the next one. The last such run is
    // handled by the loop instead of a recursive call (values sharing long prefixes).
    ChunkKey* tail_begin = nullptr;
    ChunkKey* tail_end = nullptr;
    for (ChunkKey* run = begin; run != end;) {
      ChunkKey* next = run + 1;
      while (next != end && next->chunk == run->chunk && next->rest == run->rest) ++next;
      if (run->rest == 9 && next - run > 1) {
        if (tail_begin) SortChunks(values, depth + 8, tail_begin, tail_end);
        tail_begin = run;
        tail_end = next;
      }
      run = next;
    }
    if (!tail_begin) return;
    begin = tail_begin;
    end = tail_end;
    depth += 8;
  }
}

}  // namespace

std::vector<uint32_t> SortedOrder(std::span<const Str> values) {
  std::vector<ChunkKey> keys(values.size());
  std::vector<ChunkKey> empty;  // values of size 0 come first, in any order
  size_t n = 0;
  for (uint32_t i = 0; i < values.size(); ++i) {
    if (values[i].empty()) {
      empty.push_back({0, 0, i});
    } else {
      keys[n++] = {0, 9, i};
    }
  }
  SortChunks(values, 0, keys.data(), keys.data() + n);
  std::vector<uint32_t> order;
  order.reserve(values.size());
  for (const ChunkKey& k : empty) order.push_back(k.index);
  for (size_t i = 0; i < n; ++i) order.push_back(keys[i].index);
  return order;
}

void EncodeDictionary(std::span<const Str> sorted, PageCompressor* compressor,
                      const ZstdDictionary* zdict, std::string* directory, std::string* pages) {
  std::string entries, payload;
  uint64_t page_count = 0;
  size_t begin = 0;
  while (begin < sorted.size()) {
    size_t end = begin, bytes = 0;
    while (end < sorted.size() && (end == begin || bytes < kDictPageBytes)) {
      bytes += sorted[end].size() + 2;
      ++end;
    }
    payload.clear();
    EncodePlain(sorted.subspan(begin, end - begin), &payload);
    PageInfo page;
    compressor->Compress(payload, zdict, &page, pages);
    PutVarint(&entries, end - begin);
    PutVarint(&entries, page.usize);
    PutVarint(&entries, page.csize);
    entries.push_back(static_cast<char>(page.compression));
    PutFixed32(&entries, page.crc);
    PutBytes(&entries, sorted[begin]);
    ++page_count;
    begin = end;
  }
  PutVarint(directory, pages->size());
  PutVarint(directory, page_count);
  directory->append(entries);
}

SegmentDictionary::~SegmentDictionary() = default;

Result<std::unique_ptr<SegmentDictionary>> SegmentDictionary::Load(const SegmentFile* file,
                                                                   const ColumnInfo& col) {
  const std::string where =
      file->Where("dictionary of stream " + std::to_string(col.id), col.dict.offset);
  std::string dir;
  RETURN_IF_ERROR(file->ReadBytes(col.dict.offset, col.dict.size, &dir));
  if (crc32c::Value(dir) != col.dict.crc) return Status::DataLoss(where + ": checksum mismatch");
  std::unique_ptr<SegmentDictionary> d(new SegmentDictionary);
  d->file_ = file;
  d->id_ = col.id;
  Decoder in(dir);
  const uint64_t pages_size = in.Varint();
  const uint64_t n = in.Varint();
  const uint64_t pages_offset = col.dict.offset + col.dict.size;
  const uint64_t data_end = file->footer_offset();
  if (!in.ok() || n > dir.size() || pages_offset > data_end ||
      pages_size > data_end - pages_offset) {
    return Status::DataLoss(where + ": malformed directory");
  }
  uint64_t offset = pages_offset, code = 0, usize = 0;
  for (uint64_t i = 0; i < n && in.ok(); ++i) {
    Page p;
    p.count = in.Varint32();
    p.info.rows = p.count;
    p.info.usize = in.Varint32();
    p.info.csize = in.Varint32();
    const uint8_t c = in.U8();
    p.info.crc = in.Fixed32();
    p.first = std::string(in.LengthPrefixed());
    if (c > 2 || p.count == 0 || p.info.usize > (1u << 30)) in.Fail();
    p.info.compression = static_cast<PageCompression>(c);
    p.info.offset = offset;
    p.offset = offset;
    p.first_code = static_cast<uint32_t>(code);
    offset += p.info.csize;
    code += p.count;
    usize += p.info.usize;
    if (!d->pages_.empty() && !(Str(d->pages_.back().first) < Str(p.first))) in.Fail();
    d->pages_.push_back(std::move(p));
  }
  if (!in.ok() || !in.done() || code != col.dict_count || offset != pages_offset + pages_size) {
    return Status::DataLoss(where + ": malformed directory");
  }
  d->count_ = col.dict_count;
  d->small_ = usize <= kSmallDictBytes;
  d->decoded_.reset(new std::atomic<const Decoded*>[d->pages_.size()]);
  for (size_t i = 0; i < d->pages_.size(); ++i) d->decoded_[i].store(nullptr);
  return d;
}

Result<const SegmentDictionary::Decoded*> SegmentDictionary::DecodePage(size_t p) const {
  if (const Decoded* d = decoded_[p].load(std::memory_order_acquire)) return d;
  std::lock_guard<std::mutex> lock(mu_);
  if (const Decoded* d = decoded_[p].load(std::memory_order_relaxed)) return d;
  const Page& page = pages_[p];
  const std::string where = file_->Where(
      "dictionary page " + std::to_string(p) + " of stream " + std::to_string(id_), page.offset);
  std::string stored;
  RETURN_IF_ERROR(file_->ReadBytes(page.offset, page.info.csize, &stored));
  const ZstdDictionary* zdict = nullptr;
  if (page.info.compression == PageCompression::kZstdDict) {
    ASSIGN_OR_RETURN(zdict, file_->Zdict(id_));
  }
  auto d = std::make_unique<Decoded>();
  if (!DecompressPage(stored, page.info, zdict, &d->bytes)) {
    return Status::DataLoss(where + ": checksum mismatch or bad compressed data");
  }
  if (!DecodePlain(d->bytes, page.count, &d->values))
    return Status::DataLoss(where + ": malformed");
  for (size_t i = 0; i < d->values.size(); ++i) {
    if (IsNull(d->values[i]) || (i && !(d->values[i - 1] < d->values[i])) ||
        (i == 0 && d->values[0] != page.first)) {
      return Status::DataLoss(where + ": values out of order");
    }
  }
  const Decoded* raw = d.get();
  owned_.push_back(std::move(d));
  decoded_[p].store(raw, std::memory_order_release);
  return raw;
}

Result<Str> SegmentDictionary::Value(uint32_t code) const {
  auto it = std::upper_bound(pages_.begin(), pages_.end(), code,
                             [](uint32_t c, const Page& p) { return c < p.first_code; });
  const size_t p = static_cast<size_t>(it - pages_.begin()) - 1;
  ASSIGN_OR_RETURN(const Decoded* d, DecodePage(p));
  return d->values[code - pages_[p].first_code];
}

size_t SegmentDictionary::PageFor(Str v) const {
  // The last page whose first value is <= v; values < every first belong to page 0.
  auto it = std::upper_bound(pages_.begin(), pages_.end(), v,
                             [](Str x, const Page& p) { return x < Str(p.first); });
  return it == pages_.begin() ? 0 : static_cast<size_t>(it - pages_.begin()) - 1;
}

Result<uint32_t> SegmentDictionary::LowerBound(Str v) const {
  if (pages_.empty()) return 0u;
  const size_t p = PageFor(v);
  ASSIGN_OR_RETURN(const Decoded* d, DecodePage(p));
  auto it = std::lower_bound(d->values.begin(), d->values.end(), v);
  return pages_[p].first_code + static_cast<uint32_t>(it - d->values.begin());
}

Result<std::optional<uint32_t>> SegmentDictionary::Find(Str v) const {
  ASSIGN_OR_RETURN(uint32_t code, LowerBound(v));
  if (code >= count_) return std::optional<uint32_t>();
  ASSIGN_OR_RETURN(Str found, Value(code));
  if (found != v) return std::optional<uint32_t>();
  return std::optional<uint32_t>(code);
}

Result<std::pair<uint32_t, uint32_t>> SegmentDictionary::PrefixRange(Str prefix) const {
  ASSIGN_OR_RETURN(uint32_t lo, LowerBound(prefix));
  // Values with the prefix end before the prefix's successor (last byte < 0xFF incremented).
  std::string next(prefix);
  while (!next.empty() && static_cast<uint8_t>(next.back()) == 0xFF) next.pop_back();
  uint32_t hi = count_;
  if (!next.empty()) {
    next.back() = static_cast<char>(static_cast<uint8_t>(next.back()) + 1);
    ASSIGN_OR_RETURN(hi, LowerBound(next));
  }
  return std::make_pair(lo, std::max(lo, hi));
}

Result<std::span<const Str>> SegmentDictionary::All() const {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (all_ready_) return std::span<const Str>(all_);
  }
  std::vector<Str> all;
  all.reserve(count_);
  for (size_t p = 0; p < pages_.size(); ++p) {
    ASSIGN_OR_RETURN(const Decoded* d, DecodePage(p));
    all.insert(all.end(), d->values.begin(), d->values.end());
  }
  for (size_t i = 1; i < all.size(); ++i) {
    if (!(all[i - 1] < all[i])) {
      return Status::DataLoss(
          file_->Where("dictionary of stream " + std::to_string(id_) + ": pages out of order",
                       pages_.empty() ? 0 : pages_[0].offset));
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!all_ready_) {
    all_ = std::move(all);
    all_ready_ = true;
  }
  return std::span<const Str>(all_);
}

}  // namespace cairn::segment
