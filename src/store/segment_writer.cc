// src/store/segment_writer.cc
//
// clang-format off
// Segment file format, version 1 (full description: doc/format/segment.md). Integers are
// little-endian; varint = LEB128; svarint = zigzag varint; crc = CRC32C.
//
//   file        := header section* footer tail
//   header      := "CAIRNSEG" version:fixed32(=1)
//   tail        := footer_offset:fixed64 footer_size:fixed32 footer_crc:fixed32 version:fixed32 "CAIRNEND"
//   section     := dictionary | zstd_dictionary | chunk | blooms      (located by the footer)
//   dictionary  := directory dict_page*      (segment_dict.h; the section_ref covers the directory)
//   directory   := pages_size:varint page_count:varint
//                  (count:varint usize:varint csize:varint compression:u8 crc:fixed32 first:bytes)*
//   chunk       := page_directory page*                               (one stream of one block)
//   page_directory := page_count:varint (rows:varint usize:varint csize:varint compression:u8 crc:fixed32)*
//   page        := payload stored as-is (0), as zstd (1), or as zstd with the stream's dictionary (2)
//   blooms      := count:varint (stream:varint bits:bytes)*
//   footer      := event_count:varint min_time:svarint max_time:svarint raw_bytes:varint
//                  stream_count:varint stream_info* block_count:varint block_info*
//   stream_info := id:varint encoding:u8
//                  [dict_count:varint code_width:u8 dict:section_ref grouped:u8]   (dict)
//                  [member_count:varint member_id:varint*]                        (code group)
//                  zdict:section_ref
//   block_info  := rows:varint min_time:svarint (max_time - min_time):svarint blooms:section_ref
//                  chunk_count:varint chunk_info*
//   chunk_info  := id:varint null_count:varint offset:varint size:varint dir_size:varint dir_crc:fixed32 zone
//                                                       (size 0: a grouped stream, codes in stream 1003)
//   zone        := min_code:varint (max_code - min_code):varint           (dict)
//                | min_prefix:bytes max_prefix:bytes                      (plain, uuid)
//                | min:svarint max:svarint                                (timestamps)
//                | true_count:varint false_count:varint                   (bools)
//                | nothing                                                (counts, code group)
//   section_ref := offset:varint size:varint [crc:fixed32 when size > 0]
// clang-format on
//
// Page payloads are described in column_codec.h (and the code group in segment_format.h), record
// skeletons in raw_skeleton.h. A stream absent from a block is entirely NULL there (counts: 0).
// Streams are catalog column ids (columns.h) plus 1000 resources count, 1001 userIdentity present,
// 1002 record skeletons, 1003 the code group.
//
// How the writer works, for speed (an Event is ~1 KB; touching it once per column would make the
// writer memory-bound):
//   1. one pass over the events, row by row: every string stream counts its distinct values
//      (interning them, until there are too many for a dictionary); skeletons keep samples;
//   2. per stream: dictionary or plain or UUID; dictionaries sorted and written; zstd dictionaries
//      trained for large plain streams; small dictionaries join the code group;
//   3. block by block: the block's values gathered row by row, then each stream's chunk encoded
//      (dictionary codes come from pass 1's ids, without looking at the events again).
#include "store/segment_writer.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <deque>

#include "common/crc32c.h"
#include "store/bloom_filter.h"
#include "store/column_codec.h"
#include "store/columns.h"
#include "store/event_fields.h"
#include "store/raw_skeleton.h"
#include "store/segment_coding.h"
#include "store/segment_dict.h"
#include "store/segment_format.h"

namespace cairn {

std::shared_ptr<const segment::ZstdDictionary> TrainedDictionaries::Get(uint64_t key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.uses >= reuse_) return nullptr;
  ++it->second.uses;
  return it->second.dict;
}

void TrainedDictionaries::Put(uint64_t key, std::shared_ptr<const segment::ZstdDictionary> dict) {
  std::lock_guard<std::mutex> lock(mu_);
  entries_[key] = Entry{std::move(dict), 1};
}

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
constexpr size_t kCodePageRows = 2048;
constexpr size_t kGroupPageRows = 2048;
// zstd levels. Plain, UUID and fixed-width pages take SegmentWriteOptions::compression_level.
// The code group and dictionaries are small for what they hold and are read by every scan, so
// they get at least these levels (a zstd dictionary trained for them is made at that level too).
constexpr int kGroupMinLevel = 3;
constexpr int kDictMinLevel = 6;
constexpr int kUuidLevel = 3;
constexpr size_t kWriteBufferBytes = 1 << 20;
constexpr uint32_t kMaxDictValues = 1 << 20;
constexpr size_t kZdictMinStreamBytes = 256 * 1024;
constexpr size_t kZdictSampleBytes = 512 * 1024;
// A trained zstd dictionary is stored in every segment that uses it: at most 1/512 of the
// stream's bytes (4-64 KB). On the standard dataset 1/64 cost ~3 bytes per event more in
// dictionaries than the bigger dictionaries saved in pages.
constexpr size_t kZdictSizeDivisor = 512;
// The code group's dictionary is trained from runs of 32 rows at this many places.
constexpr size_t kGroupSampleRuns = 256;
// Whether a plain stream is mostly UUIDs is judged on its first distinct values (the UUID encoding
// keeps any other value as text, so a wrong guess costs bytes, never correctness).
constexpr uint64_t kUuidProbeValues = 16384;

