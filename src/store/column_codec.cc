#include "store/column_codec.h"

#define ZDICT_STATIC_LINKING_ONLY
#include <zdict.h>
#include <zstd.h>

#include <array>
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

// Timestamps are usually whole seconds: their deltas are then written in seconds (unit byte 1).
void EncodeTimeDelta(std::span<const int64_t> values, std::string* out) {
  bool seconds = true;
  for (int64_t v : values) seconds = seconds && v % 1000000 == 0;
  out->push_back(seconds ? 1 : 0);
  const int64_t unit = seconds ? 1000000 : 1;
  int64_t prev = 0;
  for (int64_t v : values) {
    PutSignedVarint(out, v / unit - prev);
    prev = v / unit;
  }
}

void EncodeTimeRelative(std::span<const int64_t> values, std::span<const int64_t> event_times,
                        std::string* out) {
  bool seconds = true;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == INT64_MIN) continue;
    seconds = seconds && values[i] % 1000000 == 0 && event_times[i] % 1000000 == 0;
  }
  out->push_back(seconds ? 1 : 0);
  const int64_t unit = seconds ? 1000000 : 1;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == INT64_MIN) {
      PutVarint(out, 0);
    } else {
      const int64_t d = static_cast<int64_t>(static_cast<uint64_t>(values[i] / unit) -
                                             static_cast<uint64_t>(event_times[i] / unit));
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
}  // namespace

bool IsCanonicalUuid(Str s) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  static const auto kIsHex = [] {
    std::array<uint8_t, 256> t{};
    for (char c : std::string_view("0123456789abcdef")) t[static_cast<uint8_t>(c)] = 1;
    return t;
  }();
  unsigned ok = 1;
  for (int i = 0; i < 36; ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) continue;
    ok &= kIsHex[static_cast<uint8_t>(s[i])];
  }
  return ok != 0;
}

