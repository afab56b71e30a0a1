// src/store/wire.h
//
// Little-endian fixed-width and varint encoding helpers shared by the store's own byte formats (WAL
// records and their batch payloads, the MANIFEST). WireReader decodes with bounds checks: a short
// or malformed input makes it fail (ok() == false), never read past its buffer.
//
// Thread-safety: free functions are pure; a WireReader is used by one thread at a time.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cairn::wire {

inline void PutFixed32(std::string* out, uint32_t v) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 4);
}
inline void PutFixed64(std::string* out, uint64_t v) {
  char b[8];
  for (int i = 0; i < 8; ++i) b[i] = static_cast<char>(v >> (8 * i));
  out->append(b, 8);
}
inline void EncodeFixed32(char* dst, uint32_t v) {
  for (int i = 0; i < 4; ++i) dst[i] = static_cast<char>(v >> (8 * i));
}
inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
inline void PutVarint64(std::string* out, uint64_t v) {
  char b[10];
  int n = 0;
  while (v >= 0x80) {
    b[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  b[n++] = static_cast<char>(v);
  out->append(b, n);
}
inline void PutVarint32(std::string* out, uint32_t v) { PutVarint64(out, v); }
// Signed values (times before 1970 are legal input) as zigzag varints.
inline void PutZigzag64(std::string* out, int64_t v) {
  PutVarint64(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}
inline void PutBytes(std::string* out, std::string_view s) {
  PutVarint64(out, s.size());
  out->append(s.data(), s.size());
}

// Reads values in order from a buffer it does not own. After the first failure every read fails and
// returns zero values; check ok() once at the end (or when a value decides control flow).
class WireReader {
 public:
  explicit WireReader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}

  bool ok() const { return ok_; }
  bool done() const { return p_ == end_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }

  uint32_t Fixed32() {
    if (!Need(4)) return 0;
    uint32_t v = DecodeFixed32(p_);
    p_ += 4;
    return v;
  }
  uint64_t Fixed64() {
    if (!Need(8)) return 0;
    uint64_t v = DecodeFixed64(p_);
    p_ += 8;
    return v;
  }
  uint8_t Byte() {
    if (!Need(1)) return 0;
    return static_cast<uint8_t>(*p_++);
  }
  uint64_t Varint64() {
    uint64_t v = 0;
    for (int shift = 0; shift <= 63; shift += 7) {
      if (!Need(1)) return 0;
      uint8_t b = static_cast<uint8_t>(*p_++);
      if (shift == 63 && b > 1) break;  // more than 64 bits
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
    return Fail();
  }
  uint32_t Varint32() {
    uint64_t v = Varint64();
    if (v > UINT32_MAX) return static_cast<uint32_t>(Fail());
    return static_cast<uint32_t>(v);
  }
  int64_t Zigzag64() {
    uint64_t u = Varint64();
    return static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  }
  // A varint length then that many bytes; the view points into the input.
  std::string_view Bytes() {
    uint64_t n = Varint64();
    return Raw(n);
  }
  std::string_view Raw(uint64_t n) {
    if (!Need(n)) return {};
    std::string_view v(p_, n);
    p_ += n;
    return v;
  }

 private:
  bool Need(uint64_t n) {
    if (!ok_ || static_cast<uint64_t>(end_ - p_) < n) {
      Fail();
      return false;
    }
    return true;
  }
  uint64_t Fail() {
    ok_ = false;
    p_ = end_;
    return 0;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace cairn::wire
