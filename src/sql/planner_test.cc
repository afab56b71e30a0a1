#include "sql/planner.h"

#include <gtest/gtest.h>

#include "sql/binder.h"
#include "sql/datetime.h"

namespace cairn::sql {
namespace {

class PlannerTest : public ::testing::Test {
 protected:
  PlannerTest() {
    tables_.Add("ct", TableFamily::kCloudTrail);
    tables_.Add("ct2", TableFamily::kCloudTrail);
    opts_.tables = &tables_;
  }

  std::string Plan(std::string_view sql) {
    auto q = ParseAndBind(sql, opts_);
    if (!q.ok()) return "ERROR " + q.status().ToString();
    Status st = Optimize(&*q);
    if (!st.ok()) return "ERROR " + st.ToString();
    return q->root->ToString();
  }

  static std::string Micros(const char* ts) {
    int64_t t = 0;
    EXPECT_TRUE(datetime::ParseTimestamp(ts, &t));
    return std::to_string(t);
  }

  FixedTableResolver tables_;
  BindOptions opts_;
};

TEST_F(PlannerTest, TimeRangesAndPredicatesMoveIntoTheScan) {
  std::string p = Plan(
      "SELECT eventName FROM ct WHERE eventTime > '2023-01-22 00:00:00' AND eventTime < "
      "'2023-01-23' "
      "AND eventName = 'CreateBucket' AND userIdentity.principalId IS NOT NULL");
  std::string lo = std::to_string(std::stoll(Micros("2023-01-22 00:00:00")) + 1);
  std::string hi = std::to_string(std::stoll(Micros("2023-01-23")) - 1);
  EXPECT_NE(p.find("time=[" + lo + ", " + hi + "]"), std::string::npos) << p;
  EXPECT_NE(p.find("eventname:0'CreateBucket'"), std::string::npos) << p;
  EXPECT_NE(p.find("useridentity.principalid:4"), std::string::npos) << p;
  EXPECT_EQ(p.find("Filter"), std::string::npos) << p;  // everything went into the scan
  // Only the columns the query reads are scanned.
  EXPECT_NE(p.find("Scan ct [eventname]"), std::string::npos) << p;
}

TEST_F(PlannerTest, WhatTheStoreCannotDoStaysAFilter) {
  std::string p = Plan(
      "SELECT 1 FROM ct WHERE eventName IN ('A', 'B') AND eventSource LIKE 's3%' "
      "AND element_at(requestParameters, 'bucketName') = 'x' AND lower(eventName) = 'a' AND NOT "
      "readOnly");
  EXPECT_NE(p.find("eventname:1'A''B'"), std::string::npos) << p;
  EXPECT_NE(p.find("eventsource:2's3'"), std::string::npos) << p;
  EXPECT_NE(p.find("readonly:5"), std::string::npos) << p;
  EXPECT_NE(p.find("Filter AND($eq(element_at("), std::string::npos) << p;
  EXPECT_NE(p.find("$eq(lower("), std::string::npos) << p;
  // An OR is not split.
  p = Plan("SELECT 1 FROM ct WHERE eventName = 'A' OR eventTime > '2024-01-01'");
  EXPECT_NE(p.find("Filter OR("), std::string::npos) << p;
  // An empty time range needs no data at all.
  p = Plan("SELECT count(*) FROM ct WHERE eventTime > '2024-01-02' AND eventTime < '2024-01-01'");
  EXPECT_NE(p.find("EMPTY"), std::string::npos) << p;
}

TEST_F(PlannerTest, StructLeavesAndJoins) {
  // Fields read by the projection right above the scan become scan columns of their own.
  std::string p =
      Plan("SELECT userIdentity.arn, userIdentity.sessionContext.sessionIssuer.arn FROM ct");
  EXPECT_NE(p.find("Scan ct [useridentity.arn, useridentity.sessioncontext.sessionissuer.arn]"),
            std::string::npos)
      << p;
  p = Plan("SELECT userIdentity.arn, count(*) FROM ct GROUP BY 1");
  EXPECT_NE(p.find("Scan ct [useridentity.arn]"), std::string::npos) << p;
  // Read whole as well: the row stays, with the leaves it needs.
  auto q = ParseAndBind(
      "SELECT userIdentity.arn, userIdentity.sessionContext.sessionIssuer FROM ct", opts_);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(Optimize(&*q).ok());
  const PlanNode* scan = q->root.get();
  while (!scan->children.empty()) scan = scan->children[0].get();
  ASSERT_EQ(scan->scan_columns.size(), 2u);
  EXPECT_EQ(scan->scan_columns[1].path, "useridentity.sessioncontext.sessionissuer");
  EXPECT_EQ(scan->scan_columns[1].type.id(), TypeId::kRow);
  q = ParseAndBind("SELECT userIdentity, userIdentity.arn FROM ct", opts_);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(Optimize(&*q).ok());
  scan = q->root.get();
  while (!scan->children.empty()) scan = scan->children[0].get();
  ASSERT_EQ(scan->scan_columns.size(), 1u);
  EXPECT_EQ(scan->scan_columns[0].path, "useridentity");
  EXPECT_TRUE(scan->scan_columns[0].leaves.empty());
  // WHERE conditions of each side go below the join; a cross join with an equality becomes a
  // hash-joinable inner join.
  p = Plan(
      "SELECT a.eventName FROM ct a, ct2 b WHERE a.eventId = b.eventId AND a.eventTime > "
      "'2024-01-01' "
      "AND b.errorCode = 'AccessDenied'");
  EXPECT_NE(p.find("Join JOIN ON $eq("), std::string::npos) << p;
  EXPECT_NE(p.find("Scan ct [eventname, eventid] time=["), std::string::npos)
      << p;  // no eventtime: the range went in
  EXPECT_NE(p.find("Scan ct2 [eventid] errorcode:0'AccessDenied'"), std::string::npos) << p;
  // Paths read above a join, in its condition or in a subquery's projection are split too: the
  // join carries string columns, not rows.
  p = Plan(
      "SELECT a.userIdentity.arn, d.n FROM ct a JOIN (SELECT userIdentity.arn AS arn, count(*) AS "
      "n "
      "FROM ct2 WHERE errorCode IS NOT NULL GROUP BY 1) d ON a.userIdentity.arn = d.arn");
  EXPECT_NE(p.find("Join JOIN ON $eq(#0, #1) -> (arn varchar, arn varchar, n bigint)"),
            std::string::npos)
      << p;
  EXPECT_NE(p.find("Scan ct [useridentity.arn]"), std::string::npos) << p;
  EXPECT_NE(p.find("Scan ct2 [useridentity.arn]"), std::string::npos) << p;
  // Through a CTE that renames the struct, and a LEFT join's right side.
  p = Plan(
      "WITH u AS (SELECT eventID AS id, userIdentity AS who FROM ct2) SELECT a.eventName, "
      "u.who.sessionContext.sessionIssuer.arn FROM ct a LEFT JOIN u ON a.eventID = u.id");
  EXPECT_NE(p.find("Scan ct2 [useridentity.sessioncontext.sessionissuer.arn, eventid]"),
            std::string::npos)
      << p;
  EXPECT_EQ(p.find(" row("), std::string::npos) << p;
  // count(*) reads one cheap column.
  p = Plan("SELECT count(*) FROM ct");
  EXPECT_NE(p.find("Scan ct [eventtime]"), std::string::npos) << p;
  // A filter above a subquery moves into it when it reads plain columns.
  p = Plan(
      "SELECT n FROM (SELECT eventName AS n, eventTime AS t FROM ct) WHERE t > '2024-01-01' AND n "
      "= 'X'");
  EXPECT_NE(p.find("eventname:0'X'"), std::string::npos) << p;
  EXPECT_EQ(p.find("Filter"), std::string::npos) << p;
}

TEST_F(PlannerTest, JoinsWithDistinctKeysBecomeScanTerms) {
  // The benchmark's join_denied: the join becomes an IN-subquery term of the scan, and the
  // aggregate sits on the scan again; the keys' DISTINCT is a GROUP BY over its scan.
  auto q = ParseAndBind(
      "SELECT a.userIdentity.arn, count(*) FROM ct a JOIN (SELECT DISTINCT userIdentity.arn AS arn "
      "FROM ct2 WHERE errorCode IS NOT NULL) d ON a.userIdentity.arn = d.arn WHERE a.eventTime >= "
      "'2025-01-10' GROUP BY 1",
      opts_);
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(Optimize(&*q).ok());
  std::string p = q->root->ToString();
  EXPECT_EQ(p.find("Join"), std::string::npos) << p;
  EXPECT_NE(p.find("Aggregate groups=[#0] aggs=[count()]"), std::string::npos) << p;
  EXPECT_NE(p.find("Scan ct [useridentity.arn] time=["), std::string::npos) << p;
  EXPECT_NE(p.find("useridentity.arn:1<subquery 0>"), std::string::npos) << p;
  ASSERT_EQ(q->subqueries.size(), 1u);
  std::string sub = q->subqueries[0]->ToString();
  EXPECT_NE(sub.find("Aggregate groups=[#0] aggs=[]"), std::string::npos) << sub;
  EXPECT_NE(sub.find("Scan ct2 [useridentity.arn] errorcode:4"), std::string::npos) << sub;
  // The keys on the left, read above the join (they equal the leaf), GROUP BY keys.
  p = Plan(
      "SELECT d.k, a.eventName FROM (SELECT eventSource AS k FROM ct2 GROUP BY 1) d JOIN ct a ON "
      "d.k = a.eventSource");
  EXPECT_EQ(p.find("Join"), std::string::npos) << p;
  EXPECT_NE(p.find("Scan ct [eventsource, eventname] eventsource:1<subquery 0>"), std::string::npos)
      << p;
  // Not a semi-join: a LEFT join, keys that may repeat, a second key, another column of the keys'
  // side, an expression that is not a store leaf.
  for (
      const char* sql : {
          "SELECT a.eventName FROM ct a LEFT JOIN (SELECT DISTINCT eventSource AS k FROM ct2) d ON "
          "a.eventSource = d.k",
          "SELECT a.eventName FROM ct a JOIN (SELECT eventSource AS k FROM ct2) d ON a.eventSource "
          "= d.k",
          "SELECT a.eventName FROM ct a JOIN (SELECT DISTINCT eventSource AS k, eventName AS n "
          "FROM "
          "ct2) d ON a.eventSource = d.k",
          "SELECT a.eventName FROM ct a JOIN (SELECT DISTINCT eventSource AS k FROM ct2) d ON "
          "a.eventSource = d.k AND a.eventName = 'x' || d.k",
          "SELECT a.eventName FROM ct a JOIN (SELECT DISTINCT eventSource AS k FROM ct2) d ON "
          "lower(a.eventSource) = d.k",
      }) {
    p = Plan(sql);
    EXPECT_NE(p.find("Join"), std::string::npos) << sql << "\n" << p;
  }
}

}  // namespace
}  // namespace cairn::sql
