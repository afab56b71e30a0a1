// src/store/segment_writer.cc
//
// Segment file format, version 1 (full description: doc/format/segment.md). Integers are
// little-endian; varint = LEB128; svarint = zigzag varint; crc = CRC32C.
//
//   file       := header section* footer tail
//   header     := "CAIRNSEG" version:fixed32(=1)
//   section    := dictionary | zstd-dictionary | chunk | blooms    (located by the footer)
//   dictionary := usize:varint zstd(plain-payload of the sorted distinct values)
//   chunk      := directory page*                                   (one stream of one block)
//   directory  := page_count:varint (rows:varint usize:varint csize:varint compression:u8
//   crc:fixed32)* page       := payload, stored as-is (0), zstd (1) or zstd with the stream's
//   dictionary (2) blooms     := count:varint (stream:varint size:varint bits[size])* footer     :=
//   event_count:varint min_time:svarint max_time:svarint raw_bytes:varint
//                 stream_count:varint stream_info* block_count:varint block_info*
//   stream_info:= id:varint encoding:u8 [dict_count:varint code_width:u8 section_ref]?
//   zdict:section_ref block_info := rows:varint min_time:svarint (max_time-min_time):svarint
//   blooms:section_ref
//                 chunk_count:varint chunk_info*
//   chunk_info := id:varint null_count:varint offset:varint size:varint dir_size:varint
//   dir_crc:fixed32 zone zone       := min_code:varint (max-min):varint     (dictionary streams)
//               | min_prefix:bytes max_prefix:bytes   (plain strings, 16-byte prefixes)
//               | min:svarint max:svarint             (timestamps)
//               | true_count:varint false_count:varint (bools)  | nothing (counts)
//   section_ref:= offset:varint size:varint [crc:fixed32 if size > 0]
//   tail       := footer_offset:fixed64 footer_size:fixed32 footer_crc:fixed32 version:fixed32
//   "CAIRNEND"
//
// Page payloads are described in column_codec.h; the record skeleton stream in raw_skeleton.h.
// A stream absent from a block is entirely NULL there (counts: 0). Streams are catalog column ids
// (columns.h) plus 1000 resources count, 1001 userIdentity present, 1002 record skeletons.
//
// The writer works stream by stream (all blocks of one column, then the next), so that it holds
// only one column's codes in memory at a time.
#include "store/segment_writer.h"

#include <algorithm>
#include <unordered_map>

#include "common/crc32c.h"
#include "store/bloom_filter.h"
#include "store/column_codec.h"
#include "store/columns.h"
#include "store/raw_skeleton.h"
#include "store/segment_coding.h"
#include "store/segment_format.h"

namespace cairn {

std::vector<EventRef> SortedEventRefs(std::span<const EventBatch* const> batches) {
  std::vector<EventRef> refs;
  size_t n = 0;
  for (const EventBatch* b : batches) n += b->size();
  refs.reserve(n);
  for (const EventBatch* b : batches) {
    for (const Event& e : b->events) refs.push_back({&e, b});
  }
  std::stable_sort(refs.begin(), refs.end(), [](const EventRef& a, const EventRef& b) {
    return a.event->event_time_us < b.event->event_time_us;
  });
  return refs;
}

namespace {

using namespace segment;

constexpr size_t kPlainPageBytes = 32 * 1024;
constexpr size_t kWriteBufferBytes = 1 << 20;
constexpr uint32_t kMaxDictValues = 1 << 20;
constexpr size_t kZdictMinStreamBytes = 256 * 1024;
constexpr size_t kZdictSampleBytes = 512 * 1024;

int BloomBitsPerKey(uint16_t id) {
  // eventID checks run on every ingested event (deduplication): keep false positives rare.
  return id == static_cast<uint16_t>(ColumnId::kEventId) ? 16 : 10;
}

struct StringLess {
  bool operator()(Str a, Str b) const { return a < b; }
};

class Writer {
 public:
  Writer(Env* env, std::string path, std::span<const EventRef> events,
         const SegmentWriteOptions& opts)
      : env_(env),
        path_(std::move(path)),
        events_(events),
        opts_(opts),
        compressor_(opts.compression_level) {
    block_rows_ = opts.block_rows ? std::min(opts.block_rows, kMaxBlockRows) : kDefaultBlockRows;
  }

