#include "store/key_digest.h"

#include <algorithm>

namespace cairn {

KeyDigest::KeyDigest(std::vector<uint64_t> hashes) {
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  buckets_ = std::max<uint64_t>(1, hashes.size() / 4);
  starts_.assign(buckets_ + 1, 0);
  fingerprints_.resize(hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    fingerprints_[i] = static_cast<uint32_t>(hashes[i]);
    ++starts_[Bucket(hashes[i]) + 1];
  }
  for (size_t b = 0; b < buckets_; ++b) starts_[b + 1] += starts_[b];
}

void KeyAccounts::AddSlow(Str account) {
  auto it = std::find(ids_.begin(), ids_.end(), std::string_view(account));
  if (it != ids_.end()) {
    std::iter_swap(it, ids_.end() - 1);
    return;
  }
  if (ids_.size() + has_null_ >= kMaxListed) {
    all_ = true;
    ids_.clear();
    return;
  }
  ids_.emplace_back(account);
}

bool KeyAccounts::Intersects(const KeyAccounts& other) const {
  if (all_ || other.all_) return true;
  if (has_null_ && other.has_null_) return true;
  for (const std::string& id : ids_) {
    if (std::find(other.ids_.begin(), other.ids_.end(), id) != other.ids_.end()) return true;
  }
  return false;
}

}  // namespace cairn