int BloomBitsPerKey(uint16_t id) {
  // eventID is checked for every ingested event (deduplication), usually in one block.
  return id == static_cast<uint16_t>(ColumnId::kEventId) ? 12 : 10;
}

// Maps distinct strings to dense ids (0, 1, ...) with open addressing. Keys are views; with
// `copy` set, new keys are first copied into the interner's own arena.
class Interner {
 public:
  explicit Interner(bool copy) : copy_(copy) { slots_.assign(1024, Slot{}); }

  uint32_t Insert(Str v) {
    const uint64_t h = BloomHash(v);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      Slot& s = slots_[i];
      if (s.id == 0) {
        if (copy_) v = Copy(v);
        values_.push_back(v);
        s = Slot{h, static_cast<uint32_t>(values_.size())};
        if (values_.size() * 2 > slots_.size()) Grow();
        return static_cast<uint32_t>(values_.size() - 1);
      }
      if (s.hash == h && values_[s.id - 1] == v) return s.id - 1;
    }
  }
  size_t size() const { return values_.size(); }
  const std::vector<Str>& values() const { return values_; }
  void Clear() {
    slots_ = {};
    values_ = {};
    arena_.clear();
  }

 private:
  struct Slot {
    uint64_t hash = 0;
    uint32_t id = 0;  // value index + 1; 0 = empty
  };
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot{});
    const size_t mask = slots_.size() - 1;
    for (const Slot& s : old) {
      if (s.id == 0) continue;
      size_t i = s.hash & mask;
      while (slots_[i].id != 0) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  Str Copy(Str v) {
    if (arena_.empty() || arena_.back().capacity() - arena_.back().size() < v.size()) {
      arena_.emplace_back();
      arena_.back().reserve(std::max<size_t>(v.size(), 1 << 20));
    }
    std::string& a = arena_.back();
    const size_t at = a.size();
    a.append(v.data(), v.size());
    return Str(a.data() + at, v.size());
  }

  bool copy_;
  std::vector<Slot> slots_;
  std::vector<Str> values_;
  std::deque<std::string> arena_;
};

// One string-valued stream (a string or map column, a resources child, or the skeletons).
struct StringStream {
  uint16_t id = 0;
  bool list_child = false;
  bool needle = false;
  // Pass 1.
  Interner distinct{false};
  bool dict_ok = true;
  std::vector<uint32_t> ids;  // per value: distinct id + 1, 0 = NULL (while dict_ok)
  // The last value interned and its id + 1 (0: none yet): neighbouring rows often repeat a value
  // (same principal, same API), and comparing with it is cheaper than hashing and probing.
  Str last;
  uint32_t last_id = 0;
  uint64_t values = 0, non_null = 0, bytes = 0, distinct_bytes = 0;
  // How many of the probed values are canonical UUIDs (see Probe).
  uint64_t probed = 0, uuids = 0;
  int32_t scalar_index = -1;  // k of ScalarValue for a scalar stream
  // Decisions.
  ColumnInfo info;
  std::vector<uint32_t> remap;  // distinct id -> sorted code
  std::vector<uint64_t> dict_hash;
  std::vector<uint32_t> seen_stamp;  // pass 3, needles: per code, the last block (1-based) seen
  std::shared_ptr<const ZstdDictionary> zdict;
  size_t next_id = 0;          // pass 3: position in `ids`
  size_t expected_values = 0;  // values the stream will see (a scalar stream: one per row)

  explicit StringStream(uint16_t stream, bool copy) : id(stream), distinct(copy) {}

  // Whether a stream is mostly UUIDs matters only when it is not a dictionary, that is when most
  // of its values are distinct: so only new distinct values (and every value once the dictionary
  // is given up) are probed, and only the first kUuidProbeValues of them.
  void Probe(Str v) {
    if (probed >= kUuidProbeValues) return;
    ++probed;
    uuids += IsCanonicalUuid(v);
  }

  void Observe(Str v) {
    ++values;
    if (IsNull(v)) {
      // Most of the catalog is NULL in most rows: a stream keeps no ids until its first value
      // (the NULLs before it are filled in then), and this path stays small enough to inline.
      if (dict_ok && non_null > 0) ids.push_back(0);
      return;
    }
    ObserveValue(v);
  }

