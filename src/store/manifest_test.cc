#include "store/manifest.h"

#include <gtest/gtest.h>

#include "common/crc32c.h"
#include "store/wire.h"

namespace cairn {
namespace {

Manifest Sample() {
  Manifest m;
  m.sequence = 42;
  m.settings = {"eds-1234", "event-data-store", 90};
  m.next_file_number = 100;
  m.log_number = 97;
  m.retention_floor_us = 1700000000000000;
  m.segments.push_back({5, 1000, -10, 1735689600000000, 123456, 999999, 0});
  m.segments.push_back({77, 1, 7, 7, 100, 50, 2});
  return m;
}

TEST(Manifest, RoundTrips) {
  Manifest m = Sample();
  auto back = DecodeManifest(EncodeManifest(m), "MANIFEST");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);

  Manifest empty;
  empty.settings.id.clear();
  auto back2 = DecodeManifest(EncodeManifest(empty), "MANIFEST");
  ASSERT_TRUE(back2.ok());
  EXPECT_EQ(*back2, empty);
}

TEST(Manifest, EveryFlippedByteOrTruncationIsDataLoss) {
  const std::string bytes = EncodeManifest(Sample());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] ^= 0x20;
    auto r = DecodeManifest(bad, "dir/MANIFEST");
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(r.status().message().find("dir/MANIFEST"), std::string::npos);
    auto t = DecodeManifest(std::string_view(bytes).substr(0, i), "dir/MANIFEST");
    EXPECT_EQ(t.status().code(), StatusCode::kDataLoss) << i;
  }
}

// Re-frames `body` as a manifest of `version` with a valid checksum.
std::string Frame(uint32_t version, std::string_view body) {
  std::string out("CAIRNMAN");
  wire::PutFixed32(&out, version);
  wire::PutFixed32(&out, static_cast<uint32_t>(body.size()));
  out += body;
  wire::PutFixed32(&out, crc32c::Value(out));
  return out;
}

TEST(Manifest, SkipsFieldsAddedByLaterWritersAndRejectsUnknownVersions) {
  const std::string bytes = EncodeManifest(Sample());
  std::string body = bytes.substr(16, bytes.size() - 20);
  // An unknown field (tag 99) and extra bytes at the end of a segment value, as a later writer of
  // the same format version might add.
  std::string extended = body;
  wire::PutVarint32(&extended, 99);
  wire::PutBytes(&extended, "future data");
  std::string seg;
  wire::PutVarint64(&seg, 88);
  wire::PutVarint64(&seg, 3);
  wire::PutZigzag64(&seg, 1);
  wire::PutZigzag64(&seg, 2);
  wire::PutVarint64(&seg, 10);
  wire::PutVarint64(&seg, 20);
  wire::PutVarint32(&seg, 1);
  seg += "ext";
  wire::PutVarint32(&extended, 7);
  wire::PutBytes(&extended, seg);
  auto r = DecodeManifest(Frame(1, extended), "MANIFEST");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  Manifest want = Sample();
  want.segments.push_back({88, 3, 1, 2, 10, 20, 1});
  EXPECT_EQ(*r, want);

  auto v2 = DecodeManifest(Frame(2, body), "MANIFEST");
  EXPECT_EQ(v2.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(v2.status().message().find("version 2"), std::string::npos);
}

TEST(Manifest, MissingRequiredFieldIsDataLoss) {
  std::string body;
  wire::PutVarint32(&body, 1);  // only the sequence
  std::string v;
  wire::PutVarint64(&v, 1);
  wire::PutBytes(&body, v);
  EXPECT_EQ(DecodeManifest(Frame(1, body), "M").status().code(), StatusCode::kDataLoss);
}

TEST(Manifest, RetentionDaysRange) {
  EXPECT_EQ(ValidateRetentionDays(6).code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateRetentionDays(7).ok());
  EXPECT_TRUE(ValidateRetentionDays(3653).ok());
  EXPECT_EQ(ValidateRetentionDays(3654).code(), StatusCode::kInvalidArgument);
}

TEST(Manifest, SegmentFileNames) {
  uint64_t n = 0;
  EXPECT_EQ(SegmentFileName(7), "000007.seg");
  EXPECT_TRUE(ParseSegmentFileName("000007.seg", &n));
  EXPECT_EQ(n, 7u);
  EXPECT_FALSE(ParseSegmentFileName("000007.seg.tmp-1-1", &n));
  EXPECT_FALSE(ParseSegmentFileName("MANIFEST", &n));
}

}  // namespace
}  // namespace cairn
