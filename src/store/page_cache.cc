#include "store/page_cache.h"

#include <atomic>
#include <cstdlib>

namespace cairn::segment {

PageCache& PageCache::Default() {
  static PageCache* const cache = [] {
    size_t mb = 1024;
    if (const char* env = std::getenv("CAIRN_PAGE_CACHE_MB")) mb = std::strtoull(env, nullptr, 10);
    return new PageCache(mb << 20);
  }();
  return *cache;
}

uint64_t PageCache::NewFileId() {
  static std::atomic<uint64_t> next{1};
  return next.fetch_add(1);
}

bool PageCache::Lookup(uint64_t file_id, uint64_t offset, std::string* out) {
  std::shared_ptr<const std::string> page = LookupShared(file_id, offset);
  if (!page) return false;
  out->assign(*page);
  return true;
}

std::shared_ptr<const std::string> PageCache::LookupShared(uint64_t file_id, uint64_t offset) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = index_.find({file_id, offset});
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->bytes;
}

void PageCache::Insert(uint64_t file_id, uint64_t offset, std::string_view bytes) {
  if (bytes.size() > capacity_) return;
  InsertShared(file_id, offset, std::make_shared<const std::string>(bytes));
}

void PageCache::InsertShared(uint64_t file_id, uint64_t offset,
                             std::shared_ptr<const std::string> bytes) {
  std::lock_guard<std::mutex> l(mu_);
  if (bytes->size() > capacity_ || index_.count({file_id, offset})) return;
  bytes_ += bytes->size();
  lru_.push_front(Entry{file_id, offset, std::move(bytes)});
  index_[{file_id, offset}] = lru_.begin();
  EvictLocked();
}

size_t PageCache::bytes() const {
  std::lock_guard<std::mutex> l(mu_);
  return bytes_;
}

void PageCache::SetCapacity(size_t capacity_bytes) {
  std::lock_guard<std::mutex> l(mu_);
  capacity_ = capacity_bytes;
  EvictLocked();
}

void PageCache::EvictLocked() {
  while (bytes_ > capacity_ && !lru_.empty()) {
    const Entry& e = lru_.back();
    bytes_ -= e.bytes->size();
    index_.erase({e.file_id, e.offset});
    lru_.pop_back();
  }
}

}  // namespace cairn::segment
