#include "store/column_codec.h"

#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>

#include <cstring>

#include "common/crc32c.h"
#include "store/segment_coding.h"

namespace cairn::segment {

void EncodeCodes(std::span<const uint32_t> codes_plus1, uint8_t width, std::string* out) {
  size_t at = out->size();
  out->resize(at + codes_plus1.size() * width);
  char* p = out->data() + at;
  switch (width) {
    case 1:
      for (uint32_t c : codes_plus1) *p++ = static_cast<char>(c);
      break;
    case 2:
      for (uint32_t c : codes_plus1) {
        p[0] = static_cast<char>(c);
        p[1] = static_cast<char>(c >> 8);
        p += 2;
      }
      break;
    default:
      for (uint32_t c : codes_plus1) {
        for (int i = 0; i < 4; ++i) p[i] = static_cast<char>(c >> (8 * i));
        p += 4;
      }
  }
}

void EncodePlain(std::span<const Str> values, std::string* out) {
  size_t bytes = 0;
  for (Str v : values) {
    PutVarint(out, IsNull(v) ? 0 : v.size() + 1);
    bytes += v.size();
  }
  out->reserve(out->size() + bytes);
  for (Str v : values) out->append(v.data() ? v.data() : "", v.size());
}

void EncodeTimeDelta(std::span<const int64_t> values, std::string* out) {
  int64_t prev = 0;
  for (int64_t v : values) {
    PutSignedVarint(out,
                    static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(prev)));
    prev = v;
  }
}

void EncodeTimeRelative(std::span<const int64_t> values, std::span<const int64_t> event_times,
                        std::string* out) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == INT64_MIN) {
      PutVarint(out, 0);
    } else {
      int64_t d = static_cast<int64_t>(static_cast<uint64_t>(values[i]) -
                                       static_cast<uint64_t>(event_times[i]));
      PutVarint(out, ZigZag(d) + 1);
    }
  }
}

void EncodeBools(std::span<const OptBool> values, std::string* out) {
  for (OptBool b : values) out->push_back(static_cast<char>(static_cast<int>(b) + 1));
}

void EncodeCounts(std::span<const uint32_t> values, std::string* out) {
  for (uint32_t v : values) PutVarint(out, v);
}

