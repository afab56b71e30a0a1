#include "store/segment_reader.h"

#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "common/crc32c.h"
#include "store/segment_coding.h"
#include "store/segment_file.h"

namespace cairn {

using namespace segment;

Result<std::unique_ptr<SegmentReader>> SegmentReader::Open(Env* env, const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, env->NewRandomAccessFile(path));
  const uint64_t size = file->Size();
  if (size < kHeaderSize + kTailSize) {
    return Status::DataLoss(path + ": file too short for a segment (" + std::to_string(size) +
                            " bytes) at offset 0");
  }
  char head_buf[kHeaderSize];
  ASSIGN_OR_RETURN(std::string_view head, file->Read(0, kHeaderSize, head_buf));
  if (head.size() != kHeaderSize || head.substr(0, 8) != std::string_view(kMagic, 8)) {
    return Status::DataLoss(path + ": not a segment file: bad header magic at offset 0");
  }
  const uint32_t head_version = DecodeFixed32(head.data() + 8);
  char tail_buf[kTailSize];
  const uint64_t tail_offset = size - kTailSize;
  ASSIGN_OR_RETURN(std::string_view tail, file->Read(tail_offset, kTailSize, tail_buf));
  const std::string tail_where = path + ": footer tail at offset " + std::to_string(tail_offset);
  if (tail.size() != kTailSize || tail.substr(kTailSize - 8) != std::string_view(kEndMagic, 8)) {
    return Status::DataLoss(tail_where + ": bad magic (truncated file?)");
  }
  Decoder td(tail);
  const uint64_t footer_offset = td.Fixed64();
  const uint32_t footer_size = td.Fixed32();
  const uint32_t footer_crc = td.Fixed32();
  const uint32_t version = td.Fixed32();
  if (version != head_version) {
    return Status::DataLoss(tail_where + ": version " + std::to_string(version) +
                            " differs from the header's " + std::to_string(head_version));
  }
  if (version != kVersion) {
    return Status::DataLoss(tail_where + ": unsupported segment format version " +
                            std::to_string(version));
  }
  if (footer_offset < kHeaderSize || footer_offset > tail_offset ||
      footer_offset + footer_size != tail_offset) {
    return Status::DataLoss(tail_where + ": footer position out of range");
  }
  std::string footer_buf(footer_size, '\0');
  ASSIGN_OR_RETURN(std::string_view footer_bytes,
                   file->Read(footer_offset, footer_size, footer_buf.data()));
  const std::string footer_where = path + ": footer at offset " + std::to_string(footer_offset);
  if (footer_bytes.size() != footer_size || crc32c::Value(footer_bytes) != footer_crc) {
    return Status::DataLoss(footer_where + ": checksum mismatch");
  }
  Footer footer;
  if (!DecodeFooter(footer_bytes, footer_offset, &footer)) {
    return Status::DataLoss(footer_where + ": malformed footer");
  }
  for (const ColumnInfo& c : footer.columns) {
    if (!IsValidStreamId(c.id)) return Status::DataLoss(footer_where + ": unknown stream id");
  }
  footer.meta.format_version = version;
  footer.meta.file_bytes = size;
  return std::unique_ptr<SegmentReader>(
      new SegmentFile(path, std::move(footer), footer_offset, std::move(file)));
}

namespace segment {

std::string SegmentFile::Where(std::string_view what, uint64_t offset) const {
  return path_ + ": " + std::string(what) + " at offset " + std::to_string(offset);
}

Status SegmentFile::ReadBytes(uint64_t offset, uint64_t size, std::string* out) const {
  out->resize(size);
  ASSIGN_OR_RETURN(std::string_view got, file_->Read(offset, size, out->data()));
  if (got.size() != size) return Status::DataLoss(Where("short read", offset));
  if (got.data() != out->data()) std::memcpy(out->data(), got.data(), size);
  return Status::OK();
}

Result<std::string_view> SegmentFile::ReadView(uint64_t offset, uint64_t size,
                                               std::string* scratch) const {
  if (scratch->size() < size) scratch->resize(size);
  ASSIGN_OR_RETURN(std::string_view got, file_->Read(offset, size, scratch->data()));
  if (got.size() != size) return Status::DataLoss(Where("short read", offset));
  return got;
}

Result<const SegmentDictionary*> SegmentFile::Dict(uint16_t id) const {
  const int index = StreamIndex(id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (dicts_[index]) return dicts_[index].get();
  }
  const ColumnInfo* col = column_info(id);
  if (!col || col->encoding != Encoding::kDict) {
    return Status::Internal(path_ + ": stream " + std::to_string(id) + " has no dictionary");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SegmentDictionary> dict, SegmentDictionary::Load(this, *col));
  std::lock_guard<std::mutex> lock(mu_);
  if (!dicts_[index]) dicts_[index] = std::move(dict);
  return dicts_[index].get();
}

Result<const ZstdDictionary*> SegmentFile::Zdict(uint16_t id) const {
  const ColumnInfo* col = column_info(id);
  if (!col || col->zdict.size == 0) return static_cast<const ZstdDictionary*>(nullptr);
  const int index = StreamIndex(id);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (zdicts_[index]) return zdicts_[index].get();
  }
  const std::string where = Where("zstd dictionary of " + std::to_string(id), col->zdict.offset);
  std::string bytes;
  RETURN_IF_ERROR(ReadBytes(col->zdict.offset, col->zdict.size, &bytes));
  if (crc32c::Value(bytes) != col->zdict.crc)
    return Status::DataLoss(where + ": checksum mismatch");
  std::unique_ptr<ZstdDictionary> z = ZstdDictionary::ForDecompression(bytes);
  if (!z) return Status::DataLoss(where + ": rejected by zstd");
  std::lock_guard<std::mutex> lock(mu_);
  if (!zdicts_[index]) zdicts_[index] = std::move(z);
  return zdicts_[index].get();
}

