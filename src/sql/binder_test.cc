#include "sql/binder.h"

#include <gtest/gtest.h>

#include "sql/datetime.h"
#include "sql/sample_queries.h"

namespace cairn::sql {
namespace {

class BinderTest : public ::testing::Test {
 protected:
  BinderTest() {
    tables_.Add("ct_eds", TableFamily::kCloudTrail);
    tables_.Add("ct_eds2", TableFamily::kCloudTrail);
    tables_.Add("ct_eds3", TableFamily::kCloudTrail);
    tables_.Add("cfg_eds", TableFamily::kConfig);
    tables_.Add("EXAMPLEf852-4e8f-8bd1-bcf6cEXAMPLE", TableFamily::kCloudTrail);
    opts_.tables = &tables_;
    opts_.now_micros = 1700000000LL * 1000000;
  }

  Result<BoundQuery> Bind(std::string_view sql) { return ParseAndBind(sql, opts_); }

  std::vector<std::string> Names(std::string_view sql) {
    auto q = Bind(sql);
    EXPECT_TRUE(q.ok()) << sql << "\n" << q.status().ToString();
    return q.ok() ? q->column_names : std::vector<std::string>{};
  }

  std::string Types(std::string_view sql) {
    auto q = Bind(sql);
    if (!q.ok()) return "ERROR " + q.status().ToString();
    std::string out;
    for (size_t i = 0; i < q->column_types.size(); ++i) {
      if (i) out += ", ";
      out += q->column_types[i].ToString();
    }
    return out;
  }

  // "line:col: message" of an InvalidQueryStatementException.
  std::string Error(std::string_view sql) {
    auto q = Bind(sql);
    if (q.ok()) return "OK";
    auto e = SqlError::FromStatus(q.status());
    if (!e) return "NOT A SQL ERROR: " + q.status().ToString();
    return e->exception == kInvalidQueryStatement ? e->Text() : e->exception + ": " + e->Text();
  }

  std::string Plan(std::string_view sql) {
    auto q = Bind(sql);
    if (!q.ok()) return "ERROR " + q.status().ToString();
    return q->root->ToString();
  }

