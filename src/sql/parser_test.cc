#include "sql/parser.h"

#include <gtest/gtest.h>

#include "sql/sample_queries.h"

namespace cairn::sql {
namespace {

std::string Expr(std::string_view sql) {
  auto r = ParseExpression(sql);
  if (!r.ok()) return "ERROR " + r.status().message();
  return ast::ToSql(**r);
}

std::string Stmt(std::string_view sql) {
  auto r = ParseStatement(sql);
  if (!r.ok()) return "ERROR " + r.status().message();
  return ast::ToSql(**r);
}

// The error text as the Lake shows it ("line 1:8: ..."), checking the exception name.
std::string Error(std::string_view sql) {
  auto r = ParseStatement(sql);
  if (r.ok()) return ("OK " + ast::ToSql(**r)).substr(0, 300);
  auto e = SqlError::FromStatus(r.status());
  if (!e) return "NOT A SQL ERROR " + r.status().ToString();
  EXPECT_EQ(e->exception, kInvalidQueryStatement);
  return e->Text();
}

TEST(ParserTest, Precedence) {
  EXPECT_EQ(Expr("1 + 2 * 3"), "(1 + (2 * 3))");
  EXPECT_EQ(Expr("1 - 2 - 3"), "((1 - 2) - 3)");
  EXPECT_EQ(Expr("-a * b"), "((-(a)) * b)");
  EXPECT_EQ(Expr("a || b + c"), "(a || (b + c))");
  EXPECT_EQ(Expr("a = 1 OR b = 2 AND NOT c"), "((a = 1) OR ((b = 2) AND (NOT c)))");
  EXPECT_EQ(Expr("a AND b AND c OR d"), "((a AND b AND c) OR d)");
  EXPECT_EQ(Expr("NOT a = b"), "(NOT (a = b))");
  EXPECT_EQ(Expr("a + 1 BETWEEN b AND c + 1"), "((a + 1) BETWEEN b AND (c + 1))");
  EXPECT_EQ(Expr("x NOT BETWEEN 1 AND 2 AND y"), "((x NOT BETWEEN 1 AND 2) AND y)");
  EXPECT_EQ(Expr("-5"), "-5");
  EXPECT_EQ(Expr("-9223372036854775808"), "-9223372036854775808");
  EXPECT_EQ(Expr("- -5"), "(-(-5))");
  EXPECT_EQ(Expr("a % 3 / 2"), "((a % 3) / 2)");
}

TEST(ParserTest, Predicates) {
  EXPECT_EQ(Expr("a IS NULL"), "(a IS NULL)");
  EXPECT_EQ(Expr("a IS NOT NULL"), "(a IS NOT NULL)");
  EXPECT_EQ(Expr("a IS DISTINCT FROM b"), "(a IS DISTINCT FROM b)");
  EXPECT_EQ(Expr("a IS NOT DISTINCT FROM NULL"), "(a IS NOT DISTINCT FROM NULL)");
  EXPECT_EQ(Expr("awsRegion IN ('us-east-1', 'us-west-2')"),
            "(awsRegion IN ('us-east-1', 'us-west-2'))");
  EXPECT_EQ(Expr("x NOT IN (1)"), "(x NOT IN (1))");
  EXPECT_EQ(Expr("x IN (SELECT a FROM t)"), "(x IN (SELECT a FROM t))");
  EXPECT_EQ(Expr("x LIKE '%a\\_%' ESCAPE '\\'"), "(x LIKE '%a\\_%' ESCAPE '\\')");
  EXPECT_EQ(Expr("x NOT LIKE 'a%'"), "(x NOT LIKE 'a%')");
  EXPECT_EQ(Expr("a <> b"), "(a <> b)");
  EXPECT_EQ(Expr("a != b"), "(a <> b)");
  EXPECT_EQ(Expr("EXISTS (SELECT 1)"), "EXISTS (SELECT 1)");
  // One predicate per value, as in Trino.
  EXPECT_EQ(
      Expr("1 = 1 = TRUE"),
      "ERROR InvalidQueryStatementException: line 1:7: mismatched input '='. Expecting: <EOF>");
}

TEST(ParserTest, NamesAndPaths) {
  EXPECT_EQ(Expr("userIdentity.sessionContext.sessionIssuer.arn"),
            "userIdentity.sessionContext.sessionIssuer.arn");
  EXPECT_EQ(Expr("\"select\".\"A b\""), "\"select\".\"A b\"");
  EXPECT_EQ(Expr("element_at(resources, 1).arn"), "element_at(resources, 1).arn");
  EXPECT_EQ(Expr("requestParameters['bucketName']"), "requestParameters['bucketName']");
  EXPECT_EQ(Expr("a[1].b[2]"), "a[1].b[2]");
  EXPECT_EQ(Expr("t.type"), "t.type");
  EXPECT_EQ(Expr("x.from"), "x.from");  // any word after a dot
  EXPECT_EQ(Expr("from"),
            "ERROR InvalidQueryStatementException: line 1:1: mismatched input 'from'. Expecting: "
            "expression");
}

TEST(ParserTest, FunctionsAndSpecialForms) {
  EXPECT_EQ(Expr("count(*)"), "count(*)");
  EXPECT_EQ(Expr("COUNT(DISTINCT eventName)"), "COUNT(DISTINCT eventName)");
  EXPECT_EQ(Expr("count(*) FILTER (WHERE x > 1)"), "count(*) FILTER (WHERE (x > 1))");
  EXPECT_EQ(Expr("array_agg(x ORDER BY y DESC)"), "array_agg(x ORDER BY y DESC)");
  EXPECT_EQ(Expr("now()"), "now()");
  EXPECT_EQ(Expr("current_timestamp"), "current_timestamp()");
  EXPECT_EQ(Expr("CURRENT_TIMESTAMP(3)"), "current_timestamp()");
  EXPECT_EQ(Expr("EXTRACT(YEAR FROM eventTime)"), "year(eventTime)");
  EXPECT_EQ(Expr("substring(s FROM 2 FOR 3)"), "substr(s, 2, 3)");
  EXPECT_EQ(Expr("substring(s, 2)"), "substr(s, 2)");
  EXPECT_EQ(Expr("position('a' IN s)"), "strpos(s, 'a')");
  EXPECT_EQ(Expr("trim(s)"), "trim(s)");
  EXPECT_EQ(Expr("trim(LEADING 'x' FROM s)"), "ltrim(s, 'x')");
  EXPECT_EQ(Expr("trim(TRAILING FROM s)"), "rtrim(s)");
  EXPECT_EQ(Expr("trim(BOTH FROM s)"), "trim(s)");
  EXPECT_EQ(Expr("IF(readOnly, 'read', 'write')"), "IF(readOnly, 'read', 'write')");
  EXPECT_EQ(Expr("CAST(x AS varchar)"), "CAST(x AS varchar)");
  EXPECT_EQ(Expr("try_cast(x AS BIGINT)"), "TRY_CAST(x AS bigint)");
  EXPECT_EQ(Expr("cast(x AS map(varchar, json))"), "CAST(x AS map(varchar, json))");
  EXPECT_EQ(Expr("cast(x AS array<map<varchar,array<bigint>>>)"),
            "CAST(x AS array(map(varchar, array(bigint))))");
  EXPECT_EQ(Expr("cast(x AS row(a bigint, \"B\" double precision, varchar))"),
            "CAST(x AS row(\"a\" bigint, \"B\" double, varchar))");
  EXPECT_EQ(Expr("cast(x AS timestamp(3) with time zone)"),
            "CAST(x AS timestamp(3) with time zone)");
  EXPECT_EQ(Expr("cast(x AS decimal(10,2))"), "CAST(x AS decimal(10, 2))");
  EXPECT_EQ(Expr("TIMESTAMP '2023-01-01 00:00:00'"), "CAST('2023-01-01 00:00:00' AS timestamp)");
  EXPECT_EQ(Expr("DATE '2023-01-01'"), "CAST('2023-01-01' AS date)");
  EXPECT_EQ(Expr("INTERVAL '7' DAY"), "INTERVAL '7' DAY");
  EXPECT_EQ(Expr("now() - INTERVAL -'1' HOUR"), "(now() - INTERVAL -'1' HOUR)");
  EXPECT_EQ(Expr("INTERVAL '1 02:00:00' DAY TO SECOND"), "INTERVAL '1 02:00:00' DAY TO SECOND");
  EXPECT_EQ(Expr("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"),
            "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END");
  EXPECT_EQ(Expr("CASE x WHEN 1 THEN 'a' END"), "CASE x WHEN 1 THEN 'a' END");
  EXPECT_EQ(Expr("ARRAY[1, 2]"), "ARRAY[1, 2]");
  EXPECT_EQ(Expr("ARRAY[]"), "ARRAY[]");
  EXPECT_EQ(Expr("ROW(1, 'a')"), "ROW(1, 'a')");
  EXPECT_EQ(Expr("(1, 'a')"), "ROW(1, 'a')");
  EXPECT_EQ(Expr("(SELECT max(x) FROM t)"), "(SELECT max(x) FROM t)");
}

TEST(ParserTest, Lambdas) {
  EXPECT_EQ(Expr("transform(a, x -> x + 1)"), "transform(a, ((x) -> (x + 1)))");
  EXPECT_EQ(Expr("filter(a, (x) -> x IS NOT NULL)"), "filter(a, ((x) -> (x IS NOT NULL)))");
  EXPECT_EQ(Expr("reduce(a, 0, (s, x) -> s + x, s -> s)"),
            "reduce(a, 0, ((s, x) -> (s + x)), ((s) -> s))");
  EXPECT_EQ(Expr("f(() -> 1)"), "f((() -> 1))");
  // A lambda body is one predicate: what follows applies to the lambda (found by the fuzz test).
  EXPECT_EQ(Expr("f(p -> a = b = c)"), "f((((p) -> (a = b)) = c))");
  EXPECT_EQ(Expr("(x) + 1"), "(x + 1)");
}

TEST(ParserTest, WindowFunctions) {
  EXPECT_EQ(Expr("row_number() OVER (PARTITION BY a ORDER BY b DESC NULLS LAST)"),
            "row_number() OVER (PARTITION BY a ORDER BY b DESC NULLS LAST)");
  EXPECT_EQ(Expr("sum(x) OVER (ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"),
            "sum(x) OVER (ORDER BY t ASC ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
  EXPECT_EQ(Expr("count(*) OVER ()"), "count(*) OVER ()");
  EXPECT_EQ(Expr("avg(x) OVER (RANGE 3 PRECEDING)"), "avg(x) OVER (RANGE 3 PRECEDING)");
}

TEST(ParserTest, Statements) {
  EXPECT_EQ(Stmt("select distinct a as b, t.* from t where x group by 1 having count(*) > 1 "
                 "order by 2 desc nulls first limit 10"),
            "SELECT DISTINCT a AS b, t.* FROM t WHERE x GROUP BY 1 HAVING (count(*) > 1) "
            "ORDER BY 2 DESC NULLS FIRST LIMIT 10");
  EXPECT_EQ(Stmt("SELECT * FROM t;"), "SELECT * FROM t");
  EXPECT_EQ(Stmt("SELECT 1"), "SELECT 1");
  EXPECT_EQ(Stmt("SELECT x key, y value, z \"user\" FROM t"),
            "SELECT x AS key, y AS value, z AS \"user\" FROM t");
  EXPECT_EQ(Stmt("SELECT a FROM t LIMIT ALL"), "SELECT a FROM t");
  EXPECT_EQ(Stmt("SELECT a FROM t OFFSET 5 ROWS FETCH FIRST 3 ROWS ONLY"),
            "SELECT a FROM t OFFSET 5 LIMIT 3");
  EXPECT_EQ(Stmt("SELECT a FROM t LIMIT 3 OFFSET 5"), "SELECT a FROM t OFFSET 5 LIMIT 3");
  EXPECT_EQ(Stmt("WITH a AS (SELECT 1), b(x) AS (SELECT 2) SELECT * FROM a, b"),
            "WITH a AS (SELECT 1), b(x) AS (SELECT 2) SELECT * FROM a CROSS JOIN b");
  EXPECT_EQ(Stmt("SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 ORDER BY 1 LIMIT 2"),
            "SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 ORDER BY 1 ASC LIMIT 2");
  EXPECT_EQ(Stmt("(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3"),
            "(SELECT 1 UNION SELECT 2) INTERSECT SELECT 3");
  // A parenthesized query continued by UNION inside an expression (found by the fuzz test).
  EXPECT_EQ(Stmt("SELECT ((SELECT 1) UNION (SELECT 2)), 3 IN ((SELECT 1) UNION ALL (SELECT 3))"),
            "SELECT ((SELECT 1) UNION (SELECT 2)), (3 IN ((SELECT 1) UNION ALL (SELECT 3)))");
  EXPECT_EQ(Stmt("SELECT ((SELECT 1)) + 1"), "SELECT ((SELECT 1) + 1)");
  EXPECT_EQ(Stmt("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"),
            "SELECT 1 UNION (SELECT 2 INTERSECT SELECT 3)");
  EXPECT_EQ(Stmt("SELECT 1 EXCEPT DISTINCT SELECT 2"), "SELECT 1 EXCEPT SELECT 2");
  EXPECT_EQ(Stmt("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u)"),
            "(SELECT a FROM t ORDER BY a ASC LIMIT 1) UNION ALL (SELECT b FROM u)");
  EXPECT_EQ(Stmt("VALUES (1, 'a'), (2, 'b')"), "SELECT * FROM (VALUES ROW(1, 'a'), ROW(2, 'b'))");
  EXPECT_EQ(Stmt("SELECT * FROM (VALUES 1, 2) AS v(x)"), "SELECT * FROM (VALUES 1, 2) AS v(x)");
}

TEST(ParserTest, Relations) {
  EXPECT_EQ(Stmt("SELECT 1 FROM EXAMPLEf852-4e8f-8bd1-bcf6cEXAMPLE"),
            "SELECT 1 FROM EXAMPLEf852-4e8f-8bd1-bcf6cEXAMPLE");
  EXPECT_EQ(Stmt("SELECT 1 FROM 0b5f5c3e-2d6a-4c1e-9a7b-1234567890ab AS e WHERE e.x = 1"),
            "SELECT 1 FROM 0b5f5c3e-2d6a-4c1e-9a7b-1234567890ab AS e WHERE (e.x = 1)");
  EXPECT_EQ(Stmt("SELECT 1 FROM \"EXAMPLE-f852\" e"), "SELECT 1 FROM \"EXAMPLE-f852\" AS e");
  EXPECT_EQ(Stmt("SELECT r.arn FROM ct_eds CROSS JOIN UNNEST(resources) AS t(r)"),
            "SELECT r.arn FROM ct_eds CROSS JOIN UNNEST(resources) AS t(r)");
  EXPECT_EQ(Stmt("SELECT 1 FROM a, UNNEST(x, y) WITH ORDINALITY u(p, q, n)"),
            "SELECT 1 FROM a CROSS JOIN UNNEST(x, y) WITH ORDINALITY AS u(p, q, n)");
  EXPECT_EQ(Stmt("SELECT 1 FROM a LEFT OUTER JOIN b ON a.x = b.x RIGHT JOIN c USING (y) "
                 "INNER JOIN d ON TRUE FULL JOIN e ON FALSE"),
            "SELECT 1 FROM a LEFT JOIN b ON (a.x = b.x) RIGHT JOIN c USING (y) JOIN d ON TRUE "
            "FULL JOIN e ON FALSE");
  EXPECT_EQ(Stmt("SELECT 1 FROM a JOIN (b JOIN c ON p) ON q"),
            "SELECT 1 FROM a JOIN (b JOIN c ON p) ON q");
  EXPECT_EQ(Stmt("SELECT * FROM (SELECT a FROM t) WHERE a IS NOT NULL"),
            "SELECT * FROM (SELECT a FROM t) WHERE (a IS NOT NULL)");
  EXPECT_EQ(Stmt("SELECT * FROM ((SELECT a FROM t) x JOIN u ON TRUE)"),
            "SELECT * FROM (SELECT a FROM t) AS x JOIN u ON TRUE");
  EXPECT_EQ(Stmt("SELECT * FROM ((SELECT 1) UNION (SELECT 2)) z"),
            "SELECT * FROM ((SELECT 1) UNION (SELECT 2)) AS z");
}

TEST(ParserTest, RefusedStatements) {
  EXPECT_EQ(
      Error("INSERT INTO t VALUES (1)"),
      "line 1:1: INSERT statements are not supported: CloudTrail Lake runs SELECT queries only");
  EXPECT_EQ(
      Error("  drop table x"),
      "line 1:3: DROP statements are not supported: CloudTrail Lake runs SELECT queries only");
  EXPECT_EQ(
      Error("create table x (a int)"),
      "line 1:1: CREATE statements are not supported: CloudTrail Lake runs SELECT queries only");
  EXPECT_EQ(Error("SELECT 1; SELECT 2"),
            "line 1:11: multiple statements are not supported: submit one query at a time");
  EXPECT_EQ(Error(""), "line 1:1: the query statement is empty");
  EXPECT_EQ(Error("  -- nothing"), "line 1:13: the query statement is empty");
  EXPECT_EQ(Error("SELECT * FROM t WHERE eventTime > ?"),
            "line 1:35: query parameters ('?') must be substituted before the query runs");
  std::string limit = "SELECT '" + std::string(9991, 'x') + "'";
  EXPECT_EQ(Error(limit).substr(0, 2), "OK") << "exactly 10000 characters are allowed";
  EXPECT_EQ(Error(limit + " "), "the query statement is 10001 characters long; the limit is 10000");
  std::string multibyte = "SELECT '" + std::string(9981, 'x');
  for (int i = 0; i < 10; ++i) multibyte += "\xc3\xa9";  // é: two bytes, one character
  EXPECT_EQ(Error(multibyte + "'").substr(0, 2), "OK");
}

TEST(ParserTest, SyntaxErrorsSayWhere) {
  EXPECT_EQ(Error("SELECT FROM t"), "line 1:8: mismatched input 'FROM'. Expecting: expression");
  EXPECT_EQ(Error("SELECT a\nFROM t\nWHERE"),
            "line 3:6: mismatched input '<EOF>'. Expecting: expression");
  EXPECT_EQ(Error("SELECT a FROM t WHERE a = 1 b"),
            "line 1:29: mismatched input 'b'. Expecting: <EOF>");
  EXPECT_EQ(Error("SELECT a FROM"), "line 1:14: mismatched input '<EOF>'. Expecting: table name");
  EXPECT_EQ(Error("SELECT a FROM t JOIN u"),
            "line 1:23: mismatched input '<EOF>'. Expecting: ON, USING");
  EXPECT_EQ(Error("SELECT CAST(a varchar) FROM t"),
            "line 1:15: mismatched input 'varchar'. Expecting: AS");
  EXPECT_EQ(Error("SELECT 99999999999999999999"),
            "line 1:8: invalid numeric literal: 99999999999999999999");
  EXPECT_EQ(
      Error("SELECT a FROM catalog.schema.t"),
      "line 1:22: qualified table names are not supported: name the event data store by its id");
  EXPECT_EQ(Error("SELECT a FROM t GROUP BY ROLLUP(a)"),
            "line 1:26: ROLLUP in GROUP BY is not supported");
  EXPECT_EQ(Error("WITH RECURSIVE t AS (SELECT 1) SELECT 1"),
            "line 1:6: WITH RECURSIVE is not supported");
  EXPECT_EQ(Error("SELECT a NOT x"), "line 1:10: mismatched input 'NOT'. Expecting: <EOF>");
  // A type that needs parameters names no typed literal (found by parser_fuzz: `row 'x'` printed
  // as CAST('x' AS row()), which does not parse).
  EXPECT_EQ(Error("SELECT row 'x'"), "line 1:12: mismatched input ''x''. Expecting: <EOF>");
  EXPECT_EQ(Error("SELECT a FROM t WHERE a NOT x"),
            "line 1:25: mismatched input 'NOT'. Expecting: <EOF>");
}

TEST(ParserTest, HostileNestingIsRefusedNotCrashed) {
  std::string deep_parens = "SELECT " + std::string(3000, '(') + "1" + std::string(3000, ')');
  EXPECT_NE(Error(deep_parens).find("too deeply nested"), std::string::npos)
      << Error(deep_parens).substr(0, 200);
  std::string deep_not = "SELECT ";
  for (int i = 0; i < 2000; ++i) deep_not += "NOT ";
  deep_not += "TRUE";
  EXPECT_NE(Error(deep_not).find("too deeply nested"), std::string::npos);
  std::string long_chain = "SELECT 1";
  for (int i = 0; i < 3000; ++i) long_chain += "+1";
  EXPECT_NE(Error(long_chain).find("too deeply nested"), std::string::npos);
  std::string deep_sub = "SELECT ";
  for (int i = 0; i < 1000; ++i) deep_sub += "(SELECT ";
  deep_sub += "1";
  for (int i = 0; i < 1000; ++i) deep_sub += ")";
  EXPECT_NE(Error(deep_sub).find("too deeply nested"), std::string::npos);
  std::string deep_type = "SELECT CAST(x AS ";
  for (int i = 0; i < 1000; ++i) deep_type += "array(";
  deep_type += "bigint";
  for (int i = 0; i < 1000; ++i) deep_type += ")";
  deep_type += ")";
  EXPECT_NE(Error(deep_type).find("too deeply nested"), std::string::npos);
  // A long flat OR list is fine: it is one node.
  std::string wide = "SELECT 1 FROM t WHERE a = 0";
  for (int i = 1; i < 800; ++i) wide += " OR a = " + std::to_string(i);
  EXPECT_EQ(Error(wide).substr(0, 2), "OK");
}

TEST(ParserTest, SampleQueriesParseAndPrintStably) {
  ASSERT_GE(SampleQueries().size(), 22u);
  for (const SampleQuery& s : SampleQueries()) {
    auto q = ParseStatement(s.sql);
    ASSERT_TRUE(q.ok()) << "sample " << s.number << ": " << q.status().ToString();
    std::string once = ast::ToSql(**q);
    auto again = ParseStatement(once);
    ASSERT_TRUE(again.ok()) << "sample " << s.number << " reprinted: " << once << "\n"
                            << again.status().ToString();
    EXPECT_EQ(ast::ToSql(**again), once) << "sample " << s.number;
  }
}

}  // namespace
}  // namespace cairn::sql
