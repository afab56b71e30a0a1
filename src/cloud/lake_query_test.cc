// RunLakeQuery over a real data folder: store ids as table names, statistics, the account
// restriction (inside the scans: joins, subqueries, UNNEST and count(*) see one account), the
// cancel flag, the memory and time limits, statement errors with their Lake names.
#include "cloud/lake_query.h"

#include <gtest/gtest.h>

#include "sql/sql_error.h"
#include "store/history_test_util.h"

namespace cairn::cloud {
namespace {

using history_testing::MakeBatch;
using history_testing::Rec;
using history_testing::TempDir;

class LakeQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DataDirOptions o;
    o.store_options.background_maintenance = false;
    o.history_options.background_maintenance = false;
    auto d = DataDir::Open(Env::Default(), tmp_.path() + "/data", o);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dir_ = std::move(*d);
    auto org = dir_->OrganizationStore(true);
    ASSERT_TRUE(org.ok());
    id_ = org->id;
    auto store = dir_->OpenEventDataStore(*org);
    ASSERT_TRUE(store.ok());
    // 30 events: accounts 111111111111 / 222222222222 / 333333333333 in turn; half flushed into
    // a segment, half left in the memtable.
    const int64_t t0 = Env::Default()->NowMicros() - 86400LL * 1000000;
    for (int half = 0; half < 2; ++half) {
      std::vector<Rec> recs;
      for (int i = half * 15; i < half * 15 + 15; ++i) {
        Rec r;
        r.id = "e" + std::to_string(i);
        r.time_us = t0 + i * 1000000LL;
        r.recipient = r.identity_account = std::string(12, static_cast<char>('1' + i % 3));
        r.name = i % 2 ? "GetObject" : "PutObject";
        recs.push_back(r);
      }
      ASSERT_TRUE((*store)->Append(MakeBatch(recs)).ok());
      if (half == 0) {
        ASSERT_TRUE((*store)->Flush().ok());
      }
    }
  }

  std::vector<std::vector<std::optional<std::string>>> Rows(const std::string& sql,
                                                            const LakeQueryOptions& o = {}) {
    auto r = RunLakeQuery(dir_.get(), sql, o);
    EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
    if (!r.ok()) return {};
    return r->result.Rows();
  }
  std::string One(const std::string& sql, const LakeQueryOptions& o = {}) {
    auto rows = Rows(sql, o);
    if (rows.size() != 1 || rows[0].empty() || !rows[0][0]) return "?";
    return *rows[0][0];
  }

  TempDir tmp_;
  std::unique_ptr<DataDir> dir_;
  std::string id_;
};

TEST_F(LakeQueryTest, StoreIdsAreTablesAndStatisticsAreCounted) {
  auto r =
      RunLakeQuery(dir_.get(), "SELECT count(*) FROM " + id_ + " WHERE eventName = 'GetObject'");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r->result.Rows()[0][0], "15");
  EXPECT_EQ(r->statistics.results_count, 1u);
  EXPECT_EQ(r->statistics.events_matched, 15u);
  EXPECT_GE(r->statistics.events_scanned, 15u);
  EXPECT_LE(r->statistics.events_scanned, 30u);
  EXPECT_GT(r->statistics.bytes_scanned, 0u);
  std::string json = LakeResultsJson(*r, 0);
  EXPECT_NE(json.find("\"QueryStatus\":\"FINISHED\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"QueryResultRows\":[[{\"_col0\":\"15\"}]]"), std::string::npos) << json;
  EXPECT_NE(json.find("\"EventsMatched\":15"), std::string::npos) << json;
}

TEST_F(LakeQueryTest, RestrictionHoldsInsideEveryScan) {
  LakeQueryOptions member;
  member.restrict_account = "222222222222";
  const std::string t = id_;
  EXPECT_EQ(One("SELECT count(*) FROM " + t, member), "10");
  EXPECT_EQ(One("SELECT count(DISTINCT recipientAccountId) FROM " + t, member), "1");
  EXPECT_EQ(
      One("SELECT count(*) FROM " + t + " a JOIN " + t + " b ON a.eventID = b.eventID", member),
      "10");
  EXPECT_EQ(One("SELECT count(*) FROM " + t + " a CROSS JOIN " + t + " b", member), "100");
  EXPECT_EQ(One("SELECT count(*) FROM " + t + " WHERE eventID IN (SELECT eventID FROM " + t + ")",
                member),
            "10");
  EXPECT_EQ(One("SELECT count(*) FROM (SELECT * FROM " + t +
                    " WHERE recipientAccountId = '111111111111')",
                member),
            "0");
  EXPECT_EQ(One("SELECT count(*) FROM " + t + " CROSS JOIN UNNEST(resources) AS r(x)", member),
            One("SELECT count(*) FROM " + t +
                " CROSS JOIN UNNEST(resources) AS r(x) WHERE recipientAccountId = "
                "'222222222222'"));
  EXPECT_EQ(One("SELECT max(recipientAccountId) FROM " + t, member), "222222222222");
  EXPECT_EQ(One("SELECT count(*) FROM " + t), "30");
}

TEST_F(LakeQueryTest, CancelAndLimitsEndTheQuery) {
  std::atomic<bool> cancel{true};
  LakeQueryOptions o;
  o.cancel = &cancel;
  auto r = RunLakeQuery(dir_.get(), "SELECT count(*) FROM " + id_, o);
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled) << r.status().ToString();

  LakeQueryOptions small;
  small.memory_limit_bytes = 1024;
  r = RunLakeQuery(
      dir_.get(),
      "SELECT a.eventID, b.eventID FROM " + id_ + " a CROSS JOIN " + id_ + " b ORDER BY 1, 2",
      small);
  EXPECT_EQ(r.status().code(), StatusCode::kResourceExhausted) << r.status().ToString();
  EXPECT_NE(r.status().message().find("memory limit"), std::string::npos);

  LakeQueryOptions bad;
  bad.time_limit_ms = 0;
  EXPECT_EQ(RunLakeQuery(dir_.get(), "SELECT 1", bad).status().code(),
            StatusCode::kInvalidArgument);
  // The same store is still fine afterwards.
  EXPECT_EQ(One("SELECT count(*) FROM " + id_), "30");
}

TEST_F(LakeQueryTest, StatementErrorsCarryLakeNames) {
  auto r = RunLakeQuery(dir_.get(), "SELECT eventName FROM nosuch");
  auto e = sql::SqlError::FromStatus(r.status());
  ASSERT_TRUE(e.has_value()) << r.status().ToString();
  EXPECT_EQ(e->exception, sql::kEventDataStoreNotFound);
  EXPECT_EQ(e->Text(), "line 1:23: Event data store 'nosuch' does not exist or is not accessible");
  EXPECT_FALSE(ValidateLakeQuery(dir_.get(), "DROP TABLE " + id_).ok());
  EXPECT_TRUE(ValidateLakeQuery(dir_.get(), "SELECT eventName FROM " + id_).ok());
  // Histories are not tables.
  EXPECT_FALSE(
      ValidateLakeQuery(dir_.get(), "SELECT 1 FROM \"history/111111111111/us-east-1\"").ok());
}

}  // namespace
}  // namespace cairn::cloud