  Result<SegmentMeta> Run() {
    for (size_t i = 1; i < events_.size(); ++i) {
      if (events_[i].event->event_time_us < events_[i - 1].event->event_time_us) {
        return Status::InvalidArgument(path_ + ": events not sorted by eventTime at index " +
                                       std::to_string(i));
      }
    }
    ASSIGN_OR_RETURN(file_, env_->NewWritableFile(path_));
    buf_.append(kMagic, 8);
    PutFixed32(&buf_, kVersion);
    offset_ = buf_.size();

    SegmentMeta& meta = footer_.meta;
    meta.format_version = kVersion;
    meta.event_count = events_.size();
    for (size_t b = 0; b * block_rows_ < events_.size(); ++b) {
      BlockInfo info;
      size_t begin = b * block_rows_, end = std::min(events_.size(), begin + block_rows_);
      info.rows = static_cast<uint32_t>(end - begin);
      info.min_time = events_[begin].event->event_time_us;
      info.max_time = events_[end - 1].event->event_time_us;
      footer_.blocks.push_back(std::move(info));
    }
    blooms_.resize(footer_.blocks.size());
    if (!events_.empty()) {
      meta.min_event_time_us = events_.front().event->event_time_us;
      meta.max_event_time_us = events_.back().event->event_time_us;
    }
    for (const EventRef& r : events_) meta.raw_bytes += r.event->raw.size();

    for (const ColumnDef& c : AllColumns()) {
      if (!c.stored || c.id == ColumnId::kEventJson) continue;
      switch (c.type) {
        case ColumnType::kString:
        case ColumnType::kMap:
          RETURN_IF_ERROR(WriteStringStream(c));
          break;
        case ColumnType::kTimestamp:
          RETURN_IF_ERROR(WriteTimestamps(c.id));
          break;
        case ColumnType::kBool:
          RETURN_IF_ERROR(WriteBools(static_cast<uint16_t>(c.id),
                                     [&](const Event& e) { return BoolField(e, c.id); }));
          break;
      }
    }
    RETURN_IF_ERROR(WriteResourceCounts());
    RETURN_IF_ERROR(WriteBools(kUserIdentityPresentId, [](const Event& e) {
      return e.user_identity.present ? OptBool::kTrue : OptBool::kFalse;
    }));
    RETURN_IF_ERROR(WriteSkeletons());
    for (size_t b = 0; b < blooms_.size(); ++b) {
      if (blooms_[b].empty()) continue;
      std::string section;
      EncodeBlooms(blooms_[b], &section);
      ASSIGN_OR_RETURN(footer_.blocks[b].bloom, AppendSection(section));
    }
    std::sort(footer_.columns.begin(), footer_.columns.end(),
              [](const ColumnInfo& a, const ColumnInfo& b) { return a.id < b.id; });
    for (BlockInfo& b : footer_.blocks) {
      std::sort(b.chunks.begin(), b.chunks.end(),
                [](const ChunkInfo& x, const ChunkInfo& y) { return x.id < y.id; });
    }

    std::string footer;
    EncodeFooter(footer_, &footer);
    const uint64_t footer_offset = offset_;
    buf_ += footer;
    PutFixed64(&buf_, footer_offset);
    PutFixed32(&buf_, static_cast<uint32_t>(footer.size()));
    PutFixed32(&buf_, crc32c::Value(footer));
    PutFixed32(&buf_, kVersion);
    buf_.append(kEndMagic, 8);
    offset_ += footer.size() + kTailSize;
    RETURN_IF_ERROR(FlushBuffer());
    if (opts_.sync) RETURN_IF_ERROR(file_->Sync());
    RETURN_IF_ERROR(file_->Close());
    meta.file_bytes = offset_;
    meta.block_count = static_cast<uint32_t>(footer_.blocks.size());
    return meta;
  }

 private:
  size_t BlockBegin(size_t b) const { return b * block_rows_; }
  size_t BlockEnd(size_t b) const { return std::min(events_.size(), (b + 1) * block_rows_); }

  Status FlushBuffer() {
    if (buf_.empty()) return Status::OK();
    Status s = file_->Append(buf_);
    buf_.clear();
    return s;
  }

  Result<SectionRef> AppendSection(std::string_view data) {
    SectionRef ref{offset_, data.size(), crc32c::Value(data)};
    buf_.append(data);
    offset_ += data.size();
    if (buf_.size() >= kWriteBufferBytes) RETURN_IF_ERROR(FlushBuffer());
    return ref;
  }