  FixedTableResolver tables_;
  BindOptions opts_;
};

using V = std::vector<std::string>;

TEST_F(BinderTest, EverySampleQueryBinds) {
  for (const SampleQuery& s : SampleQueries()) {
    auto q = Bind(s.sql);
    EXPECT_TRUE(q.ok()) << "sample " << s.number << " (" << s.title
                        << "): " << q.status().ToString();
  }
}

TEST_F(BinderTest, SampleColumnNamesFollowTheLake) {
  auto sample = [](int n) {
    for (const SampleQuery& s : SampleQueries()) {
      if (s.number == n) return s.sql;
    }
    return std::string_view();
  };
  EXPECT_EQ(Names(sample(1)), (V{"principalid", "eventName"}));
  EXPECT_EQ(Names(sample(3)), (V{"eventSource", "eventName", "apiCount"}));
  EXPECT_EQ(Names(sample(4)), (V{"eventTime", "arn", "awsRegion"}));
  EXPECT_EQ(Names(sample(5)), (V{"_col0", "_col1"}));
  EXPECT_EQ(Names(sample(6)), (V{"eventId", "eventName"}));
  EXPECT_EQ(Names(sample(7)), (V{"eventName", "eventName", "_col2"}));
  EXPECT_EQ(Names(sample(8)),
            (V{"targetResourceId", "complianceType", "resourceType", "userIdentity"}));
  EXPECT_EQ(Names(sample(14)),
            (V{"eventid", "eventtime", "RoleARN", "RoleIdColonRoleSessionName"}));
  EXPECT_EQ(Names(sample(17)),
            (V{"VPCAccessDenied", "arn", "accountid", "eventName", "errorMessage", "vpcEndpointId",
               "vpcEndpointAccountId", "sourceIPAddress"}));
  EXPECT_EQ(Names(sample(18)), (V{"InstanceId", "eventTime", "Missing"}));
  EXPECT_EQ(Names(sample(20)), (V{"eventDate", "readOnly", "eventCount"}));
  auto star = Names(sample(10));
  ASSERT_EQ(star.size(), 34u);
  EXPECT_EQ(star[0], "eventversion");
  EXPECT_EQ(star[1], "useridentity");
  EXPECT_EQ(star[2], "eventtime");
  EXPECT_EQ(star.back(), "eventjsonchecksum");
}

TEST_F(BinderTest, SampleTypes) {
  auto sample = [](int n) {
    for (const SampleQuery& s : SampleQueries()) {
      if (s.number == n) return s.sql;
    }
    return std::string_view();
  };
  EXPECT_EQ(Types(sample(3)), "varchar, varchar, bigint");
  EXPECT_EQ(Types(sample(15)), "bigint, bigint");
  EXPECT_EQ(Types(sample(18)), "varchar, timestamp(3), array(json)");
  EXPECT_EQ(Types(sample(20)), "timestamp(3), varchar, bigint");
  EXPECT_EQ(Types(sample(8)).substr(0, 31), "varchar, varchar, varchar, row(");
}

TEST_F(BinderTest, PathsAreCaseInsensitiveAndNamedAsWritten) {
  EXPECT_EQ(Names("SELECT userIdentity.SessionContext.SessionIssuer.ARN, USERIDENTITY.type, "
                  "\"eventName\" FROM ct_eds"),
            (V{"ARN", "type", "eventName"}));
  EXPECT_EQ(Types("SELECT userIdentity.sessionContext.attributes.creationDate, readOnly, "
                  "requestParameters, resources, tlsDetails.tlsVersion FROM ct_eds"),
            "timestamp(3), boolean, map(varchar, varchar), "
            "array(row(accountid varchar, type varchar, arn varchar, arnprefix varchar)), varchar");
  // AWS's published spelling of the inScopeOf leaf.
  EXPECT_EQ(Types("SELECT userIdentity.inScopeOf.credentiaisIssuedTo FROM ct_eds"), "varchar");
  // Qualified by the table name or an alias.
  EXPECT_EQ(Names("SELECT ct_eds.eventName FROM ct_eds"), (V{"eventName"}));
  EXPECT_EQ(Names("SELECT e.awsRegion FROM ct_eds e"), (V{"awsRegion"}));
  // Once aliased, the table name no longer qualifies (as in Trino).
  EXPECT_EQ(Error("SELECT ct_eds.eventName FROM ct_eds e"),
            "line 1:8: Column 'ct_eds.eventName' cannot be resolved");
  EXPECT_EQ(Names("SELECT eventname FROM EXAMPLEf852-4e8f-8bd1-bcf6cEXAMPLE"), (V{"eventname"}));
  EXPECT_EQ(Names("SELECT element_at(resources, 1).arn, resources[1].type FROM ct_eds"),
            (V{"arn", "type"}));
}

TEST_F(BinderTest, UnnestResources) {
  EXPECT_EQ(Types("SELECT r.arn, r FROM ct_eds CROSS JOIN UNNEST(resources) AS t(r)"),
            "varchar, row(accountid varchar, type varchar, arn varchar, arnprefix varchar)");
  EXPECT_EQ(Names("SELECT arn, type FROM ct_eds CROSS JOIN UNNEST(resources)"), (V{"arn", "type"}));
  EXPECT_EQ(Names("SELECT a, n FROM ct_eds CROSS JOIN UNNEST(resources) WITH ORDINALITY AS t(a, b, "
                  "c, d, n)"),
            (V{"a", "n"}));
  EXPECT_EQ(Types("SELECT k, v FROM ct_eds CROSS JOIN UNNEST(requestParameters) AS t(k, v)"),
            "varchar, varchar");
  EXPECT_EQ(Types("SELECT x FROM UNNEST(ARRAY[1, 2]) AS t(x)"), "bigint");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds CROSS JOIN UNNEST(resources) AS t(a, b)"),
            "line 1:33: Column alias list has 2 entries but 't' has 4 columns available");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds CROSS JOIN UNNEST(eventName) AS t(a)"),
            "line 1:40: Cannot unnest type: varchar");
  EXPECT_EQ(Names("SELECT r.arn FROM ct_eds LEFT JOIN UNNEST(resources) AS t(r) ON TRUE"),
            (V{"arn"}));
}

