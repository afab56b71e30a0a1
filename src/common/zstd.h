// src/common/zstd.h
//
// zstd compression of whole buffers (segment blocks, stored raw records). Compressed data is one
// standard zstd frame with its content size recorded and a checksum (XXH64) over the content, so a
// reader can size its output once and corruption is detected.
//
// Thread-safety: the functions may be called from many threads at once (each thread keeps its own
// zstd contexts).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace cairn::zstd {

// Compresses `data` into one zstd frame. `level` is clamped to zstd's range (negative levels are
// faster, 22 is the slowest); 3 is zstd's default.
std::string Compress(std::string_view data, int level = 3);

// Appends the compressed frame to `*out` instead of returning it (no extra copy when building a
// larger buffer).
void CompressAppend(std::string_view data, int level, std::string* out);

// Decompresses `frame`, which must hold exactly one or more complete zstd frames and nothing else.
// `expected_size`, when known (e.g. from a block index), must equal the decompressed size; when
// absent, the size recorded in the frame header is used (data written without one is decoded in
// a growing buffer). Errors name `name` and are kDataLoss (corrupt, truncated, size mismatch,
// trailing bytes) or kResourceExhausted (a claimed size over `max_size`).
Result<std::string> Decompress(std::string_view frame, std::optional<uint64_t> expected_size,
                               std::string_view name, uint64_t max_size = uint64_t{1} << 34);

}  // namespace cairn::zstd