  // Compresses `payloads` (each with its value count) into one chunk and records it in block `b`.
  Status AppendChunk(size_t b, ChunkInfo chunk,
                     const std::vector<std::pair<std::string, uint32_t>>& payloads,
                     const ZstdDictionary* zdict) {
    std::vector<PageInfo> pages(payloads.size());
    pages_buf_.clear();
    for (size_t i = 0; i < payloads.size(); ++i) {
      pages[i].rows = payloads[i].second;
      compressor_.Compress(payloads[i].first, zdict, &pages[i], &pages_buf_);
    }
    std::string dir;
    EncodePageDirectory(pages, &dir);
    chunk.offset = offset_;
    chunk.dir_size = static_cast<uint32_t>(dir.size());
    chunk.dir_crc = crc32c::Value(dir);
    chunk.size = dir.size() + pages_buf_.size();
    buf_ += dir;
    buf_ += pages_buf_;
    offset_ += chunk.size;
    if (buf_.size() >= kWriteBufferBytes) RETURN_IF_ERROR(FlushBuffer());
    footer_.blocks[b].chunks.push_back(std::move(chunk));
    return Status::OK();
  }

  // Values of a string stream for the rows of block `b` (elements for list children).
  void BlockValues(const ColumnDef& c, size_t b, std::vector<Str>* out) const {
    out->clear();
    for (size_t r = BlockBegin(b); r < BlockEnd(b); ++r) {
      const Event& e = *events_[r].event;
      if (c.list_child) {
        for (const Resource& res : events_[r].batch->ResourcesOf(e))
          out->push_back(*ResourceField(res, c.id));
      } else {
        out->push_back(StringValue(e, c.id));
      }
    }
  }

  std::unique_ptr<ZstdDictionary> TrainZdict(const std::vector<Str>& samples, size_t total_bytes) {
    if (total_bytes < kZdictMinStreamBytes || samples.empty()) return nullptr;
    std::vector<std::string_view> views(samples.begin(), samples.end());
    size_t max_bytes = std::clamp<size_t>(total_bytes / 64, 4096, 64 * 1024);
    return ZstdDictionary::Train(views, max_bytes, opts_.compression_level);
  }

  Status WriteStringStream(const ColumnDef& c) {
    const uint16_t id = static_cast<uint16_t>(c.id);
    // Pass 1: distinct values (until there are too many for a dictionary) and sizes.
    std::unordered_map<Str, uint32_t> distinct;
    std::vector<uint32_t> ids;  // insertion id + 1 per value, 0 = NULL
    uint64_t values = 0, non_null = 0, bytes = 0, distinct_bytes = 0;
    bool dict_ok = true;
    bool all_uuid = true;  // every value a canonical UUID: 16 bytes each instead of 36
    std::vector<Str> block_values, samples;
    size_t sample_bytes = 0;
    const size_t sample_every = std::max<size_t>(1, events_.size() / 4096);
    for (size_t b = 0; b < footer_.blocks.size(); ++b) {
      BlockValues(c, b, &block_values);
      for (size_t i = 0; i < block_values.size(); ++i) {
        Str v = block_values[i];
        ++values;
        if (IsNull(v)) {
          if (dict_ok) ids.push_back(0);
          continue;
        }
        ++non_null;
        bytes += v.size();
        all_uuid = all_uuid && IsCanonicalUuid(v);
        if ((values % sample_every) == 0 && sample_bytes < kZdictSampleBytes && v.size() >= 8) {
          samples.push_back(v);
          sample_bytes += v.size();
        }
        if (!dict_ok) continue;
        auto [it, inserted] = distinct.try_emplace(v, static_cast<uint32_t>(distinct.size()));
        if (inserted) distinct_bytes += v.size();
        ids.push_back(it->second + 1);
        // Give up on a dictionary once values are mostly distinct.
        if (distinct.size() > kMaxDictValues ||
            (non_null >= 4096 && distinct.size() * 4 > non_null * 3)) {
          dict_ok = false;
          distinct.clear();
          ids = {};
        }
      }
    }
    if (non_null == 0) return Status::OK();  // all NULL: no stream at all
    // A dictionary pays when values repeat: on average at least twice, or the distinct values
    // are a small part of the bytes.
    const bool use_dict =
        dict_ok && (distinct.size() * 2 <= non_null || distinct_bytes * 4 <= bytes);
    ColumnInfo info;
    info.id = id;
    std::vector<uint32_t> remap;
    std::vector<uint64_t> dict_hash;
    if (use_dict) {
      std::vector<Str> dict(distinct.size());
      for (const auto& [v, i] : distinct) dict[i] = v;
      std::vector<uint32_t> order(dict.size());
      for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(),
                [&](uint32_t a, uint32_t b) { return dict[a] < dict[b]; });
      remap.resize(dict.size());
      std::vector<Str> sorted(dict.size());
      for (uint32_t k = 0; k < order.size(); ++k) {
        remap[order[k]] = k;
        sorted[k] = dict[order[k]];
      }
      if (c.needle) {
        dict_hash.resize(sorted.size());
        for (size_t k = 0; k < sorted.size(); ++k) dict_hash[k] = BloomHash(sorted[k]);
      }
      info.encoding = Encoding::kDict;
      info.dict_count = static_cast<uint32_t>(sorted.size());
      info.code_width = sorted.size() < 255 ? 1 : sorted.size() < 65535 ? 2 : 4;
      std::string payload, body, section;
      EncodePlain(sorted, &payload);
      PageInfo page;
      PageCompressor dict_compressor(std::max(opts_.compression_level, 9));
      dict_compressor.Compress(payload, nullptr, &page, &body);
      PutVarint(&section, page.compression == PageCompression::kNone ? 0 : payload.size());
      section += body;
      ASSIGN_OR_RETURN(info.dict, AppendSection(section));
    } else if (all_uuid) {
      info.encoding = Encoding::kUuid;
    } else {
      info.encoding = Encoding::kPlain;
      zdict_ = TrainZdict(samples, bytes);
      if (zdict_) {
        ASSIGN_OR_RETURN(info.zdict, AppendSection(zdict_->bytes()));
      }
    }