void SegmentFile::LoadBlooms() const {
  const size_t n = footer_.blocks.size();
  blooms_.resize(n);
  bloom_status_.assign(n, Status::OK());
  uint64_t lo = UINT64_MAX, hi = 0;
  for (const BlockInfo& b : footer_.blocks) {
    if (b.bloom.size == 0) continue;
    lo = std::min(lo, b.bloom.offset);
    hi = std::max(hi, b.bloom.offset + b.bloom.size);
  }
  if (lo >= hi) return;
  // The writer puts all bloom sections one after the other: one read fetches them all.
  Status read = ReadBytes(lo, hi - lo, &bloom_bytes_);
  for (size_t i = 0; i < n; ++i) {
    const SectionRef& ref = footer_.blocks[i].bloom;
    if (ref.size == 0) continue;
    const std::string where = Where("bloom filters of block " + std::to_string(i), ref.offset);
    if (!read.ok()) {
      bloom_status_[i] = read;
      continue;
    }
    std::string_view bytes(bloom_bytes_.data() + (ref.offset - lo), ref.size);
    if (crc32c::Value(bytes) != ref.crc) {
      bloom_status_[i] = Status::DataLoss(where + ": checksum mismatch");
    } else if (!DecodeBlooms(bytes, &blooms_[i])) {
      bloom_status_[i] = Status::DataLoss(where + ": malformed");
    }
  }
}

Result<std::optional<BloomFilterView>> SegmentFile::Bloom(uint32_t block, uint16_t id) const {
  std::call_once(blooms_once_, [this] { LoadBlooms(); });
  if (!bloom_status_[block].ok()) return bloom_status_[block];
  for (const BloomEntry& e : blooms_[block]) {
    if (e.id == id) return std::optional<BloomFilterView>(BloomFilterView(e.bits));
  }
  return std::optional<BloomFilterView>();
}

namespace {
constexpr size_t kLearnedCodesBudget = size_t{4} << 20;  // bytes of code bitmaps per file
}  // namespace

void SegmentFile::NoteBlockCodes(uint32_t block, uint16_t id,
                                 std::span<const uint32_t> codes) const {
  const ColumnInfo* col = column_info(id);
  if (!col || col->encoding != Encoding::kDict || col->dict_count > kMaxLearnedDict) return;
  const uint64_t key = (uint64_t{id} << 32) | block;
  {
    std::lock_guard<std::mutex> lock(codes_mu_);
    if (block_codes_.count(key) || block_codes_bytes_ >= kLearnedCodesBudget) return;
  }
  std::vector<uint64_t> bits((col->dict_count + 63) / 64, 0);
  for (uint32_t c : codes) {
    if (c < col->dict_count) bits[c >> 6] |= uint64_t{1} << (c & 63);
  }
  std::lock_guard<std::mutex> lock(codes_mu_);
  const size_t bytes = bits.size() * sizeof(uint64_t) + 32;
  if (block_codes_.emplace(key, std::move(bits)).second) block_codes_bytes_ += bytes;
}

bool SegmentFile::BlockLacksCodes(uint32_t block, uint16_t id,
                                  std::span<const uint32_t> wanted) const {
  const uint64_t key = (uint64_t{id} << 32) | block;
  std::lock_guard<std::mutex> lock(codes_mu_);
  auto it = block_codes_.find(key);
  if (it == block_codes_.end()) return false;
  const std::vector<uint64_t>& bits = it->second;
  for (uint32_t c : wanted) {
    if ((c >> 6) < bits.size() && (bits[c >> 6] >> (c & 63) & 1)) return false;
  }
  return true;
}

Result<bool> SegmentFile::ContainsEvent(Str event_id, Str recipient_account_id) const {
  return Contains(event_id, recipient_account_id, INT64_MIN, INT64_MAX);
}

Result<bool> SegmentFile::ContainsEvent(Str event_id, Str recipient_account_id,
                                        int64_t event_time_us) const {
  return Contains(event_id, recipient_account_id, event_time_us, event_time_us);
}

// The ingest path asks this for every event: probe the blooms directly, decode a block only on a
// bloom hit.
Result<bool> SegmentFile::Contains(Str event_id, Str recipient_account_id, int64_t lo,
                                   int64_t hi) const {
  if (IsNull(event_id)) return false;
  const uint16_t kId = static_cast<uint16_t>(ColumnId::kEventId);
  const uint16_t kAccount = static_cast<uint16_t>(ColumnId::kRecipientAccountId);
  if (!column_info(kId)) return false;
  const uint64_t h = BloomHash(event_id);
  const auto& blocks = footer_.blocks;
  // Blocks are in time order: start at the first that can hold `lo`.
  size_t b = std::partition_point(blocks.begin(), blocks.end(),
                                  [lo](const BlockInfo& x) { return x.max_time < lo; }) -
             blocks.begin();
  for (; b < blocks.size() && blocks[b].min_time <= hi; ++b) {
    if (!chunk(static_cast<uint32_t>(b), kId)) continue;
    ASSIGN_OR_RETURN(std::optional<BloomFilterView> bloom, Bloom(static_cast<uint32_t>(b), kId));
    if (bloom && !bloom->MayContainHash(h)) continue;
    BlockCursor cursor(this, static_cast<uint32_t>(b));
    const DecodedStream* ids;
    ASSIGN_OR_RETURN(ids, cursor.Load(kId));
    const DecodedStream* accounts = nullptr;
    for (uint32_t r = 0; r < cursor.rows(); ++r) {
      Str v = ids->StringAt(r);
      if (IsNull(v) || v != event_id) continue;
      if (!accounts) {
        ASSIGN_OR_RETURN(accounts, cursor.Load(kAccount));
      }
      Str a = accounts->StringAt(r);
      if (IsNull(a) == IsNull(recipient_account_id) && a == recipient_account_id) return true;
    }
  }
  return false;
}

Result<std::optional<std::string>> SegmentFile::FetchRawByEventId(Str event_id,
                                                                  Str recipient_account_id) const {
  if (IsNull(event_id)) return std::optional<std::string>();
  ScanSpec spec;
  spec.projection = {ColumnId::kEventJson};
  spec.limit = 1;
  spec.predicates.push_back(ScanPredicate::Eq(ColumnId::kEventId, std::string(event_id)));
  if (!IsNull(recipient_account_id)) {
    spec.predicates.push_back(
        ScanPredicate::Eq(ColumnId::kRecipientAccountId, std::string(recipient_account_id)));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<SegmentScanner> scan, NewScan(spec));
  ColumnBatch batch;
  ASSIGN_OR_RETURN(bool found, scan->Next(&batch));
  if (!found) return std::optional<std::string>();
  Str raw = batch.columns[0].strs[batch.sel[0]];
  return std::optional<std::string>(std::string(raw.data() ? raw.data() : "", raw.size()));
}