  void ObserveValue(Str v) {
    if (non_null == 0 && dict_ok) {
      // One allocation for the whole segment: growing by doubling copied the ids and faulted in
      // fresh pages at every step.
      ids.reserve(std::max<size_t>(expected_values, values));
      ids.assign(values - 1, 0);
    }
    ++non_null;
    bytes += v.size();
    if (!dict_ok) {
      Probe(v);
      return;
    }
    if (last_id != 0 && v.size() == last.size() &&
        std::memcmp(v.data(), last.data(), v.size()) == 0) {
      ids.push_back(last_id);
      return;
    }
    const size_t before = distinct.size();
    const uint32_t d = distinct.Insert(v);
    if (distinct.size() > before) {
      distinct_bytes += v.size();
      Probe(v);
    }
    ids.push_back(d + 1);
    last = distinct.values()[d];  // the interner's copy when it copies: `v` may be scratch
    last_id = d + 1;
    // Give up on a dictionary once values are mostly distinct.
    if (distinct.size() > kMaxDictValues ||
        (non_null >= 4096 && distinct.size() * 4 > non_null * 3)) {
      dict_ok = false;
      distinct.Clear();
      ids = {};
    }
  }
};

// The first kZonePrefix (16) bytes of a value as two big-endian words and a length, ordered as
// the prefixes are ordered byte-wise (a shorter prefix of the same bytes first).
struct ZonePrefixKey {
  uint64_t hi = 0, lo = 0;
  uint32_t size = 0;
  static ZonePrefixKey Of(Str v) {
    static_assert(kZonePrefix == 16);
    char bytes[16] = {};
    const size_t n = std::min<size_t>(v.size(), 16);
    std::memcpy(bytes, v.data(), n);
    ZonePrefixKey k;
    std::memcpy(&k.hi, bytes, 8);
    std::memcpy(&k.lo, bytes + 8, 8);
    k.hi = __builtin_bswap64(k.hi);
    k.lo = __builtin_bswap64(k.lo);
    k.size = static_cast<uint32_t>(n);
    return k;
  }
  bool operator<(const ZonePrefixKey& o) const {
    if (hi != o.hi) return hi < o.hi;
    if (lo != o.lo) return lo < o.lo;
    return size < o.size;
  }
  std::string ToString() const {
    char bytes[16];
    const uint64_t h = __builtin_bswap64(hi), l = __builtin_bswap64(lo);
    std::memcpy(bytes, &h, 8);
    std::memcpy(bytes + 8, &l, 8);
    return std::string(bytes, size);
  }
};

