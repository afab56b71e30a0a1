#include <gtest/gtest.h>

#include <algorithm>

#include "sql/sample_queries.h"
#include "sql/sql_test_util.h"

namespace cairn::sql {
namespace {

// The executor over the 310 real CloudTrail records of shared/data (Stratus Red Team detonations).
class ExecutorTest : public ::testing::Test, public testing::SqlFixture {
 protected:
  static void SetUpTestSuite() {}
  ExecutorTest() {
    Status st = LoadStratus("ct");
    EXPECT_TRUE(st.ok()) << st.ToString();
    AddTable("cfg", TableFamily::kConfig);
  }

  // Runs with and without the planner's rewrites and checks that both agree (as multisets of
  // rows when the query has no ORDER BY).
  std::string Both(std::string_view sql, bool ordered = true) {
    std::string on = Sql(sql, true);
    std::string off = Sql(sql, false);
    if (!ordered) {
      on = Sorted(on);
      off = Sorted(off);
    }
    EXPECT_EQ(on, off) << sql;
    return on;
  }

  static std::string Sorted(const std::string& text) {
    std::vector<std::string> lines;
    size_t from = 0;
    while (from <= text.size()) {
      size_t nl = text.find('\n', from);
      if (nl == std::string::npos) nl = text.size();
      lines.push_back(text.substr(from, nl - from));
      from = nl + 1;
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (size_t i = 0; i < lines.size(); ++i) out += (i ? "\n" : "") + lines[i];
    return out;
  }
};

TEST_F(ExecutorTest, CountsMatchTheDataset) {
  // shared/data/README.md: 310 records, 54 event names, 52 with an errorCode.
  EXPECT_EQ(Both("SELECT count(*), count(DISTINCT eventName), count(errorCode), count_if(errorCode "
                 "IS NOT NULL) FROM ct"),
            "310|54|52|52");
  EXPECT_EQ(Both("SELECT sum(n) FROM (SELECT eventName, count(*) AS n FROM ct GROUP BY eventName)"),
            "310");
  EXPECT_EQ(Both("SELECT count(*) FROM (SELECT DISTINCT eventName FROM ct)"), "54");
  EXPECT_EQ(Both("SELECT count(*) FROM ct WHERE errorCode IS NULL"), "258");
  EXPECT_EQ(Both("SELECT approx_distinct(eventName), approx_distinct(eventID) FROM ct"), "54|310");
}

TEST_F(ExecutorTest, FiltersAgreeWithAndWithoutPushdown) {
  const char* queries[] = {
      "SELECT count(*) FROM ct WHERE eventTime > '2024-07-30 21:00:00' AND eventTime < "
      "'2024-07-31'",
      "SELECT count(*) FROM ct WHERE eventTime BETWEEN '2024-07-30' AND '2024-07-31'",
      "SELECT count(*) FROM ct WHERE eventSource = 'ec2.amazonaws.com' AND readOnly",
      "SELECT count(*) FROM ct WHERE NOT readOnly",
      "SELECT count(*) FROM ct WHERE readOnly = false OR readOnly IS NULL",
      "SELECT count(*) FROM ct WHERE eventName IN ('GetPasswordData', 'StopLogging', "
      "'DeleteTrail')",
      "SELECT count(*) FROM ct WHERE eventName LIKE 'Get%'",
      "SELECT count(*) FROM ct WHERE eventName LIKE 'GetPasswordData'",
      "SELECT count(*) FROM ct WHERE userIdentity.type = 'AssumedRole'",
      "SELECT count(*) FROM ct WHERE userIdentity.sessionContext.sessionIssuer.userName IS NOT "
      "NULL",
      "SELECT count(*) FROM ct WHERE errorCode IS NOT NULL AND eventTime >= '2024-01-01'",
      "SELECT count(*) FROM ct WHERE eventTime = TIMESTAMP '2024-07-30 21:31:21'",
      "SELECT count(*) FROM ct WHERE eventTime < '2000-01-01'",
      "SELECT count(*) FROM ct WHERE eventTime > '2030-01-01' OR eventName = 'StopLogging'",
  };
  for (const char* q : queries) {
    std::string r = Both(q);
    EXPECT_EQ(r.find("ERROR"), std::string::npos) << q << ": " << r;
  }
  EXPECT_EQ(Both("SELECT count(*) FROM ct WHERE eventTime < '2000-01-01'"), "0");
}

TEST_F(ExecutorTest, GroupOrderLimit) {
  std::string top = Both(
      "SELECT eventName, count(*) AS c FROM ct GROUP BY eventName ORDER BY c DESC, eventName LIMIT "
      "3");
  EXPECT_EQ(std::count(top.begin(), top.end(), '\n'), 2) << top;
  // Top-N equals a full sort cut to N.
  std::string full =
      Both("SELECT eventName, count(*) AS c FROM ct GROUP BY eventName ORDER BY c DESC, eventName");
  EXPECT_EQ(full.substr(0, top.size()), top);
  EXPECT_EQ(Both("SELECT eventTime FROM ct ORDER BY eventTime LIMIT 1"),
            Both("SELECT min(eventTime) FROM ct"));
  EXPECT_EQ(Both("SELECT eventTime FROM ct ORDER BY eventTime DESC LIMIT 1 OFFSET 0"),
            Both("SELECT max(eventTime) FROM ct"));
  EXPECT_EQ(
      Both("SELECT count(*) FROM (SELECT eventID FROM ct ORDER BY eventID LIMIT 5 OFFSET 300)"),
      "5");
  EXPECT_EQ(
      Both("SELECT count(*) FROM (SELECT eventID FROM ct ORDER BY eventID LIMIT 50 OFFSET 300)"),
      "10");
  EXPECT_EQ(Both("SELECT errorCode IS NULL, count(*) FROM ct GROUP BY 1 ORDER BY 1"),
            "false|52\ntrue|258");
  EXPECT_EQ(Both("SELECT count(*) FROM ct GROUP BY eventName HAVING count(*) > 1000"), "");
  EXPECT_EQ(Both("SELECT count(*), max(eventTime) IS NOT NULL FROM ct WHERE false"), "0|false");
  EXPECT_EQ(Both("SELECT eventName, count(*) FROM ct WHERE false GROUP BY eventName"), "");
  // NULLs sort last for ASC and DESC unless asked otherwise.
  EXPECT_EQ(Both("SELECT errorCode FROM ct ORDER BY errorCode NULLS FIRST LIMIT 1"), "NULL");
  EXPECT_NE(Both("SELECT errorCode FROM ct ORDER BY errorCode DESC LIMIT 1"), "NULL");
}

TEST_F(ExecutorTest, Aggregates) {
  EXPECT_EQ(Both("SELECT min(x), max(x), sum(x), avg(x), count(x), count(*), arbitrary(x) IS NOT "
                 "NULL FROM (VALUES 3, 1, NULL, 2) t(x)"),
            "1|3|6|2.0|3|4|true");
  EXPECT_EQ(Both("SELECT max_by(k, v), min_by(k, v), array_agg(k ORDER BY v DESC), bool_and(v > "
                 "0), bool_or(v > 2) "
                 "FROM (VALUES ('a', 1), ('b', 3), ('c', 2)) t(k, v)"),
            "b|a|[b, c, a]|true|true");
  EXPECT_EQ(Both("SELECT g, sum(v), count(DISTINCT v), array_agg(v ORDER BY v) FROM (VALUES ('x', "
                 "1), ('x', 1), ('y', 2), ('x', 3)) "
                 "t(g, v) GROUP BY g ORDER BY g"),
            "x|5|2|[1, 1, 3]\ny|2|1|[2]");
  EXPECT_EQ(Both("SELECT sum(v) FILTER (WHERE v > 1), stddev(v), variance(v), approx_percentile(v, "
                 "0.5) FROM (VALUES 1, 2, 3, 4, 5) t(v)"),
            "14|1.5811388300841898|2.5|3");
  EXPECT_EQ(Both("SELECT sum(v) FROM (VALUES 9223372036854775807, 1) t(v)"),
            "ERROR bigint addition overflow in sum()");
  EXPECT_EQ(
      Both("SELECT count(*) FROM ct GROUP BY requestParameters ORDER BY 1 DESC LIMIT 1") != "",
      true);
}

TEST_F(ExecutorTest, JoinsUnionsSubqueries) {
  EXPECT_EQ(Both("SELECT count(*) FROM ct a JOIN ct b ON a.eventID = b.eventID"), "310");
  EXPECT_EQ(Both("SELECT count(*) FROM ct a LEFT JOIN ct b ON a.eventID = b.eventID AND "
                 "b.errorCode IS NOT NULL"),
            "310");
  EXPECT_EQ(Both("SELECT count(b.eventID) FROM ct a LEFT JOIN ct b ON a.eventID = b.eventID AND "
                 "b.errorCode IS NOT NULL"),
            "52");
  EXPECT_EQ(Both("SELECT count(*) FROM (SELECT eventID FROM ct WHERE errorCode IS NOT NULL) a "
                 "RIGHT JOIN ct b ON a.eventID = b.eventID"),
            "310");
  EXPECT_EQ(Both("SELECT count(*) FROM (SELECT eventID FROM ct WHERE readOnly) a "
                 "FULL JOIN (SELECT eventID FROM ct WHERE errorCode IS NOT NULL) b ON a.eventID = "
                 "b.eventID"),
            Both("SELECT count(*) FROM ct WHERE readOnly OR errorCode IS NOT NULL"));
  EXPECT_EQ(Both("SELECT count(*) FROM ct a, ct b WHERE a.eventID = b.eventID AND a.eventName = "
                 "'StopLogging'"),
            Both("SELECT count(*) FROM ct WHERE eventName = 'StopLogging'"));
  EXPECT_EQ(
      Both("SELECT x, y FROM (VALUES 1, 2) a(x) CROSS JOIN (VALUES 'a', 'b') b(y) ORDER BY x, y"),
      "1|a\n1|b\n2|a\n2|b");
  EXPECT_EQ(Both("SELECT x FROM (VALUES 1, 2, 2, 3) a(x) UNION SELECT x FROM (VALUES 3, 4) b(x) "
                 "ORDER BY x"),
            "1\n2\n3\n4");
  EXPECT_EQ(
      Both(
          "SELECT x FROM (VALUES 1, 2, 2) a(x) UNION ALL SELECT x FROM (VALUES 2) b(x) ORDER BY x"),
      "1\n2\n2\n2");
  EXPECT_EQ(
      Both(
          "SELECT x FROM (VALUES 1, 2, 2, 3) a(x) EXCEPT SELECT x FROM (VALUES 3) b(x) ORDER BY x"),
      "1\n2");
  EXPECT_EQ(Both("SELECT x FROM (VALUES 1, 2, 2, 3) a(x) EXCEPT ALL SELECT x FROM (VALUES 2) b(x) "
                 "ORDER BY x"),
            "1\n2\n3");
  EXPECT_EQ(
      Both("SELECT x FROM (VALUES 1, 2, 2, 3) a(x) INTERSECT SELECT x FROM (VALUES 2, 2, 5) b(x)"),
      "2");
  EXPECT_EQ(Both("SELECT x FROM (VALUES 1, 2, 2, 3) a(x) INTERSECT ALL SELECT x FROM (VALUES 2, 2, "
                 "5) b(x)"),
            "2\n2");
  EXPECT_EQ(Both("SELECT count(*) FROM ct WHERE eventID IN (SELECT eventID FROM ct WHERE errorCode "
                 "IS NOT NULL)"),
            "52");
  EXPECT_EQ(Both("SELECT count(*) FROM ct WHERE eventID NOT IN (SELECT eventID FROM ct WHERE "
                 "errorCode IS NOT NULL)"),
            "258");
  EXPECT_EQ(
      Both("SELECT (SELECT count(*) FROM ct) - (SELECT count(*) FROM ct WHERE errorCode IS NULL)"),
      "52");
  EXPECT_EQ(Both("SELECT EXISTS (SELECT 1 FROM ct WHERE eventName = 'StopLogging'), EXISTS (SELECT "
                 "1 FROM ct WHERE false)"),
            "true|false");
  EXPECT_EQ(Both("SELECT (SELECT eventID FROM ct)"),
            "ERROR Scalar sub-query has returned multiple rows");
  EXPECT_EQ(Both("SELECT 1 IN (SELECT x FROM (VALUES 2, NULL) t(x)), 2 IN (SELECT x FROM (VALUES "
                 "2, NULL) t(x))"),
            "NULL|true");
  EXPECT_EQ(Both("WITH e AS (SELECT eventName, errorCode FROM ct WHERE errorCode IS NOT NULL) "
                 "SELECT count(*) FROM e a JOIN e b ON a.eventName = b.eventName AND a.errorCode = "
                 "b.errorCode") != "",
            true);
}

TEST_F(ExecutorTest, UnnestResources) {
  std::string total = Both("SELECT sum(cardinality(resources)) FROM ct");
  EXPECT_EQ(Both("SELECT count(*) FROM ct CROSS JOIN UNNEST(resources) AS t(r)"), total);
  EXPECT_EQ(Both("SELECT count(arn) FROM ct CROSS JOIN UNNEST(resources)"),
            Both("SELECT count(r.arn) FROM ct CROSS JOIN UNNEST(resources) AS t(r)"));
  // LEFT JOIN UNNEST keeps events without resources.
  std::string without =
      Both("SELECT count(*) FROM ct WHERE resources IS NULL OR cardinality(resources) = 0");
  EXPECT_EQ(Both("SELECT count(*) FROM ct LEFT JOIN UNNEST(resources) AS t(r) ON TRUE"),
            std::to_string(std::stoll(total) + std::stoll(without)));
  EXPECT_EQ(Both("SELECT k, v FROM (VALUES 1) CROSS JOIN UNNEST(map(ARRAY['a', 'b'], ARRAY['x', "
                 "'y'])) AS m(k, v) ORDER BY k"),
            "a|x\nb|y");
  EXPECT_EQ(Both("SELECT x, n FROM UNNEST(ARRAY['a', 'b'], ARRAY[1]) WITH ORDINALITY AS t(x, y, n) "
                 "ORDER BY n"),
            "a|1\nb|2");
  EXPECT_EQ(Both("SELECT count(*) FROM ct CROSS JOIN UNNEST(resources) AS t(r) WHERE r.type LIKE "
                 "'AWS::%' AND eventTime > '2020-01-01'"),
            Both("SELECT count(*) FROM ct CROSS JOIN UNNEST(resources) AS t(r) WHERE r.type LIKE "
                 "'AWS::%'"));
}

TEST_F(ExecutorTest, NestedColumnsAndRendering) {
  EXPECT_EQ(Both("SELECT eventTime, readOnly, managementEvent, eventVersion FROM ct WHERE eventID "
                 "= '450230d4-b39e-4a18-a6a0-d07a6e2105cb'"),
            "2024-07-30 21:31:21.000|true|true|1.09");
  std::string row =
      Both("SELECT userIdentity FROM ct WHERE eventID = '450230d4-b39e-4a18-a6a0-d07a6e2105cb'");
  EXPECT_EQ(row.rfind("{type=AssumedRole, principalid=", 0), 0u) << row;
  EXPECT_NE(row.find("sessioncontext={attributes={creationdate="), std::string::npos) << row;
  EXPECT_EQ(Both("SELECT json_extract_scalar(eventjson, '$.eventID') = eventID, eventjsonchecksum "
                 "IS NULL FROM ct LIMIT 1"),
            "true|true");
}

TEST_F(ExecutorTest, EverySampleRuns) {
  // The sample stores are all the same table here; the Config store is empty.
  for (const char* name : {"ct_eds", "ct_eds2", "ct_eds3"}) catalog().Add(name, stratus());
  AddTable("cfg_eds", TableFamily::kConfig);
  for (const SampleQuery& s : SampleQueries()) {
    std::string sql(s.sql);
    std::string r = Both(sql, /*ordered=*/false);
    EXPECT_EQ(r.find("ERROR"), std::string::npos) << "sample " << s.number << ": " << r;
  }
}

TEST_F(ExecutorTest, LimitsAndCancellation) {
  options().limits.max_memory_bytes = 64 << 10;
  std::string r = Sql("SELECT eventjson FROM ct ORDER BY eventjson");
  EXPECT_NE(r.find("memory limit"), std::string::npos) << r.substr(0, 200);
  options().limits.max_memory_bytes = int64_t{1} << 30;
  EXPECT_EQ(Sql("SELECT count(*) FROM ct"), "310");
}

}  // namespace
}  // namespace cairn::sql

namespace cairn::sql {
namespace {

class WindowTest : public ::testing::Test, public testing::SqlFixture {};

TEST_F(WindowTest, RankingAndOffsets) {
  std::string rows = "('a', 1), ('a', 2), ('a', 2), ('b', 5), ('b', NULL)";
  EXPECT_EQ(Sql("SELECT g, v, row_number() OVER (PARTITION BY g ORDER BY v), rank() OVER "
                "(PARTITION BY g ORDER BY v), "
                "dense_rank() OVER (PARTITION BY g ORDER BY v) FROM (VALUES " +
                rows + ") t(g, v) ORDER BY g, v"),
            "a|1|1|1|1\na|2|2|2|2\na|2|3|2|2\nb|5|1|1|1\nb|NULL|2|2|2");
  EXPECT_EQ(Sql("SELECT v, lag(v) OVER (ORDER BY v), lead(v, 1, -1) OVER (ORDER BY v), "
                "percent_rank() OVER (ORDER BY v), "
                "cume_dist() OVER (ORDER BY v), ntile(2) OVER (ORDER BY v) FROM (VALUES 1, 2, 3, "
                "4) t(v) ORDER BY v"),
            "1|NULL|2|0.0|0.25|1\n2|1|3|0.3333333333333333|0.5|1\n3|2|4|0.6666666666666666|0.75|"
            "2\n4|3|-1|1.0|1.0|2");
}

TEST_F(WindowTest, AggregatesAndFrames) {
  std::string t = "(VALUES ('a', 1), ('a', 2), ('a', 2), ('b', 5)) t(g, v)";
  // Default frame with ORDER BY: running, peers included; without ORDER BY: the whole partition.
  EXPECT_EQ(
      Sql("SELECT g, v, sum(v) OVER (PARTITION BY g ORDER BY v), count(*) OVER (PARTITION BY g), "
          "max(v) OVER () FROM " +
          t + " ORDER BY g, v"),
      "a|1|1|3|5\na|2|5|3|5\na|2|5|3|5\nb|5|5|1|5");
  EXPECT_EQ(Sql("SELECT v, sum(v) OVER (ORDER BY v ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), "
                "avg(v) OVER (ORDER BY v ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING), "
                "first_value(v) OVER (ORDER BY v DESC ROWS UNBOUNDED PRECEDING), "
                "last_value(v) OVER (ORDER BY v ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED "
                "FOLLOWING), "
                "nth_value(v, 2) OVER (ORDER BY v) FROM (VALUES 1, 2, 3) t(v) ORDER BY v"),
            "1|1|1.5|3|3|NULL\n2|3|2.5|3|3|2\n3|5|3.0|3|3|2");
  // Windows over aggregated rows, and the Lake's share-of-total shape.
  EXPECT_EQ(Sql("SELECT g, count(*) AS n, rank() OVER (ORDER BY count(*) DESC), sum(count(*)) OVER "
                "() FROM " +
                t + " GROUP BY g ORDER BY n DESC"),
            "a|3|1|4\nb|1|2|4");
  EXPECT_EQ(Sql("SELECT sum(v) OVER (ORDER BY v RANGE 1 PRECEDING) FROM (VALUES 1) t(v)"),
            "ERROR window frames with RANGE offsets or GROUPS are not supported");
}

}  // namespace
}  // namespace cairn::sql
