// src/event/generator/rng.h
//
// The generator's random numbers: SplitMix64 to derive seeds, xoshiro256** as the stream. Both are
// implemented here (not std::mt19937 + distributions) because their output must be identical on
// every platform and library version: the same seed has to give the same bytes forever.
//
// Determinism across threads comes from seeding: every unit of work (account, region, day) gets
// its own stream from DeriveSeed(master, ...), never a shared one.
//
// Thread-safety: a Rng is a value; use one per thread.
#pragma once

#include <cmath>
#include <cstdint>
#include <initializer_list>

namespace cairn::gen {

// One step of SplitMix64: advances `*state` and returns a well-mixed 64-bit value.
inline uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// Mixes `parts` into `master`: a seed for one unit of work. Order matters.
inline uint64_t DeriveSeed(uint64_t master, std::initializer_list<uint64_t> parts) {
  uint64_t state = master;
  uint64_t h = SplitMix64(&state);
  for (uint64_t p : parts) {
    state ^= p + 0x632be59bd9b4e019ULL + (h << 6) + (h >> 2);
    h = SplitMix64(&state);
  }
  return h;
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t st = seed;
    for (auto& w : s_) w = SplitMix64(&st);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n). REQUIRES: n > 0. (Lemire's multiply-shift; the tiny bias is irrelevant
  // here.)
  uint32_t Below(uint32_t n) {
    return static_cast<uint32_t>(((Next() >> 32) * static_cast<uint64_t>(n)) >> 32);
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // True with probability p.
  bool Chance(double p) { return Unit() < p; }
  // Index in [0, n) skewed towards 0: a few hot items get most of the picks, like real resources.
  uint32_t Skewed(uint32_t n) {
    double u = Unit();
    return static_cast<uint32_t>(static_cast<double>(n) * u * u * u);
  }
  // A Poisson-distributed count with mean `lambda` (normal approximation above 64).
  uint32_t Poisson(double lambda) {
    if (lambda <= 0) return 0;
    if (lambda > 64) {
      double u1 = Unit(), u2 = Unit();
      if (u1 < 1e-300) u1 = 1e-300;
      double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
      double v = std::floor(lambda + z * std::sqrt(lambda) + 0.5);
      return v < 0 ? 0 : static_cast<uint32_t>(v);
    }
    double limit = std::exp(-lambda), p = 1.0;
    uint32_t k = 0;
    do {
      ++k;
      p *= Unit();
    } while (p > limit);
    return k - 1;
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace cairn::gen
