#include <gtest/gtest.h>

#include "sql/sql_test_util.h"

namespace cairn::sql {
namespace {

class MathFunctionsTest : public ::testing::Test, public testing::SqlFixture {};

TEST_F(MathFunctionsTest, Arithmetic) {
  EXPECT_EQ(Eval("1 + 2, 7 - 10, 6 * 7, 7 / 2, -7 / 2, 7 % 3, -7 % 3, 7.0 / 2, 1 / 2.0, 5 % 2.5"),
            "3|-3|42|3|-3|1|-1|3.5|0.5|0.0");
  EXPECT_EQ(Over("1, NULL, 3", "x * 2 + 1"), "3,NULL,7");
  EXPECT_EQ(Over("4, 0", "10 / x"), "ERROR Division by zero");
  EXPECT_EQ(Over("9223372036854775807", "x + 1"),
            "ERROR bigint addition overflow: 9223372036854775807 + 1");
  EXPECT_EQ(Eval("-9223372036854775808, 1.0 / 0, -1.0 / 0, 0.0 / 0"),
            "-9223372036854775808|Infinity|-Infinity|NaN");
  EXPECT_EQ(Eval("'a' + 1"), "ERROR line 1:12: Cannot apply operator: varchar + bigint");
}

TEST_F(MathFunctionsTest, Functions) {
  EXPECT_EQ(Eval("abs(-3), abs(-2.5), ceil(1.2), floor(-1.2), round(2.5), round(-2.5), "
                 "round(1.2345, 2), round(1250, -2)"),
            "3|2.5|2.0|-2.0|3.0|-3.0|1.23|1300");
  EXPECT_EQ(Eval("sign(-5), sign(0.0), sqrt(16), cbrt(27), power(2, 10), pow(2.0, -1), mod(7, 3), "
                 "ln(1), log10(1000), log2(8)"),
            "-1|0.0|4.0|3.0|1024.0|0.5|1|0.0|3.0|3.0");
  EXPECT_EQ(Eval("log(2, 8), exp(0), truncate(-2.7), is_nan(nan()), is_finite(infinity()), "
                 "is_infinite(1.0), pi() > 3.14"),
            "3.0|1.0|-2.0|true|false|false|true");
  EXPECT_EQ(Eval("greatest(1, 5, 3), least('b', 'a'), greatest(1, NULL), least(1.5, 2)"),
            "5|a|NULL|1.5");
  EXPECT_EQ(Sql("SELECT random() >= 0 AND random() < 1, random(10) < 10"), "true|true");
}

}  // namespace
}  // namespace cairn::sql
