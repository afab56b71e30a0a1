#include "store/bloom_filter.h"

#include <cstring>

namespace cairn {
namespace {

constexpr uint64_t kMul1 = 0x9E3779B97F4A7C15ull;
constexpr uint64_t kMul2 = 0xC2B2AE3D27D4EB4Full;

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;  // little-endian hosts only (x86-64, arm64); the hash is defined on LE loads
}

inline uint64_t Mix(uint64_t a, uint64_t b) {
  __uint128_t m = static_cast<__uint128_t>(a ^ kMul1) * (b ^ kMul2);
  return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
}

// Salts for the 8 bits set inside a 256-bit block (odd constants, as in split-block blooms).
constexpr uint32_t kSalt[8] = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                               0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};

}  // namespace

uint64_t BloomHash(std::string_view key) {
  const char* p = key.data();
  size_t n = key.size();
  uint64_t h = Mix(n, kMul2);
  while (n >= 16) {
    h = Mix(h ^ Load64(p), Load64(p + 8) ^ kMul1);
    p += 16;
    n -= 16;
  }
  uint64_t a = 0, b = 0;
  if (n >= 8) {
    a = Load64(p);
    p += 8;
    n -= 8;
  }
  for (size_t i = 0; i < n; ++i) b |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return Mix(h ^ a, b ^ (static_cast<uint64_t>(key.size()) << 56));
}

BloomFilterBuilder::BloomFilterBuilder(size_t expected_keys, int bits_per_key) {
  size_t bits = expected_keys * static_cast<size_t>(bits_per_key);
  size_t blocks = (bits + 255) / 256;
  if (blocks == 0) blocks = 1;
  bits_.assign(blocks * 32, '\0');
}

void BloomFilterBuilder::AddHash(uint64_t h) {
  const size_t blocks = bits_.size() / 32;
  const size_t block = static_cast<size_t>((static_cast<__uint128_t>(h >> 32) * blocks) >> 32);
  const uint32_t lo = static_cast<uint32_t>(h);
  char* base = bits_.data() + block * 32;
  for (int i = 0; i < 8; ++i) {
    uint32_t bit = (lo * kSalt[i]) >> 27;
    uint32_t word;
    std::memcpy(&word, base + 4 * i, 4);
    word |= 1u << bit;
    std::memcpy(base + 4 * i, &word, 4);
  }
}

bool BloomFilterView::MayContainHash(uint64_t h) const {
  const size_t blocks = data_.size() / 32;
  const size_t block = static_cast<size_t>((static_cast<__uint128_t>(h >> 32) * blocks) >> 32);
  const uint32_t lo = static_cast<uint32_t>(h);
  const char* base = data_.data() + block * 32;
  for (int i = 0; i < 8; ++i) {
    uint32_t bit = (lo * kSalt[i]) >> 27;
    uint32_t word;
    std::memcpy(&word, base + 4 * i, 4);
    if (!(word & (1u << bit))) return false;
  }
  return true;
}

}  // namespace cairn
