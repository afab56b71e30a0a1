#include "common/zstd.h"

#include <fmt/format.h>
#include <zstd.h>

#include <algorithm>
#include <memory>

namespace cairn::zstd {
namespace {

struct CCtxFree {
  void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};
struct DCtxFree {
  void operator()(ZSTD_DCtx* d) const { ZSTD_freeDCtx(d); }
};

ZSTD_CCtx* ThreadCCtx() {
  thread_local std::unique_ptr<ZSTD_CCtx, CCtxFree> c(ZSTD_createCCtx());
  if (!c) throw std::bad_alloc();
  return c.get();
}

ZSTD_DCtx* ThreadDCtx() {
  thread_local std::unique_ptr<ZSTD_DCtx, DCtxFree> d(ZSTD_createDCtx());
  return d.get();
}

Status Corrupt(std::string_view name, std::string_view what) {
  return Status::DataLoss(fmt::format("{}: zstd: {}", name, what));
}

// Decodes frames whose total size is not recorded, into a buffer that grows up to `limit` bytes.
// `limit_is_expected`: the limit is the caller's expected size, so going past it is corruption.
Result<std::string> DecompressStreaming(ZSTD_DCtx* d, std::string_view frame, uint64_t limit,
                                        bool limit_is_expected, std::string_view name) {
  ZSTD_DCtx_reset(d, ZSTD_reset_session_only);
  std::string out;
  out.resize(std::min<uint64_t>(limit, std::max<size_t>(frame.size() * 4, 4096)));
  ZSTD_inBuffer in{frame.data(), frame.size(), 0};
  size_t produced = 0;
  while (true) {
    ZSTD_outBuffer o{out.data(), out.size(), produced};
    const size_t ret = ZSTD_decompressStream(d, &o, &in);
    produced = o.pos;
    if (ZSTD_isError(ret)) return Corrupt(name, ZSTD_getErrorName(ret));
    if (ret == 0 && in.pos == in.size) break;  // every frame complete
    if (produced < out.size()) {
      // zstd flushes all it can, so spare output room with no input left means a cut frame.
      if (in.pos == in.size)
        return Corrupt(name, fmt::format("truncated frame ({} bytes)", frame.size()));
      continue;
    }
    if (out.size() >= limit) {
      if (limit_is_expected)
        return Corrupt(name, fmt::format("frame holds more than {} bytes", limit));
      return Status::ResourceExhausted(
          fmt::format("{}: zstd: decompressed data exceeds {} bytes", name, limit));
    }
    out.resize(std::min<uint64_t>(limit, std::max<size_t>(out.size() * 2, 4096)));
  }
  out.resize(produced);
  return out;
}

}  // namespace

void CompressAppend(std::string_view data, int level, std::string* out) {
  ZSTD_CCtx* c = ThreadCCtx();
  level = std::clamp(level, ZSTD_minCLevel(), ZSTD_maxCLevel());
  ZSTD_CCtx_reset(c, ZSTD_reset_session_only);
  ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1);
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1);
  const size_t old = out->size();
  const size_t bound = ZSTD_compressBound(data.size());
  out->resize(old + bound);
  size_t n = ZSTD_compress2(c, out->data() + old, bound, data.data(), data.size());
  if (ZSTD_isError(n)) {
    // Only an allocation failure inside zstd can get here: the bound always suffices.
    throw std::bad_alloc();
  }
  out->resize(old + n);
}

std::string Compress(std::string_view data, int level) {
  std::string out;
  CompressAppend(data, level, &out);
  return out;
}

Result<std::string> Decompress(std::string_view frame, std::optional<uint64_t> expected_size,
                               std::string_view name, uint64_t max_size) {
  ZSTD_DCtx* d = ThreadDCtx();
  if (d == nullptr) return Status::ResourceExhausted(fmt::format("{}: zstd: out of memory", name));
  if (frame.empty()) return Corrupt(name, "empty input (no frame)");

  // Walks every frame header; fails on a bad magic number or a frame cut short.
  unsigned long long found = 0;
  bool known = true;
  for (std::string_view rest = frame; !rest.empty();) {
    const size_t frame_size = ZSTD_findFrameCompressedSize(rest.data(), rest.size());
    const size_t at = frame.size() - rest.size();
    if (ZSTD_isError(frame_size)) {
      return Corrupt(name, fmt::format("{} (frame at byte {})", ZSTD_getErrorName(frame_size), at));
    }
    const unsigned long long content = ZSTD_getFrameContentSize(rest.data(), rest.size());
    if (content == ZSTD_CONTENTSIZE_ERROR) {
      return Corrupt(name, fmt::format("bad frame header at byte {}", at));
    }
    if (content == ZSTD_CONTENTSIZE_UNKNOWN) {
      known = false;
    } else {
      found = content > UINT64_MAX - found ? UINT64_MAX : found + content;  // saturate
    }
    rest.remove_prefix(frame_size);
  }
  if (expected_size && known && *expected_size != found) {
    return Corrupt(name, fmt::format("frame holds {} bytes, expected {}", found, *expected_size));
  }
  const uint64_t size = expected_size ? *expected_size : found;
  if ((expected_size || known) && size > max_size) {
    return Status::ResourceExhausted(fmt::format(
        "{}: zstd: decompressed size {} exceeds the limit of {} bytes", name, size, max_size));
  }

  if (!known) {
    ASSIGN_OR_RETURN(std::string out, DecompressStreaming(d, frame, expected_size ? size : max_size,
                                                          expected_size.has_value(), name));
    if (expected_size && out.size() != size) {
      return Corrupt(name, fmt::format("frame holds {} bytes, expected {}", out.size(), size));
    }
    return out;
  }

  std::string out;
  out.resize(size);
  size_t n = ZSTD_decompressDCtx(d, out.data(), out.size(), frame.data(), frame.size());
  if (ZSTD_isError(n)) return Corrupt(name, ZSTD_getErrorName(n));
  if (n != size) return Corrupt(name, fmt::format("frame holds {} bytes, header said {}", n, size));
  return out;
}

}  // namespace cairn::zstd
