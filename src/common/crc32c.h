// src/common/crc32c.h
//
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of WAL records and segment
// blocks. Uses the SSE4.2 crc32 instruction when the CPU has it (detected once at run time) and a
// portable slicing-by-8 table otherwise; both give identical results.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::crc32c {

// Returns the CRC of A+data, given `crc` = Value(A). Extend(0, data) == Value(data).
uint32_t Extend(uint32_t crc, std::string_view data);

inline uint32_t Value(std::string_view data) { return Extend(0, data); }

// A CRC stored next to data that itself contains CRCs (a record holding a block and its CRC) is
// stored masked: the CRC of a string that embeds its own CRC is weak, so the stored form is rotated
// and offset. Unmask(Mask(c)) == c.
inline constexpr uint32_t kMaskDelta = 0xa282ead8u;
inline uint32_t Mask(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }
inline uint32_t Unmask(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

// The two implementations, exposed for tests and benchmarks.
uint32_t ExtendPortable(uint32_t crc, std::string_view data);
bool HardwareAvailable();
// REQUIRES: HardwareAvailable().
uint32_t ExtendHardware(uint32_t crc, std::string_view data);

}  // namespace cairn::crc32c
