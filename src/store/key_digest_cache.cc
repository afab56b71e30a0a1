#include "store/key_digest_cache.h"

namespace cairn {

std::shared_ptr<const KeyDigest> KeyDigestCache::Lookup(uint64_t id) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = index_.find(id);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void KeyDigestCache::EraseLocked(
    std::unordered_map<uint64_t, std::list<Entry>::iterator>::iterator it) {
  bytes_ -= it->second->second->memory_bytes();
  lru_.erase(it->second);
  index_.erase(it);
}

void KeyDigestCache::Insert(uint64_t id, std::shared_ptr<const KeyDigest> digest) {
  if (digest == nullptr) return;
  std::lock_guard<std::mutex> l(mu_);
  if (auto it = index_.find(id); it != index_.end()) EraseLocked(it);
  if (!Fits(digest->memory_bytes())) return;
  bytes_ += digest->memory_bytes();
  lru_.emplace_front(id, std::move(digest));
  index_[id] = lru_.begin();
  while (bytes_ > capacity_) EraseLocked(index_.find(lru_.back().first));
}

void KeyDigestCache::Erase(uint64_t id) {
  std::lock_guard<std::mutex> l(mu_);
  if (auto it = index_.find(id); it != index_.end()) EraseLocked(it);
}

uint64_t KeyDigestCache::bytes() const {
  std::lock_guard<std::mutex> l(mu_);
  return bytes_;
}

size_t KeyDigestCache::entries() const {
  std::lock_guard<std::mutex> l(mu_);
  return index_.size();
}

}  // namespace cairn