    // Pass 2: chunks.
    size_t at = 0;  // into ids
    std::vector<uint32_t> codes;
    std::vector<std::pair<std::string, uint32_t>> payloads;
    std::vector<uint8_t> seen;
    for (size_t b = 0; b < footer_.blocks.size(); ++b) {
      BlockValues(c, b, &block_values);
      ChunkInfo chunk;
      chunk.id = id;
      payloads.clear();
      uint32_t nulls = 0;
      for (Str v : block_values) nulls += IsNull(v);
      if (nulls == block_values.size()) {
        at += block_values.size();
        continue;
      }
      chunk.null_count = nulls;
      if (use_dict) {
        codes.resize(block_values.size());
        uint32_t lo = UINT32_MAX, hi = 0;
        if (c.needle) seen.assign(info.dict_count, 0);
        size_t distinct_in_block = 0;
        for (size_t i = 0; i < block_values.size(); ++i) {
          uint32_t raw_id = ids[at++];
          if (raw_id == 0) {
            codes[i] = 0;
            continue;
          }
          uint32_t code = remap[raw_id - 1];
          codes[i] = code + 1;
          lo = std::min(lo, code);
          hi = std::max(hi, code);
          if (c.needle && !seen[code]) {
            seen[code] = 1;
            ++distinct_in_block;
          }
        }
        chunk.min_code = lo;
        chunk.max_code = hi;
        payloads.emplace_back(std::string(), static_cast<uint32_t>(codes.size()));
        EncodeCodes(codes, info.code_width, &payloads.back().first);
        if (c.needle) {
          BloomFilterBuilder bloom(distinct_in_block, BloomBitsPerKey(id));
          for (uint32_t k = 0; k < info.dict_count; ++k) {
            if (seen[k]) bloom.AddHash(dict_hash[k]);
          }
          blooms_[b].emplace_back(id, bloom.data());
        }
      } else {
        Str lo, hi;
        bool any = false;
        for (Str v : block_values) {
          if (IsNull(v)) continue;
          if (!any || v < lo) lo = v;
          if (!any || v > hi) hi = v;
          any = true;
        }
        chunk.min_prefix = std::string(lo.substr(0, kZonePrefix));
        chunk.max_prefix = std::string(hi.substr(0, kZonePrefix));
        if (info.encoding == Encoding::kUuid) {
          AppendUuidPages(block_values, &payloads);
        } else {
          AppendPlainPages(block_values, &payloads);
        }
        if (c.needle) {
          BloomFilterBuilder bloom(block_values.size() - nulls, BloomBitsPerKey(id));
          for (Str v : block_values) {
            if (!IsNull(v)) bloom.Add(v);
          }
          blooms_[b].emplace_back(id, bloom.data());
        }
      }
      RETURN_IF_ERROR(AppendChunk(b, std::move(chunk), payloads, zdict_.get()));
    }
    footer_.columns.push_back(info);
    zdict_.reset();
    return Status::OK();
  }