namespace {

// Appends the events of one block to `out`, with their memory owned by `out`.
Status DecodeBlockEvents(const SegmentFile* file, uint32_t block, EventBatch* out) {
  BlockCursor cursor(file, block, [out](std::string s) { return out->Own(std::move(s)); });
  const uint32_t rows = cursor.rows();
  const std::vector<uint32_t>* offsets;
  ASSIGN_OR_RETURN(offsets, cursor.ElementOffsets());
  const size_t first_event = out->events.size();
  const size_t first_resource = out->resources.size();
  out->events.resize(first_event + rows);
  out->resources.resize(first_resource + (*offsets)[rows]);
  for (uint32_t r = 0; r < rows; ++r) {
    Event& e = out->events[first_event + r];
    e.resources_begin = static_cast<uint32_t>(first_resource + (*offsets)[r]);
    e.resources_count = (*offsets)[r + 1] - (*offsets)[r];
  }
  for (const ColumnDef& c : AllColumns()) {
    if (!c.stored || c.id == ColumnId::kEventJson || c.id == ColumnId::kUsername) continue;
    const DecodedStream* s;
    ASSIGN_OR_RETURN(s, cursor.Load(static_cast<uint16_t>(c.id)));
    if (c.list_child) {
      for (uint32_t k = 0; k < (*offsets)[rows]; ++k) {
        *MutableResourceField(&out->resources[first_resource + k], c.id) = s->StringAt(k);
      }
      continue;
    }
    for (uint32_t r = 0; r < rows; ++r) {
      Event& e = out->events[first_event + r];
      switch (c.type) {
        case ColumnType::kString:
        case ColumnType::kMap:
          *MutableStringField(&e, c.id) = s->StringAt(r);
          break;
        case ColumnType::kTimestamp:
          *MutableTimestampField(&e, c.id) = s->i64[r];
          break;
        case ColumnType::kBool:
          *MutableBoolField(&e, c.id) = s->bools[r];
          break;
      }
    }
  }
  const DecodedStream* present;
  ASSIGN_OR_RETURN(present, cursor.Load(kUserIdentityPresentId));
  const DecodedStream* skeleton;
  ASSIGN_OR_RETURN(skeleton, cursor.Load(kRawSkeletonId));
  std::string raw;
  std::vector<SplicedValue> spliced;
  for (uint32_t r = 0; r < rows; ++r) {
    Event& e = out->events[first_event + r];
    e.user_identity.present = present->bools[r] == OptBool::kTrue;
    if (IsNull(skeleton->StringAt(r))) {
      e.raw = Str();
      continue;
    }
    raw.clear();
    spliced.clear();
    RETURN_IF_ERROR(cursor.RebuildRaw(r, &raw, &spliced));
    e.raw = out->Own(raw);
    // Point the fields at their bytes inside the record, as the parser does, so that writing this
    // event again cuts them out of the skeleton again.
    for (const SplicedValue& v : spliced) {
      if (v.column == kSplicedEventTime || v.column == kSplicedCreationDate) continue;
      Str view(e.raw.data() + v.offset, v.size);
      const ColumnId id = static_cast<ColumnId>(v.column);
      if (GetColumn(id).list_child) {
        if (v.element < e.resources_count) {
          *MutableResourceField(&out->resources[e.resources_begin + v.element], id) = view;
        }
      } else if (Str* f = MutableStringField(&e, id)) {
        *f = view;
      }
    }
  }
  return Status::OK();
}

}  // namespace

Status SegmentFile::ForEachEvent(
    const std::function<Status(const Event&, const EventBatch&)>& fn) const {
  for (uint32_t b = 0; b < footer_.blocks.size(); ++b) {
    EventBatch batch;
    RETURN_IF_ERROR(DecodeBlockEvents(this, b, &batch));
    for (const Event& e : batch.events) RETURN_IF_ERROR(fn(e, batch));
  }
  return Status::OK();
}

Status SegmentFile::ReadAll(EventBatch* out) const {
  const size_t events = out->events.size(), resources = out->resources.size();
  for (uint32_t b = 0; b < footer_.blocks.size(); ++b) {
    Status s = DecodeBlockEvents(this, b, out);
    if (!s.ok()) {
      out->events.resize(events);
      out->resources.resize(resources);
      return s;
    }
  }
  return Status::OK();
}

Status SegmentFile::ReadBlock(uint32_t block, EventBatch* out) const {
  if (block >= footer_.blocks.size()) {
    return Status::OutOfRange(path_ + ": no block " + std::to_string(block));
  }
  const size_t events = out->events.size(), resources = out->resources.size();
  Status s = DecodeBlockEvents(this, block, out);
  if (!s.ok()) {
    out->events.resize(events);
    out->resources.resize(resources);
  }
  return s;
}

Status SegmentFile::ReadBlockColumns(uint32_t block, std::span<const ColumnId> columns,
                                     const std::function<Status(const ColumnBatch&)>& fn) const {
  if (block >= footer_.blocks.size()) {
    return Status::OutOfRange(path_ + ": no block " + std::to_string(block));
  }
  BlockCursor cursor(this, block);
  ColumnBatch batch;
  batch.row_count = cursor.rows();
  batch.block = block;
  batch.columns.resize(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnId id = columns[i];
    if (static_cast<int>(id) >= kColumnCount || !GetColumn(id).stored ||
        id == ColumnId::kEventJson) {
      return Status::InvalidArgument(path_ + ": ReadBlockColumns: column " +
                                     std::to_string(static_cast<int>(id)) +
                                     " is not a stored column");
    }
    ColumnVector& v = batch.columns[i];
    v.id = id;
    const DecodedStream* s;
    ASSIGN_OR_RETURN(s, cursor.Load(static_cast<uint16_t>(id)));
    if (GetColumn(id).list_child) {
      const std::vector<uint32_t>* offsets;
      ASSIGN_OR_RETURN(offsets, cursor.ElementOffsets());
      v.offsets = *offsets;
    }
    v.kind = s->kind;
    switch (s->kind) {
      case VectorKind::kInt64:
        v.i64 = s->i64;
        break;
      case VectorKind::kBool:
        v.bools = s->bools;
        break;
      case VectorKind::kDict:
        v.codes = s->codes;
        v.dict = s->dict;
        break;
      case VectorKind::kString:
        v.strs = s->strs;
        break;
    }
  }
  return fn(batch);
}

