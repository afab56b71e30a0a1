#include "store/compaction.h"

#include <gtest/gtest.h>

#include "store/event_store.h"
#include "store/store_test_util.h"

namespace cairn {
namespace {

using store_testing::CountIds;
using store_testing::kDay;
using store_testing::kT0;
using store_testing::MakeBatch;
using store_testing::Recs;

SegmentInfo Seg(uint64_t number, int64_t min_time, uint64_t raw) {
  return SegmentInfo{number, 10, min_time, min_time + 100, raw / 8, raw, 0};
}

TEST(PickCompaction, WaitsForMoreThanTriggerSmallSegmentsUnlessForced) {
  CompactionOptions o;
  o.trigger_count = 3;
  o.small_segment_raw_bytes = 1000;
  o.max_input_raw_bytes = 10000;
  std::vector<SegmentInfo> segs = {Seg(1, 30, 500), Seg(2, 10, 500), Seg(3, 20, 5000)};
  EXPECT_TRUE(PickCompaction(segs, o, false).empty());
  EXPECT_EQ(PickCompaction(segs, o, true),
            (std::vector<size_t>{1, 0}));  // oldest first, big one left
  segs.push_back(Seg(4, 5, 900));
  segs.push_back(Seg(5, 40, 100));
  EXPECT_EQ(PickCompaction(segs, o, false), (std::vector<size_t>{3, 1, 0, 4}));  // 4 small > 3
}

TEST(PickCompaction, TakesTimeNeighboursUpToTheInputLimit) {
  CompactionOptions o;
  o.trigger_count = 2;
  o.small_segment_raw_bytes = 1000;
  o.max_input_raw_bytes = 2000;
  std::vector<SegmentInfo> segs = {Seg(1, 40, 900), Seg(2, 10, 900), Seg(3, 30, 900),
                                   Seg(4, 20, 900)};
  EXPECT_EQ(PickCompaction(segs, o, false), (std::vector<size_t>{1, 3}));
  std::vector<SegmentInfo> one = {Seg(1, 40, 900), Seg(2, 10, 5000)};
  EXPECT_TRUE(PickCompaction(one, o, true).empty());
}

TEST(Compaction, SplitsOutputsAtDayBoundariesAndAlwaysFinishes) {
  std::unique_ptr<MemEnv> env = NewMemEnv(kT0 + 30 * kDay);
  StoreOptions options;
  options.settings.retention_days = 3653;
  options.background_maintenance = false;
  options.compaction.small_segment_raw_bytes = 48 << 10;  // a flush here is ~22 KB
  auto store = std::move(*EventStore::Create(env.get(), "/s", options));
  // Five flushes, each spanning the same 10 days (as an import sorted by account would).
  std::vector<store_testing::Rec> all;
  for (int f = 0; f < 5; ++f) {
    auto recs = Recs("f" + std::to_string(f) + "-", 40, kT0 + f * 1000000, kDay / 4);
    ASSERT_TRUE(store->Append(MakeBatch(recs)).ok());
    ASSERT_TRUE(store->Flush().ok());
    all.insert(all.end(), recs.begin(), recs.end());
  }
  auto before = store->GetSnapshot();
  ASSERT_EQ(before->segments().size(), 5u);
  for (const auto& s : before->segments())
    EXPECT_GE(s.info.max_time_us - s.info.min_time_us, 9 * kDay);
  ASSERT_TRUE(store->Compact().ok());
  auto after = store->GetSnapshot();
  ASSERT_GT(after->segments().size(), 1u);
  // Outputs cover disjoint time ranges, each within a few days, cut at midnight UTC.
  int64_t prev_max = INT64_MIN;
  size_t small = 0;
  for (const auto& s : after->segments()) {
    EXPECT_GT(s.info.min_time_us, prev_max);
    EXPECT_LT(s.info.max_time_us - s.info.min_time_us, 9 * kDay);
    if (prev_max != INT64_MIN) {
      EXPECT_GT(s.info.min_time_us / kDay, prev_max / kDay);  // cut at midnight UTC
    }
    prev_max = s.info.max_time_us;
    small += s.info.raw_bytes < options.compaction.small_segment_raw_bytes;
    EXPECT_GE(s.info.level, 1u);
  }
  EXPECT_LE(small, 1u);
  EXPECT_EQ(CountIds(*after), CountIds(*before));
  EXPECT_EQ(CountIds(*after).size(), all.size());
}

}  // namespace
}  // namespace cairn