TEST_F(BinderTest, TimestampLiteralsAreCoerced) {
  int64_t day;
  ASSERT_TRUE(datetime::ParseTimestamp("2023-01-22 00:00:00", &day));
  std::string plan = Plan("SELECT eventName FROM ct_eds WHERE eventTime > '2023-01-22 00:00:00'");
  EXPECT_NE(plan.find("$gt(#2, " + std::to_string(day) + ")"), std::string::npos) << plan;
  // Date-only, ISO form, reversed operands, BETWEEN and IN.
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds WHERE eventTime <= '2020-01-01'"), "OK");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds WHERE '2020-01-01T10:00:00Z' < eventtime"), "OK");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds WHERE eventTime BETWEEN '2020-01-01' AND '2020-01-02 "
                  "10:00:00.123'"),
            "OK");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds WHERE eventTime IN ('2020-01-01', '2020-01-02')"), "OK");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds WHERE eventTime > '?'"),
            "line 1:40: '?' is not a valid timestamp literal (expected YYYY-MM-DD, "
            "YYYY-MM-DD HH:MM:SS[.fff] or ISO 8601)");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds WHERE eventTime > '2023-02-30'"),
            "line 1:40: '2023-02-30' is not a valid timestamp literal (expected YYYY-MM-DD, "
            "YYYY-MM-DD HH:MM:SS[.fff] or ISO 8601)");
}

TEST_F(BinderTest, ConstantsFold) {
  std::string plan = Plan(
      "SELECT 1 + 2 * 3, lower('AbC'), CAST('12' AS bigint), date_trunc('day', TIMESTAMP "
      "'2023-05-06 07:08:09')");
  int64_t day;
  ASSERT_TRUE(datetime::ParseTimestamp("2023-05-06", &day));
  EXPECT_NE(plan.find("Project 7, 'abc', 12, " + std::to_string(day)), std::string::npos) << plan;
  // Division by zero is not folded: it fails only if a row reaches it.
  EXPECT_NE(Plan("SELECT CASE WHEN false THEN 1 / 0 ELSE 2 END").find("Project 2"),
            std::string::npos);
  EXPECT_NE(Plan("SELECT 1 / 0").find("$divide"), std::string::npos);
}

TEST_F(BinderTest, AggregationRules) {
  EXPECT_EQ(Error("SELECT eventName, count(*) FROM ct_eds"),
            "line 1:8: 'eventName' must be an aggregate expression or appear in GROUP BY clause");
  EXPECT_EQ(Error("SELECT eventName, awsRegion FROM ct_eds GROUP BY eventName"),
            "line 1:19: 'awsRegion' must be an aggregate expression or appear in GROUP BY clause");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds WHERE count(*) > 1"),
            "line 1:28: WHERE clause cannot contain aggregations or window functions: [count(*)]");
  EXPECT_EQ(Error("SELECT sum(count(*)) FROM ct_eds"),
            "line 1:12: Cannot nest aggregations inside aggregation 'sum': [count(*)]");
  EXPECT_EQ(
      Error("SELECT 1 FROM ct_eds GROUP BY count(*)"),
      "line 1:31: GROUP BY clause cannot contain aggregations or window functions: [count(*)]");
  EXPECT_EQ(Error("SELECT count(*) FROM ct_eds GROUP BY 1"),
            "line 1:38: GROUP BY position 1 is an aggregate or window function");
  EXPECT_EQ(Error("SELECT eventName FROM ct_eds GROUP BY 2"),
            "line 1:39: GROUP BY position 2 is not in select list");
  // Grouped expressions may be used in larger expressions; ordinals and the map column work.
  EXPECT_EQ(Error("SELECT lower(eventName) || '!', count(*) FROM ct_eds GROUP BY eventName"), "OK");
  EXPECT_EQ(Error("SELECT eventName, count(*) FROM ct_eds GROUP BY 1 ORDER BY 2 DESC"), "OK");
  EXPECT_EQ(Error("SELECT requestParameters, count(*) FROM ct_eds GROUP BY requestParameters"),
            "OK");
  EXPECT_EQ(Error("SELECT count(DISTINCT eventName), approx_distinct(eventName), max_by(eventName, "
                  "eventTime), "
                  "min_by(eventName, eventTime), array_agg(eventName), arbitrary(eventType), "
                  "sum(1), avg(2), "
                  "min(eventTime), max(eventTime) FROM ct_eds"),
            "OK");
  EXPECT_EQ(Error("SELECT count(*) FROM ct_eds HAVING count(*) > 2"), "OK");
  EXPECT_EQ(Error("SELECT eventName FROM ct_eds HAVING count(*) > 2"),
            "line 1:8: 'eventName' must be an aggregate expression or appear in GROUP BY clause");
  // Identical aggregates are computed once.
  std::string plan = Plan("SELECT count(*), count(*) + 1 FROM ct_eds ORDER BY count(*)");
  EXPECT_NE(plan.find("aggs=[count()]"), std::string::npos) << plan;
  EXPECT_EQ(plan.find("count(*)"), std::string::npos) << plan;
}