Status SegmentFile::ReadRecords(uint32_t block, std::span<const uint32_t> rows,
                                const std::function<Status(uint32_t, Str)>& fn) const {
  if (block >= footer_.blocks.size()) {
    return Status::OutOfRange(path_ + ": no block " + std::to_string(block));
  }
  BlockCursor cursor(this, block);
  const DecodedStream* skeleton;
  ASSIGN_OR_RETURN(skeleton, cursor.LoadRows(kRawSkeletonId, rows));
  std::string raw;
  for (uint32_t r : rows) {
    if (r >= cursor.rows()) {
      return Status::OutOfRange(path_ + ": block " + std::to_string(block) + " has no row " +
                                std::to_string(r));
    }
    if (IsNull(skeleton->StringAt(r))) {
      RETURN_IF_ERROR(fn(r, Str()));
      continue;
    }
    raw.clear();
    RETURN_IF_ERROR(cursor.RebuildRaw(r, &raw, nullptr));
    RETURN_IF_ERROR(fn(r, Str(raw.data(), raw.size())));
  }
  return Status::OK();
}

Status SegmentFile::Verify() const {
  for (const ColumnInfo& c : footer_.columns) {
    if (c.encoding == Encoding::kDict) {
      ASSIGN_OR_RETURN(const SegmentDictionary* dict, Dict(c.id));
      RETURN_IF_ERROR(dict->All().status());
    }
    RETURN_IF_ERROR(Zdict(c.id).status());
  }
  for (uint32_t b = 0; b < footer_.blocks.size(); ++b) {
    for (const ColumnInfo& c : footer_.columns) RETURN_IF_ERROR(Bloom(b, c.id).status());
    BlockCursor cursor(this, b);
    for (const ColumnInfo& c : footer_.columns) {
      if (c.id != kCodeGroupId) RETURN_IF_ERROR(cursor.Load(c.id).status());
    }
    EventBatch batch;
    RETURN_IF_ERROR(DecodeBlockEvents(this, b, &batch));
  }
  return Status::OK();
}

// --- BlockCursor

BlockCursor::BlockCursor(const SegmentFile* file, uint32_t block, OwnFn own)
    : file_(file), block_(block), info_(&file->footer().blocks[block]), own_(std::move(own)) {}

void DecodedStream::Clear() {
  initialized = loaded = chunk_read = all_codes = false;
  kind = VectorKind::kString;
  dictionary = nullptr;
  dict = {};
  // codes keeps its size: see Decode (a whole-block member decode overwrites all of it).
  strs.clear();
  // i64 keeps its size: see Decode (time streams are decoded whole).
  bools.clear();
  counts.clear();
  pages.clear();
  page_loaded.clear();
  chunk_dir.clear();
}

void BlockCursor::Reset(uint32_t block) {
  block_ = block;
  info_ = &file_->footer().blocks[block];
  for (DecodedStream& s : streams_) {
    if (s.initialized || s.chunk_read) s.Clear();
  }
  element_offsets_ready_ = false;
  owned_.clear();
  group_pages_.clear();
  group_page_ready_.clear();
  pinned_.clear();
}

Str BlockCursor::Own(std::string s) {
  if (own_) return own_(std::move(s));
  owned_.push_back(std::make_unique<std::string>(std::move(s)));
  return Str(owned_.back()->data(), owned_.back()->size());
}

Result<const std::vector<uint32_t>*> BlockCursor::ElementOffsets() {
  if (!element_offsets_ready_) {
    DecodedStream& s = streams_[StreamIndex(kResourcesCountId)];
    RETURN_IF_ERROR(Decode(kResourcesCountId, &s, {}, true));
    element_offsets_.resize(rows() + 1);
    uint64_t total = 0;
    for (uint32_t r = 0; r < rows(); ++r) {
      element_offsets_[r] = static_cast<uint32_t>(total);
      total += s.counts[r];
      if (total > (uint64_t{1} << 28)) {
        return Status::DataLoss(file_->Where("resources counts of block " + std::to_string(block_),
                                             chunk(kResourcesCountId)->offset));
      }
    }
    element_offsets_[rows()] = static_cast<uint32_t>(total);
    element_offsets_ready_ = true;
  }
  return &element_offsets_;
}

uint32_t BlockCursor::ValueCount(uint16_t id) {
  if (id < kColumnCount && GetColumn(static_cast<ColumnId>(id)).list_child) {
    return element_offsets_[rows()];
  }
  return rows();
}

Result<const DecodedStream*> BlockCursor::Load(uint16_t id) {
  DecodedStream& s = streams_[StreamIndex(id)];
  if (!s.loaded) RETURN_IF_ERROR(Decode(id, &s, {}, true));
  return &s;
}

Result<const DecodedStream*> BlockCursor::LoadRows(uint16_t id, std::span<const uint32_t> rows) {
  DecodedStream& s = streams_[StreamIndex(id)];
  if (!s.loaded) RETURN_IF_ERROR(Decode(id, &s, rows, false));
  return &s;
}

Result<Str> BlockCursor::ValueAt(uint16_t id, uint32_t index) {
  const ColumnInfo* col = file_->column_info(id);
  if (col && col->encoding == Encoding::kDict) {
    const DecodedStream* s;
    ASSIGN_OR_RETURN(s, LoadCodes(id));
    if (index >= s->codes.size() || s->codes[index] == kNullCode) return Str();
    if (s->kind == VectorKind::kDict) return s->dict[s->codes[index]];
    return s->dictionary->Value(s->codes[index]);
  }
  const DecodedStream* s;
  ASSIGN_OR_RETURN(s, Load(id));
  return index < s->strs.size() ? s->strs[index] : Str();
}