  // Splits `values` into plain pages of about kPlainPageBytes.
  static void AppendPlainPages(const std::vector<Str>& values,
                               std::vector<std::pair<std::string, uint32_t>>* payloads) {
    size_t begin = 0;
    while (begin < values.size()) {
      size_t end = begin, bytes = 0;
      while (end < values.size() && (end == begin || bytes < kPlainPageBytes)) {
        bytes += values[end].size() + 2;
        ++end;
      }
      payloads->emplace_back(std::string(), static_cast<uint32_t>(end - begin));
      EncodePlain(std::span<const Str>(values.data() + begin, end - begin),
                  &payloads->back().first);
      begin = end;
    }
  }

  static void AppendUuidPages(const std::vector<Str>& values,
                              std::vector<std::pair<std::string, uint32_t>>* payloads) {
    const size_t per_page = kPlainPageBytes / 17;
    for (size_t begin = 0; begin < values.size(); begin += per_page) {
      const size_t n = std::min(per_page, values.size() - begin);
      payloads->emplace_back(std::string(), static_cast<uint32_t>(n));
      EncodeUuids(std::span<const Str>(values.data() + begin, n), &payloads->back().first);
    }
  }

  Status WriteTimestamps(ColumnId id) {
    ColumnInfo info;
    info.id = static_cast<uint16_t>(id);
    info.encoding = id == ColumnId::kEventTime ? Encoding::kTimeDelta : Encoding::kTimeRelative;
    bool any_chunk = false;
    std::vector<int64_t> values, times;
    std::vector<std::pair<std::string, uint32_t>> payloads;
    for (size_t b = 0; b < footer_.blocks.size(); ++b) {
      values.clear();
      times.clear();
      for (size_t r = BlockBegin(b); r < BlockEnd(b); ++r) {
        values.push_back(TimestampField(*events_[r].event, id));
        times.push_back(events_[r].event->event_time_us);
      }
      ChunkInfo chunk;
      chunk.id = info.id;
      bool any = false;
      for (int64_t v : values) {
        if (v == INT64_MIN) {
          ++chunk.null_count;
          continue;
        }
        chunk.min_i64 = any ? std::min(chunk.min_i64, v) : v;
        chunk.max_i64 = any ? std::max(chunk.max_i64, v) : v;
        any = true;
      }
      if (!any) continue;
      payloads.clear();
      payloads.emplace_back(std::string(), static_cast<uint32_t>(values.size()));
      if (info.encoding == Encoding::kTimeDelta) {
        EncodeTimeDelta(values, &payloads.back().first);
      } else {
        EncodeTimeRelative(values, times, &payloads.back().first);
      }
      RETURN_IF_ERROR(AppendChunk(b, std::move(chunk), payloads, nullptr));
      any_chunk = true;
    }
    if (any_chunk) footer_.columns.push_back(info);
    return Status::OK();
  }

  template <typename Fn>
  Status WriteBools(uint16_t id, Fn get) {
    ColumnInfo info;
    info.id = id;
    info.encoding = Encoding::kBool;
    bool any_chunk = false;
    std::vector<OptBool> values;
    std::vector<std::pair<std::string, uint32_t>> payloads;
    for (size_t b = 0; b < footer_.blocks.size(); ++b) {
      values.clear();
      ChunkInfo chunk;
      chunk.id = id;
      for (size_t r = BlockBegin(b); r < BlockEnd(b); ++r) {
        OptBool v = get(*events_[r].event);
        values.push_back(v);
        chunk.null_count += v == OptBool::kNull;
        chunk.true_count += v == OptBool::kTrue;
        chunk.false_count += v == OptBool::kFalse;
      }
      if (chunk.null_count == values.size()) continue;
      payloads.clear();
      payloads.emplace_back(std::string(), static_cast<uint32_t>(values.size()));
      EncodeBools(values, &payloads.back().first);
      RETURN_IF_ERROR(AppendChunk(b, std::move(chunk), payloads, nullptr));
      any_chunk = true;
    }
    if (any_chunk) footer_.columns.push_back(info);
    return Status::OK();
  }

