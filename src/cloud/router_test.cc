// Router: every event in the organization store; management and Insights events of the last 90
// days in the history of (recipientAccountId or userIdentity.accountId, awsRegion); duplicates on
// re-import; bounded pending memory; CopyEventInto keeps every field.
#include "cloud/router.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "store/columns.h"
#include "store/history_test_util.h"

namespace cairn::cloud {
namespace {

using history_testing::CountIds;
using history_testing::kDay;
using history_testing::MakeBatch;
using history_testing::Rec;
using history_testing::TempDir;

DataDirOptions TestOptions() {
  DataDirOptions o;
  o.store_options.background_maintenance = false;
  o.history_options.background_maintenance = false;
  return o;
}

// Where the router should put `r`: "" for no history.
std::string ExpectedHistory(const Rec& r, int64_t now) {
  if (r.category != "Management" && r.category != "Insight") return "";
  if (r.time_us < now - 90 * kDay) return "";
  const std::string account = !r.recipient.empty() ? r.recipient : r.identity_account;
  if (account.empty() || r.region.empty()) return "";
  return "history/" + account + "/" + r.region;
}

std::vector<Rec> RandomRecs(std::mt19937_64& rng, int n, int64_t now, const std::string& prefix) {
  const char* accounts[] = {"111122223333", "444455556666", "777788889999"};
  const char* regions[] = {"us-east-1", "eu-west-1"};
  const char* cats[] = {"Management", "Management", "Management",
                        "Data",       "Insight",    "NetworkActivity"};
  std::vector<Rec> recs;
  for (int i = 0; i < n; ++i) {
    Rec r;
    r.id = prefix + std::to_string(i);
    r.time_us = now - static_cast<int64_t>(rng() % 100) * kDay -
                static_cast<int64_t>(rng() % 86400) * 1000000;
    r.recipient = accounts[rng() % 3];
    r.identity_account = accounts[rng() % 3];
    if (rng() % 10 == 0) r.recipient = "";  // falls back to userIdentity.accountId
    if (rng() % 30 == 0) r.identity_account = "";
    r.region = regions[rng() % 2];
    if (rng() % 40 == 0) r.region = "";
    r.category = cats[rng() % 6];
    if (r.category == "Insight") r.identity_account = "";
    recs.push_back(r);
  }
  return recs;
}

// Routes 3000 random events in batches of 500 with `ro`, checks every store, then routes them
// again and checks that nothing is added.
void CheckRouting(const RouterOptions& ro) {
  TempDir tmp;
  auto d = DataDir::Open(Env::Default(), tmp.path() + "/data", TestOptions());
  ASSERT_TRUE(d.ok());
  const int64_t now = Env::Default()->NowMicros();
  std::mt19937_64 rng(42);
  std::vector<Rec> recs = RandomRecs(rng, 3000, now, "e");
  Router router(d->get(), ro);
  for (size_t at = 0; at < recs.size(); at += 500) {
    std::vector<Rec> part(recs.begin() + at, recs.begin() + std::min(recs.size(), at + 500));
    ASSERT_TRUE(router.Route(MakeBatch(part)).ok());
  }
  ASSERT_TRUE(router.Flush().ok());

  std::map<std::string, std::map<std::string, int>> want;  // history id -> event ids
  uint64_t in_history = 0;
  for (const Rec& r : recs) {
    std::string h = ExpectedHistory(r, now);
    if (!h.empty()) {
      want[h][r.id] = 1;
      ++in_history;
    }
  }
  const RouteCounts c = router.counts();
  EXPECT_EQ(c.events, 3000u);
  EXPECT_EQ(c.accepted, 3000u);
  EXPECT_EQ(c.duplicates, 0u);
  EXPECT_EQ(c.history_accepted, in_history);
  EXPECT_EQ(c.history_accepted + c.history_too_old + c.history_no_key + c.not_history, 3000u);
  EXPECT_GT(c.history_too_old, 0u);
  EXPECT_GT(c.history_no_key, 0u);
  EXPECT_GT(c.not_history, 0u);

  auto org = (*d)->OrganizationStore(false);
  ASSERT_TRUE(org.ok());
  auto store = (*d)->OpenEventDataStore(*org);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(CountIds(*(*store)->GetSnapshot()).size(), 3000u);

  auto list = (*d)->ListStores();
  ASSERT_TRUE(list.ok());
  size_t histories = 0;
  for (const StoreRecord& s : *list) {
    if (s.kind != StoreKind::kHistory) continue;
    ++histories;
    auto h = (*d)->History(s.account, s.region, false);
    ASSERT_TRUE(h.ok());
    EXPECT_EQ(CountIds(*(*h)->store()->GetSnapshot()), want[s.id]) << s.id;
  }
  EXPECT_EQ(histories, want.size());

  // Routing the same events again adds nothing anywhere.
  Router again(d->get(), ro);
  ASSERT_TRUE(again.Route(MakeBatch(recs)).ok());
  ASSERT_TRUE(again.Flush().ok());
  EXPECT_EQ(again.counts().accepted, 0u);
  EXPECT_EQ(again.counts().duplicates, 3000u);
  EXPECT_EQ(again.counts().history_accepted, 0u);
  EXPECT_EQ(again.counts().history_duplicates, in_history);
}

TEST(RouterTest, SplitsEventsIntoTheOrganizationStoreAndHistories) {
  RouterOptions ro;
  ro.history_batch_events = 100;     // appends during routing ...
  ro.max_pending_bytes = 256 << 10;  // ... and when pending memory is over its bound
  CheckRouting(ro);
}

TEST(RouterTest, DirectModeWritesSegmentsWithTheSameResult) {
  RouterOptions ro;
  ro.direct = true;
  ro.direct_org_raw_bytes = 200 << 10;      // several organization segments ...
  ro.direct_history_raw_bytes = 40 << 10;   // ... history segments during routing ...
  ro.direct_max_pending_bytes = 300 << 10;  // ... and when pending memory is over its bound
  ro.direct_chunk_events = 7;               // histories' events in several chunks
  CheckRouting(ro);
  // The same with the chunks' event arrays reused once their writes are done (cairn import).
  EventArrayPool pool(1 << 20);
  ro.array_pool = &pool;
  CheckRouting(ro);
  EXPECT_GT(pool.reused(), 10u);
}

TEST(RouterTest, DirectModeWaitsWhileItsHeldMemoryIsAtItsBound) {
  RouterOptions ro;
  ro.direct = true;
  ro.direct_org_raw_bytes = 1;   // every batch is a write of its own ...
  ro.direct_max_held_bytes = 1;  // ... and the next batch waits for it
  ro.direct_chunk_events = 7;
  {
    TempDir tmp;
    auto d = DataDir::Open(Env::Default(), tmp.path() + "/data", TestOptions());
    ASSERT_TRUE(d.ok());
    std::mt19937_64 rng(9);
    std::vector<Rec> recs = RandomRecs(rng, 2000, Env::Default()->NowMicros(), "w");
    Router router(d->get(), ro);
    for (size_t at = 0; at < recs.size(); at += 250) {
      std::vector<Rec> part(recs.begin() + at, recs.begin() + at + 250);
      ASSERT_TRUE(router.Route(MakeBatch(part)).ok());
      // Route took this batch only once the previous batches' writes were done.
      EXPECT_GE(router.counts().accepted, at) << at;
    }
    ASSERT_TRUE(router.Flush().ok());
    EXPECT_EQ(router.counts().accepted, 2000u);
  }
  // Everything is still routed as without the bound (and re-routing adds nothing).
  ro.direct_org_raw_bytes = 200 << 10;
  ro.direct_history_raw_bytes = 40 << 10;
  ro.direct_max_held_bytes = 256 << 10;
  CheckRouting(ro);
}

TEST(RouterTest, DirectModeCountsOnlyInstalledSegments) {
  TempDir tmp;
  auto d = DataDir::Open(Env::Default(), tmp.path() + "/data", TestOptions());
  ASSERT_TRUE(d.ok());
  const int64_t now = Env::Default()->NowMicros();
  std::mt19937_64 rng(7);
  std::vector<Rec> recs = RandomRecs(rng, 400, now, "d");
  RouterOptions ro;
  ro.direct = true;  // default sizes: nothing is written before Flush
  Router router(d->get(), ro);
  EventBatch batch = MakeBatch(recs);
  const uint64_t batch_bytes = batch.MemoryBytes();
  ASSERT_TRUE(router.Route(std::move(batch)).ok());
  EXPECT_EQ(router.counts().events, 400u);
  EXPECT_EQ(router.counts().accepted, 0u);  // not durable yet
  // The memory held is accounted (cairn import's memory log): the batch, and the copies of its
  // history events.
  RouterMemory held = router.HeldMemory();
  EXPECT_EQ(held.held_org_bytes, batch_bytes);
  EXPECT_GT(held.held_history_bytes, 0u);
  EXPECT_EQ(held.held_writing_bytes, 0u);
  EXPECT_EQ(held.writes_running, 0u);
  auto org = (*d)->OrganizationStore(false);
  ASSERT_TRUE(org.ok());
  auto store = (*d)->OpenEventDataStore(*org);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(CountIds(*(*store)->GetSnapshot()).size(), 0u);  // nor visible
  const uint64_t wal_bytes = (*store)->Stats().wal_bytes;
  ASSERT_TRUE(router.Flush().ok());
  held = router.HeldMemory();
  EXPECT_EQ(held.held_org_bytes + held.held_history_bytes + held.held_writing_bytes, 0u);
  EXPECT_EQ(held.writes_running, 0u);
  EXPECT_EQ(router.counts().accepted, 400u);
  EXPECT_EQ(CountIds(*(*store)->GetSnapshot()).size(), 400u);
  EXPECT_EQ((*store)->Stats().wal_bytes, wal_bytes);
  EXPECT_EQ((*store)->Stats().direct_writes, 1u);
}

TEST(RouterTest, AHistorysPendingEventsAreAppendedOnceTheyReachItsByteBound) {
  TempDir tmp;
  auto d = DataDir::Open(Env::Default(), tmp.path() + "/data", TestOptions());
  ASSERT_TRUE(d.ok());
  const int64_t now = Env::Default()->NowMicros();
  std::vector<Rec> recs;
  for (int i = 0; i < 40; ++i) {
    Rec r;
    r.id = "b" + std::to_string(i);
    r.time_us = now - kDay;
    r.recipient = "111122223333";
    r.region = "us-east-1";
    r.category = "Management";
    recs.push_back(r);
  }
  RouterOptions ro;
  ro.history_batch_events = 1000;  // never reached: the byte bound decides
  ro.history_batch_bytes = 10 * sizeof(Event);
  ro.max_pending_bytes = 1 << 30;
  Router router(d->get(), ro);
  ASSERT_TRUE(router.Route(MakeBatch(recs)).ok());
  // Appended while routing, before any Flush(): every event, since 40 events exceed the bound.
  EXPECT_EQ(router.counts().history_accepted, 40u);
  auto h = (*d)->History("111122223333", "us-east-1", false);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(CountIds(*(*h)->store()->GetSnapshot()).size(), 40u);
}

TEST(RouterTest, CopyEventIntoKeepsEveryFieldAfterTheSourceIsGone) {
  std::vector<Rec> recs(3);
  for (int i = 0; i < 3; ++i) recs[i].id = "c\\u0041" + std::to_string(i);  // escaped: arena copies
  recs[2].category = "Insight";
  auto src = std::make_unique<EventBatch>(MakeBatch(recs));
  EventBatch expected = MakeBatch(recs);
  EventBatch dst;
  for (const Event& e : src->events) CopyEventInto(e, *src, &dst);
  src.reset();
  ASSERT_EQ(dst.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const Event& a = dst.events[i];
    const Event& b = expected.events[i];
    EXPECT_EQ(a.event_id, "cA" + std::to_string(i));
    EXPECT_EQ(a.raw, b.raw);
    EXPECT_EQ(a.event_time_us, b.event_time_us);
    for (const ColumnDef& col : AllColumns()) {
      if (col.list_child || !col.stored || col.id == ColumnId::kUsername) continue;
      if (col.type == ColumnType::kString || col.type == ColumnType::kMap) {
        const Str x = *StringField(a, col.id), y = *StringField(b, col.id);
        EXPECT_EQ(IsNull(x), IsNull(y)) << col.name;
        EXPECT_EQ(x, y) << col.name;
      }
    }
    auto ra = dst.ResourcesOf(a);
    auto rb = expected.ResourcesOf(b);
    ASSERT_EQ(ra.size(), rb.size());
    for (size_t k = 0; k < ra.size(); ++k) {
      EXPECT_EQ(ra[k].arn, rb[k].arn);
      EXPECT_EQ(ra[k].type, rb[k].type);
    }
  }
}

}  // namespace
}  // namespace cairn::cloud
