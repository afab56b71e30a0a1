// Direct writes (EventStore::AppendDirect, the bulk-import path): one installed segment per call,
// no WAL; dedupe as exact as Append's; nothing acknowledged or visible unless durable.
#include <gtest/gtest.h>

#include "store/event_store.h"
#include "store/key_digest.h"
#include "store/memtable.h"
#include "store/store_test_util.h"

namespace cairn {
namespace {

using store_testing::CountIds;
using store_testing::kDay;
using store_testing::kT0;
using store_testing::MakeBatch;
using store_testing::Rec;
using store_testing::Recs;

class DirectWriteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.settings = {"eds-1", "event-data-store", 3653};
    options_.background_maintenance = false;
  }
  std::unique_ptr<EventStore> Open(Env* env, bool create) {
    auto s =
        create ? EventStore::Create(env, dir_, options_) : EventStore::Open(env, dir_, options_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  static Result<AppendResult> Direct(EventStore* store, std::vector<std::vector<Rec>> batches) {
    std::vector<EventBatch> b;
    for (const auto& recs : batches) b.push_back(MakeBatch(recs));
    return store->AppendDirect(std::move(b));
  }
  static std::map<std::string, int> Want(const std::vector<std::vector<Rec>>& groups) {
    std::map<std::string, int> want;
    for (const auto& g : groups) {
      for (const Rec& r : g) want[r.id] = 1;
    }
    return want;
  }

  std::unique_ptr<MemEnv> env_ = NewMemEnv();
  const std::string dir_ = "/data/eds-1";
  StoreOptions options_;
};

TEST_F(DirectWriteTest, WritesOneSortedSegmentWithoutTheWalAndSurvivesAPowerCut) {
  auto store = Open(env_.get(), true);
  const uint64_t wal_before = store->Stats().wal_bytes;
  // Two batches, out of time order: the segment is sorted.
  auto r = Direct(store.get(), {Recs("late", 50, kT0 + 5 * kDay), Recs("early", 30, kT0)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->accepted, 80u);
  EXPECT_EQ(r->duplicates, 0u);
  StoreStats st = store->Stats();
  EXPECT_EQ(st.segment_count, 1u);
  EXPECT_EQ(st.direct_writes, 1u);
  EXPECT_EQ(st.memtable_events, 0u);
  EXPECT_EQ(st.wal_bytes, wal_before);
  EXPECT_EQ(st.min_time_us, kT0);
  int64_t last = INT64_MIN;
  ASSERT_TRUE(store->GetSnapshot()
                  ->ForEachEvent([&](const Event& e, const EventBatch&) {
                    EXPECT_GE(e.event_time_us, last);
                    last = e.event_time_us;
                    return Status::OK();
                  })
                  .ok());
  // No Close: a power cut right after the acknowledgement keeps everything.
  env_->DropUnsyncedData();
  store.reset();
  env_->DropUnsyncedData();
  store = Open(env_.get(), false);
  EXPECT_EQ(CountIds(store.get()), Want({Recs("late", 50, kT0 + 5 * kDay), Recs("early", 30)}));
}

TEST_F(DirectWriteTest, DeduplicatesWithinItselfAndAgainstMemtableAndSegments) {
  auto store = Open(env_.get(), true);
  ASSERT_TRUE(store->Append(MakeBatch(Recs("seg", 40))).ok());
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(store->Append(MakeBatch(Recs("mem", 20))).ok());
  // Within the call: "dup" twice in one batch and again in the next batch.
  std::vector<Rec> first = Recs("new", 10);
  first.push_back(Rec{"dup0"});
  first.push_back(Rec{"dup0"});
  std::vector<Rec> second = Recs("seg", 45);                 // 40 in a segment, 5 new
  for (const Rec& x : Recs("mem", 25)) second.push_back(x);  // 20 in the memtable, 5 new
  second.push_back(Rec{"dup0"});
  auto r = Direct(store.get(), {first, second});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->accepted, 10u + 1 + 5 + 5);
  EXPECT_EQ(r->duplicates, 2u + 40 + 20);
  // A second direct write of the same batches is harmless, and so is a plain append of them.
  r = Direct(store.get(), {first, second});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->accepted, 0u);
  EXPECT_EQ(store->Stats().direct_writes, 1u);  // nothing new: no segment
  auto a = store->Append(MakeBatch(Recs("new", 12)));
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->accepted, 2u);
  const auto want = Want({Recs("seg", 45), Recs("mem", 25), Recs("new", 12), {Rec{"dup0"}}});
  EXPECT_EQ(CountIds(store.get()), want);
  ASSERT_TRUE(store->Close().ok());
  store = Open(env_.get(), false);
  EXPECT_EQ(CountIds(store.get()), want);
  // Across a restart the direct segment's key digest is rebuilt from its columns.
  r = Direct(store.get(), {Recs("new", 13)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->accepted, 1u);
  EXPECT_EQ(r->duplicates, 12u);
}

// The key digests live in a bounded cache: past its budget they are evicted and rebuilt from the
// segments when a write needs them again. Dedupe must be exactly the same at every budget.
TEST_F(DirectWriteTest, DedupeStaysExactWhenKeyDigestsAreEvictedAndRebuilt) {
  std::vector<uint64_t> sample(200);
  for (size_t i = 0; i < sample.size(); ++i) sample[i] = i * 0x9E3779B97F4A7C15ull;
  const uint64_t one = KeyDigest(sample).memory_bytes();
  for (uint64_t budget : {uint64_t{0}, one + one / 2, uint64_t{64} << 20}) {
    SCOPED_TRACE(budget);
    env_ = NewMemEnv();
    auto cache = std::make_shared<KeyDigestCache>(budget);
    options_.digest_cache = cache;
    auto store = Open(env_.get(), true);
    // Five segments over the same hour: every one is a dedupe candidate of every later write.
    std::vector<std::vector<Rec>> written;
    for (int i = 0; i < 5; ++i) {
      written.push_back(Recs("s" + std::to_string(i) + "-", 200, kT0 + i * 1000, 7000000));
      auto r = Direct(store.get(), {written.back()});
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      ASSERT_EQ(r->accepted, 200u);
    }
    EXPECT_LE(cache->bytes(), budget);
    EXPECT_EQ(store->Stats().key_digest_bytes, cache->bytes());
    // Everything again, plus new events, plus an old eventID under another account (a new key).
    std::vector<Rec> again;
    for (const auto& w : written) again.insert(again.end(), w.begin(), w.end());
    std::vector<Rec> fresh = Recs("fresh-", 50, kT0 + 500, 13000000);
    Rec other = written[2][17];
    other.account = "444455556666";
    fresh.push_back(other);
    auto r = Direct(store.get(), {again, fresh});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->accepted, 51u);
    EXPECT_EQ(r->duplicates, 1000u);
    EXPECT_LE(cache->bytes(), budget);
    // Reopened, with an empty cache: the digests are rebuilt from the segments (all six fit in
    // the largest budget) and still answer exactly.
    ASSERT_TRUE(store->Close().ok());
    cache = std::make_shared<KeyDigestCache>(budget);
    options_.digest_cache = cache;
    store = Open(env_.get(), false);
    r = Direct(store.get(), {again, fresh, Recs("last-", 3, kT0 + 900)});
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->accepted, 3u);
    EXPECT_EQ(r->duplicates, 1051u);
    EXPECT_LE(cache->bytes(), budget);
    if (budget == (uint64_t{64} << 20)) {
      EXPECT_EQ(cache->entries(), 7u);
    }
    auto want = Want(written);
    for (const Rec& x : Recs("fresh-", 50)) want[x.id] = 1;
    for (const Rec& x : Recs("last-", 3)) want[x.id] = 1;
    want[other.id] = 2;
    EXPECT_EQ(CountIds(store.get()), want);
  }
}

