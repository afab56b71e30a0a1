#include "event/json_scan.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cairn::json_scan {
namespace {

// Bit i of each mask describes byte i of a 64-byte block.
struct BlockMasks {
  uint64_t quote, backslash, open, close;
};

inline BlockMasks Classify(const char* p) {
  BlockMasks m{0, 0, 0, 0};
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  // '{' (0x7B) and '[' (0x5B) differ only in bit 0x20, as do '}' (0x7D) and ']' (0x5D).
  const __m128i bit20 = _mm_set1_epi8(0x20);
  const __m128i open = _mm_set1_epi8('{');
  const __m128i close = _mm_set1_epi8('}');
  for (int k = 0; k < 4; ++k) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    __m128i folded = _mm_or_si128(v, bit20);
    const int shift = 16 * k;
    m.quote |= static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))))
               << shift;
    m.backslash |= static_cast<uint64_t>(
                       static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, backslash))))
                   << shift;
    m.open |= static_cast<uint64_t>(
                  static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, open))))
              << shift;
    m.close |= static_cast<uint64_t>(
                   static_cast<uint16_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(folded, close))))
               << shift;
  }
#else
  for (int i = 0; i < 64; ++i) {
    const char c = p[i];
    const uint64_t bit = uint64_t{1} << i;
    if (c == '"') m.quote |= bit;
    if (c == '\\') m.backslash |= bit;
    if (c == '{' || c == '[') m.open |= bit;
    if (c == '}' || c == ']') m.close |= bit;
  }
#endif
  return m;
}

// Bits of characters preceded by an unescaped backslash. `*carry` says whether the first byte of
// this block is escaped (a lone backslash ended the previous block) and is updated for the next.
// Backslashes are rare in CloudTrail records, so a loop over them beats the branch-free form.
inline uint64_t EscapedBits(uint64_t backslash, uint64_t* carry) {
  uint64_t escaped = 0;
  if (*carry) {
    escaped = 1;
    backslash &= ~uint64_t{1};
  }
  *carry = 0;
  while (backslash) {
    const int b = __builtin_ctzll(backslash);
    if (b == 63) {
      *carry = 1;
      break;
    }
    escaped |= uint64_t{1} << (b + 1);
    backslash &= ~(uint64_t{3} << b);  // this backslash, and the character it escapes
  }
  return escaped;
}

// Bit i set when an odd number of bits at or below i are set in x: with x = the real quotes,
// the bits inside strings (opening quote included, closing quote excluded).
inline uint64_t PrefixXor(uint64_t x) {
  x ^= x << 1;
  x ^= x << 2;
  x ^= x << 4;
  x ^= x << 8;
  x ^= x << 16;
  x ^= x << 32;
  return x;
}

}  // namespace

size_t FindContainerEnd(const char* data, size_t begin, size_t end) {
  uint64_t in_string = 0;  // all ones when the previous block ended inside a string
  uint64_t escape_carry = 0;
  int64_t depth = 0;
  for (size_t pos = begin; pos < end; pos += 64) {
    const BlockMasks m = Classify(data + pos);
    const size_t avail = end - pos;
    const uint64_t valid = avail >= 64 ? ~uint64_t{0} : (uint64_t{1} << avail) - 1;
    uint64_t escaped = 0;
    const uint64_t backslash = m.backslash & valid;
    if (backslash | escape_carry) escaped = EscapedBits(backslash, &escape_carry);
    const uint64_t quotes = m.quote & ~escaped & valid;
    const uint64_t inside = PrefixXor(quotes) ^ in_string;
    in_string = static_cast<uint64_t>(static_cast<int64_t>(inside) >> 63);
    const uint64_t opens = m.open & ~inside & valid;
    const uint64_t closes = m.close & ~inside & valid;
    const int n_close = __builtin_popcountll(closes);
    if (depth > n_close) {  // cannot get back to depth 0 inside this block
      depth += __builtin_popcountll(opens) - n_close;
      continue;
    }
    uint64_t s = opens | closes;
    while (s) {
      const int b = __builtin_ctzll(s);
      if ((opens >> b) & 1) {
        ++depth;
      } else if (--depth == 0) {
        return pos + b + 1;
      }
      s &= s - 1;
    }
  }
  return kNotFound;
}

size_t FindContainerEndScalar(const char* data, size_t begin, size_t end) {
  int64_t depth = 0;
  bool in_string = false;
  for (size_t i = begin; i < end; ++i) {
    const char c = data[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return kNotFound;
}

size_t FindStringEnd(const char* data, size_t begin, size_t end) {
  size_t pos = begin + 1;
  while (pos < end) {
    const void* q = std::memchr(data + pos, '"', end - pos);
    if (q == nullptr) return kNotFound;
    const size_t at = static_cast<const char*>(q) - data;
    size_t backslashes = 0;
    while (at - backslashes > begin + 1 && data[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return at + 1;
    pos = at + 1;
  }
  return kNotFound;
}

size_t SkipValue(const char* data, size_t begin, size_t end) {
  const char c = data[begin];
  if (c == '{' || c == '[') return FindContainerEnd(data, begin, end);
  if (c == '"') return FindStringEnd(data, begin, end);
  size_t pos = begin + 1;
  while (pos < end) {
    const char d = data[pos];
    if (IsSpace(d) || d == ',' || d == ':' || d == ']' || d == '}') break;
    ++pos;
  }
  return pos;
}

}  // namespace cairn::json_scan
