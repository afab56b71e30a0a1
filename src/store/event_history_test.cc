// EventHistory: lookups over a real store (memtable, segments, after reopen), the 90-day window
// following the clock, and Admits().
#include "store/event_history.h"

#include <gtest/gtest.h>

#include "common/env.h"
#include "store/history_test_util.h"

namespace cairn {
namespace {

using history_testing::kDay;
using history_testing::kSecond;
using history_testing::MakeBatch;
using history_testing::Rec;

constexpr int64_t kNow = 1767225600LL * kSecond;  // 2026-01-01

class EventHistoryTest : public ::testing::Test {
 protected:
  EventHistoryTest() : env_(NewMemEnv(kNow)) {}

  std::unique_ptr<EventHistory> Open() {
    StoreOptions opts;
    opts.background_maintenance = false;
    auto h = EventHistory::Open(env_.get(), "hist/111122223333/us-east-1", "111122223333",
                                "us-east-1", opts);
    CAIRN_CHECK(h.ok());
    return std::move(*h);
  }

  // Event ids of a lookup, all pages.
  std::vector<std::string> Ids(EventHistory* h, LookupEventsRequest req,
                               const std::string& key = "k") {
    std::vector<std::string> ids;
    while (true) {
      auto page = h->Lookup(req, key);
      EXPECT_TRUE(page.ok()) << page.status().ToString();
      if (!page.ok()) return ids;
      for (const auto& e : page->events) ids.push_back(e.event_id);
      if (page->next_token.empty()) return ids;
      req.next_token = page->next_token;
    }
  }