TEST_F(BinderTest, OrderByResolution) {
  // An alias, an ordinal, an input column not in the select list, an expression of an alias.
  EXPECT_EQ(Names("SELECT eventName AS n FROM ct_eds ORDER BY n"), (V{"n"}));
  EXPECT_EQ(Names("SELECT eventName FROM ct_eds ORDER BY 1 DESC NULLS FIRST"), (V{"eventName"}));
  EXPECT_EQ(Names("SELECT eventName FROM ct_eds ORDER BY eventTime"), (V{"eventName"}));
  EXPECT_EQ(Names("SELECT eventName AS n FROM ct_eds ORDER BY lower(n)"), (V{"n"}));
  EXPECT_EQ(Error("SELECT eventName FROM ct_eds ORDER BY 2"),
            "line 1:39: ORDER BY position 2 is not in select list");
  EXPECT_EQ(Error("SELECT DISTINCT eventName FROM ct_eds ORDER BY eventTime"),
            "line 1:48: For SELECT DISTINCT, ORDER BY expressions must appear in select list");
  EXPECT_EQ(Error("SELECT eventName FROM ct_eds ORDER BY requestParameters"),
            "line 1:39: Type map(varchar, varchar) is not orderable, and therefore cannot be used "
            "in ORDER BY");
  EXPECT_EQ(Names("SELECT eventId FROM ct_eds UNION ALL SELECT eventId FROM ct_eds2 ORDER BY "
                  "eventId LIMIT 3"),
            (V{"eventId"}));
  EXPECT_EQ(
      Error("SELECT eventId FROM ct_eds UNION SELECT eventId FROM ct_eds2 ORDER BY eventTime"),
      "line 1:71: Column 'eventTime' cannot be resolved");
}