  Status WriteResourceCounts() {
    ColumnInfo info;
    info.id = kResourcesCountId;
    info.encoding = Encoding::kCount;
    bool any_chunk = false;
    std::vector<uint32_t> values;
    std::vector<std::pair<std::string, uint32_t>> payloads;
    for (size_t b = 0; b < footer_.blocks.size(); ++b) {
      values.clear();
      bool any = false;
      for (size_t r = BlockBegin(b); r < BlockEnd(b); ++r) {
        values.push_back(events_[r].event->resources_count);
        any |= values.back() != 0;
      }
      if (!any) continue;
      ChunkInfo chunk;
      chunk.id = kResourcesCountId;
      payloads.clear();
      payloads.emplace_back(std::string(), static_cast<uint32_t>(values.size()));
      EncodeCounts(values, &payloads.back().first);
      RETURN_IF_ERROR(AppendChunk(b, std::move(chunk), payloads, nullptr));
      any_chunk = true;
    }
    if (any_chunk) footer_.columns.push_back(info);
    return Status::OK();
  }

  Status WriteSkeletons() {
    ColumnInfo info;
    info.id = kRawSkeletonId;
    info.encoding = Encoding::kPlain;
    // Samples for the zstd dictionary: skeletons of events spread over the segment.
    uint64_t total = 0;
    bool any_raw = false;
    for (const EventRef& r : events_) {
      total += r.event->raw.size() / 4;  // skeletons are a fraction of the record
      any_raw |= !IsNull(r.event->raw);
    }
    if (!any_raw) return Status::OK();
    std::vector<std::string> sample_store;
    if (total >= kZdictMinStreamBytes) {
      const size_t every = std::max<size_t>(1, events_.size() / 2048);
      size_t bytes = 0;
      for (size_t i = 0; i < events_.size() && bytes < kZdictSampleBytes; i += every) {
        std::string s;
        BuildSkeleton(*events_[i].event, *events_[i].batch, &s);
        bytes += s.size();
        sample_store.push_back(std::move(s));
      }
      std::vector<Str> samples(sample_store.begin(), sample_store.end());
      zdict_ = TrainZdict(samples, total);
      if (zdict_) {
        ASSIGN_OR_RETURN(info.zdict, AppendSection(zdict_->bytes()));
      }
    }
    std::string skeletons;
    std::vector<size_t> ends;
    std::vector<Str> values;
    std::vector<std::pair<std::string, uint32_t>> payloads;
    for (size_t b = 0; b < footer_.blocks.size(); ++b) {
      skeletons.clear();
      ends.clear();
      values.clear();
      uint32_t nulls = 0;
      for (size_t r = BlockBegin(b); r < BlockEnd(b); ++r) {
        BuildSkeleton(*events_[r].event, *events_[r].batch, &skeletons);
        ends.push_back(skeletons.size());
      }
      size_t start = 0;
      for (size_t i = 0; i < ends.size(); ++i) {
        if (IsNull(events_[BlockBegin(b) + i].event->raw)) {
          values.push_back(Str());
          ++nulls;
        } else {
          values.push_back(Str(skeletons.data() + start, ends[i] - start));
        }
        start = ends[i];
      }
      if (nulls == values.size()) continue;
      ChunkInfo chunk;
      chunk.id = kRawSkeletonId;
      chunk.null_count = nulls;
      payloads.clear();
      AppendPlainPages(values, &payloads);
      RETURN_IF_ERROR(AppendChunk(b, std::move(chunk), payloads, zdict_.get()));
    }
    footer_.columns.push_back(info);
    zdict_.reset();
    return Status::OK();
  }

  Env* env_;
  std::string path_;
  std::span<const EventRef> events_;
  SegmentWriteOptions opts_;
  uint32_t block_rows_;
  PageCompressor compressor_;
  std::unique_ptr<WritableFile> file_;
  std::string buf_;
  std::string pages_buf_;
  uint64_t offset_ = 0;
  Footer footer_;
  std::vector<std::vector<std::pair<uint16_t, std::string>>> blooms_;  // per block
  std::unique_ptr<ZstdDictionary> zdict_;
};

}  // namespace

Result<SegmentMeta> WriteSegment(Env* env, const std::string& path,
                                 std::span<const EventRef> events,
                                 const SegmentWriteOptions& opts) {
  Writer w(env, path, events, opts);
  return w.Run();
}

}  // namespace cairn