  std::unique_ptr<MemEnv> env_;
};

std::vector<Rec> Records(int n, const std::string& prefix, int64_t newest) {
  std::vector<Rec> recs;
  for (int i = 0; i < n; ++i) {
    Rec r;
    r.id = prefix + std::to_string(1000 + i);
    r.time_us = newest - i * 3600 * kSecond;
    r.name = i % 3 == 0 ? "DeleteBucket" : "CreateBucket";
    r.user = i % 2 ? "alice" : "bob";
    r.read_only = i % 4 == 0;
    recs.push_back(r);
  }
  return recs;
}

TEST_F(EventHistoryTest, LooksUpAcrossMemtableSegmentsAndReopen) {
  auto h = Open();
  ASSERT_TRUE(h->Append(MakeBatch(Records(120, "a", kNow - kDay))).ok());
  ASSERT_TRUE(h->store()->Flush().ok());
  ASSERT_TRUE(h->Append(MakeBatch(Records(60, "b", kNow - kDay / 2))).ok());

  LookupEventsRequest req;
  req.max_results = 11;
  std::vector<std::string> all = Ids(h.get(), req);
  ASSERT_EQ(all.size(), 180u);
  req.attributes = {{"EventName", "DeleteBucket"}};
  EXPECT_EQ(Ids(h.get(), req).size(), 40u + 20u);
  req.attributes = {{"Username", "alice"}};
  EXPECT_EQ(Ids(h.get(), req).size(), 60u + 30u);
  req.attributes = {{"ReadOnly", "true"}};
  EXPECT_EQ(Ids(h.get(), req).size(), 30u + 15u);
  req.attributes = {{"ResourceName", "arn:aws:s3:::b"}};
  EXPECT_EQ(Ids(h.get(), req).size(), 180u);
  req.attributes = {{"AccessKeyId", "AKIAEXAMPLE"}};
  EXPECT_EQ(Ids(h.get(), req).size(), 180u);

  // The same answers after a restart (memtable events replayed from the WAL).
  ASSERT_TRUE(h->Close().ok());
  h.reset();
  h = Open();
  req.attributes.clear();
  EXPECT_EQ(Ids(h.get(), req), all);

  // A token from the first store instance still works (same key, same scope)...
  auto page = h->Lookup(req, "k");
  ASSERT_TRUE(page.ok());
  ASSERT_FALSE(page->next_token.empty());
  LookupEventsRequest next = req;
  next.next_token = page->next_token;
  EXPECT_TRUE(h->Lookup(next, "k").ok());
  // ... but not under another key.
  auto bad = h->Lookup(next, "other");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(LookupExceptionName(bad.status()), "InvalidNextTokenException");
}

TEST_F(EventHistoryTest, TheWindowFollowsTheClock) {
  auto h = Open();
  std::vector<Rec> recs;
  for (int d = 0; d < 80; ++d) {
    Rec r;
    r.id = "d" + std::to_string(100 + d);
    r.time_us = kNow - d * kDay;
    recs.push_back(r);
  }
  ASSERT_TRUE(h->Append(MakeBatch(recs)).ok());
  ASSERT_TRUE(h->store()->Flush().ok());
  EXPECT_EQ(Ids(h.get(), {}).size(), 80u);
  env_->AdvanceMicros(30 *
                      kDay);  // days 61..79 are now more than 90 days old; day 60 is exactly 90
  EXPECT_EQ(Ids(h.get(), {}).size(), 61u);
  ASSERT_TRUE(h->store()->ApplyRetention(env_->NowMicros()).ok());
  EXPECT_EQ(Ids(h.get(), {}).size(), 61u);
}

TEST_F(EventHistoryTest, InsightsAreSeparateAndUseInsightDetails) {
  auto h = Open();
  std::vector<Rec> recs = Records(10, "m", kNow - kDay);
  for (int i = 0; i < 4; ++i) {
    Rec r;
    r.id = "i" + std::to_string(i);
    r.time_us = kNow - kDay + i * 60 * kSecond;
    r.category = "Insight";
    r.name = i % 2 ? "RunInstances" : "PutObject";
    r.source = i % 2 ? "ec2.amazonaws.com" : "s3.amazonaws.com";
    recs.push_back(r);
  }
  ASSERT_TRUE(h->Append(MakeBatch(recs)).ok());
  EXPECT_EQ(Ids(h.get(), {}).size(), 10u);
  LookupEventsRequest insight;
  insight.event_category = "insight";
  EXPECT_EQ(Ids(h.get(), insight), (std::vector<std::string>{"i3", "i2", "i1", "i0"}));
  insight.attributes = {{"EventName", "RunInstances"}};
  EXPECT_EQ(Ids(h.get(), insight), (std::vector<std::string>{"i3", "i1"}));
  ASSERT_TRUE(h->store()->Flush().ok());
  insight.attributes = {{"EventSource", "s3.amazonaws.com"}};
  EXPECT_EQ(Ids(h.get(), insight), (std::vector<std::string>{"i2", "i0"}));
  auto page = h->Lookup(insight, "k");
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->events.size(), 2u);
  const LookupEventResult& e = page->events[0];
  EXPECT_EQ(e.event_name, "PutObject");
  EXPECT_EQ(e.event_source, "s3.amazonaws.com");
  EXPECT_FALSE(e.username);
  EXPECT_FALSE(e.read_only);
  EXPECT_FALSE(e.access_key_id);
  EXPECT_TRUE(e.resources.empty());
  EXPECT_NE(e.cloud_trail_event.find("\"insightDetails\""), std::string::npos);
}

TEST(EventHistoryAdmitsTest, ManagementAndInsightsOfTheLastNinetyDays) {
  std::vector<Rec> recs(6);
  const char* cats[] = {"Management",      "Insight",    "Data",
                        "NetworkActivity", "Management", "Management"};
  for (int i = 0; i < 6; ++i) {
    recs[i].id = "e" + std::to_string(i);
    recs[i].category = cats[i];
    recs[i].time_us = kNow - kDay;
  }
  recs[4].time_us = kNow - 91 * kDay;
  recs[5].time_us = kNow + kDay;  // clock skew: still admitted
  EventBatch b = MakeBatch(recs);
  std::vector<bool> admitted;
  for (const Event& e : b.events) admitted.push_back(EventHistory::Admits(e, kNow));
  EXPECT_EQ(admitted, (std::vector<bool>{true, true, false, false, false, true}));
}

}  // namespace
}  // namespace cairn
