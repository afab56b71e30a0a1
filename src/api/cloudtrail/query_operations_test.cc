#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "api/cloudtrail/lake_test_util.h"

namespace cairn::api {
namespace {

class QueryOpsTest : public LakeTestBase {
 protected:
  // Creates a store as `who` and fills it through the selector router: 5 events of the
  // management account, 3 of the member, 2 of the other member.
  std::string StoreWithEvents(std::string_view name, std::string extra = "",
                              std::string_view who = "admin") {
    LakeReply r =
        Call("CreateEventDataStore", fmt::format(R"({{"Name":"{}"{}}})", name, extra), who);
    EXPECT_EQ(r.status, 200) << r.body;
    std::string arn = JStr(r.json, "EventDataStoreArn");
    std::vector<std::string> records;
    for (int i = 0; i < 5; ++i) records.push_back(MgmtEvent(fmt::format("{}-m{}", name, i), kMgmt));
    for (int i = 0; i < 3; ++i)
      records.push_back(MgmtEvent(fmt::format("{}-a{}", name, i), kMember));
    for (int i = 0; i < 2; ++i)
      records.push_back(MgmtEvent(fmt::format("{}-b{}", name, i), kOther));
    EventBatch batch = ParseEvents(records);
    EXPECT_TRUE(lake_->stores()->Ingest(batch).ok());
    return arn.substr(arn.rfind('/') + 1);
  }

