#include "store/lookup_cache.h"

#include <cstring>
#include <string_view>
#include <unordered_map>

#include "store/columns.h"

namespace cairn {
namespace {

constexpr ColumnId kColumns[] = {
    ColumnId::kEventTime,
    ColumnId::kEventId,
    ColumnId::kEventCategory,
    ColumnId::kEventName,
    ColumnId::kEventSource,
    ColumnId::kReadOnly,
    ColumnId::kUserIdentityAccessKeyId,
    ColumnId::kUsername,
    ColumnId::kResourcesType,
    ColumnId::kResourcesArn,
};
enum Slot {
  kTime,
  kId,
  kCategory,
  kName,
  kSource,
  kReadOnly,
  kAccessKey,
  kUser,
  kResType,
  kResName
};

constexpr size_t kChunkBytes = 64 << 10;
constexpr size_t kMaxUses = 1 << 16;

}  // namespace

Str LookupBlock::Copy(Str s) {
  if (IsNull(s)) return Str();
  if (s.empty()) return Str("", 0);
  if (s.size() > chunk_left_) {
    const size_t n = std::max(kChunkBytes, s.size());
    chunks_.push_back(std::make_unique<char[]>(n));
    chunk_at_ = chunks_.back().get();
    chunk_left_ = n;
    bytes_ += n;
  }
  std::memcpy(chunk_at_, s.data(), s.size());
  Str out(chunk_at_, s.size());
  chunk_at_ += s.size();
  chunk_left_ -= s.size();
  return out;
}

Result<std::shared_ptr<LookupBlock>> LookupBlock::Build(const SegmentReader& segment,
                                                        uint32_t block) {
  auto b = std::make_shared<LookupBlock>();
  RETURN_IF_ERROR(segment.ReadBlockColumns(block, kColumns, [&](const ColumnBatch& batch) {
    const uint32_t rows = batch.row_count;
    b->rows = rows;
    b->time.assign(batch.columns[kTime].i64.begin(), batch.columns[kTime].i64.end());
    b->read_only.assign(batch.columns[kReadOnly].bools.begin(),
                        batch.columns[kReadOnly].bools.end());
    // Dictionary values are copied once per block, whatever the number of rows holding them.
    auto code = [&](const ColumnVector& v, size_t n, Coded* out) {
      out->codes.assign(n, Coded::kNull);
      if (v.kind == VectorKind::kDict) {
        std::vector<uint32_t> local(v.dict.size(), Coded::kNull);
        for (size_t i = 0; i < n; ++i) {
          const uint32_t c = v.codes[i];
          if (c == kNullCode) continue;
          if (local[c] == Coded::kNull) {
            local[c] = static_cast<uint32_t>(out->values.size());
            out->values.push_back(b->Copy(v.dict[c]));
          }
          out->codes[i] = local[c];
        }
      } else {
        std::unordered_map<std::string_view, uint32_t> local;
        for (size_t i = 0; i < n; ++i) {
          const Str s = v.strs[i];
          if (IsNull(s)) continue;
          auto [it, added] = local.emplace(s, static_cast<uint32_t>(out->values.size()));
          if (added) out->values.push_back(b->Copy(s));
          out->codes[i] = it->second;
        }
      }
    };
    const ColumnVector& ids = batch.columns[kId];
    b->id.resize(rows);
    for (size_t i = 0; i < rows; ++i) b->id[i] = b->Copy(ids.StringAt(i));
    code(batch.columns[kCategory], rows, &b->category);
    code(batch.columns[kName], rows, &b->name);
    code(batch.columns[kSource], rows, &b->source);
    code(batch.columns[kAccessKey], rows, &b->access_key);
    code(batch.columns[kUser], rows, &b->username);
    const ColumnVector& types = batch.columns[kResType];
    b->resource_offsets.assign(types.offsets.begin(), types.offsets.end());
    if (b->resource_offsets.size() != rows + 1) b->resource_offsets.assign(rows + 1, 0);
    const size_t elements = b->resource_offsets[rows];
    code(types, elements, &b->resource_type);
    code(batch.columns[kResName], elements, &b->resource_arn);
    return Status::OK();
  }));
  b->rendered_.resize(b->rows);
  b->bytes_ += b->rows * (sizeof(int64_t) + sizeof(Str) + 5 * sizeof(uint32_t) + sizeof(OptBool) +
                          sizeof(uint32_t) + sizeof(std::shared_ptr<const Rendered>)) +
               b->resource_type.codes.size() * 2 * sizeof(uint32_t);
  for (const Coded* c : {&b->category, &b->name, &b->source, &b->access_key, &b->username,
                         &b->resource_type, &b->resource_arn}) {
    b->bytes_ += c->values.size() * sizeof(Str);
  }
  return b;
}

uint32_t LookupBlock::Coded::Find(std::string_view v) const {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == v) return static_cast<uint32_t>(i);
  }
  return kAbsent;
}

std::shared_ptr<const LookupBlock::Rendered> LookupBlock::rendered(uint32_t row) const {
  std::lock_guard<std::mutex> lock(mu_);
  return rendered_[row];
}

std::shared_ptr<const LookupBlock::Rendered> LookupBlock::SetRendered(
    uint32_t row, std::shared_ptr<const Rendered> r) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!rendered_[row]) rendered_[row] = std::move(r);
  return rendered_[row];
}

LookupBlockCache& LookupBlockCache::Default() {
  static LookupBlockCache* cache = new LookupBlockCache(Options());
  return *cache;
}

std::shared_ptr<const LookupBlock> LookupBlockCache::Find(uint64_t reader_id, uint32_t block) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find({reader_id, block});
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->block;
}

bool LookupBlockCache::Ready(uint64_t reader_id, uint32_t block) {
  if (options_.admit_after == 0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = uses_.find({reader_id, block});
  return it != uses_.end() && it->second >= options_.admit_after;
}

void LookupBlockCache::NoteUse(uint64_t reader_id, uint32_t block) {
  std::lock_guard<std::mutex> lock(mu_);
  if (uses_.size() >= kMaxUses) uses_.clear();
  ++uses_[{reader_id, block}];
}

std::shared_ptr<const LookupBlock> LookupBlockCache::Insert(uint64_t reader_id, uint32_t block,
                                                            std::shared_ptr<const LookupBlock> b) {
  std::lock_guard<std::mutex> lock(mu_);
  const Key key{reader_id, block};
  uses_.erase(key);
  auto it = index_.find(key);
  if (it != index_.end()) return it->second->block;
  if (b->bytes() > options_.capacity_bytes) return b;  // too big to keep: use it once
  lru_.push_front(Entry{key, b, b->bytes()});
  index_[key] = lru_.begin();
  bytes_ += b->bytes();
  EvictLocked();
  return b;
}

void LookupBlockCache::Charge(uint64_t reader_id, uint32_t block, size_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = index_.find({reader_id, block});
  if (it == index_.end()) return;
  it->second->charge += bytes;
  bytes_ += bytes;
  EvictLocked();
}

void LookupBlockCache::EvictLocked() {
  while (bytes_ > options_.capacity_bytes && !lru_.empty()) {
    const Entry& e = lru_.back();
    bytes_ -= e.charge;
    index_.erase(e.key);
    lru_.pop_back();
  }
}

size_t LookupBlockCache::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

size_t LookupBlockCache::blocks() const {
  std::lock_guard<std::mutex> lock(mu_);
  return lru_.size();
}

}  // namespace cairn