namespace {
constexpr char kHex[] = "0123456789abcdef";
constexpr int kDashAt[] = {8, 13, 18, 23};
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

bool IsCanonicalUuid(Str s) {
  if (IsNull(s) || s.size() != 36) return false;
  for (int i = 0, d = 0; i < 36; ++i) {
    if (d < 4 && i == kDashAt[d]) {
      if (s[i] != '-') return false;
      ++d;
    } else if (HexValue(s[i]) < 0) {
      return false;
    }
  }
  return true;
}

void EncodeUuids(std::span<const Str> values, std::string* out) {
  for (Str v : values) out->push_back(IsNull(v) ? 0 : 1);
  for (Str v : values) {
    if (IsNull(v)) continue;
    uint8_t bytes[16];
    int n = 0, high = -1;
    for (char c : v) {
      if (c == '-') continue;
      if (high < 0) {
        high = HexValue(c);
      } else {
        bytes[n++] = static_cast<uint8_t>(high << 4 | HexValue(c));
        high = -1;
      }
    }
    out->append(reinterpret_cast<const char*>(bytes), 16);
  }
}

bool DecodeUuids(std::string_view payload, uint32_t rows, std::string* text,
                 std::vector<bool>* present) {
  if (payload.size() < rows) return false;
  size_t count = 0;
  for (uint32_t i = 0; i < rows; ++i) {
    const char f = payload[i];
    if (f != 0 && f != 1) return false;
    present->push_back(f == 1);
    count += f;
  }
  if (payload.size() != rows + 16 * count) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(payload.data()) + rows;
  for (size_t k = 0; k < count; ++k, p += 16) {
    char u[36];
    for (int i = 0, b = 0, d = 0; i < 36;) {
      if (d < 4 && i == kDashAt[d]) {
        u[i++] = '-';
        ++d;
        continue;
      }
      u[i++] = kHex[p[b] >> 4];
      u[i++] = kHex[p[b] & 15];
      ++b;
    }
    text->append(u, 36);
  }
  return true;
}

bool DecodeCodes(std::string_view payload, uint32_t rows, uint8_t width, uint32_t dict_count,
                 std::vector<uint32_t>* out) {
  if (payload.size() != static_cast<size_t>(rows) * width) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(payload.data());
  size_t at = out->size();
  out->resize(at + rows);
  uint32_t* o = out->data() + at;
  uint32_t bad = 0;
  for (uint32_t i = 0; i < rows; ++i) {
    uint32_t c;
    if (width == 1) {
      c = p[i];
    } else if (width == 2) {
      c = p[2 * i] | static_cast<uint32_t>(p[2 * i + 1]) << 8;
    } else {
      c = DecodeFixed32(payload.data() + 4 * i);
    }
    bad |= c > dict_count;
    o[i] = c - 1;  // 0 (NULL) wraps to kNullCode
  }
  return bad == 0;
}

bool DecodePlain(std::string_view payload, uint32_t rows, std::vector<Str>* out) {
  Decoder d(payload);
  size_t at = out->size();
  out->resize(at + rows);
  Str* o = out->data() + at;
  uint64_t total = 0;
  // Lengths first; the views are fixed up once the start of the bytes is known.
  std::vector<uint32_t> lens(rows);
  for (uint32_t i = 0; i < rows; ++i) {
    uint64_t n = d.Varint();
    if (n > payload.size()) return false;
    lens[i] = static_cast<uint32_t>(n);
    total += n ? n - 1 : 0;
  }
  if (!d.ok() || d.remaining() != total) return false;
  const char* p = payload.data() + (payload.size() - d.remaining());
  for (uint32_t i = 0; i < rows; ++i) {
    if (lens[i] == 0) {
      o[i] = Str();
    } else {
      o[i] = Str(p, lens[i] - 1);
      p += lens[i] - 1;
    }
  }
  return true;
}

bool DecodeTimeDelta(std::string_view payload, uint32_t rows, std::vector<int64_t>* out) {
  Decoder d(payload);
  uint64_t prev = 0;
  for (uint32_t i = 0; i < rows; ++i) {
    prev += static_cast<uint64_t>(d.SignedVarint());
    out->push_back(static_cast<int64_t>(prev));
  }
  return d.ok() && d.done();
}

bool DecodeTimeRelative(std::string_view payload, uint32_t rows,
                        std::span<const int64_t> event_times, uint32_t first_row,
                        std::vector<int64_t>* out) {
  if (static_cast<uint64_t>(first_row) + rows > event_times.size()) return false;
  Decoder d(payload);
  for (uint32_t i = 0; i < rows; ++i) {
    uint64_t v = d.Varint();
    if (v == 0) {
      out->push_back(INT64_MIN);
    } else {
      out->push_back(static_cast<int64_t>(static_cast<uint64_t>(event_times[first_row + i]) +
                                          static_cast<uint64_t>(UnZigZag(v - 1))));
    }
  }
  return d.ok() && d.done();
}

bool DecodeBools(std::string_view payload, uint32_t rows, std::vector<OptBool>* out) {
  if (payload.size() != rows) return false;
  for (char c : payload) {
    if (c < 0 || c > 2) return false;
    out->push_back(static_cast<OptBool>(c - 1));
  }
  return true;
}

bool DecodeCounts(std::string_view payload, uint32_t rows, std::vector<uint32_t>* out) {
  Decoder d(payload);
  for (uint32_t i = 0; i < rows; ++i) out->push_back(d.Varint32());
  return d.ok() && d.done();
}

// --- zstd

ZstdDictionary::~ZstdDictionary() {
  ZSTD_freeCDict(cdict_);
  ZSTD_freeDDict(ddict_);
}

std::unique_ptr<ZstdDictionary> ZstdDictionary::Train(const std::vector<std::string_view>& samples,
                                                      size_t max_bytes, int level) {
  if (samples.size() < 16) return nullptr;
  std::string buffer;
  std::vector<size_t> sizes;
  sizes.reserve(samples.size());
  for (std::string_view s : samples) {
    buffer.append(s);
    sizes.push_back(s.size());
  }
  std::string dict(max_bytes, '\0');
  // Fixed fastCover parameters: training time must stay small next to the segment write.
  ZDICT_fastCover_params_t params;
  std::memset(&params, 0, sizeof params);
  params.k = 200;
  params.d = 8;
  params.f = 20;
  params.accel = 4;
  params.zParams.compressionLevel = level;
  size_t n = ZDICT_trainFromBuffer_fastCover(dict.data(), dict.size(), buffer.data(), sizes.data(),
                                             static_cast<unsigned>(sizes.size()), params);
  if (ZDICT_isError(n) || n < 256) return nullptr;
  dict.resize(n);
  std::unique_ptr<ZstdDictionary> d(new ZstdDictionary);
  d->bytes_ = std::move(dict);
  d->cdict_ = ZSTD_createCDict(d->bytes_.data(), d->bytes_.size(), level);
  if (!d->cdict_) return nullptr;
  return d;
}

std::unique_ptr<ZstdDictionary> ZstdDictionary::ForDecompression(std::string_view bytes) {
  std::unique_ptr<ZstdDictionary> d(new ZstdDictionary);
  d->bytes_ = std::string(bytes);
  d->ddict_ = ZSTD_createDDict(d->bytes_.data(), d->bytes_.size());
  if (!d->ddict_) return nullptr;
  return d;
}

PageCompressor::PageCompressor(int level) : level_(level), cctx_(ZSTD_createCCtx()) {}
PageCompressor::~PageCompressor() { ZSTD_freeCCtx(cctx_); }

void PageCompressor::Compress(std::string_view payload, const ZstdDictionary* dict, PageInfo* page,
                              std::string* out) {
  page->usize = static_cast<uint32_t>(payload.size());
  const size_t at = out->size();
  if (payload.size() >= 32) {
    out->resize(at + ZSTD_compressBound(payload.size()));
    size_t n;
    if (dict && dict->cdict()) {
      n = ZSTD_compress_usingCDict(cctx_, out->data() + at, out->size() - at, payload.data(),
                                   payload.size(), dict->cdict());
    } else {
      n = ZSTD_compressCCtx(cctx_, out->data() + at, out->size() - at, payload.data(),
                            payload.size(), level_);
    }
    if (!ZSTD_isError(n) && n < payload.size()) {
      out->resize(at + n);
      page->csize = static_cast<uint32_t>(n);
      page->compression =
          dict && dict->cdict() ? PageCompression::kZstdDict : PageCompression::kZstd;
      page->crc = crc32c::Value(std::string_view(out->data() + at, n));
      return;
    }
    out->resize(at);
  }
  out->append(payload);
  page->csize = page->usize;
  page->compression = PageCompression::kNone;
  page->crc = crc32c::Value(payload);
}

namespace {
struct DCtxHolder {
  ZSTD_DCtx* ctx = ZSTD_createDCtx();
  ~DCtxHolder() { ZSTD_freeDCtx(ctx); }
};
ZSTD_DCtx* ThreadDCtx() {
  thread_local DCtxHolder holder;
  return holder.ctx;
}
}  // namespace

bool DecompressPage(std::string_view stored, const PageInfo& page, const ZstdDictionary* dict,
                    std::string* out) {
  if (stored.size() != page.csize || crc32c::Value(stored) != page.crc) return false;
  switch (page.compression) {
    case PageCompression::kNone:
      out->assign(stored.data(), stored.size());
      return true;
    case PageCompression::kZstd:
    case PageCompression::kZstdDict: {
      if (page.compression == PageCompression::kZstdDict && (!dict || !dict->ddict())) return false;
      out->resize(page.usize);
      size_t n = page.compression == PageCompression::kZstdDict
                     ? ZSTD_decompress_usingDDict(ThreadDCtx(), out->data(), out->size(),
                                                  stored.data(), stored.size(), dict->ddict())
                     : ZSTD_decompressDCtx(ThreadDCtx(), out->data(), out->size(), stored.data(),
                                           stored.size());
      return !ZSTD_isError(n) && n == page.usize;
    }
  }
  return false;
}

}  // namespace cairn::segment
