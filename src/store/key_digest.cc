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

}  // namespace cairn