void UuidBytes(Str v, uint8_t bytes[16]) {
  static const auto kValue = [] {
    std::array<uint8_t, 256> t{};
    for (int i = 0; i < 16; ++i) t[static_cast<uint8_t>(kHex[i])] = static_cast<uint8_t>(i);
    return t;
  }();
  // Hex digit pairs of the 8-4-4-4-12 layout.
  static constexpr int kAt[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
  const auto* p = reinterpret_cast<const uint8_t*>(v.data());
  for (int i = 0; i < 16; ++i) {
    bytes[i] = static_cast<uint8_t>(kValue[p[kAt[i]]] << 4 | kValue[p[kAt[i] + 1]]);
  }
}

bool ParseCanonicalUuid(Str s, uint8_t bytes[16]) {
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') return false;
  // Nibble values of [0-9a-f]; 0x10 marks every other byte.
  static const auto kNibble = [] {
    std::array<uint8_t, 256> t;
    t.fill(0x10);
    for (int i = 0; i < 16; ++i) t[static_cast<uint8_t>(kHex[i])] = static_cast<uint8_t>(i);
    return t;
  }();
  static constexpr int kAt[16] = {0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34};
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  unsigned bad = 0;
  for (int i = 0; i < 16; ++i) {
    const uint8_t hi = kNibble[p[kAt[i]]], lo = kNibble[p[kAt[i] + 1]];
    bad |= hi | lo;
    bytes[i] = static_cast<uint8_t>(hi << 4 | (lo & 0x0F));
  }
  return (bad & 0x10) == 0;
}

void EncodeUuids(std::span<const Str> values, std::string* out) {
  // tags, then the UUIDs as 16 bytes each, then the other values as in kPlain (without NULLs).
  const size_t tags = out->size();
  out->resize(tags + values.size() * 17);  // every value a UUID at most; trimmed below
  char* tag = out->data() + tags;
  char* bins = tag + values.size();
  for (Str v : values) {
    if (IsNull(v)) {
      *tag++ = 0;
    } else if (ParseCanonicalUuid(v, reinterpret_cast<uint8_t*>(bins))) {
      *tag++ = 1;
      bins += 16;
    } else {
      *tag++ = 2;
    }
  }
  out->resize(static_cast<size_t>(bins - out->data()));
  for (size_t i = 0; i < values.size(); ++i) {
    if ((*out)[tags + i] == 2) PutVarint(out, values[i].size());
  }
  for (size_t i = 0; i < values.size(); ++i) {
    if ((*out)[tags + i] == 2) out->append(values[i].data(), values[i].size());
  }
}

bool ReadUuidPageLayout(std::string_view payload, uint32_t rows, bool read_others,
                        UuidPageLayout* out) {
  if (payload.size() < rows) return false;
  size_t uuids = 0, other_count = 0;
  for (uint32_t i = 0; i < rows; ++i) {
    const char tag = payload[i];
    if (tag < 0 || tag > 2) return false;
    uuids += tag == 1;
    other_count += tag == 2;
  }
  if (payload.size() < rows + 16 * uuids) return false;
  out->uuids = uuids;
  out->other_count = other_count;
  out->others.clear();
  if (!read_others) return true;
  Decoder d(payload.substr(rows + 16 * uuids));
  out->others.resize(other_count);
  uint64_t total = 0;
  for (auto& [offset, length] : out->others) {
    const uint64_t n = d.Varint();
    total += n;
    if (total > payload.size()) return false;
    length = static_cast<uint32_t>(n);
  }
  if (!d.ok() || d.remaining() != total) return false;
  uint64_t at = payload.size() - total;
  for (auto& [offset, length] : out->others) {
    offset = static_cast<uint32_t>(at);
    at += length;
  }
  return true;
}

bool FilterUuidPage(std::string_view payload, uint32_t page_rows,
                    const std::vector<std::string>& uuids, const std::vector<std::string>& others,
                    std::vector<uint32_t>* rows) {
  // The other strings are located only if someone asks for a non-UUID value.
  UuidPageLayout layout;
  if (!ReadUuidPageLayout(payload, page_rows, !others.empty(), &layout)) return false;
  const char* bins = payload.data() + page_rows;
  const auto& other_spans = layout.others;  // (offset, length)
  size_t kept = 0, next = 0;
  size_t uuid_index = 0, other_index = 0;
  for (uint32_t i = 0; i < page_rows && next < rows->size(); ++i) {
    const char tag = payload[i];
    const bool asked = (*rows)[next] == i;
    if (asked) {
      bool match = false;
      if (tag == 1) {
        for (const std::string& w : uuids)
          match |= std::memcmp(bins + 16 * uuid_index, w.data(), 16) == 0;
      } else if (tag == 2 && !other_spans.empty()) {
        const auto [at, len] = other_spans[other_index];
        for (const std::string& w : others)
          match |= std::string_view(payload.data() + at, len) == w;
      }
      if (match) (*rows)[kept++] = i;
      ++next;
    }
    uuid_index += tag == 1;
    other_index += tag == 2;
  }
  rows->resize(kept);
  return true;
}

bool DecodeUuids(std::string_view payload, uint32_t rows, std::string* text,
                 std::vector<std::pair<int64_t, uint32_t>>* spans) {
  UuidPageLayout layout;
  if (!ReadUuidPageLayout(payload, rows, true, &layout)) return false;
  const size_t uuids = layout.uuids;
  uint64_t total = 0;
  for (const auto& o : layout.others) total += o.second;
  const auto* p = reinterpret_cast<const uint8_t*>(payload.data()) + rows;
  // Two hex digits per byte from a table: decoding a block's eventIDs is on the lookup path.
  static const auto kPairs = [] {
    std::array<char, 512> t{};
    for (int i = 0; i < 256; ++i) {
      t[2 * i] = kHex[i >> 4];
      t[2 * i + 1] = kHex[i & 15];
    }
    return t;
  }();
  size_t at = text->size();
  text->resize(at + 36 * uuids + total);
  char* out = text->data();
  size_t k = 0;
  for (uint32_t i = 0; i < rows; ++i) {
    const char tag = payload[i];
    if (tag == 0) {
      spans->emplace_back(-1, 0);
      continue;
    }
    if (tag == 2) {
      const auto [offset, length] = layout.others[k++];
      std::memcpy(out + at, payload.data() + offset, length);
      spans->emplace_back(static_cast<int64_t>(at), length);
      at += length;
      continue;
    }
    char* u = out + at;
    // 8-4-4-4-12 hex digits: bytes 0-3, 4-5, 6-7, 8-9, 10-15.
    static constexpr int kGroupEnd[5] = {4, 6, 8, 10, 16};
    for (int b = 0, g = 0; g < 5; ++g) {
      if (g) *u++ = '-';
      for (; b < kGroupEnd[g]; ++b, u += 2) std::memcpy(u, &kPairs[2 * p[b]], 2);
    }
    p += 16;
    spans->emplace_back(static_cast<int64_t>(at), 36u);
    at += 36;
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
  const uint8_t unit_code = d.U8();
  if (unit_code > 1) return false;
  const uint64_t unit = unit_code ? 1000000 : 1;
  uint64_t prev = 0;
  for (uint32_t i = 0; i < rows; ++i) {
    prev += static_cast<uint64_t>(d.SignedVarint());
    out->push_back(static_cast<int64_t>(prev * unit));
  }
  return d.ok() && d.done();
}

bool DecodeTimeRelative(std::string_view payload, uint32_t rows,
                        std::span<const int64_t> event_times, uint32_t first_row,
                        std::vector<int64_t>* out) {
  if (static_cast<uint64_t>(first_row) + rows > event_times.size()) return false;
  Decoder d(payload);
  const uint8_t unit_code = d.U8();
  if (unit_code > 1) return false;
  const int64_t unit = unit_code ? 1000000 : 1;
  for (uint32_t i = 0; i < rows; ++i) {
    uint64_t v = d.Varint();
    if (v == 0) {
      out->push_back(INT64_MIN);
    } else {
      const uint64_t base = static_cast<uint64_t>(event_times[first_row + i] / unit);
      out->push_back(static_cast<int64_t>((base + static_cast<uint64_t>(UnZigZag(v - 1))) *
                                          static_cast<uint64_t>(unit)));
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
  // Fixed fastCover parameters: training time must stay small next to the segment write. With
  // f 20 / accel 4 training took 11% of a 1M import's CPU; f 18 / accel 10 cut that CPU by 8% for
  // +0.04% of segment bytes.
  ZDICT_fastCover_params_t params;
  std::memset(&params, 0, sizeof params);
  params.k = 200;
  params.d = 8;
  params.f = 18;
  params.accel = 10;
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