// A segment whose recipient accounts the write's events do not have is no dedupe candidate: its
// digest is neither probed nor rebuilt after eviction.
TEST_F(DirectWriteTest, SegmentsOfOtherAccountsAreNotDedupeCandidates) {
  std::vector<uint64_t> sample(100);
  for (size_t i = 0; i < sample.size(); ++i) sample[i] = i * 0x9E3779B97F4A7C15ull;
  const uint64_t one = KeyDigest(sample).memory_bytes();
  options_.digest_cache = std::make_shared<KeyDigestCache>(one + one / 2);  // one digest
  auto store = Open(env_.get(), true);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Direct(store.get(), {Recs("a" + std::to_string(i) + "-", 100)}).ok());
  }
  // a2's digest is cached; a0's and a1's were evicted (and rebuilt by the writes of a1 and a2,
  // whose candidates they were).
  const uint64_t rebuilt = store->Stats().key_digest_rebuilds;
  std::vector<Rec> other = Recs("b-", 100);
  for (Rec& r : other) r.account = "444455556666";
  auto r = Direct(store.get(), {other});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->accepted, 100u);
  EXPECT_EQ(store->Stats().key_digest_rebuilds, rebuilt);  // a0..a2 were no candidates
  for (Rec& x : other) x.id += "-again";
  r = Direct(store.get(), {other});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->accepted, 100u);
  EXPECT_EQ(store->Stats().key_digest_rebuilds, rebuilt);  // b's digest was cached
  // The first account's events again: its segments are candidates, their digests are rebuilt.
  r = Direct(store.get(), {Recs("a0-", 100), {Recs("a1-", 100)[5]}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->duplicates, 101u);
  EXPECT_GE(store->Stats().key_digest_rebuilds, rebuilt + 2);
  EXPECT_EQ(CountIds(store.get()).size(), 500u);
}

