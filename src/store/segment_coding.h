// src/store/segment_coding.h
//
// Little-endian fixed-width and varint encoding helpers for the segment format, and a
// bounds-checked decoder that turns every overrun into a "truncated" error instead of reading past
// the buffer.
//
// Thread-safety: plain functions and a value type.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace cairn::segment {

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
inline void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}
inline uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
inline int64_t UnZigZag(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}
inline void PutSignedVarint(std::string* out, int64_t v) { PutVarint(out, ZigZag(v)); }
// A length-prefixed byte string.
inline void PutBytes(std::string* out, std::string_view s) {
  PutVarint(out, s.size());
  out->append(s.data(), s.size());
}

inline uint32_t DecodeFixed32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}
inline uint64_t DecodeFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

// Reads values from a byte range. After the first failure every further read fails too and
// returns zero values, so a decoder can read a whole structure and check ok() once.
class Decoder {
 public:
  explicit Decoder(std::string_view data) : p_(data.data()), end_(data.data() + data.size()) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return static_cast<size_t>(end_ - p_); }
  bool done() const { return p_ == end_; }
  void Fail() {
    ok_ = false;
    p_ = end_;
  }

  uint8_t U8() {
    if (remaining() < 1) return Fail(), 0;
    return static_cast<uint8_t>(*p_++);
  }
  uint32_t Fixed32() {
    if (remaining() < 4) return Fail(), 0;
    uint32_t v = DecodeFixed32(p_);
    p_ += 4;
    return v;
  }
  uint64_t Fixed64() {
    if (remaining() < 8) return Fail(), 0;
    uint64_t v = DecodeFixed64(p_);
    p_ += 8;
    return v;
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return Fail(), 0;
      uint8_t b = static_cast<uint8_t>(*p_++);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    return Fail(), 0;
  }
  // A varint that must fit in 32 bits.
  uint32_t Varint32() {
    uint64_t v = Varint();
    if (v > 0xFFFFFFFFu) return Fail(), 0;
    return static_cast<uint32_t>(v);
  }
  int64_t SignedVarint() { return UnZigZag(Varint()); }
  std::string_view Bytes(size_t n) {
    if (remaining() < n) return Fail(), std::string_view();
    std::string_view s(p_, n);
    p_ += n;
    return s;
  }
  std::string_view LengthPrefixed() { return Bytes(Varint()); }

 private:
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace cairn::segment