Status BlockCursor::FilterUuidRows(uint16_t id, const std::vector<std::string>& wanted,
                                   std::vector<uint32_t>* sel) {
  const ChunkInfo* chunk = this->chunk(id);
  if (!chunk) {
    sel->clear();  // every value NULL in this block
    return Status::OK();
  }
  std::vector<std::string> uuids, others;
  for (const std::string& w : wanted) {
    if (IsCanonicalUuid(w)) {
      uint8_t b[16];
      UuidBytes(w, b);
      uuids.emplace_back(reinterpret_cast<const char*>(b), 16);
    } else {
      others.push_back(w);
    }
  }
  DecodedStream& s = streams_[StreamIndex(id)];
  RETURN_IF_ERROR(ReadChunk(*chunk, &s));
  std::vector<uint32_t> kept, page_rows;
  size_t next = 0;
  for (size_t p = 0; p < s.pages.size() && next < sel->size(); ++p) {
    const PageInfo& page = s.pages[p];
    page_rows.clear();
    while (next < sel->size() && (*sel)[next] < page.first + page.rows) {
      page_rows.push_back((*sel)[next++] - page.first);
    }
    if (page_rows.empty()) continue;
    auto what = [&] { return "page " + std::to_string(p) + " of stream " + std::to_string(id); };
    std::shared_ptr<const std::string> bytes;
    ASSIGN_OR_RETURN(bytes, PageBytes(id, page, what));
    if (!FilterUuidPage(*bytes, page.rows, uuids, others, &page_rows)) {
      return Status::DataLoss(
          file_->Where(what() + " in block " + std::to_string(block_) + ": corrupt", page.offset));
    }
    for (uint32_t r : page_rows) kept.push_back(page.first + r);
  }
  *sel = std::move(kept);
  return Status::OK();
}

Result<const DecodedStream*> BlockCursor::LoadCodes(uint16_t id) {
  DecodedStream& s = streams_[StreamIndex(id)];
  if (!s.loaded) RETURN_IF_ERROR(Decode(id, &s, {}, true, /*values=*/false));
  return &s;
}

Status BlockCursor::ReadChunk(const ChunkInfo& chunk, DecodedStream* s) {
  if (s->chunk_read) return Status::OK();
  // Only the directory: a page's stored bytes are read when the page cache does not hold it.
  RETURN_IF_ERROR(file_->ReadBytes(chunk.offset, chunk.dir_size, &s->chunk_dir));
  std::string_view dir(s->chunk_dir);
  const std::string where = "page directory of stream " + std::to_string(chunk.id) + " in block " +
                            std::to_string(block_);
  if (crc32c::Value(dir) != chunk.dir_crc) {
    return Status::DataLoss(file_->Where(where + ": checksum mismatch", chunk.offset));
  }
  if (!DecodePageDirectory(dir, chunk.offset + chunk.dir_size, chunk.offset + chunk.size,
                           &s->pages)) {
    return Status::DataLoss(file_->Where(where + ": malformed", chunk.offset));
  }
  s->page_loaded.assign(s->pages.size(), false);
  s->chunk_read = true;
  return Status::OK();
}

Status BlockCursor::Decode(uint16_t id, DecodedStream* s, std::span<const uint32_t> rows, bool all,
                           bool values) {
  const ColumnInfo* col = file_->column_info(id);
  if (id < kColumnCount && GetColumn(static_cast<ColumnId>(id)).list_child) {
    RETURN_IF_ERROR(ElementOffsets().status());
  }
  const uint32_t n = ValueCount(id);
  const ChunkInfo* chunk = this->chunk(id);
  const bool first_time = !s->initialized;
  if (first_time) {
    s->initialized = true;
    // Choose the representation, and start with every value NULL.
    Encoding enc;
    if (col) {
      enc = col->encoding;
    } else if (id == kResourcesCountId) {
      enc = Encoding::kCount;
    } else if (id == kUserIdentityPresentId) {
      enc = Encoding::kBool;
    } else if (id == kRawSkeletonId) {
      enc = Encoding::kPlain;
    } else {
      switch (GetColumn(static_cast<ColumnId>(id)).type) {
        case ColumnType::kTimestamp:
          enc = Encoding::kTimeRelative;
          break;
        case ColumnType::kBool:
          enc = Encoding::kBool;
          break;
        default:
          enc = Encoding::kPlain;
          break;
      }
    }
    switch (enc) {
      case Encoding::kDict: {
        // A code group member decoded for every row overwrites every code: a buffer of the
        // right size left by the previous block (Clear keeps it) needs no NULL fill first.
        const bool every_row = all || rows.size() == n;
        if (!(col && col->grouped && every_row && s->codes.size() == n)) {
          s->codes.assign(n, kNullCode);
        }
        ASSIGN_OR_RETURN(s->dictionary, file_->Dict(id));
        if (s->dictionary->small()) {
          s->kind = VectorKind::kDict;
          ASSIGN_OR_RETURN(s->dict, s->dictionary->All());
        } else {
          s->kind = VectorKind::kString;
          s->strs.assign(n, Str());
        }
        break;
      }
      case Encoding::kPlain:
      case Encoding::kUuid:
        s->kind = VectorKind::kString;
        s->strs.assign(n, Str());
        break;
      case Encoding::kTimeDelta:
      case Encoding::kTimeRelative:
        s->kind = VectorKind::kInt64;
        // Decoded whole (one page per block): a buffer of the right size left by the previous
        // block (Clear keeps it) is overwritten, so it needs no NULL fill first.
        if (!chunk || s->i64.size() != n) s->i64.assign(n, INT64_MIN);
        break;
      case Encoding::kBool:
        s->kind = VectorKind::kBool;
        s->bools.assign(n, OptBool::kNull);
        break;
      case Encoding::kCount:
        s->kind = VectorKind::kInt64;  // not exposed; counts live in `counts`
        s->counts.assign(n, 0);
        break;
      case Encoding::kCodeGroup:
        return Status::Internal(file_->path() + ": the code group is read through its members");
    }
  }
  if (!chunk) {
    s->loaded = true;
    return Status::OK();
  }
  if (col && col->grouped) {
    RETURN_IF_ERROR(DecodeGrouped(id, *col, s, rows, all));
    const bool large_dict = !s->dictionary->small();
    if (values && large_dict) RETURN_IF_ERROR(Materialize(s, rows, all));
    if (all && (!large_dict || values)) s->loaded = true;
    return Status::OK();
  }
  // eventTime decoded before by any scan: a copy instead of a varint decode per row.
  const bool times = col && col->encoding == Encoding::kTimeDelta;
  if (times) {
    if (std::shared_ptr<const std::string> hit = file_->LookupBlockTimes(block_, id);
        hit && hit->size() == size_t{n} * sizeof(int64_t)) {
      std::memcpy(s->i64.data(), hit->data(), hit->size());
      s->loaded = true;
      return Status::OK();
    }
  }
  RETURN_IF_ERROR(ReadChunk(*chunk, s));
  uint64_t total = 0;
  for (const PageInfo& p : s->pages) total += p.rows;
  if (total != n) {
    return Status::DataLoss(file_->Where("stream " + std::to_string(id) + " of block " +
                                             std::to_string(block_) + ": value count mismatch",
                                         chunk->offset));
  }
  // String streams (plain, UUID, dictionary codes) decode only the pages holding the rows asked
  // for; the fixed-width streams are one page per block and decode whole.
  const bool strings = s->kind == VectorKind::kString || s->kind == VectorKind::kDict;
  const bool partial = !all && strings;
  size_t next_row = 0;
  bool every_page = true;
  for (size_t p = 0; p < s->pages.size(); ++p) {
    if (s->page_loaded[p]) continue;
    const PageInfo& page = s->pages[p];
    if (partial) {
      while (next_row < rows.size() && rows[next_row] < page.first) ++next_row;
      if (next_row == rows.size() || rows[next_row] >= page.first + page.rows) {
        every_page = false;
        continue;
      }
    }
    RETURN_IF_ERROR(DecodePage(id, col, s, p, n));
  }
  const bool large_dict = s->dictionary && !s->dictionary->small();
  if (values && large_dict) RETURN_IF_ERROR(Materialize(s, rows, all));
  // Loaded: every page decoded, and for large dictionaries every value looked up.
  if (every_page && (!large_dict || (values && all))) {
    s->loaded = true;
    if (times) {
      file_->CacheBlockTimes(
          block_, id,
          std::make_shared<const std::string>(reinterpret_cast<const char*>(s->i64.data()),
                                              s->i64.size() * sizeof(int64_t)));
    }
  }
  return Status::OK();
}

