#include "common/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace cairn::crc32c {
namespace {

// Known answers (RFC 3720 appendix B.4 and the common "check" value).
TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(Value(""), 0u);
  EXPECT_EQ(Value("123456789"), 0xE3069283u);
  EXPECT_EQ(Value(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Value(std::string(32, '\xff')), 0x62A8AB43u);
  std::string inc(32, '\0'), dec(32, '\0');
  for (int i = 0; i < 32; ++i) {
    inc[i] = static_cast<char>(i);
    dec[i] = static_cast<char>(31 - i);
  }
  EXPECT_EQ(Value(inc), 0x46DD794Eu);
  EXPECT_EQ(Value(dec), 0x113FDB5Cu);
  EXPECT_EQ(ExtendPortable(0, "123456789"), 0xE3069283u);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  const std::string s = "hello crc32c world, with some more bytes to cross words";
  for (size_t cut = 0; cut <= s.size(); ++cut) {
    EXPECT_EQ(Extend(Value(s.substr(0, cut)), s.substr(cut)), Value(s)) << cut;
  }
}

TEST(Crc32cTest, HardwareMatchesPortable) {
  if (!HardwareAvailable()) GTEST_SKIP() << "no SSE4.2";
  std::mt19937 rng(42);
  std::string buf(5000, '\0');
  for (char& c : buf) c = static_cast<char>(rng());
  // Every offset 0..15 (alignment) and many lengths, with a nonzero starting crc.
  for (size_t off = 0; off < 16; ++off) {
    for (size_t len : {0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000, 4097}) {
      std::string_view v(buf.data() + off, len);
      uint32_t seed = static_cast<uint32_t>(rng());
      ASSERT_EQ(ExtendHardware(seed, v), ExtendPortable(seed, v)) << off << "/" << len;
    }
  }
}

TEST(Crc32cTest, MaskRoundTrips) {
  uint32_t crc = Value("foo");
  EXPECT_NE(Mask(crc), crc);
  EXPECT_NE(Mask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Mask(crc)), crc);
  EXPECT_EQ(Unmask(Unmask(Mask(Mask(crc)))), crc);
  for (uint32_t c : {0u, 1u, 0xffffffffu, 0x80000000u}) EXPECT_EQ(Unmask(Mask(c)), c);
}

TEST(Crc32cTest, DetectsSingleBitFlips) {
  std::string s(1000, 'a');
  const uint32_t base = Value(s);
  for (size_t i = 0; i < s.size(); i += 37) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string t = s;
      t[i] ^= static_cast<char>(1 << bit);
      ASSERT_NE(Value(t), base);
    }
  }
}

}  // namespace
}  // namespace cairn::crc32c