using Payloads = std::vector<std::pair<std::string, uint32_t>>;  // page payload, value count

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
    if (!events_.empty()) {
      meta.min_event_time_us = events_.front().event->event_time_us;
      meta.max_event_time_us = events_.back().event->event_time_us;
    }

    ObserveStrings();
    for (StringStream& s : streams_) RETURN_IF_ERROR(Decide(&s));
    ChooseGroup();
    for (size_t k = 0; k < scalar_streams_.size(); ++k) {
      const StringStream& s = streams_[scalar_streams_[k]];
      if (s.non_null > 0 && !s.dict_ok) plain_scalars_.push_back(k);
    }
    for (size_t b = 0; b * block_rows_ < events_.size(); ++b) RETURN_IF_ERROR(WriteBlock(b));
    for (const StringStream& s : streams_) {
      if (s.non_null > 0) footer_.columns.push_back(s.info);
    }
    for (const ColumnInfo& c : fixed_columns_) footer_.columns.push_back(c);
    for (BlockState& b : footer_.blocks) {
      if (b.bloom_entries.empty()) continue;
      std::string section;
      EncodeBlooms(b.bloom_entries, &section);
      ASSIGN_OR_RETURN(b.info.bloom, AppendSection(section));
    }
    Footer footer;
    footer.meta = meta;
    footer.columns = std::move(footer_.columns);
    std::sort(footer.columns.begin(), footer.columns.end(),
              [](const ColumnInfo& a, const ColumnInfo& b) { return a.id < b.id; });
    for (BlockState& b : footer_.blocks) {
      std::sort(b.info.chunks.begin(), b.info.chunks.end(),
                [](const ChunkInfo& x, const ChunkInfo& y) { return x.id < y.id; });
      footer.blocks.push_back(std::move(b.info));
    }

    std::string encoded;
    EncodeFooter(footer, &encoded);
    const uint64_t footer_offset = offset_;
    buf_ += encoded;
    PutFixed64(&buf_, footer_offset);
    PutFixed32(&buf_, static_cast<uint32_t>(encoded.size()));
    PutFixed32(&buf_, crc32c::Value(encoded));
    PutFixed32(&buf_, kVersion);
    buf_.append(kEndMagic, 8);
    offset_ += encoded.size() + kTailSize;
    RETURN_IF_ERROR(FlushBuffer());
    if (opts_.sync) RETURN_IF_ERROR(file_->Sync());
    RETURN_IF_ERROR(file_->Close());
    meta.file_bytes = offset_;
    meta.block_count = static_cast<uint32_t>(footer.blocks.size());
    return meta;
  }

 private:
  struct BlockState {
    BlockInfo info;
    std::vector<std::pair<uint16_t, std::string>> bloom_entries;
  };
  struct FooterState {
    SegmentMeta meta;
    std::vector<ColumnInfo> columns;
    std::vector<BlockState> blocks;
  };

  // The value of the k-th scalar stream in `e`.
  Str ScalarValue(const Event& e, size_t k) const {
    const int32_t offset = scalar_offsets_[k];
    return offset >= 0 ? StringAtOffset(e, offset) : DerivedUsername(e);
  }

  size_t BlockBegin(size_t b) const { return b * block_rows_; }
  size_t BlockEnd(size_t b) const { return std::min(events_.size(), (b + 1) * block_rows_); }

  // Pass 1: every string stream sees its values, row by row.
  void ObserveStrings() {
    size_t resource_values = 0;
    for (const EventRef& r : events_) resource_values += r.event->resources_count;
    streams_.reserve(kColumnCount + 1);
    for (const ColumnDef& c : AllColumns()) {
      if (!c.stored || c.id == ColumnId::kEventJson) continue;
      if (c.type != ColumnType::kString && c.type != ColumnType::kMap) continue;
      StringStream& s = streams_.emplace_back(static_cast<uint16_t>(c.id), false);
      s.list_child = c.list_child;
      s.needle = c.needle;
      if (c.list_child) {
        list_streams_.push_back(streams_.size() - 1);
        s.expected_values = resource_values;
      } else {
        s.expected_values = events_.size();
        s.scalar_index = static_cast<int32_t>(scalar_streams_.size());
        scalar_streams_.push_back(streams_.size() - 1);
        scalar_offsets_.push_back(StringFieldOffset(c.id));
      }
    }
    streams_.emplace_back(kRawSkeletonId, /*copy=*/true).expected_values = events_.size();
    skeleton_ = streams_.size() - 1;
    sample_every_ = std::max<size_t>(1, events_.size() / 4096);
    std::string skeleton;
    for (size_t r = 0; r < events_.size(); ++r) {
      const Event& e = *events_[r].event;
      const bool sample = r % sample_every_ == 0;
      for (size_t k = 0; k < scalar_streams_.size(); ++k)
        streams_[scalar_streams_[k]].Observe(ScalarValue(e, k));
      for (const Resource& res : events_[r].batch->ResourcesOf(e)) {
        for (size_t i : list_streams_) {
          streams_[i].Observe(*ResourceField(res, ColumnId{streams_[i].id}));
        }
      }
      meta_raw_bytes_ += e.raw.size();
      if (IsNull(e.raw)) {
        streams_[skeleton_].Observe(Str());
        continue;
      }
      skeleton.clear();
      BuildSkeleton(e, *events_[r].batch, &skeleton);
      streams_[skeleton_].Observe(skeleton);  // the interner copies new skeletons
      if (sample && skeleton_sample_bytes_ < kZdictSampleBytes) {
        skeleton_sample_bytes_ += skeleton.size();
        skeleton_samples_.push_back(skeleton);
      }
    }
    footer_.meta.raw_bytes = meta_raw_bytes_;
  }

  // Pass 2: the encoding of a string stream, and its dictionaries.
  Status Decide(StringStream* s) {
    ColumnInfo& info = s->info;
    info.id = s->id;
    if (s->non_null == 0) return Status::OK();  // all NULL: no stream at all
    // A dictionary pays when values repeat: on average at least twice, or the distinct values
    // are a small part of the bytes.
    const size_t distinct = s->distinct.size();
    if (s->dict_ok && (distinct * 2 <= s->non_null || s->distinct_bytes * 4 <= s->bytes)) {
      const std::vector<Str>& values = s->distinct.values();
      const std::vector<uint32_t> order = SortedOrder(values);
      s->remap.resize(values.size());
      std::vector<Str> sorted(values.size());
      for (uint32_t k = 0; k < order.size(); ++k) {
        s->remap[order[k]] = k;
        sorted[k] = values[order[k]];
      }
      if (s->needle) {
        s->dict_hash.resize(sorted.size());
        for (size_t k = 0; k < sorted.size(); ++k) s->dict_hash[k] = BloomHash(sorted[k]);
      }
      info.encoding = Encoding::kDict;
      info.dict_count = static_cast<uint32_t>(sorted.size());
      info.code_width = sorted.size() < 255 ? 1 : sorted.size() < 65535 ? 2 : 4;
      // Large dictionaries are paged; a trained zstd dictionary keeps small pages small.
      if (s->distinct_bytes >= kZdictMinStreamBytes) RETURN_IF_ERROR(TrainZdict(s));
      std::string directory, pages;
      PageCompressor dict_compressor(std::max(opts_.compression_level, kDictMinLevel));
      EncodeDictionary(sorted, &dict_compressor, s->zdict.get(), &directory, &pages);
      ASSIGN_OR_RETURN(info.dict, AppendSection(directory));
      RETURN_IF_ERROR(AppendSection(pages).status());  // the pages follow their directory
      s->zdict.reset();
      return Status::OK();
    }
    s->dict_ok = false;
    s->distinct.Clear();
    s->ids = {};
    if (s->probed > 0 && s->uuids * 2 >= s->probed) {
      info.encoding = Encoding::kUuid;  // mostly UUIDs: 16 bytes each, the others as text
      return Status::OK();
    }
    info.encoding = Encoding::kPlain;
    if (s->bytes >= kZdictMinStreamBytes) RETURN_IF_ERROR(TrainZdict(s));
    skeleton_samples_.clear();
    return Status::OK();
  }

  // The values of `s` that train its zstd dictionary: those of >= 8 bytes in every
  // sample_every_-th row, up to kZdictSampleBytes. Read again from the events for the few streams
  // that train one, rather than kept for every stream in pass 1.
  void GatherSamples(const StringStream& s, std::vector<std::string_view>* views) const {
    size_t bytes = 0;
    auto take = [&](Str v) {
      if (IsNull(v) || v.size() < 8 || bytes >= kZdictSampleBytes) return;
      views->push_back(v);
      bytes += v.size();
    };
    for (size_t r = 0; r < events_.size() && bytes < kZdictSampleBytes; r += sample_every_) {
      const Event& e = *events_[r].event;
      if (s.scalar_index >= 0) {
        take(ScalarValue(e, s.scalar_index));
      } else {
        for (const Resource& res : events_[r].batch->ResourcesOf(e)) {
          take(*ResourceField(res, ColumnId{s.id}));
        }
      }
    }
  }

  // Trains a zstd dictionary for `s` from its samples and writes it.
  Status TrainZdict(StringStream* s) {
    const bool skeletons = s->id == kRawSkeletonId;
    if (skeletons && skeleton_samples_.empty()) return Status::OK();
    const size_t max_bytes = std::clamp<size_t>(s->bytes / kZdictSizeDivisor, 4096, 64 * 1024);
    const int level =
        s->dict_ok ? std::max(opts_.compression_level, kDictMinLevel) : opts_.compression_level;
    // Kept per stream, use (dictionary pages or values), level and size class (a dictionary is
    // sized for its stream's bytes: one made for a bigger segment would cost a small one bytes).
    const uint64_t key = uint64_t{s->id} << 32 | uint64_t{s->dict_ok} << 24 |
                         uint64_t(std::bit_width(max_bytes)) << 16 | uint32_t(level & 0xFFFF);
    if (opts_.dictionaries) s->zdict = opts_.dictionaries->Get(key);
    if (!s->zdict) {
      std::vector<std::string_view> views;
      if (skeletons) {
        views.assign(skeleton_samples_.begin(), skeleton_samples_.end());
      } else {
        GatherSamples(*s, &views);
      }
      s->zdict = ZstdDictionary::Train(views, max_bytes, level);
      if (s->zdict && opts_.dictionaries) opts_.dictionaries->Put(key, s->zdict);
    }
    if (s->zdict) {
      ASSIGN_OR_RETURN(s->info.zdict, AppendSection(s->zdict->bytes()));
    }
    return Status::OK();
  }

  // Interleaves the codes of the small scalar dictionaries row by row (Encoding::kCodeGroup).
  void ChooseGroup() {
    for (size_t i = 0; i < streams_.size(); ++i) {
      StringStream& s = streams_[i];
      if (s.non_null == 0 || !s.dict_ok || s.list_child || s.info.code_width > 2) continue;
      group_members_.push_back(i);
    }
    if (group_members_.size() < 2) {
      group_members_.clear();
      return;
    }
    ColumnInfo& g = fixed_columns_.emplace_back();
    g.id = kCodeGroupId;
    g.encoding = Encoding::kCodeGroup;
    for (size_t i : group_members_) {
      streams_[i].info.grouped = true;
      g.members.push_back(streams_[i].id);
    }
    group_codes_.resize(group_members_.size());
    // A zstd dictionary of typical rows, so that small pages find their repeats.
    std::vector<std::string> samples;
    const size_t n = events_.size(), run = 32;
    const size_t step = std::max<size_t>(run, n / kGroupSampleRuns);
    size_t stride = 0;
    for (size_t i : group_members_) stride += streams_[i].info.code_width;
    for (size_t start = 0; start + run <= n; start += step) {
      std::string& sample = samples.emplace_back();
      for (size_t r = start; r < start + run; ++r) {
        for (size_t i : group_members_) {
          const StringStream& m = streams_[i];
          const uint32_t id = m.ids[r];
          const uint32_t code = id == 0 ? 0 : m.remap[id - 1] + 1;
          sample.push_back(static_cast<char>(code));
          if (m.info.code_width == 2) sample.push_back(static_cast<char>(code >> 8));
        }
      }
    }
    if (samples.size() >= 32) {
      std::vector<std::string_view> views(samples.begin(), samples.end());
      group_zdict_ =
          ZstdDictionary::Train(views, std::clamp<size_t>(n * stride / 200, 4096, 64 * 1024),
                                std::max(opts_.compression_level, kGroupMinLevel));
      if (group_zdict_) {
        auto ref = AppendSection(group_zdict_->bytes());
        if (ref.ok())
          g.zdict = *ref;
        else
          group_zdict_.reset();
      }
    }
  }

  Status WriteGroupChunk(size_t rows) {
    if (group_members_.empty()) return Status::OK();
    bool any = false;
    for (const auto& codes : group_codes_) any |= !codes.empty();
    if (!any) return Status::OK();
    payloads_.clear();
    size_t stride = 0;
    for (size_t i : group_members_) stride += streams_[i].info.code_width;
    for (size_t at = 0; at < rows; at += kGroupPageRows) {
      const size_t m = std::min(kGroupPageRows, rows - at);
      std::string& out = payloads_.emplace_back(std::string(), static_cast<uint32_t>(m)).first;
      out.assign(m * stride, '\0');
      // Member by member: each writes its column of the page's rows (NULL codes stay 0).
      size_t column = 0;
      for (size_t k = 0; k < group_members_.size(); ++k) {
        const bool wide = streams_[group_members_[k]].info.code_width == 2;
        if (!group_codes_[k].empty()) {
          const uint32_t* codes = group_codes_[k].data() + at;
          char* p = out.data() + column;
          for (size_t r = 0; r < m; ++r, p += stride) {
            p[0] = static_cast<char>(codes[r]);
            if (wide) p[1] = static_cast<char>(codes[r] >> 8);
          }
        }
        column += wide ? 2 : 1;
      }
    }
    ChunkInfo chunk;
    chunk.id = kCodeGroupId;
    RETURN_IF_ERROR(
        AppendChunk(std::move(chunk), payloads_, group_zdict_.get(), &group_compressor_));
    for (auto& codes : group_codes_) codes.clear();
    return Status::OK();
  }

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

  // Compresses `payloads` into one chunk of the current block.
  Status AppendChunk(ChunkInfo chunk, const Payloads& payloads, const ZstdDictionary* zdict,
                     PageCompressor* compressor = nullptr) {
    if (!compressor) compressor = &compressor_;
    std::vector<PageInfo> pages(payloads.size());
    pages_buf_.clear();
    for (size_t i = 0; i < payloads.size(); ++i) {
      pages[i].rows = payloads[i].second;
      compressor->Compress(payloads[i].first, zdict, &pages[i], &pages_buf_);
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
    footer_.blocks.back().info.chunks.push_back(std::move(chunk));
    return Status::OK();
  }

  // Splits `values` into pages of about kPlainPageBytes.
  static void PlainPages(std::span<const Str> values, Encoding encoding, Payloads* payloads) {
    size_t begin = 0;
    while (begin < values.size()) {
      size_t end = begin, bytes = 0;
      while (end < values.size() && (end == begin || bytes < kPlainPageBytes)) {
        bytes += encoding == Encoding::kUuid ? 17 : values[end].size() + 2;
        ++end;
      }
      payloads->emplace_back(std::string(), static_cast<uint32_t>(end - begin));
      auto page = values.subspan(begin, end - begin);
      if (encoding == Encoding::kUuid) {
        EncodeUuids(page, &payloads->back().first);
      } else {
        EncodePlain(page, &payloads->back().first);
      }
      begin = end;
    }
  }

  // Pass 3: one block.
  Status WriteBlock(size_t b) {
    const size_t begin = BlockBegin(b), end = BlockEnd(b), rows = end - begin;
    BlockState& block = footer_.blocks.emplace_back();
    block.info.rows = static_cast<uint32_t>(rows);
    block.info.min_time = events_[begin].event->event_time_us;
    block.info.max_time = events_[end - 1].event->event_time_us;

    // Gather, row by row, what the plain streams and the fixed-width streams need.
    values_.resize(streams_.size());
    for (StringStream& s : streams_) {
      if (s.non_null > 0 && !s.dict_ok) values_[&s - &streams_[0]].clear();
    }
    times_.clear();
    creation_.clear();
    read_only_.clear();
    management_.clear();
    present_.clear();
    counts_.clear();
    for (size_t r = begin; r < end; ++r) {
      const Event& e = *events_[r].event;
      for (size_t k : plain_scalars_) values_[scalar_streams_[k]].push_back(ScalarValue(e, k));
      for (size_t i : list_streams_) {
        const StringStream& s = streams_[i];
        if (s.non_null == 0 || s.dict_ok) continue;
        for (const Resource& res : events_[r].batch->ResourcesOf(e)) {
          values_[i].push_back(*ResourceField(res, ColumnId{s.id}));
        }
      }
      times_.push_back(e.event_time_us);
      creation_.push_back(e.user_identity.creation_date_us);
      read_only_.push_back(e.read_only);
      management_.push_back(e.management_event);
      present_.push_back(e.user_identity.present ? OptBool::kTrue : OptBool::kFalse);
      counts_.push_back(e.resources_count);
    }
    StringStream& skel = streams_[skeleton_];
    if (skel.non_null > 0 && !skel.dict_ok) {
      // Too many distinct skeletons for a dictionary: build them again for this block.
      skeleton_text_.clear();
      std::vector<size_t> ends;
      for (size_t r = begin; r < end; ++r) {
        BuildSkeleton(*events_[r].event, *events_[r].batch, &skeleton_text_);
        ends.push_back(skeleton_text_.size());
      }
      size_t start = 0;
      for (size_t r = begin; r < end; ++r) {
        const size_t stop = ends[r - begin];
        values_[skeleton_].push_back(IsNull(events_[r].event->raw)
                                         ? Str()
                                         : Str(skeleton_text_.data() + start, stop - start));
        start = stop;
      }
    }

    for (StringStream& s : streams_) RETURN_IF_ERROR(WriteStringChunk(&s, &block));
    RETURN_IF_ERROR(WriteGroupChunk(rows));
    RETURN_IF_ERROR(WriteTimeChunk(static_cast<uint16_t>(ColumnId::kEventTime), times_));
    RETURN_IF_ERROR(
        WriteTimeChunk(static_cast<uint16_t>(ColumnId::kSessionCreationDate), creation_));
    RETURN_IF_ERROR(WriteBoolChunk(static_cast<uint16_t>(ColumnId::kReadOnly), read_only_));
    RETURN_IF_ERROR(WriteBoolChunk(static_cast<uint16_t>(ColumnId::kManagementEvent), management_));
    RETURN_IF_ERROR(WriteBoolChunk(kUserIdentityPresentId, present_));
    RETURN_IF_ERROR(WriteCountChunk());
    return Status::OK();
  }

  Status WriteStringChunk(StringStream* s, BlockState* block) {
    if (s->non_null == 0) return Status::OK();
    ChunkInfo chunk;
    chunk.id = s->id;
    payloads_.clear();
    if (s->dict_ok) {
      // Codes come from pass 1's ids: no value is looked at again.
      const size_t n = s->list_child ? ElementCount() : block->info.rows;
      codes_.resize(n);
      uint32_t lo = UINT32_MAX, hi = 0;
      // A needle's bloom gets each distinct code of the block once: a code is new to the block
      // when its stamp is not this block's (instead of sorting the block's codes).
      const uint32_t stamp = static_cast<uint32_t>(footer_.blocks.size());
      if (s->needle) {
        seen_.clear();
        if (s->seen_stamp.empty()) s->seen_stamp.assign(s->info.dict_count, 0);
      }
      for (size_t i = 0; i < n; ++i) {
        const uint32_t id = s->ids[s->next_id++];
        if (id == 0) {
          codes_[i] = 0;
          ++chunk.null_count;
          continue;
        }
        const uint32_t code = s->remap[id - 1];
        codes_[i] = code + 1;
        lo = std::min(lo, code);
        hi = std::max(hi, code);
        if (s->needle && s->seen_stamp[code] != stamp) {
          s->seen_stamp[code] = stamp;
          seen_.push_back(code);
        }
      }
      if (chunk.null_count == n) return Status::OK();
      chunk.min_code = lo;
      chunk.max_code = hi;
      // Pages of kCodePageRows: a point read decompresses a quarter of a block's codes.
      for (size_t at = 0; at < n; at += kCodePageRows) {
        const size_t m = std::min(kCodePageRows, n - at);
        payloads_.emplace_back(std::string(), static_cast<uint32_t>(m));
        EncodeCodes(std::span<const uint32_t>(codes_.data() + at, m), s->info.code_width,
                    &payloads_.back().first);
      }
      if (s->info.grouped) {
        // The codes go into the block's code group; the chunk entry keeps the zone map.
        const size_t k = std::find(group_members_.begin(), group_members_.end(),
                                   static_cast<size_t>(s - &streams_[0])) -
                         group_members_.begin();
        group_codes_[k].assign(codes_.begin(), codes_.end());
        payloads_.clear();
      }
      if (s->needle) {
        BloomFilterBuilder bloom(seen_.size(), BloomBitsPerKey(s->id));
        for (uint32_t code : seen_) bloom.AddHash(s->dict_hash[code]);
        block->bloom_entries.emplace_back(s->id, bloom.data());
      }
      if (s->info.grouped) {
        block->info.chunks.push_back(std::move(chunk));
        return Status::OK();
      }
      return AppendChunk(std::move(chunk), payloads_, nullptr);
    }
    const std::vector<Str>& values = values_[s - &streams_[0]];
    for (Str v : values) chunk.null_count += IsNull(v);
    if (chunk.null_count == values.size()) return Status::OK();
    if (s->id != kRawSkeletonId) {
      // The zone keeps prefixes only, and the prefix of the least value is the least prefix:
      // compare prefixes as integers instead of whole values.
      ZonePrefixKey lo{}, hi{};
      bool any = false;
      for (Str v : values) {
        if (IsNull(v)) continue;
        const ZonePrefixKey key = ZonePrefixKey::Of(v);
        if (!any || key < lo) lo = key;
        if (!any || hi < key) hi = key;
        any = true;
      }
      chunk.min_prefix = lo.ToString();
      chunk.max_prefix = hi.ToString();
    }
    PlainPages(values, s->info.encoding, &payloads_);
    if (s->needle) {
      BloomFilterBuilder bloom(values.size() - chunk.null_count, BloomBitsPerKey(s->id));
      for (Str v : values) {
        if (!IsNull(v)) bloom.Add(v);
      }
      block->bloom_entries.emplace_back(s->id, bloom.data());
    }
    return AppendChunk(std::move(chunk), payloads_, s->zdict.get(),
                       s->info.encoding == Encoding::kUuid ? &uuid_compressor_ : nullptr);
  }

  size_t ElementCount() const {
    size_t n = 0;
    for (uint32_t c : counts_) n += c;
    return n;
  }

  ColumnInfo* FixedColumn(uint16_t id, Encoding encoding) {
    for (ColumnInfo& c : fixed_columns_) {
      if (c.id == id) return &c;
    }
    ColumnInfo& c = fixed_columns_.emplace_back();
    c.id = id;
    c.encoding = encoding;
    return &c;
  }

  Status WriteTimeChunk(uint16_t id, const std::vector<int64_t>& values) {
    ChunkInfo chunk;
    chunk.id = id;
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
    if (!any) return Status::OK();
    const bool event_time = id == static_cast<uint16_t>(ColumnId::kEventTime);
    FixedColumn(id, event_time ? Encoding::kTimeDelta : Encoding::kTimeRelative);
    payloads_.clear();
    payloads_.emplace_back(std::string(), static_cast<uint32_t>(values.size()));
    if (event_time) {
      EncodeTimeDelta(values, &payloads_.back().first);
    } else {
      EncodeTimeRelative(values, times_, &payloads_.back().first);
    }
    return AppendChunk(std::move(chunk), payloads_, nullptr);
  }

  Status WriteBoolChunk(uint16_t id, const std::vector<OptBool>& values) {
    ChunkInfo chunk;
    chunk.id = id;
    for (OptBool v : values) {
      chunk.null_count += v == OptBool::kNull;
      chunk.true_count += v == OptBool::kTrue;
      chunk.false_count += v == OptBool::kFalse;
    }
    if (chunk.null_count == values.size()) return Status::OK();
    FixedColumn(id, Encoding::kBool);
    payloads_.clear();
    payloads_.emplace_back(std::string(), static_cast<uint32_t>(values.size()));
    EncodeBools(values, &payloads_.back().first);
    return AppendChunk(std::move(chunk), payloads_, nullptr);
  }

  Status WriteCountChunk() {
    if (ElementCount() == 0) return Status::OK();
    FixedColumn(kResourcesCountId, Encoding::kCount);
    ChunkInfo chunk;
    chunk.id = kResourcesCountId;
    payloads_.clear();
    payloads_.emplace_back(std::string(), static_cast<uint32_t>(counts_.size()));
    EncodeCounts(counts_, &payloads_.back().first);
    return AppendChunk(std::move(chunk), payloads_, nullptr);
  }

  Env* env_;
  std::string path_;
  std::span<const EventRef> events_;
  SegmentWriteOptions opts_;
  uint32_t block_rows_;
  PageCompressor compressor_;
  std::unique_ptr<WritableFile> file_;
  std::string buf_, pages_buf_;
  uint64_t offset_ = 0;
  uint64_t meta_raw_bytes_ = 0;
  FooterState footer_;

  std::vector<StringStream> streams_;  // reserved up front: never reallocated
  std::vector<size_t> scalar_streams_, list_streams_;
  std::vector<int32_t> scalar_offsets_;  // per scalar stream: StringFieldOffset (-1: username)
  std::vector<size_t> plain_scalars_;    // the scalar streams (k) stored plain or as UUIDs
  size_t skeleton_ = 0;
  std::vector<ColumnInfo> fixed_columns_;
  std::vector<size_t> group_members_;               // indexes into streams_
  std::vector<std::vector<uint32_t>> group_codes_;  // per member: this block's codes + 1
  std::unique_ptr<ZstdDictionary> group_zdict_;
  // The code group is small (tens of bytes per row) and compresses much better at higher levels.
  PageCompressor group_compressor_{std::max(opts_.compression_level, kGroupMinLevel)};
  // UUID pages are mostly 16-byte random values, which no level compresses: only the tags and the
  // odd non-UUID string are left to find, and the fastest level finds them as well as level 6.
  PageCompressor uuid_compressor_{std::min(opts_.compression_level, kUuidLevel)};
  size_t sample_every_ = 1;  // rows between zstd training samples
  std::vector<std::string> skeleton_samples_;
  size_t skeleton_sample_bytes_ = 0;

  // Per-block scratch.
  std::vector<std::vector<Str>> values_;
  std::vector<int64_t> times_, creation_;
  std::vector<OptBool> read_only_, management_, present_;
  std::vector<uint32_t> counts_, codes_, seen_;
  std::string skeleton_text_;
  Payloads payloads_;
};

}  // namespace

Result<SegmentMeta> WriteSegment(Env* env, const std::string& path,
                                 std::span<const EventRef> events,
                                 const SegmentWriteOptions& opts) {
  Writer w(env, path, events, opts);
  return w.Run();
}

}  // namespace cairn
