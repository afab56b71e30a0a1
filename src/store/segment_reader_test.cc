#include "store/segment_reader.h"

#include <gtest/gtest.h>

#include "store/segment_test_util.h"
#include "store/segment_writer.h"

namespace cairn {
namespace {

using segment_testing::DiffEvents;
using segment_testing::RandomEvents;
using segment_testing::RefsOf;
using segment_testing::TestEnv;

Result<std::unique_ptr<SegmentReader>> WriteAndOpen(TestEnv* env, const EventBatch& batch,
                                                    SegmentWriteOptions opts = {}) {
  auto refs = RefsOf(batch);
  ASSIGN_OR_RETURN(SegmentMeta meta, WriteSegment(env, "seg", refs, opts));
  EXPECT_EQ(meta.event_count, batch.size());
  EXPECT_EQ(meta.file_bytes, env->Contents("seg").size());
  return SegmentReader::Open(env, "seg");
}

void ExpectSameEvents(const EventBatch& want, const SegmentReader& reader) {
  EventBatch got;
  ASSERT_TRUE(reader.ReadAll(&got).ok());
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(DiffEvents(want.events[i], want, got.events[i], got), "") << "event " << i;
  }
  size_t i = 0;
  ASSERT_TRUE(reader
                  .ForEachEvent([&](const Event& e, const EventBatch& b) {
                    EXPECT_EQ(DiffEvents(want.events[i], want, e, b), "") << "event " << i;
                    ++i;
                    return Status::OK();
                  })
                  .ok());
  EXPECT_EQ(i, want.size());
}

TEST(SegmentRoundTrip, RandomEventsComeBackFieldByField) {
  TestEnv env;
  EventBatch batch;
  RandomEvents gen(1);
  gen.Make(&batch, 3000);
  SegmentWriteOptions opts;
  opts.block_rows = 700;
  auto reader = WriteAndOpen(&env, batch, opts);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->meta().event_count, 3000u);
  EXPECT_EQ((*reader)->meta().min_event_time_us, batch.events.front().event_time_us);
  EXPECT_EQ((*reader)->meta().max_event_time_us, batch.events.back().event_time_us);
  ExpectSameEvents(batch, **reader);
}

TEST(SegmentRoundTrip, EmptySegment) {
  TestEnv env;
  EventBatch batch;
  auto reader = WriteAndOpen(&env, batch);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->meta().event_count, 0u);
  ExpectSameEvents(batch, **reader);
  auto c = (*reader)->ContainsEvent("x", "y");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(*c);
}

TEST(SegmentRoundTrip, OneRow) {
  TestEnv env;
  EventBatch batch;
  RandomEvents gen(2);
  gen.Make(&batch, 1);
  auto reader = WriteAndOpen(&env, batch);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ExpectSameEvents(batch, **reader);
}

TEST(SegmentWriter, RejectsUnsortedInput) {
  TestEnv env;
  EventBatch batch;
  RandomEvents gen(3);
  gen.Make(&batch, 10);
  std::swap(batch.events[2].event_time_us, batch.events[7].event_time_us);
  batch.events[2].event_time_us += 5000000;
  auto refs = RefsOf(batch);
  auto meta = WriteSegment(&env, "seg", refs);
  EXPECT_EQ(meta.status().code(), StatusCode::kInvalidArgument);
}

TEST(SegmentLookup, ContainsAndFetchRaw) {
  TestEnv env;
  EventBatch batch;
  RandomEvents gen(4);
  gen.Make(&batch, 2000);
  SegmentWriteOptions opts;
  opts.block_rows = 256;
  auto reader = WriteAndOpen(&env, batch, opts);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  for (size_t i = 0; i < batch.size(); i += 37) {
    const Event& e = batch.events[i];
    if (IsNull(e.event_id) || e.event_id.empty()) continue;
    auto c = (*reader)->ContainsEvent(e.event_id, e.recipient_account_id);
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(*c) << i;
    auto raw = (*reader)->FetchRawByEventId(e.event_id, e.recipient_account_id);
    ASSERT_TRUE(raw.ok());
    ASSERT_TRUE(raw->has_value());
    // Event ids from the random pool may repeat; the fetched record must carry the id.
    EXPECT_NE((*raw)->find(std::string(e.event_id)), std::string::npos);
  }
  auto c = (*reader)->ContainsEvent("no-such-event", "123");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(*c);
  auto raw = (*reader)->FetchRawByEventId("no-such-event");
  ASSERT_TRUE(raw.ok());
  EXPECT_FALSE(raw->has_value());
}

TEST(SegmentCorruption, FlippedBytesAreDataLossNeverACrash) {
  TestEnv env;
  EventBatch batch;
  RandomEvents gen(5);
  gen.Make(&batch, 600);
  SegmentWriteOptions opts;
  opts.block_rows = 100;
  ASSERT_TRUE(WriteSegment(&env, "seg", RefsOf(batch), opts).ok());
  const std::string good = env.Contents("seg");
  std::mt19937_64 rng(9);
  for (int trial = 0; trial < 200; ++trial) {
    std::string bad = good;
    size_t at = rng() % bad.size();
    bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
    env.Contents("seg") = bad;
    auto reader = SegmentReader::Open(&env, "seg");
    if (!reader.ok()) {
      EXPECT_EQ(reader.status().code(), StatusCode::kDataLoss) << reader.status().ToString();
      EXPECT_NE(reader.status().message().find("seg"), std::string::npos);
      EXPECT_NE(reader.status().message().find("offset"), std::string::npos);
      continue;
    }
    EventBatch got;
    Status s = (*reader)->ReadAll(&got);
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << "flip at " << at << ": " << s.ToString();
    EXPECT_NE(s.message().find("offset"), std::string::npos) << s.ToString();
  }
}

}  // namespace
}  // namespace cairn