std::shared_ptr<const std::string> SegmentFile::LookupPage(const PageInfo& page) const {
  if (page.compression == PageCompression::kNone) return nullptr;
  return PageCache::Default().LookupShared(cache_id_, page.offset);
}

std::shared_ptr<const std::string> SegmentFile::DecompressShared(
    std::string_view stored, const PageInfo& page, const ZstdDictionary* zdict) const {
  auto out = std::make_shared<std::string>();
  if (!DecompressPage(stored, page, zdict, out.get())) return nullptr;
  std::shared_ptr<const std::string> shared = std::move(out);
  if (page.compression != PageCompression::kNone)
    PageCache::Default().InsertShared(cache_id_, page.offset, shared);
  return shared;
}

namespace {
// Cache keys of decoded block data: page offsets are file offsets (< 2^62), these have the top
// bit set, and the next bit tells member codes (0) from times (1).
uint64_t MemberCodesKey(uint32_t block, uint16_t id) {
  return (uint64_t{1} << 63) | (uint64_t{block} << 16) | id;
}
uint64_t BlockTimesKey(uint32_t block, uint16_t id) {
  return (uint64_t{3} << 62) | (uint64_t{block} << 16) | id;
}
}  // namespace

std::shared_ptr<const std::string> SegmentFile::LookupBlockTimes(uint32_t block,
                                                                 uint16_t id) const {
  return PageCache::Default().LookupShared(cache_id_, BlockTimesKey(block, id));
}

void SegmentFile::CacheBlockTimes(uint32_t block, uint16_t id,
                                  std::shared_ptr<const std::string> times) const {
  PageCache::Default().InsertShared(cache_id_, BlockTimesKey(block, id), std::move(times));
}

std::shared_ptr<const std::string> SegmentFile::LookupMemberCodes(uint32_t block,
                                                                  uint16_t id) const {
  return PageCache::Default().LookupShared(cache_id_, MemberCodesKey(block, id));
}

void SegmentFile::CacheMemberCodes(uint32_t block, uint16_t id,
                                   std::shared_ptr<const std::string> codes) const {
  PageCache::Default().InsertShared(cache_id_, MemberCodesKey(block, id), std::move(codes));
}

Result<std::shared_ptr<const std::string>> BlockCursor::PageBytes(
    uint16_t id, const PageInfo& page, const std::function<std::string()>& what) {
  auto corrupt = [&] {
    return Status::DataLoss(file_->Where(what() + " in block " + std::to_string(block_) +
                                             ": checksum mismatch or bad compressed data",
                                         page.offset));
  };
  if (page.usize > (uint32_t{1} << 30)) return corrupt();
  if (auto hit = file_->LookupPage(page)) return hit;
  const ZstdDictionary* zdict = nullptr;
  if (page.compression == PageCompression::kZstdDict) {
    ASSIGN_OR_RETURN(zdict, file_->Zdict(id));
  }
  std::string_view stored;
  ASSIGN_OR_RETURN(stored, file_->ReadView(page.offset, page.csize, &stored_scratch_));
  std::shared_ptr<const std::string> bytes = file_->DecompressShared(stored, page, zdict);
  if (!bytes) return corrupt();
  return bytes;
}

