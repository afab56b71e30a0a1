#include "store/event_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <random>
#include <thread>

#include "store/store_test_util.h"

namespace cairn {
namespace {

using store_testing::CountIds;
using store_testing::kDay;
using store_testing::kT0;
using store_testing::MakeBatch;
using store_testing::Rec;
using store_testing::Recs;

class EventStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.settings = {"eds-1", "event-data-store", 30};
    options_.background_maintenance = false;
  }

  std::unique_ptr<EventStore> CreateStore() {
    auto s = EventStore::Create(env_.get(), dir_, options_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  std::unique_ptr<EventStore> OpenStore(Env* env = nullptr) {
    auto s = EventStore::Open(env ? env : env_.get(), dir_, options_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }
  AppendResult AppendOk(EventStore* store, const std::vector<Rec>& recs) {
    auto r = store->Append(MakeBatch(recs));
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : AppendResult{};
  }
  std::vector<std::string> Files(const std::string& sub) {
    auto names = env_->GetChildren(dir_ + "/" + sub);
    std::vector<std::string> out = names.ok() ? *names : std::vector<std::string>{};
    std::sort(out.begin(), out.end());
    return out;
  }
  // Expects every id of `recs` exactly once and nothing else.
  void ExpectExactly(EventStore* store, const std::vector<Rec>& recs) {
    std::map<std::string, int> want;
    for (const Rec& r : recs) want[r.id] = 1;
    EXPECT_EQ(CountIds(store), want);
  }

  std::unique_ptr<MemEnv> env_ = NewMemEnv();
  const std::string dir_ = "/data/stores/eds-1";
  StoreOptions options_;
};

TEST_F(EventStoreTest, CreateOpenAndSettings) {
  {
    auto store = CreateStore();
    ASSERT_NE(store, nullptr);
    EXPECT_EQ(store->settings(), (StoreSettings{"eds-1", "event-data-store", 30}));
    EXPECT_TRUE(env_->FileExists(dir_ + "/MANIFEST"));
    EXPECT_TRUE(env_->IsDirectory(dir_ + "/wal"));
    EXPECT_TRUE(env_->IsDirectory(dir_ + "/segments"));
    ASSERT_TRUE(store->SetRetentionDays(400).ok());
    EXPECT_EQ(store->SetRetentionDays(3654).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(store->SetRetentionDays(6).code(), StatusCode::kInvalidArgument);
    ASSERT_TRUE(store->Close().ok());
  }
  EXPECT_EQ(EventStore::Create(env_.get(), dir_, options_).status().code(),
            StatusCode::kAlreadyExists);
  auto store = OpenStore();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->settings().retention_days, 400u);
  EXPECT_EQ(store->settings().id, "eds-1");

  EXPECT_EQ(EventStore::Open(env_.get(), "/nowhere", options_).status().code(),
            StatusCode::kNotFound);
  StoreOptions bad = options_;
  bad.settings.retention_days = 3;
  EXPECT_EQ(EventStore::Create(env_.get(), "/other", bad).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(EventStoreTest, AppendIsVisibleToSnapshotsAndCountsDuplicates) {
  auto store = CreateStore();
  auto r1 = AppendOk(store.get(), Recs("a", 10));
  EXPECT_EQ(r1.accepted, 10u);
  EXPECT_EQ(r1.duplicates, 0u);
  // Duplicates within one batch and of the earlier batch.
  std::vector<Rec> second = Recs("b", 5);
  second.push_back(Rec{"b1", kT0 + 1000000});
  second.push_back(Rec{"a3", kT0 + 3000000});
  auto r2 = AppendOk(store.get(), second);
  EXPECT_EQ(r2.accepted, 5u);
  EXPECT_EQ(r2.duplicates, 2u);
  // Same eventID in another account is another event.
  auto r3 = AppendOk(store.get(), {Rec{"a1", kT0, "444455556666"}});
  EXPECT_EQ(r3.accepted, 1u);
  auto snap = store->GetSnapshot();
  EXPECT_EQ(snap->event_count(), 16u);
  auto ids = CountIds(*snap);
  EXPECT_EQ(ids.size(), 15u);
  EXPECT_EQ(ids["a1"], 2);
  EXPECT_EQ(ids["b4"], 1);
  StoreStats st = store->Stats();
  EXPECT_EQ(st.event_count, 16u);
  EXPECT_EQ(st.min_time_us, kT0);
  EXPECT_EQ(st.max_time_us, kT0 + 9000000);
  EXPECT_GT(st.wal_bytes, 0u);
}

TEST_F(EventStoreTest, EmptyBatchAndEventsWithoutRawBytes) {
  auto store = CreateStore();
  auto r = store->Append(EventBatch());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->accepted, 0u);
  EventBatch batch = MakeBatch(Recs("x", 3));
  batch.events[1].raw = Str();
  auto bad = store->Append(std::move(batch));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(CountIds(store.get()).empty());  // all or nothing
}

TEST_F(EventStoreTest, DeduplicatesAcrossMemtableSegmentsAndRestarts) {
  auto store = CreateStore();
  AppendOk(store.get(), Recs("e", 100));
  ASSERT_TRUE(store->Flush().ok());
  EXPECT_EQ(store->Stats().segment_count, 1u);
  EXPECT_EQ(store->Stats().memtable_events, 0u);
  // Against the segment.
  auto r = AppendOk(store.get(), Recs("e", 120));
  EXPECT_EQ(r.accepted, 20u);
  EXPECT_EQ(r.duplicates, 100u);
  ASSERT_TRUE(store->Close().ok());
  store.reset();
  // Across a restart: the 20 come back from the WAL, the 100 from the segment.
  store = OpenStore();
  r = AppendOk(store.get(), Recs("e", 130));
  EXPECT_EQ(r.accepted, 10u);
  EXPECT_EQ(r.duplicates, 120u);
  ExpectExactly(store.get(), Recs("e", 130));
}

TEST_F(EventStoreTest, KeyDigestsAreABudgetedShortcutNotTheTruth) {
  for (uint64_t budget : {uint64_t{0}, uint64_t{64} << 20}) {
    SCOPED_TRACE(budget);
    env_ = NewMemEnv();
    options_.max_digest_bytes = budget;
    auto store = CreateStore();
    AppendOk(store.get(), Recs("e", 100));
    ASSERT_TRUE(store->Flush().ok());
    EXPECT_EQ(store->Stats().key_digest_bytes > 0, budget > 0);
    auto r = AppendOk(store.get(), Recs("e", 110));
    EXPECT_EQ(r.accepted, 10u);
    EXPECT_EQ(r.duplicates, 100u);
    ASSERT_TRUE(store->Compact().ok());  // no-op with one small segment
    ASSERT_TRUE(store->Flush().ok());
    ASSERT_TRUE(store->Compact().ok());  // merges both: the digests go with their segments
    EXPECT_EQ(store->Stats().segment_count, 1u);
    EXPECT_EQ(store->Stats().key_digest_bytes, 0u);
    r = AppendOk(store.get(), Recs("e", 120));
    EXPECT_EQ(r.accepted, 10u);
    ExpectExactly(store.get(), Recs("e", 120));
  }
}

TEST_F(EventStoreTest, ReopensAfterEveryKindOfWrite) {
  std::vector<Rec> all;
  auto add = [&](EventStore* s, const std::vector<Rec>& recs) {
    AppendOk(s, recs);
    all.insert(all.end(), recs.begin(), recs.end());
  };
  auto reopen = [&](std::unique_ptr<EventStore>& s) {
    ASSERT_TRUE(s->Close().ok());
    s.reset();
    s = OpenStore();
    ASSERT_NE(s, nullptr);
    ExpectExactly(s.get(), all);
  };
  auto store = CreateStore();
  add(store.get(), Recs("append", 50));
  reopen(store);  // WAL replay
  ASSERT_TRUE(store->Flush().ok());
  reopen(store);  // after flush
  for (int i = 0; i < 4; ++i) {
    add(store.get(), Recs("seg" + std::to_string(i) + "-", 30, kT0 + i * kDay));
    ASSERT_TRUE(store->Flush().ok());
  }
  const uint64_t segments = store->Stats().segment_count;
  EXPECT_GE(segments, 5u);
  reopen(store);
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_EQ(store->Stats().segment_count, 1u);
  EXPECT_GE(store->Stats().compactions, 1u);
  reopen(store);  // after compaction
  EXPECT_EQ(Files("segments").size(), 1u);
  // Retention: a 30-day store 33 days after kT0 drops the first day's segments.
  ASSERT_TRUE(store->SetRetentionDays(30).ok());
  add(store.get(), Recs("late", 10, kT0 + 40 * kDay));
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(store->ApplyRetention(kT0 + 33 * kDay + 1).ok());
  std::vector<Rec> kept;
  for (const Rec& r : all) {
    if (r.time_us >= kT0 + 3 * kDay + 1) kept.push_back(r);
  }
  all = kept;
  ASSERT_TRUE(store->Close().ok());
  store = OpenStore();
  ExpectExactly(store.get(), all);
  EXPECT_EQ(store->GetSnapshot()->min_time_us(), kT0 + 3 * kDay + 1);
}

TEST_F(EventStoreTest, SnapshotKeepsItsViewAndItsFiles) {
  auto store = CreateStore();
  AppendOk(store.get(), Recs("a", 20));
  ASSERT_TRUE(store->Flush().ok());
  AppendOk(store.get(), Recs("b", 20));
  ASSERT_TRUE(store->Flush().ok());
  AppendOk(store.get(), Recs("c", 5));
  auto snap = store->GetSnapshot();
  const auto before = CountIds(*snap);
  EXPECT_EQ(before.size(), 45u);
  const auto files_before = Files("segments");
  ASSERT_EQ(files_before.size(), 2u);

  AppendOk(store.get(), Recs("d", 5));
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(store->Compact().ok());
  ASSERT_TRUE(store->ApplyRetention(kT0 + 20 * kDay).ok());
  EXPECT_EQ(CountIds(*snap), before);
  // The compacted inputs are still on disk for the snapshot.
  for (const std::string& f : files_before)
    EXPECT_TRUE(env_->FileExists(dir_ + "/segments/" + f)) << f;
  EXPECT_EQ(CountIds(store.get()).size(), 50u);
  snap.reset();
  for (const std::string& f : files_before)
    EXPECT_FALSE(env_->FileExists(dir_ + "/segments/" + f)) << f;
  EXPECT_EQ(Files("segments").size(), 1u);
}

TEST_F(EventStoreTest, RetentionDropsWholeSegmentsAndFiltersPartialOnes) {
  auto store = CreateStore();  // 30 days
  AppendOk(store.get(), Recs("old", 10, kT0 - 100 * kDay, kDay / 100));
  ASSERT_TRUE(store->Flush().ok());
  // Spans the cutoff: 10 events one day apart, starting 35 days back.
  AppendOk(store.get(), Recs("mixed", 10, kT0 - 35 * kDay, kDay));
  ASSERT_TRUE(store->Flush().ok());
  AppendOk(store.get(), Recs("mem", 3, kT0 - 40 * kDay, kDay));  // memtable, partly expired
  EXPECT_EQ(store->Stats().segment_count, 2u);
  ASSERT_TRUE(store->ApplyRetention(kT0).ok());
  StoreStats st = store->Stats();
  EXPECT_EQ(st.segment_count, 1u);  // "old" dropped whole
  EXPECT_EQ(st.retention_floor_us, kT0 - 30 * kDay);
  auto ids = CountIds(store.get());
  // mixed0..4 are 35..31 days old: expired; mixed5 is exactly 30 days old: kept.
  std::map<std::string, int> want;
  for (int i = 5; i < 10; ++i) want["mixed" + std::to_string(i)] = 1;
  EXPECT_EQ(ids, want);
  // A compaction rewrites the partial segment without its expired events.
  AppendOk(store.get(), Recs("new", 3));
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(store->Compact().ok());
  st = store->Stats();
  EXPECT_EQ(st.segment_count, 1u);
  EXPECT_EQ(st.event_count, 8u);
}

TEST_F(EventStoreTest, SnapshotMinTimeFollowsTheClock) {
  auto store = CreateStore();  // 30 days
  AppendOk(store.get(), Recs("a", 3, kT0, kDay));
  EXPECT_EQ(CountIds(store.get()).size(), 3u);
  env_->SetNowMicros(kT0 + 31 * kDay + 1);
  EXPECT_EQ(store->GetSnapshot()->min_time_us(), kT0 + kDay + 1);
  EXPECT_EQ(CountIds(store.get()).size(), 1u);
}

TEST_F(EventStoreTest, PowerCutKeepsEveryAcknowledgedEvent) {
  options_.memtable_bytes = 20 << 10;  // several flushes
  auto store = CreateStore();
  std::vector<Rec> all;
  for (int b = 0; b < 30; ++b) {
    auto recs = Recs("p" + std::to_string(b) + "-", 7, kT0 + b * 1000);
    AppendOk(store.get(), recs);
    all.insert(all.end(), recs.begin(), recs.end());
    if (b == 12) {
      ASSERT_TRUE(store->Compact().ok());
    }
  }
  EXPECT_GE(store->Stats().flushes, 2u);
  // No Close: the process "dies" (threads are stopped, nothing else is synced), then the power.
  ASSERT_TRUE(store->Close().ok());
  env_->DropUnsyncedData();
  store = OpenStore();
  ExpectExactly(store.get(), all);
}

TEST_F(EventStoreTest, FailedSyncAcknowledgesNothingAndRecovers) {
  auto fault = NewFaultInjectionEnv(env_.get());
  auto created = EventStore::Create(fault.get(), dir_, options_);
  ASSERT_TRUE(created.ok());
  auto store = std::move(*created);
  AppendOk(store.get(), Recs("ok", 5));
  fault->SetFailSync(true);
  auto r = store->Append(MakeBatch(Recs("lost", 5, kT0 + 100)));
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(CountIds(store.get()).size(), 5u);  // not visible
  // Still failing: appends are refused.
  auto r2 = store->Append(MakeBatch(Recs("refused", 2)));
  EXPECT_FALSE(r2.ok());
  EXPECT_FALSE(store->Stats().wal_error.empty());
  fault->SetFailSync(false);
  // The disk is back: the next append recovers (new WAL + flush) and succeeds.
  auto r3 = store->Append(MakeBatch(Recs("after", 2)));
  ASSERT_TRUE(r3.ok()) << r3.status().ToString();
  EXPECT_EQ(r3->accepted, 2u);
  EXPECT_TRUE(store->Stats().wal_error.empty());
  // The failed batch may be re-sent and is then accepted.
  auto r4 = store->Append(MakeBatch({Rec{"lost0", kT0 + 100}}));
  ASSERT_TRUE(r4.ok());
  EXPECT_EQ(r4->accepted, 1u);
  ASSERT_TRUE(store->Close().ok());
  store.reset();
  store = OpenStore();
  std::vector<Rec> want = Recs("ok", 5);
  for (const Rec& x : Recs("after", 2)) want.push_back(x);
  want.push_back(Rec{"lost0"});
  ExpectExactly(store.get(), want);
}

TEST_F(EventStoreTest, FailedSyncThenCloseNeverReplaysTheFailedBatch) {
  auto fault = NewFaultInjectionEnv(env_.get());
  auto store = std::move(*EventStore::Create(fault.get(), dir_, options_));
  AppendOk(store.get(), Recs("ok", 5));
  fault->SetFailSync(true);
  EXPECT_FALSE(store->Append(MakeBatch(Recs("lost", 5))).ok());
  fault->SetFailSync(false);
  ASSERT_TRUE(store->Close().ok());  // recovers: the failed WAL is covered by a flush
  store.reset();
  store = OpenStore();
  ExpectExactly(store.get(), Recs("ok", 5));
}

TEST_F(EventStoreTest, DiskFullAcknowledgesNothing) {
  auto fault = NewFaultInjectionEnv(env_.get());
  auto store = std::move(*EventStore::Create(fault.get(), dir_, options_));
  AppendOk(store.get(), Recs("ok", 5));
  fault->SetDiskLimit(0);  // everything from now on is over the limit
  auto r = store->Append(MakeBatch(Recs("full", 50)));
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_EQ(store->Append(MakeBatch(Recs("full2", 1))).status().code(),
            StatusCode::kResourceExhausted);
  EXPECT_FALSE(store->Flush().ok());
  EXPECT_EQ(CountIds(store.get()).size(), 5u);
  // Closed while the disk is still full, then reopened: a torn tail is all the failed batch left.
  EXPECT_FALSE(store->Close().ok());
  store.reset();
  fault->SetDiskLimit(-1);
  store = OpenStore();
  ExpectExactly(store.get(), Recs("ok", 5));
  AppendOk(store.get(), Recs("full", 50));
  EXPECT_EQ(CountIds(store.get()).size(), 55u);
}

TEST_F(EventStoreTest, TornAppendIsIgnoredOnReplay) {
  auto fault = NewFaultInjectionEnv(env_.get());
  auto store = std::move(*EventStore::Create(fault.get(), dir_, options_));
  AppendOk(store.get(), Recs("ok", 5));
  fault->TearNextAppend();
  EXPECT_FALSE(store->Append(MakeBatch(Recs("torn", 5))).ok());
  store->Close().IgnoreError();
  store.reset();
  env_->DropUnsyncedData();
  store = OpenStore();
  ExpectExactly(store.get(), Recs("ok", 5));
}

TEST_F(EventStoreTest, CorruptSegmentOpensDegraded) {
  auto store = CreateStore();
  AppendOk(store.get(), Recs("good", 10));
  ASSERT_TRUE(store->Flush().ok());
  AppendOk(store.get(), Recs("bad", 10, kT0 + kDay));
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(store->Close().ok());
  store.reset();
  auto files = Files("segments");
  ASSERT_EQ(files.size(), 2u);
  const std::string victim = dir_ + "/segments/" + files[1];
  std::string bytes = *env_->ReadFile(victim);
  // Damage the tail (footer) and the middle.
  for (size_t i = bytes.size() - 16; i < bytes.size(); ++i) bytes[i] ^= 0x5a;
  bytes[bytes.size() / 2] ^= 0x5a;
  ASSERT_TRUE(env_->WriteFileAtomic(victim, bytes).ok());

  store = OpenStore();
  ASSERT_NE(store, nullptr);
  StoreStats st = store->Stats();
  ASSERT_EQ(st.bad_segments.size(), 1u);
  EXPECT_NE(st.bad_segments[0].find(files[1]), std::string::npos) << st.bad_segments[0];
  EXPECT_NE(st.bad_segments[0].find("DataLoss"), std::string::npos) << st.bad_segments[0];
  auto snap = store->GetSnapshot();
  EXPECT_EQ(snap->bad_segments().size(), 1u);
  ExpectExactly(store.get(), Recs("good", 10));
  // Still writable; compaction leaves the bad segment alone; the file is kept.
  AppendOk(store.get(), Recs("more", 3));
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(store->Compact().ok());
  EXPECT_TRUE(env_->FileExists(victim));
  EXPECT_EQ(store->Stats().bad_segments.size(), 1u);
}

TEST_F(EventStoreTest, CorruptWalRecordFailsOpenWithDataLoss) {
  auto store = CreateStore();
  AppendOk(store.get(), Recs("a", 3));
  AppendOk(store.get(), Recs("b", 3));
  ASSERT_TRUE(store->Close().ok());
  store.reset();
  auto wals = Files("wal");
  ASSERT_EQ(wals.size(), 1u);
  const std::string path = dir_ + "/wal/" + wals[0];
  std::string bytes = *env_->ReadFile(path);
  bytes[bytes.find("a1")] = 'X';  // inside the first batch record, the second follows
  ASSERT_TRUE(env_->WriteFileAtomic(path, bytes).ok());
  auto r = EventStore::Open(env_.get(), dir_, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(r.status().message().find(wals[0]), std::string::npos) << r.status().ToString();
}

TEST_F(EventStoreTest, OpenRemovesTempAndOrphanFiles) {
  auto store = CreateStore();
  AppendOk(store.get(), Recs("a", 3));
  ASSERT_TRUE(store->Flush().ok());
  ASSERT_TRUE(store->Close().ok());
  store.reset();
  ASSERT_TRUE(env_->WriteFileAtomic(dir_ + "/MANIFEST.tmp-1-2", "junk").ok());
  ASSERT_TRUE(env_->WriteFileAtomic(dir_ + "/segments/000999.seg", "half a segment").ok());
  ASSERT_TRUE(env_->WriteFileAtomic(dir_ + "/segments/000998.seg.tmp-3-4", "junk").ok());
  ASSERT_TRUE(env_->WriteFileAtomic(dir_ + "/wal/000001.log", "covered by segments").ok());
  store = OpenStore();
  EXPECT_FALSE(env_->FileExists(dir_ + "/MANIFEST.tmp-1-2"));
  EXPECT_FALSE(env_->FileExists(dir_ + "/segments/000999.seg"));
  EXPECT_FALSE(env_->FileExists(dir_ + "/segments/000998.seg.tmp-3-4"));
  EXPECT_FALSE(env_->FileExists(dir_ + "/wal/000001.log"));
  EXPECT_EQ(Files("segments").size(), 1u);
  ExpectExactly(store.get(), Recs("a", 3));
  // New files never reuse the orphan's number.
  AppendOk(store.get(), Recs("b", 3));
  ASSERT_TRUE(store->Flush().ok());
  auto files = Files("segments");
  ASSERT_EQ(files.size(), 2u);
  EXPECT_GT(files[1], "000999.seg");
}

TEST_F(EventStoreTest, ConcurrentAppendersAndReaders) {
  options_.memtable_bytes = 64 << 10;
  options_.background_maintenance = true;
  options_.maintenance_interval_ms = 5;
  options_.compaction.trigger_count = 3;
  auto store = CreateStore();
  constexpr int kThreads = 4, kBatches = 40, kPerBatch = 10;
  std::atomic<uint64_t> accepted{0}, dups{0};
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop.load()) {
      auto snap = store->GetSnapshot();
      auto ids = CountIds(*snap);
      for (const auto& [id, n] : ids) ASSERT_EQ(n, 1) << id;
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int b = 0; b < kBatches; ++b) {
        // Threads overlap: thread t and t+1 write some of the same ids.
        std::vector<Rec> recs;
        for (int i = 0; i < kPerBatch; ++i) {
          int owner = (i % 3 == 0) ? (t + 1) % kThreads : t;
          recs.push_back(Rec{"t" + std::to_string(owner) + "-" + std::to_string(b * kPerBatch + i),
                             kT0 + (b * kPerBatch + i) * 1000000LL});
        }
        auto r = store->Append(MakeBatch(recs));
        ASSERT_TRUE(r.ok()) << r.status().ToString();
        accepted += r->accepted;
        dups += r->duplicates;
      }
    });
  }
  for (auto& w : writers) w.join();
  stop = true;
  reader.join();
  const uint64_t total = kThreads * kBatches * kPerBatch;
  EXPECT_EQ(accepted + dups, total);
  auto ids = CountIds(store.get());
  EXPECT_EQ(ids.size(), accepted.load());
  for (const auto& [id, n] : ids) EXPECT_EQ(n, 1) << id;
  EXPECT_GE(store->Stats().flushes, 1u);
  ASSERT_TRUE(store->Close().ok());
  store = OpenStore();
  auto reopened = CountIds(store.get());
  for (const auto& [id, n] : ids) EXPECT_EQ(reopened[id], 1) << id << " lost by the reopen";
  for (const auto& [id, n] : reopened) EXPECT_EQ(ids.count(id), 1u) << id << " appeared";
}

// Random faults (failed fsyncs, a full disk, torn writes) while appending, flushing and compacting
// in the background, then a power cut: every acknowledged batch survives, every failed one is
// absent, none is partial, nothing is stored twice.
TEST_F(EventStoreTest, RandomFaultsThenPowerCut) {
  for (uint64_t seed = 1; seed <= 6; ++seed) {
    SCOPED_TRACE(seed);
    env_ = NewMemEnv();
    auto fault = NewFaultInjectionEnv(env_.get());
    StoreOptions opts = options_;
    opts.memtable_bytes = 24 << 10;
    opts.background_maintenance = true;
    opts.maintenance_interval_ms = 2;
    opts.compaction.trigger_count = 2;
    opts.compaction.small_segment_raw_bytes = 64 << 10;
    auto created = EventStore::Create(fault.get(), dir_, opts);
    ASSERT_TRUE(created.ok());
    auto store = std::move(*created);
    std::mt19937_64 rng(seed);
    std::map<std::string, bool> batches;  // prefix -> acknowledged
    std::map<std::string, int> sizes;
    for (int b = 0; b < 120; ++b) {
      switch (rng() % 12) {
        case 0:
          fault->SetFailSync(true);
          break;
        case 1:
          fault->SetDiskLimit(0);
          break;
        case 2:
          fault->TearNextAppend();
          break;
        default:
          fault->SetFailSync(false);
          fault->SetDiskLimit(-1);
          break;
      }
      const std::string prefix = "s" + std::to_string(b) + "-";
      const int n = 1 + static_cast<int>(rng() % 12);
      auto r = store->Append(
          MakeBatch(Recs(prefix, n, kT0 + static_cast<int64_t>(rng() % 1000) * 1000000)));
      batches[prefix] = r.ok();
      sizes[prefix] = n;
      if (rng() % 10 == 0) store->Flush().IgnoreError();
      if (rng() % 15 == 0) store->Compact().IgnoreError();
    }
    fault->SetFailSync(false);
    fault->SetDiskLimit(-1);
    Status closed = store->Close();  // the disk works again: failed WAL writes are covered
    ASSERT_TRUE(closed.ok()) << closed.ToString();
    store.reset();
    env_->DropUnsyncedData();
    store = OpenStore();
    ASSERT_NE(store, nullptr);
    std::map<std::string, int> present;  // prefix -> events
    for (const auto& [id, copies] : CountIds(store.get())) {
      ASSERT_EQ(copies, 1) << id;
      present[id.substr(0, id.find('-') + 1)]++;
    }
    int acked = 0;
    for (const auto& [prefix, ok] : batches) {
      acked += ok;
      if (ok) {
        EXPECT_EQ(present[prefix], sizes[prefix]) << prefix << " was acknowledged";
      } else {
        EXPECT_EQ(present[prefix], 0) << prefix << " failed but is visible";
      }
    }
    EXPECT_GT(acked, 5);
    EXPECT_LT(acked, 120);
  }
}

}  // namespace
}  // namespace cairn