TEST_F(BinderTest, NameErrors) {
  EXPECT_EQ(Error("SELECT nope FROM ct_eds"), "line 1:8: Column 'nope' cannot be resolved");
  EXPECT_EQ(Error("SELECT userIdentity.nope FROM ct_eds"),
            "line 1:21: Column 'userIdentity.nope' cannot be resolved");
  EXPECT_EQ(Error("SELECT requestParameters.bucketName FROM ct_eds"),
            "line 1:26: 'requestParameters' is a map: use element_at(requestParameters, "
            "'bucketName') to read a key");
  EXPECT_EQ(Error("SELECT resources.arn FROM ct_eds"),
            "line 1:18: 'resources' is an array: use element_at(resources, 1).arn or CROSS JOIN "
            "UNNEST(resources)");
  EXPECT_EQ(Error("SELECT eventName FROM ct_eds a JOIN ct_eds2 b ON a.eventId = b.eventId"),
            "line 1:8: Column 'eventName' is ambiguous");
  EXPECT_EQ(Error("SELECT 1 FROM nosuch"),
            "EventDataStoreNotFoundException: line 1:15: Event data store 'nosuch' does not exist "
            "or is not accessible");
  EXPECT_EQ(Error("SELECT foo(1)"), "line 1:8: Function 'foo' not registered");
  EXPECT_EQ(
      Error("SELECT lower(1)"),
      "line 1:8: Unexpected parameters (bigint) for function lower. Expected: lower(varchar)");
  EXPECT_EQ(Error("SELECT element_at(requestParameters) FROM ct_eds"),
            "line 1:8: Unexpected parameters (map(varchar, varchar)) for function element_at. "
            "Expected: element_at(map(K, V), K) or element_at(array(T), bigint)");
  EXPECT_EQ(Error("SELECT rank() FROM ct_eds"),
            "line 1:8: Window function 'rank' requires an OVER clause");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds WHERE eventName"),
            "line 1:28: WHERE clause must evaluate to a boolean: actual type varchar");
  EXPECT_EQ(Error("SELECT eventName = 1 FROM ct_eds"),
            "line 1:18: Cannot apply operator: varchar = bigint");
  EXPECT_EQ(Error("SELECT 1 UNION SELECT 1, 2"),
            "line 1:10: UNION query has different number of fields: 1, 2");
  EXPECT_EQ(Error("SELECT 1 UNION SELECT 'a'"),
            "line 1:10: column 1 in UNION query has incompatible types: bigint, varchar");
  EXPECT_EQ(Error("SELECT x -> 1"),
            "line 1:8: Lambda expression is only allowed as a function argument");
  EXPECT_EQ(Error("SELECT CAST(1 AS map(bigint, bigint))"),
            "line 1:18: map keys must be varchar in this dialect (maps are JSON objects): "
            "map(bigint, bigint)");
  EXPECT_EQ(Error("SELECT regexp_like('a', '(')"),
            "line 1:8: Invalid regular expression: missing ')'");
  EXPECT_EQ(Error("SELECT json_extract('{}', 'a.b')"),
            "line 1:8: Invalid JSON path: 'a.b': a JSON path must start with '$'");
  EXPECT_EQ(Error("SELECT date_trunc('fortnight', now())"),
            "line 1:8: 'fortnight' is not a valid Timestamp field");
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds e JOIN ct_eds2 e ON true"),
            "line 1:24: Relations appear more than once: e");
}

TEST_F(BinderTest, ScopesCtesSubqueriesAndJoins) {
  EXPECT_EQ(Names("WITH recent AS (SELECT eventName AS n, eventTime FROM ct_eds WHERE eventTime > "
                  "'2024-01-01') "
                  "SELECT n FROM recent r WHERE r.eventTime < '2024-02-01'"),
            (V{"n"}));
  // A CTE sees the ones before it; names are case-insensitive.
  EXPECT_EQ(Error("WITH a AS (SELECT 1 AS x), b AS (SELECT x + 1 AS y FROM A) SELECT y FROM b"),
            "OK");
  EXPECT_EQ(Error("WITH a AS (SELECT x FROM b), b AS (SELECT 1 AS x) SELECT x FROM a"),
            "EventDataStoreNotFoundException: line 1:26: Event data store 'b' does not exist or is "
            "not accessible");
  EXPECT_EQ(Error("WITH a(x, y) AS (SELECT 1, 2) SELECT x + y FROM a"), "OK");
  EXPECT_EQ(Error("SELECT eventName FROM ct_eds WHERE eventId IN (SELECT eventId FROM ct_eds2 "
                  "WHERE readOnly)"),
            "OK");
  EXPECT_EQ(Error("SELECT (SELECT max(eventTime) FROM ct_eds2), EXISTS (SELECT 1 FROM ct_eds3)"),
            "OK");
  EXPECT_EQ(
      Error(
          "SELECT eventName FROM ct_eds WHERE eventId IN (SELECT eventId, eventName FROM ct_eds2)"),
      "line 1:44: Multiple columns returned by subquery are not yet supported. Found 2");
  EXPECT_EQ(Error("SELECT a.eventName FROM ct_eds a RIGHT JOIN ct_eds2 b ON a.eventId = b.eventId "
                  "FULL JOIN ct_eds3 c ON c.eventId = b.eventId"),
            "OK");
  // USING: the column is visible once, unqualified; it must be unambiguous on each side.
  EXPECT_EQ(Names("SELECT eventId, b.eventName FROM ct_eds a JOIN ct_eds2 b USING (eventId)"),
            (V{"eventId", "eventName"}));
  EXPECT_EQ(Error("SELECT 1 FROM ct_eds a JOIN ct_eds2 b ON true JOIN ct_eds3 c USING (eventId)"),
            "line 1:69: Column 'eventId' is ambiguous");
  EXPECT_EQ(Error("SELECT * FROM (SELECT 1) t(a, b)"),
            "line 1:15: Column alias list has 2 entries but 't' has 1 columns available");
  EXPECT_EQ(Names("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(id, name)"), (V{"id", "name"}));
  EXPECT_EQ(Types("SELECT * FROM (VALUES (1, NULL), (2.5, 'b'))"), "double, varchar");
}

