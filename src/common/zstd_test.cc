#include "common/zstd.h"

#include <gtest/gtest.h>
#include <zstd.h>

#include <random>

namespace cairn::zstd {
namespace {

std::string Sample(size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::string s;
  while (s.size() < n) {
    s += "{\"eventName\":\"PutObject\",\"awsRegion\":\"us-east-" + std::to_string(rng() % 3) +
         "\",\"requestID\":\"" + std::to_string(rng()) + "\"}\n";
  }
  s.resize(n);
  return s;
}

// A frame that does not record its content size (as a streaming writer may produce).
std::string FrameWithoutSize(std::string_view data) {
  ZSTD_CCtx* c = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 0);
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress2(c, out.data(), out.size(), data.data(), data.size());
  ZSTD_freeCCtx(c);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  EXPECT_EQ(ZSTD_getFrameContentSize(out.data(), out.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  return out;
}

TEST(ZstdTest, RoundTrips) {
  for (size_t n : {0, 1, 1000, 300000}) {
    const std::string data = Sample(n, n);
    for (int level : {-100, -1, 1, 3, 19, 100}) {
      if (level > 3 && n > 1000) continue;  // slow levels on small inputs only
      std::string frame = Compress(data, level);
      Result<std::string> back = Decompress(frame, std::nullopt, "blk");
      ASSERT_TRUE(back.ok()) << back.status().ToString();
      EXPECT_EQ(*back, data);
      Result<std::string> sized = Decompress(frame, data.size(), "blk");
      ASSERT_TRUE(sized.ok()) << sized.status().ToString();
      EXPECT_EQ(*sized, data);
    }
  }
  EXPECT_LT(Compress(Sample(100000)).size(), 100000u / 4);
}

TEST(ZstdTest, CompressAppendKeepsPrefix) {
  std::string buf = "HDR";
  CompressAppend("payload", 3, &buf);
  EXPECT_EQ(buf.substr(0, 3), "HDR");
  EXPECT_EQ(*Decompress(std::string_view(buf).substr(3), 7, "x"), "payload");
}

TEST(ZstdTest, SizeMismatchIsDataLoss) {
  std::string frame = Compress("hello world");
  Result<std::string> r = Decompress(frame, 12, "seg-7.cseg block 3");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find("seg-7.cseg block 3"), std::string::npos);
  EXPECT_NE(r.status().message().find("expected 12"), std::string::npos) << r.status().message();
}

TEST(ZstdTest, CorruptionIsDataLoss) {
  const std::string data = Sample(50000);
  const std::string frame = Compress(data);
  auto expect_loss = [&](std::string_view bad, const char* what) {
    Result<std::string> r = Decompress(bad, std::nullopt, "b");
    ASSERT_FALSE(r.ok()) << what;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss) << what << ": " << r.status().ToString();
    EXPECT_EQ(r.status().message().rfind("b: zstd: ", 0), 0u) << r.status().message();
  };
  expect_loss("", "empty");
  expect_loss("not zstd at all", "bad magic");
  expect_loss(std::string_view(frame).substr(0, frame.size() / 2), "truncated");
  expect_loss(std::string_view(frame).substr(0, frame.size() - 1), "last byte cut");
  expect_loss(frame + "junk", "trailing garbage");
  for (size_t pos : {frame.size() / 3, frame.size() / 2, frame.size() - 2}) {
    std::string bad = frame;
    bad[pos] ^= 0x40;
    expect_loss(bad, "flipped byte");  // the content checksum catches what the decoder does not
  }
}

TEST(ZstdTest, ConcatenatedFrames) {
  std::string two = Compress("abc") + Compress("defg");
  EXPECT_EQ(*Decompress(two, std::nullopt, "x"), "abcdefg");
  EXPECT_EQ(*Decompress(two, 7, "x"), "abcdefg");
}

TEST(ZstdTest, FrameWithoutContentSize) {
  const std::string data = Sample(200000, 5);
  const std::string frame = FrameWithoutSize(data);
  EXPECT_EQ(*Decompress(frame, std::nullopt, "x"), data);
  EXPECT_EQ(*Decompress(frame, data.size(), "x"), data);
  EXPECT_EQ(Decompress(frame, data.size() - 1, "x").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Decompress(frame, data.size() + 1, "x").status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(Decompress(frame.substr(0, frame.size() - 10), std::nullopt, "x").status().code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(*Decompress(FrameWithoutSize(""), std::nullopt, "x"), "");
  EXPECT_EQ(*Decompress(FrameWithoutSize(""), 0, "x"), "");
  EXPECT_EQ(Decompress(frame, std::nullopt, "x", 1000).status().code(),
            StatusCode::kResourceExhausted);
}

TEST(ZstdTest, ClaimedSizeOverLimit) {
  const std::string frame = Compress(std::string(100000, 'a'));
  Result<std::string> r = Decompress(frame, std::nullopt, "x", 50000);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted);
  EXPECT_TRUE(Decompress(frame, std::nullopt, "x", 100000).ok());
}

}  // namespace
}  // namespace cairn::zstd