// HoldsKeys (the batched exact check behind digest hits) answers as ContainsEvent does, probe by
// probe: same eventID and account, in a block whose time range holds the probe's eventTime.
TEST_F(DirectWriteTest, HoldsKeysAnswersAsContainsEvent) {
  options_.compaction_segment_options.block_rows = 64;  // several blocks
  auto store = Open(env_.get(), true);
  std::vector<Rec> in = Recs("k", 300, kT0, 10000000);
  in.push_back(Rec{"k7", kT0 + 70000000, "444455556666"});  // a key with another account
  ASSERT_TRUE(Direct(store.get(), {in}).ok());
  std::vector<Rec> asked = in;
  for (int i = 0; i < 300; i += 7) {
    Rec other = in[i];
    other.account = "999988887777";  // absent: that account never had it
    asked.push_back(other);
    Rec later = in[i];
    later.time_us += 2000000000;  // present, but not in a block of that time
    asked.push_back(later);
    asked.push_back(Rec{"absent" + std::to_string(i), in[i].time_us});
  }
  EventBatch batch = MakeBatch(asked);
  std::vector<KeyProbe> probes;
  for (const Event& e : batch.events) {
    probes.push_back({&e, MemTable::KeyHash(e.event_id, e.recipient_account_id)});
  }
  auto snap = store->GetSnapshot();
  ASSERT_EQ(snap->segments().size(), 1u);
  const SegmentReader* reader = snap->segments()[0].reader;
  ASSERT_GT(reader->block_count(), 3u);
  auto found = HoldsKeys(*reader, probes);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  size_t yes = 0;
  for (size_t i = 0; i < probes.size(); ++i) {
    const Event& e = batch.events[i];
    auto want = reader->ContainsEvent(e.event_id, e.recipient_account_id, e.event_time_us);
    ASSERT_TRUE(want.ok());
    EXPECT_EQ((*found)[i], *want) << i << " " << e.event_id;
    yes += (*found)[i];
  }
  EXPECT_EQ(yes, in.size());
  // Direct writes find exactly those duplicates (a key at another eventTime is a new event once
  // the first is in a segment: doc/store.md).
  auto r = Direct(store.get(), {std::vector<Rec>(asked.begin() + in.size(), asked.end()), in});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->duplicates, in.size());
  EXPECT_EQ(r->accepted, asked.size() - in.size());
}

TEST_F(DirectWriteTest, FailedSyncAcknowledgesNothingAndLeavesNoPartialBatch) {
  auto fault = NewFaultInjectionEnv(env_.get());
  auto store = Open(fault.get(), true);
  ASSERT_TRUE(Direct(store.get(), {Recs("ok", 5)}).ok());
  fault->SetFailSync(true);
  auto r = Direct(store.get(), {Recs("lost", 30, kT0 + kDay), Recs("lost2-", 3)});
  EXPECT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("direct write"), std::string::npos) << r.status().ToString();
  EXPECT_EQ(CountIds(store.get()), Want({Recs("ok", 5)}));  // not visible
  fault->SetFailSync(false);
  // Power cut now: the store opens with no trace of the failed write, and it may be re-sent.
  store.reset();
  env_->DropUnsyncedData();
  store = Open(env_.get(), false);
  EXPECT_EQ(CountIds(store.get()), Want({Recs("ok", 5)}));
  EXPECT_EQ(store->Stats().segment_count, 1u);
  r = Direct(store.get(), {Recs("lost", 30, kT0 + kDay)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->accepted, 30u);
}

TEST_F(DirectWriteTest, DiskFullAcknowledgesNothing) {
  auto fault = NewFaultInjectionEnv(env_.get());
  auto store = Open(fault.get(), true);
  ASSERT_TRUE(store->Append(MakeBatch(Recs("ok", 5))).ok());
  fault->SetDiskLimit(0);
  auto r = Direct(store.get(), {Recs("full", 200)});
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_EQ(CountIds(store.get()), Want({Recs("ok", 5)}));
  fault->SetDiskLimit(-1);
  ASSERT_TRUE(Direct(store.get(), {Recs("full", 200)}).ok());
  ASSERT_TRUE(store->Close().ok());
  store = Open(env_.get(), false);
  EXPECT_EQ(CountIds(store.get()), Want({Recs("ok", 5), Recs("full", 200)}));
}

TEST_F(DirectWriteTest, BigDirectSegmentsAreLeftAloneByCompaction) {
  options_.compaction.small_segment_raw_bytes = 20 << 10;
  auto store = Open(env_.get(), true);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Direct(store.get(), {Recs("big" + std::to_string(i) + "-", 100)}).ok());
  }
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_EQ(store->Stats().compactions, 0u);
  EXPECT_EQ(store->Stats().segment_count, 3u);
}

TEST_F(DirectWriteTest, EventsWithoutRawBytesAreRefusedAndClosedStoresRefuse) {
  auto store = Open(env_.get(), true);
  std::vector<EventBatch> b;
  b.push_back(MakeBatch(Recs("x", 2)));
  b.back().events[1].raw = Str();
  EXPECT_EQ(store->AppendDirect(std::move(b)).status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(store->Close().ok());
  EXPECT_EQ(Direct(store.get(), {Recs("y", 1)}).status().code(), StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace cairn