TEST_F(BinderTest, LambdasAndJsonMapFunctions) {
  EXPECT_EQ(
      Types(
          "SELECT transform(split('a,b', ','), x -> upper(x)), filter(ARRAY[1, 2, 3], x -> x > 1), "
          "any_match(ARRAY['a'], s -> s LIKE 'a%')"),
      "array(varchar), array(bigint), boolean");
  // A lambda may capture columns of the row.
  EXPECT_EQ(Types("SELECT transform(resources, r -> r.arn || eventName) FROM ct_eds"),
            "array(varchar)");
  EXPECT_EQ(Error("SELECT transform(ARRAY[1], (x, y) -> x)"),
            "line 1:28: Expected a lambda that takes 1 argument(s) but got 2");
  EXPECT_EQ(
      Types("SELECT cast(json_parse('{}') AS map(varchar, json)), map_keys(requestParameters), "
            "requestParameters['bucketName'], json_extract_scalar(eventJson, '$.a[0].b') FROM "
            "ct_eds"),
      "map(varchar, json), array(varchar), varchar, varchar");
}

TEST_F(BinderTest, WindowFunctionsBind) {
  EXPECT_EQ(
      Types("SELECT eventName, row_number() OVER (PARTITION BY eventName ORDER BY eventTime DESC), "
            "count(*) OVER (), lag(eventTime, 1) OVER (ORDER BY eventTime) FROM ct_eds"),
      "varchar, bigint, bigint, timestamp(3)");
  EXPECT_EQ(Types("SELECT eventName, count(*), rank() OVER (ORDER BY count(*) DESC) FROM ct_eds "
                  "GROUP BY eventName"),
            "varchar, bigint, bigint");
  EXPECT_EQ(
      Error("SELECT 1 FROM ct_eds WHERE rank() OVER () > 1"),
      "line 1:28: WHERE clause cannot contain aggregations or window functions: [rank() OVER ()]");
}

TEST_F(BinderTest, HostileCteExpansionIsRefused) {
  // Each CTE references the previous one twice: inlining doubles the plan at every level.
  std::string sql = "WITH t0 AS (SELECT 1 AS x)";
  for (int i = 1; i <= 30; ++i) {
    sql += ", t" + std::to_string(i) + " AS (SELECT a.x FROM t" + std::to_string(i - 1) + " a, t" +
           std::to_string(i - 1) + " b)";
  }
  sql += " SELECT * FROM t30";
  EXPECT_NE(Error(sql).find("too complex"), std::string::npos) << Error(sql);
}

TEST(CatalogTest, CloudTrailLeavesMapToStoreColumns) {
  // Every Lake column of the store's catalog is reachable from SQL, and every SQL leaf except
  // resources.arnprefix has a store column.
  const TableSchema& ct = CloudTrailSchema();
  std::vector<std::string> sql_leaves;
  for (const auto& [path, type] : LeafPaths(ct.row_type())) {
    sql_leaves.push_back(path);
    if (path == "resources.arnprefix") {
      EXPECT_FALSE(ct.StoreColumn(path).has_value());
      continue;
    }
    EXPECT_TRUE(ct.StoreColumn(path).has_value()) << path;
  }
  for (const ColumnDef& def : AllColumns()) {
    if (!def.lake) continue;
    EXPECT_NE(std::find(sql_leaves.begin(), sql_leaves.end(), def.name), sql_leaves.end())
        << def.name;
  }
  EXPECT_EQ(ct.columns().size(), 34u);
  EXPECT_GE(ConfigSchema().row_type().FieldIndex("eventdata"), 0);
  EXPECT_GE(ConfigSchema().row_type().FieldIndex("eventjson"), 0);
  EXPECT_EQ(*ct.StoreColumn("userIdentity.ARN"), ColumnId::kUserIdentityArn);
}

}  // namespace
}  // namespace cairn::sql
