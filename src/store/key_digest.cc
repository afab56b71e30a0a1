#include "store/key_digest.h"

namespace cairn {

KeyDigest::KeyDigest(const std::vector<uint64_t>& hashes) {
  size_t size = 16;
  while (size < hashes.size() * 2) size <<= 1;  // load <= 1/2
  slots_.assign(size, 0);
  mask_ = size - 1;
  for (uint64_t hash : hashes) {
    const uint64_t h = hash == 0 ? 1 : hash;
    size_t i = h & mask_;
    while (slots_[i] != 0 && slots_[i] != h) i = (i + 1) & mask_;
    slots_[i] = h;
  }
}

}  // namespace cairn
