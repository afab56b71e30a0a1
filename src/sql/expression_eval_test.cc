#include "sql/expression_eval.h"

#include <gtest/gtest.h>

#include "sql/sql_test_util.h"

namespace cairn::sql {
namespace {

class ExpressionEvalTest : public ::testing::Test, public testing::SqlFixture {};

// The truth tables of SQL's three-valued logic, evaluated as batches.
TEST_F(ExpressionEvalTest, ThreeValuedLogic) {
  std::string rows =
      "(TRUE, TRUE), (TRUE, FALSE), (TRUE, NULL), (FALSE, FALSE), (FALSE, NULL), (NULL, NULL), "
      "(FALSE, TRUE), (NULL, TRUE)";
  EXPECT_EQ(Sql("SELECT a AND b, a OR b, NOT a, a IS NULL, a IS NOT DISTINCT FROM b FROM (VALUES " +
                rows + ") AS t(a, b)"),
            "true|true|false|false|true\n"
            "false|true|false|false|false\n"
            "NULL|true|false|false|false\n"
            "false|false|true|false|true\n"
            "false|NULL|true|false|false\n"
            "NULL|NULL|NULL|true|true\n"
            "false|true|true|false|false\n"
            "NULL|true|NULL|true|false");
  EXPECT_EQ(Sql("SELECT count(*) FROM (VALUES " + rows + ") AS t(a, b) WHERE a OR b"), "5");
}

TEST_F(ExpressionEvalTest, Comparisons) {
  EXPECT_EQ(Over("1, 2, 3, NULL", "x BETWEEN 2 AND 3"), "false,true,true,NULL");
  EXPECT_EQ(Over("1, 2, NULL", "x NOT BETWEEN 2 AND 3"), "true,false,NULL");
  EXPECT_EQ(Over("'a', 'b', NULL", "x IN ('a', 'c')"), "true,false,NULL");
  EXPECT_EQ(Over("'a', 'b'", "x IN ('a', NULL)"), "true,NULL");
  EXPECT_EQ(Over("'a', 'b'", "x NOT IN ('a', NULL)"), "false,NULL");
  EXPECT_EQ(Over("1, 2", "x IN (1.0, 3)"), "true,false");
  EXPECT_EQ(Over("1, NULL", "x IS DISTINCT FROM 1"), "false,true");
  EXPECT_EQ(Over("'b', 'a', ''", "x > 'a'"), "true,false,false");
  EXPECT_EQ(Over("nan(), 1.0", "x = x"), "false,true");
  EXPECT_EQ(Sql("SELECT a = b, a < b FROM (VALUES (ARRAY[1, 2], ARRAY[1, 3]), (ARRAY[1], "
                "ARRAY[1])) t(a, b)"),
            "false|true\ntrue|false");
}

TEST_F(ExpressionEvalTest, ConditionalsEvaluateOnlyTheRowsThatReachThem) {
  EXPECT_EQ(Over("0, 5, NULL", "CASE WHEN x = 0 THEN 'zero' WHEN x > 1 THEN 'big' END"),
            "zero,big,NULL");
  EXPECT_EQ(Over("0, 5", "CASE x WHEN 0 THEN 'zero' ELSE 'other' END"), "zero,other");
  EXPECT_EQ(Over("0, 5", "CASE WHEN x = 0 THEN -1 ELSE 10 / x END"), "-1,2");
  EXPECT_EQ(Over("0, 5", "IF(x <> 0, 10 / x, 0)"), "0,2");
  EXPECT_EQ(Over("0, 5", "x <> 0 AND 10 / x > 1"), "false,true");
  EXPECT_EQ(Over("NULL, 2", "coalesce(x, 10 / 0)"), "ERROR Division by zero");
  EXPECT_EQ(Over("NULL, 2", "coalesce(x, 7)"), "7,2");
  EXPECT_EQ(Over("1, 2", "nullif(x, 1)"), "NULL,2");
  EXPECT_EQ(Over("'1', 'x', NULL", "try(CAST(x AS bigint))"), "1,NULL,NULL");
  EXPECT_EQ(Over("'1', 'x'", "try_cast(x AS bigint)"), "1,NULL");
  EXPECT_EQ(Over("'1', 'x'", "CAST(x AS bigint)"), "ERROR Cannot cast 'x' to BIGINT");
  EXPECT_EQ(Over("2, 0", "try(10 / x)"), "5,NULL");
}

TEST_F(ExpressionEvalTest, Casts) {
  EXPECT_EQ(
      Eval(
          "CAST(1 AS varchar), CAST(2.5 AS varchar), CAST(true AS varchar), CAST(1e10 AS varchar)"),
      "1|2.5|true|1.0E10");
  EXPECT_EQ(Eval("CAST('12' AS bigint), CAST(' 7 ' AS integer), CAST(2.5 AS bigint), CAST(-2.5 AS "
                 "bigint), CAST('1.5' AS double)"),
            "12|7|3|-3|1.5");
  EXPECT_EQ(Eval("CAST('true' AS boolean), CAST('f' AS boolean), CAST(0 AS boolean), CAST(true AS "
                 "bigint)"),
            "true|false|false|1");
  EXPECT_EQ(
      Eval("CAST(TIMESTAMP '2023-01-22 16:53:53' AS date), CAST(DATE '2023-01-22' AS timestamp), "
           "CAST(TIMESTAMP '2023-01-22 16:53:53' AS varchar)"),
      "2023-01-22|2023-01-22 00:00:00.000|2023-01-22 16:53:53.000");
  EXPECT_EQ(Eval("CAST(ARRAY[1, 2] AS array(varchar)), CAST(ROW(1, 'a') AS row(x double, y "
                 "varchar)), typeof(CAST(1 AS real))"),
            "[1, 2]|{x=1.0, y=a}|double");
  EXPECT_EQ(Eval("CAST(ARRAY[1] AS bigint)"),
            "ERROR line 1:8: Cannot cast array(bigint) to bigint");
  EXPECT_EQ(Eval("CAST(1e30 AS bigint)"), "ERROR Out of range for bigint: 1.0E30");
}

}  // namespace
}  // namespace cairn::sql