namespace {

// Code group members hold codes of 1, 2 or 4 bytes (little-endian); 0 is NULL, else code + 1.
inline uint32_t ReadCode(const uint8_t* b, uint8_t width) {
  uint32_t c = b[0];
  if (width >= 2) c |= static_cast<uint32_t>(b[1]) << 8;
  if (width == 4) c |= static_cast<uint32_t>(b[2]) << 16 | static_cast<uint32_t>(b[3]) << 24;
  return c;
}

// codes[i] = (stored value i) - 1, so that 0 (NULL) wraps to kNullCode; `n` values of `width`.
void WidenCodes(const uint8_t* narrow, uint8_t width, size_t n, uint32_t* codes) {
  if (width == 1) {
    for (size_t i = 0; i < n; ++i) codes[i] = static_cast<uint32_t>(narrow[i]) - 1;
  } else if (width == 2) {
    for (size_t i = 0; i < n; ++i) {
      codes[i] =
          (static_cast<uint32_t>(narrow[2 * i]) | static_cast<uint32_t>(narrow[2 * i + 1]) << 8) -
          1;
    }
  } else {
    for (size_t i = 0; i < n; ++i) codes[i] = ReadCode(narrow + 4 * i, width) - 1;
  }
}

}  // namespace

Status BlockCursor::DecodeGrouped(uint16_t id, const ColumnInfo& col, DecodedStream* s,
                                  std::span<const uint32_t> rows, bool all) {
  if (s->all_codes) return Status::OK();
  const uint8_t width = col.code_width;
  const uint32_t block_rows = info_->rows;
  // Rows are distinct and ascending: asking for as many as the block has is asking for all.
  all |= rows.size() == block_rows;
  // The member's codes of this block, decoded before by any scan: no group page is touched.
  // (Widening all of them costs less than decoding even one group page.)
  if (std::shared_ptr<const std::string> narrow = file_->LookupMemberCodes(block_, id);
      narrow && narrow->size() == size_t{block_rows} * width) {
    WidenCodes(reinterpret_cast<const uint8_t*>(narrow->data()), width, block_rows,
               s->codes.data());
    s->all_codes = true;
    return Status::OK();
  }
  const ColumnInfo* group = file_->column_info(kCodeGroupId);
  const ChunkInfo* chunk = this->chunk(kCodeGroupId);
  if (!group || !chunk) {
    return Status::DataLoss(
        file_->Where("code group of block " + std::to_string(block_) + " missing",
                     info_->chunks.empty() ? 0 : info_->chunks[0].offset));
  }
  // The member's place in a row of the group.
  const size_t stride = file_->group_stride(), at = file_->group_offset(id);
  DecodedStream& g = streams_[StreamIndex(kCodeGroupId)];
  RETURN_IF_ERROR(ReadChunk(*chunk, &g));
  uint64_t total = 0;
  for (const PageInfo& p : g.pages) total += p.rows;
  if (total != block_rows) {
    return Status::DataLoss(file_->Where(
        "code group of block " + std::to_string(block_) + ": row count mismatch", chunk->offset));
  }
  if (group_pages_.size() != g.pages.size()) {
    group_pages_.assign(g.pages.size(), nullptr);
    group_page_ready_.assign(g.pages.size(), false);
  }
  if (s->page_loaded.size() != g.pages.size()) s->page_loaded.assign(g.pages.size(), false);
  if (!all && !rows.empty()) {
    // Rows on every page (a scattered selection): decode the whole block, which is cached.
    size_t touched = 0, next = 0;
    for (const PageInfo& page : g.pages) {
      while (next < rows.size() && rows[next] < page.first) ++next;
      touched += next < rows.size() && rows[next] < page.first + page.rows;
    }
    all = touched == g.pages.size();
  }
  size_t next_row = 0;
  for (size_t p = 0; p < g.pages.size(); ++p) {
    if (s->page_loaded[p]) continue;
    const PageInfo& page = g.pages[p];
    if (!all) {
      while (next_row < rows.size() && rows[next_row] < page.first) ++next_row;
      if (next_row == rows.size() || rows[next_row] >= page.first + page.rows) continue;
    }
    auto what = [&] { return "page " + std::to_string(p) + " of the code group"; };
    if (!group_page_ready_[p]) {
      ASSIGN_OR_RETURN(group_pages_[p], PageBytes(kCodeGroupId, page, what));
      if (group_pages_[p]->size() != static_cast<size_t>(page.rows) * stride) {
        return Status::DataLoss(file_->Where(
            what() + " in block " + std::to_string(block_) + ": malformed", page.offset));
      }
      group_page_ready_[p] = true;
    }
    const auto* bytes = reinterpret_cast<const uint8_t*>(group_pages_[p]->data()) + at;
    uint32_t* out = s->codes.data() + page.first;
    uint32_t bad = 0;
    if (!all) {
      // A few rows of this page (a needle's): only theirs. The page stays not loaded, so that
      // other rows asked for later are decoded then.
      size_t end = next_row;
      while (end < rows.size() && rows[end] < page.first + page.rows) ++end;
      if ((end - next_row) * 16 < page.rows) {
        for (size_t k = next_row; k < end; ++k) {
          const uint32_t c = ReadCode(bytes + size_t{rows[k] - page.first} * stride, width);
          bad |= c > col.dict_count;
          out[rows[k] - page.first] = c - 1;
        }
        if (bad) {
          return Status::DataLoss(file_->Where(
              what() + " in block " + std::to_string(block_) + ": code out of range", page.offset));
        }
        continue;
      }
    }
    for (uint32_t i = 0; i < page.rows; ++i, bytes += stride) {
      const uint32_t c = ReadCode(bytes, width);
      bad |= c > col.dict_count;
      out[i] = c - 1;  // 0 (NULL) wraps to kNullCode
    }
    if (bad) {
      return Status::DataLoss(file_->Where(
          what() + " in block " + std::to_string(block_) + ": code out of range", page.offset));
    }
    s->page_loaded[p] = true;
  }
  if (all) {
    s->all_codes = true;
    auto narrow = std::make_shared<std::string>(size_t{block_rows} * width, '\0');
    auto* b = reinterpret_cast<uint8_t*>(narrow->data());
    for (uint32_t i = 0; i < block_rows; ++i) {
      const uint32_t v = s->codes[i] + 1;  // kNullCode wraps back to 0
      for (uint8_t k = 0; k < width; ++k)
        b[size_t{i} * width + k] = static_cast<uint8_t>(v >> (8 * k));
    }
    file_->CacheMemberCodes(block_, id, std::move(narrow));
  }
  return Status::OK();
}

