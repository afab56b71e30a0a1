#include "store/column_codec.h"

#include <gtest/gtest.h>

#include <random>

#include "store/bloom_filter.h"
#include "store/raw_skeleton.h"
#include "store/scan.h"
#include "store/segment_test_util.h"

namespace cairn::segment {
namespace {

TEST(ColumnCodec, CodesRoundTripAtEveryWidth) {
  std::mt19937_64 rng(1);
  for (uint8_t width : {1, 2, 4}) {
    const uint32_t dict = width == 1 ? 200 : width == 2 ? 60000 : 100000;
    std::vector<uint32_t> plus1(1000);
    for (uint32_t& c : plus1) c = rng() % (dict + 1);
    std::string payload;
    EncodeCodes(plus1, width, &payload);
    EXPECT_EQ(payload.size(), plus1.size() * width);
    std::vector<uint32_t> got;
    ASSERT_TRUE(DecodeCodes(payload, 1000, width, dict, &got));
    for (size_t i = 0; i < plus1.size(); ++i) {
      EXPECT_EQ(got[i], plus1[i] == 0 ? kNullCode : plus1[i] - 1);
    }
    got.clear();
    EXPECT_FALSE(DecodeCodes(payload, 1000, width, dict / 2, &got));  // codes past the dictionary
    EXPECT_FALSE(DecodeCodes(payload.substr(1), 1000, width, dict, &got));
  }
}

TEST(ColumnCodec, PlainKeepsNullEmptyAndBinary) {
  std::vector<Str> values = {Str(), Str("", 0), Str("a"), Str("\0\x01\xff", 3), Str("日本語")};
  std::string payload;
  EncodePlain(values, &payload);
  std::vector<Str> got;
  ASSERT_TRUE(DecodePlain(payload, values.size(), &got));
  ASSERT_EQ(got.size(), values.size());
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_TRUE(segment_testing::SameStr(got[i], values[i])) << i;
  got.clear();
  EXPECT_FALSE(DecodePlain(payload, values.size() + 1, &got));
  got.clear();
  EXPECT_FALSE(DecodePlain(payload + "x", values.size(), &got));
}

TEST(ColumnCodec, TimestampsRoundTrip) {
  std::vector<int64_t> times = {INT64_MIN + 1, -5, 0, 1735689600000000, INT64_MAX, 7};
  std::string payload;
  EncodeTimeDelta(times, &payload);
  std::vector<int64_t> got;
  ASSERT_TRUE(DecodeTimeDelta(payload, times.size(), &got));
  EXPECT_EQ(got, times);
  std::vector<int64_t> event_times = {1, 2, 3, 4, 5, 6};
  std::vector<int64_t> rel = {INT64_MIN, 0, -1735689600000000, INT64_MAX, 4, INT64_MIN + 1};
  payload.clear();
  EncodeTimeRelative(rel, event_times, &payload);
  got.clear();
  ASSERT_TRUE(DecodeTimeRelative(payload, rel.size(), event_times, 0, &got));
  EXPECT_EQ(got, rel);
  got.clear();
  EXPECT_FALSE(DecodeTimeRelative(payload, rel.size(), event_times, 1, &got));  // out of rows
}

TEST(ColumnCodec, BoolsAndCounts) {
  std::vector<OptBool> bools = {OptBool::kNull, OptBool::kTrue, OptBool::kFalse};
  std::string payload;
  EncodeBools(bools, &payload);
  std::vector<OptBool> got;
  ASSERT_TRUE(DecodeBools(payload, 3, &got));
  EXPECT_EQ(got, bools);
  payload[1] = 7;
  got.clear();
  EXPECT_FALSE(DecodeBools(payload, 3, &got));
  std::vector<uint32_t> counts = {0, 1, 300, 0xFFFFFFFF};
  payload.clear();
  EncodeCounts(counts, &payload);
  std::vector<uint32_t> gotc;
  ASSERT_TRUE(DecodeCounts(payload, 4, &gotc));
  EXPECT_EQ(gotc, counts);
}

TEST(ColumnCodec, Uuids) {
  EXPECT_TRUE(IsCanonicalUuid("0ebbaee4-6e67-431d-8225-ba0d81df5972"));
  EXPECT_FALSE(IsCanonicalUuid("0EBBAEE4-6E67-431D-8225-BA0D81DF5972"));  // upper case: plain
  EXPECT_FALSE(IsCanonicalUuid("0ebbaee4-6e67-431d-8225-ba0d81df597"));
  EXPECT_FALSE(IsCanonicalUuid("0ebbaee4x6e67-431d-8225-ba0d81df5972"));
  EXPECT_FALSE(IsCanonicalUuid(Str()));
  // ParseCanonicalUuid agrees with IsCanonicalUuid + UuidBytes, also on near misses (every
  // position replaced by a byte outside [0-9a-f], and by upper-case digits).
  const std::string good = "0ebbaee4-6e67-431d-8225-ba0d81df5972";
  uint8_t want[16], got[16];
  UuidBytes(good, want);
  ASSERT_TRUE(ParseCanonicalUuid(good, got));
  EXPECT_EQ(std::string(reinterpret_cast<char*>(got), 16),
            std::string(reinterpret_cast<char*>(want), 16));
  for (size_t i = 0; i < good.size(); ++i) {
    for (char c : {'g', 'A', 'F', '-', '0', '\0', '\xff'}) {
      std::string v = good;
      v[i] = c;
      EXPECT_EQ(ParseCanonicalUuid(v, got), IsCanonicalUuid(v)) << v;
    }
  }
  EXPECT_FALSE(ParseCanonicalUuid(Str(), got));
  std::vector<Str> values = {"0ebbaee4-6e67-431d-8225-ba0d81df5972", Str(), "P5W1HYN3P65ZQ2IA",
                             Str("", 0), "ffffffff-0000-4000-8000-123456789abc"};
  std::string payload;
  EncodeUuids(values, &payload);
  EXPECT_EQ(payload.size(), 5u + 32u + 2u + 16u);
  std::string text;
  std::vector<std::pair<int64_t, uint32_t>> spans;
  ASSERT_TRUE(DecodeUuids(payload, 5, &text, &spans));
  ASSERT_EQ(spans.size(), 5u);
  for (size_t i = 0; i < values.size(); ++i) {
    if (IsNull(values[i])) {
      EXPECT_EQ(spans[i].first, -1);
    } else {
      EXPECT_EQ(text.substr(spans[i].first, spans[i].second), values[i]) << i;
    }
  }
  EXPECT_FALSE(DecodeUuids(payload.substr(0, 20), 5, &text, &spans));
  EXPECT_FALSE(DecodeUuids(payload + "x", 5, &text, &spans));
}

TEST(ColumnCodec, PagesCompressAndDetectDamage) {
  PageCompressor compressor(3);
  std::string payload(10000, 'x');
  std::string stored;
  PageInfo page;
  compressor.Compress(payload, nullptr, &page, &stored);
  EXPECT_EQ(page.compression, PageCompression::kZstd);
  EXPECT_LT(stored.size(), 200u);
  std::string out;
  ASSERT_TRUE(DecompressPage(stored, page, nullptr, &out));
  EXPECT_EQ(out, payload);
  stored[stored.size() / 2] ^= 1;
  EXPECT_FALSE(DecompressPage(stored, page, nullptr, &out));
  // Incompressible data is stored as is.
  std::mt19937_64 rng(2);
  std::string noise(1000, '\0');
  for (char& c : noise) c = static_cast<char>(rng());
  stored.clear();
  compressor.Compress(noise, nullptr, &page, &stored);
  EXPECT_EQ(page.compression, PageCompression::kNone);
  ASSERT_TRUE(DecompressPage(stored, page, nullptr, &out));
  EXPECT_EQ(out, noise);
}

TEST(ColumnCodec, TrainedDictionaryPages) {
  std::vector<std::string> store;
  for (int i = 0; i < 2000; ++i) {
    store.push_back("{\"bucketName\":\"logs-" + std::to_string(i % 17) + "\",\"key\":\"AWSLogs/" +
                    std::to_string(i * 7919) + "/CloudTrail/us-east-1/2025/01/01/file.json.gz\"}");
  }
  std::vector<std::string_view> samples(store.begin(), store.end());
  auto dict = ZstdDictionary::Train(samples, 16 * 1024, 3);
  ASSERT_NE(dict, nullptr);
  auto ddict = ZstdDictionary::ForDecompression(dict->bytes());
  ASSERT_NE(ddict, nullptr);
  PageCompressor compressor(3);
  std::string payload = store[5] + store[77] + store[1500];
  std::string with, without;
  PageInfo p1, p2;
  compressor.Compress(payload, dict.get(), &p1, &with);
  compressor.Compress(payload, nullptr, &p2, &without);
  EXPECT_EQ(p1.compression, PageCompression::kZstdDict);
  EXPECT_LT(with.size(), without.size());
  std::string out;
  ASSERT_TRUE(DecompressPage(with, p1, ddict.get(), &out));
  EXPECT_EQ(out, payload);
  EXPECT_FALSE(DecompressPage(with, p1, nullptr, &out));  // the dictionary is required
}

TEST(BloomFilter, NoFalseNegativesAndFewFalsePositives) {
  BloomFilterBuilder b(1000, 10);
  for (int i = 0; i < 1000; ++i) b.Add("key-" + std::to_string(i));
  BloomFilterView v(b.data());
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(v.MayContain("key-" + std::to_string(i)));
  int fp = 0;
  for (int i = 0; i < 10000; ++i) fp += v.MayContain("other-" + std::to_string(i));
  EXPECT_LT(fp, 300);  // ~1% expected at 10 bits per key
  EXPECT_TRUE(BloomFilterView::IsValidSize(b.data().size()));
  EXPECT_FALSE(BloomFilterView::IsValidSize(33));
  EXPECT_NE(BloomHash("a"), BloomHash("b"));
  EXPECT_NE(BloomHash(""), BloomHash(std::string_view("\0", 1)));
}

TEST(RawSkeleton, CutsValuesThatPointIntoTheRecordAndRebuildsExactly) {
  EventBatch batch;
  const std::string record =
      "{\"eventTime\":\"2025-01-01T00:00:00Z\",\"eventID\":\"abc-123\",\"odd\":\"\x01\",\"x\":1}";
  Event e;
  e.raw = batch.Own(record);
  e.event_time_us = 1735689600000000;
  e.event_id = e.raw.substr(record.find("abc-123"), 7);
  e.event_name = batch.Copy("NotInRecord");
  std::string skeleton;
  BuildSkeleton(e, batch, &skeleton);
  EXPECT_EQ(skeleton.find("abc-123"), std::string::npos);
  EXPECT_EQ(skeleton.find("2025-01-01"), std::string::npos);
  std::string out;
  std::vector<SplicedValue> spliced;
  auto value = [&](ColumnId c, uint32_t) { return StringValue(e, c); };
  ASSERT_TRUE(RebuildRecord(skeleton, e.event_time_us, INT64_MIN, value, &out, &spliced));
  EXPECT_EQ(out, record);
  ASSERT_EQ(spliced.size(), 2u);
  EXPECT_EQ(out.substr(spliced[1].offset, spliced[1].size), "abc-123");
  // A missing value or a truncated marker is malformed, not a crash.
  auto none = [](ColumnId, uint32_t) { return Str(); };
  EXPECT_FALSE(RebuildRecord(skeleton, e.event_time_us, INT64_MIN, none, &out, nullptr));
  EXPECT_FALSE(RebuildRecord("ab\x01", 0, 0, value, &out, nullptr));
  EXPECT_FALSE(RebuildRecord(std::string("\x01\x7f", 2), 0, 0, value, &out, nullptr));
}

TEST(RawSkeleton, RendersEventTime) {
  char buf[20];
  ASSERT_TRUE(RenderEventTime(0, buf));
  EXPECT_EQ(std::string(buf, 20), "1970-01-01T00:00:00Z");
  ASSERT_TRUE(RenderEventTime(951782400000000, buf));  // leap day 2000
  EXPECT_EQ(std::string(buf, 20), "2000-02-29T00:00:00Z");
  ASSERT_TRUE(RenderEventTime(-1000000, buf));
  EXPECT_EQ(std::string(buf, 20), "1969-12-31T23:59:59Z");
  EXPECT_FALSE(RenderEventTime(1500, buf));  // not whole seconds
}

}  // namespace
}  // namespace cairn::segment