  // Starts `sql` as `who` and waits for a final status; returns the query id.
  std::string RunQuery(const std::string& sql, std::string_view who = "admin",
                       std::string expect_status = "FINISHED") {
    LakeReply r = Call("StartQuery", fmt::format(R"({{"QueryStatement":"{}"}})", sql), who);
    EXPECT_EQ(r.status, 200) << r.body;
    std::string id = JStr(r.json, "QueryId");
    std::string status;
    for (int i = 0; i < 500; ++i) {
      r = Call("DescribeQuery", R"({"QueryId":")" + id + R"("})", who);
      status = JStr(r.json, "QueryStatus");
      if (status != "QUEUED" && status != "RUNNING") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(status, expect_status) << r.body;
    return id;
  }

  std::string Cell(std::string_view id, std::string_view who = "admin") {
    LakeReply r = Call("GetQueryResults", R"({"QueryId":")" + std::string(id) + R"("})", who);
    EXPECT_EQ(r.status, 200) << r.body;
    simdjson::dom::element row0;
    if (r.json["QueryResultRows"].at(0).get(row0)) return "<no rows>";
    simdjson::dom::object cell = row0.at(0);
    for (auto [k, v] : cell) {
      std::string_view s;
      if (!v.get(s)) return std::string(s);
    }
    return "<null>";
  }
};

TEST_F(QueryOpsTest, RunDescribeAndPage) {
  const std::string id = StoreWithEvents("q-store");
  const std::string q =
      RunQuery(fmt::format("SELECT eventID, eventTime FROM {} ORDER BY eventID", id));
  LakeReply d = Call("DescribeQuery", R"({"QueryId":")" + q + R"("})");
  EXPECT_EQ(JStr(d.json, "QueryString"),
            fmt::format("SELECT eventID, eventTime FROM {} ORDER BY eventID", id));
  EXPECT_EQ(int64_t(d.json["QueryStatistics"]["CreationTime"]), kLakeTestNow);
  EXPECT_GT(uint64_t(d.json["QueryStatistics"]["EventsScanned"]), 0u);
  // Page through 10 rows 4 at a time.
  std::vector<std::string> ids;
  std::string token;
  int pages = 0;
  do {
    std::string body = R"({"QueryId":")" + q + R"(","MaxQueryResults":4)" +
                       (token.empty() ? "" : R"(,"NextToken":")" + token + "\"") + "}";
    LakeReply r = Call("GetQueryResults", body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(JStr(r.json, "QueryStatus"), "FINISHED");
    // A store of the management account takes only that account's events.
    EXPECT_EQ(uint64_t(r.json["QueryStatistics"]["TotalResultsCount"]), 5u);
    for (simdjson::dom::element row : r.json["QueryResultRows"].get_array()) {
      ids.push_back(JStr(row.at(0), "eventID"));
      EXPECT_EQ(JStr(row.at(1), "eventTime"), "2024-12-30 10:00:00.000");
    }
    EXPECT_EQ(uint64_t(r.json["QueryStatistics"]["ResultsCount"]),
              r.json["QueryResultRows"].get_array().size());
    token = JStr(r.json, "NextToken");
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(pages, 2);
  ASSERT_EQ(ids.size(), 5u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(ids.front(), "q-store-m0");
  // Tampered tokens.
  EXPECT_EQ(Call("GetQueryResults",
                 R"({"QueryId":")" + q + R"(","NextToken":"4.000000000000000000000000"})")
                .error,
            "InvalidNextTokenException");
  EXPECT_EQ(Call("GetQueryResults", R"({"QueryId":")" + q + R"(","MaxQueryResults":1001})").error,
            "InvalidMaxResultsException");
  // Listing.
  LakeReply l = Call("ListQueries", R"({"EventDataStore":")" + id + R"("})");
  ASSERT_EQ(l.status, 200) << l.body;
  ASSERT_EQ(l.json["Queries"].get_array().size(), 1u);
  EXPECT_EQ(JStr(l.json["Queries"].at(0), "QueryId"), q);
  EXPECT_EQ(JStr(l.json["Queries"].at(0), "QueryStatus"), "FINISHED");
  EXPECT_EQ(Call("ListQueries", R"({"EventDataStore":")" + id + R"(","QueryStatus":"DONE"})").error,
            "InvalidQueryStatusException");
  EXPECT_EQ(
      Call("ListQueries", R"({"EventDataStore":")" + id + R"(","StartTime":10,"EndTime":5})").error,
      "InvalidDateRangeException");
  // A finished query cannot be cancelled.
  EXPECT_EQ(Call("CancelQuery", R"({"QueryId":")" + q + R"("})").error, "InactiveQueryException");
}

TEST_F(QueryOpsTest, StatementErrors) {
  const std::string id = StoreWithEvents("err-store");
  EXPECT_EQ(Call("StartQuery", R"({"QueryStatement":"SELEC 1"})").error,
            "InvalidQueryStatementException");
  EXPECT_EQ(Call("StartQuery", R"({"QueryStatement":"DELETE FROM x"})").error,
            "InvalidQueryStatementException");
  EXPECT_EQ(Call("StartQuery",
                 R"({"QueryStatement":"SELECT * FROM 00000000-0000-4000-8000-000000000000"})")
                .error,
            "EventDataStoreNotFoundException");
  EXPECT_EQ(
      Call("StartQuery", fmt::format(R"({{"QueryStatement":"SELECT nosuchcolumn FROM {}"}})", id))
          .error,
      "InvalidQueryStatementException");
  EXPECT_EQ(Call("StartQuery", "{}").error, "InvalidParameterException");
  EXPECT_EQ(Call("StartQuery", R"({"QueryStatement":""})").error, "InvalidParameterException");
  EXPECT_EQ(Call("DescribeQuery", R"({"QueryId":"00000000-0000-4000-8000-000000000000"})").error,
            "QueryIdNotFoundException");
  EXPECT_EQ(Call("DescribeQuery", R"({"QueryId":"not-a-query"})").error,
            "InvalidParameterException");
  // A runtime failure ends FAILED with an ErrorMessage.
  const std::string q =
      RunQuery(fmt::format("SELECT CAST(eventName AS bigint) FROM {}", id), "admin", "FAILED");
  LakeReply d = Call("DescribeQuery", R"({"QueryId":")" + q + R"("})");
  EXPECT_FALSE(JStr(d.json, "ErrorMessage").empty()) << d.body;
  // Deleted store: its queries stop working.
  ASSERT_EQ(Call("UpdateEventDataStore",
                 R"({"EventDataStore":")" + id + R"(","TerminationProtectionEnabled":false})")
                .status,
            200);
  ASSERT_EQ(Call("DeleteEventDataStore", R"({"EventDataStore":")" + id + R"("})").status, 200);
  EXPECT_EQ(Call("DescribeQuery", R"({"QueryId":")" + q + R"("})").error,
            "InactiveEventDataStoreException");
  EXPECT_EQ(Call("StartQuery", fmt::format(R"({{"QueryStatement":"SELECT 1 FROM {}"}})", id)).error,
            "InactiveEventDataStoreException");
}

TEST_F(QueryOpsTest, MembersSeeOnlyTheirOwnAccountInsideTheScan) {
  const std::string priv = StoreWithEvents("mgmt-q");
  const std::string org = StoreWithEvents("org-q", R"(,"OrganizationEnabled":true)");
  const std::string count = fmt::format("SELECT count(*) FROM {}", org);
  EXPECT_EQ(Cell(RunQuery(count)), "10");
  EXPECT_EQ(Cell(RunQuery(count, "auditor"), "auditor"), "10");
  EXPECT_EQ(Cell(RunQuery(count, "member"), "member"), "3");
  EXPECT_EQ(Cell(RunQuery(count, "other"), "other"), "2");
  // Aggregates, joins and subqueries cannot see other accounts' rows either.
  EXPECT_EQ(Cell(RunQuery(fmt::format("SELECT count(DISTINCT recipientAccountId) FROM {}", org),
                          "member"),
                 "member"),
            "1");
  EXPECT_EQ(
      Cell(RunQuery(
               fmt::format("SELECT count(*) FROM {0} a JOIN {0} b ON a.eventID = b.eventID", org),
               "member"),
           "member"),
      "3");
  EXPECT_EQ(Cell(RunQuery(fmt::format("SELECT count(*) FROM {0} WHERE eventID IN (SELECT eventID "
                                      "FROM {0} WHERE recipientAccountId = '{1}')",
                                      org, kOther),
                          "member"),
                 "member"),
            "0");
  EXPECT_EQ(Cell(RunQuery(fmt::format("SELECT max(recipientAccountId) FROM {0}", org), "member"),
                 "member"),
            kMember);
  // Statistics do not reveal the other accounts' rows the scan passed over.
  const std::string admin_q = RunQuery(count);
  const std::string member_q = RunQuery(count, "member");
  LakeReply admin_d = Call("DescribeQuery", R"({"QueryId":")" + admin_q + R"("})");
  EXPECT_EQ(uint64_t(admin_d.json["QueryStatistics"]["EventsScanned"]), 10u) << admin_d.body;
  const uint64_t admin_bytes = uint64_t(admin_d.json["QueryStatistics"]["BytesScanned"]);
  LakeReply member_d = Call("DescribeQuery", R"({"QueryId":")" + member_q + R"("})", "member");
  EXPECT_EQ(uint64_t(member_d.json["QueryStatistics"]["EventsScanned"]), 3u) << member_d.body;
  EXPECT_LE(uint64_t(member_d.json["QueryStatistics"]["EventsMatched"]), 3u);
  EXPECT_LT(uint64_t(member_d.json["QueryStatistics"]["BytesScanned"]), admin_bytes);
  // The management account's private store is not even there for a member.
  EXPECT_EQ(Call("StartQuery",
                 fmt::format(R"({{"QueryStatement":"SELECT count(*) FROM {}"}})", priv), "member")
                .error,
            "EventDataStoreNotFoundException");
  // Another account's queries are not found.
  const std::string q = RunQuery(count);
  EXPECT_EQ(Call("DescribeQuery", R"({"QueryId":")" + q + R"("})", "member").error,
            "QueryIdNotFoundException");
  EXPECT_EQ(Call("GetQueryResults", R"({"QueryId":")" + q + R"("})", "member").error,
            "QueryIdNotFoundException");
}

TEST_F(QueryOpsTest, StoresTakeOnlyTheEventsOfTheirScope) {
  // A member account's store takes its own account's events; its selectors filter further.
  const std::string member_store = StoreWithEvents("member-own", "", "member_admin");
  EXPECT_EQ(
      Cell(RunQuery(fmt::format("SELECT count(*) FROM {}", member_store), "member"), "member"),
      "3");
  EXPECT_EQ(Cell(RunQuery(fmt::format("SELECT count(*) FROM {}", member_store))), "3");
  LakeReply r = Call(
      "CreateEventDataStore",
      R"({"Name":"only-runs","OrganizationEnabled":true,"AdvancedEventSelectors":[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"eventName","StartsWith":["Run"]}]}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string arn = JStr(r.json, "EventDataStoreArn");
  const std::string runs = arn.substr(arn.rfind('/') + 1);
  EventBatch batch =
      ParseEvents({MgmtEvent("r1", kMember, "RunInstances"), MgmtEvent("r2", kOther, "RunTask"),
                   MgmtEvent("d1", kMember, "DescribeInstances")});
  ASSERT_TRUE(lake_->stores()->Ingest(batch).ok());
  EXPECT_EQ(Cell(RunQuery(fmt::format("SELECT count(*) FROM {}", runs))), "2");
  // A stopped store takes nothing.
  ASSERT_EQ(Call("StopEventDataStoreIngestion", R"({"EventDataStore":")" + arn + R"("})").status,
            200);
  batch = ParseEvents({MgmtEvent("r3", kMember, "RunInstances")});
  ASSERT_TRUE(lake_->stores()->Ingest(batch).ok());
  EXPECT_EQ(Cell(RunQuery(fmt::format("SELECT count(*) FROM {}", runs))), "2");
}

class QueuedQueryTest : public QueryOpsTest {
 protected:
  QueuedQueryTest() { query_options_.workers = 0; }  // nothing runs: queries stay QUEUED
};

TEST_F(QueuedQueryTest, ConcurrencyLimitAndCancel) {
  const std::string id = StoreWithEvents("queued", R"(,"OrganizationEnabled":true)");
  const std::string sql = fmt::format(R"({{"QueryStatement":"SELECT count(*) FROM {}"}})", id);
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    LakeReply r = Call("StartQuery", sql);
    ASSERT_EQ(r.status, 200) << r.body;
    ids.push_back(JStr(r.json, "QueryId"));
  }
  EXPECT_EQ(Call("StartQuery", sql).error, "MaxConcurrentQueriesException");
  // Another account has its own allowance.
  EXPECT_EQ(Call("StartQuery", sql, "member").status, 200);
  LakeReply r = Call("GetQueryResults", R"({"QueryId":")" + ids[0] + R"("})");
  EXPECT_EQ(JStr(r.json, "QueryStatus"), "QUEUED");
  EXPECT_EQ(r.json["QueryResultRows"].get_array().size(), 0u);
  r = Call("CancelQuery", R"({"QueryId":")" + ids[0] + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JStr(r.json, "QueryStatus"), "CANCELLED");
  EXPECT_EQ(Call("CancelQuery", R"({"QueryId":")" + ids[0] + R"("})", "member").error,
            "QueryIdNotFoundException");
  // Closing cancels what is still queued.
  EXPECT_TRUE(lake_->queries()->Close().ok());
  EXPECT_EQ(JStr(Call("DescribeQuery", R"({"QueryId":")" + ids[5] + R"("})").json, "QueryStatus"),
            "CANCELLED");
  EXPECT_EQ(Call("CancelQuery", R"({"QueryId":")" + ids[5] + R"("})").error,
            "InactiveQueryException");
}

}  // namespace
}  // namespace cairn::api