Status BlockCursor::Materialize(DecodedStream* s, std::span<const uint32_t> rows, bool all) {
  auto fill = [&](size_t i) -> Status {
    if (s->codes[i] == kNullCode || !IsNull(s->strs[i])) return Status::OK();
    ASSIGN_OR_RETURN(s->strs[i], s->dictionary->Value(s->codes[i]));
    return Status::OK();
  };
  if (all) {
    for (size_t i = 0; i < s->codes.size(); ++i) RETURN_IF_ERROR(fill(i));
  } else {
    for (uint32_t r : rows) RETURN_IF_ERROR(fill(r));
  }
  return Status::OK();
}

Status BlockCursor::DecodePage(uint16_t id, const ColumnInfo* col, DecodedStream* s, size_t p,
                               uint32_t value_count) {
  const PageInfo& page = s->pages[p];
  auto what = [&] { return "page " + std::to_string(p) + " of stream " + std::to_string(id); };
  if (!col) {
    return Status::DataLoss(file_->Where(
        what() + " in block " + std::to_string(block_) + ": stream not described", page.offset));
  }
  const DecodedStream* times = nullptr;
  if (col->encoding == Encoding::kTimeRelative) {
    ASSIGN_OR_RETURN(times, Load(static_cast<uint16_t>(ColumnId::kEventTime)));
  }
  std::shared_ptr<const std::string> bytes;
  ASSIGN_OR_RETURN(bytes, PageBytes(id, page, what));
  const std::string_view payload = *bytes;
  bool ok = true;
  switch (col->encoding) {
    case Encoding::kDict: {
      std::vector<uint32_t>& codes = codes_scratch_;
      codes.clear();
      ok = DecodeCodes(payload, page.rows, col->code_width, col->dict_count, &codes);
      if (ok) std::copy(codes.begin(), codes.end(), s->codes.begin() + page.first);
      break;
    }
    case Encoding::kPlain: {
      // The values point into the page: kept by the cursor, or copied to the caller's owner.
      Str owned;
      if (own_) {
        owned = Own(std::string(payload));
      } else {
        pinned_.push_back(bytes);
        owned = Str(payload.data(), payload.size());
      }
      std::vector<Str> strs;
      ok = DecodePlain(owned, page.rows, &strs);
      if (ok) std::copy(strs.begin(), strs.end(), s->strs.begin() + page.first);
      break;
    }
    case Encoding::kUuid: {
      std::string text;
      std::vector<std::pair<int64_t, uint32_t>> spans;
      ok = DecodeUuids(payload, page.rows, &text, &spans);
      if (ok) {
        Str owned = Own(std::move(text));
        for (uint32_t i = 0; i < page.rows; ++i) {
          if (spans[i].first >= 0)
            s->strs[page.first + i] = owned.substr(spans[i].first, spans[i].second);
        }
      }
      break;
    }
    case Encoding::kTimeDelta:
    case Encoding::kTimeRelative: {
      // Into a buffer the cursor keeps (a fresh vector per block cost page faults).
      std::vector<int64_t>& v = i64_scratch_;
      v.clear();
      v.reserve(page.rows);
      ok = col->encoding == Encoding::kTimeDelta
               ? DecodeTimeDelta(payload, page.rows, &v)
               : DecodeTimeRelative(payload, page.rows, times->i64, page.first, &v);
      if (ok) std::copy(v.begin(), v.end(), s->i64.begin() + page.first);
      break;
    }
    case Encoding::kBool: {
      std::vector<OptBool> v;
      ok = DecodeBools(payload, page.rows, &v);
      if (ok) std::copy(v.begin(), v.end(), s->bools.begin() + page.first);
      break;
    }
    case Encoding::kCount: {
      std::vector<uint32_t> v;
      ok = DecodeCounts(payload, page.rows, &v);
      if (ok) std::copy(v.begin(), v.end(), s->counts.begin() + page.first);
      break;
    }
    case Encoding::kCodeGroup:
      ok = false;
      break;
  }
  (void)value_count;
  if (!ok) {
    return Status::DataLoss(file_->Where(
        what() + " in block " + std::to_string(block_) + ": malformed values", page.offset));
  }
  s->page_loaded[p] = true;
  return Status::OK();
}

Status BlockCursor::RebuildRaw(uint32_t row, std::string* out, std::vector<SplicedValue>* spliced) {
  const uint32_t one[1] = {row};
  const DecodedStream* skeleton;
  ASSIGN_OR_RETURN(skeleton, LoadRows(kRawSkeletonId, one));
  const DecodedStream* event_times;
  ASSIGN_OR_RETURN(event_times, Load(static_cast<uint16_t>(ColumnId::kEventTime)));
  const DecodedStream* creation;
  ASSIGN_OR_RETURN(creation, Load(static_cast<uint16_t>(ColumnId::kSessionCreationDate)));
  Status error;
  auto value = [&](ColumnId column, uint32_t element) -> Str {
    const uint16_t id = static_cast<uint16_t>(column);
    if (GetColumn(column).list_child) {
      auto offsets = ElementOffsets();
      if (!offsets.ok()) {
        error = offsets.status();
        return Str();
      }
      const uint32_t begin = (**offsets)[row], end = (**offsets)[row + 1];
      if (element >= end - begin) return Str();
      auto v = ValueAt(id, begin + element);
      if (!v.ok()) {
        error = v.status();
        return Str();
      }
      return *v;
    }
    auto s = LoadRows(id, one);
    if (!s.ok()) {
      error = s.status();
      return Str();
    }
    return (*s)->StringAt(row);
  };
  const size_t before = out->size();
  if (!RebuildRecord(skeleton->StringAt(row), event_times->i64[row], creation->i64[row], value, out,
                     spliced)) {
    out->resize(before);
    if (!error.ok()) return error;
    const ChunkInfo* chunk = this->chunk(kRawSkeletonId);
    return Status::DataLoss(file_->Where("record skeleton of row " + std::to_string(row) +
                                             " in block " + std::to_string(block_) + ": malformed",
                                         chunk ? chunk->offset : 0));
  }
  return Status::OK();
}

}  // namespace segment
}  // namespace cairn
