// src/store/segment_crc32c.h
//
// CRC32C (Castagnoli) for segment checksums. A local stand-in until src/common/crc32c.h lands;
// segment code calls only segment::Crc32c so the switch is one line.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

namespace cairn::segment {

// CRC32C of `data`, continuing from `crc` (0 to start).
uint32_t Crc32cExtend(uint32_t crc, std::string_view data);
inline uint32_t Crc32c(std::string_view data) { return Crc32cExtend(0, data); }

}  // namespace cairn::segment
