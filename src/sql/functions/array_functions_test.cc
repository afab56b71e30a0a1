#include <gtest/gtest.h>

#include "sql/sql_test_util.h"

namespace cairn::sql {
namespace {

class ArrayFunctionsTest : public ::testing::Test, public testing::SqlFixture {};

TEST_F(ArrayFunctionsTest, ConstructorsAndBasics) {
  EXPECT_EQ(
      Eval("ARRAY[1, NULL, 3], ARRAY[], cardinality(ARRAY['a', 'b']), ARRAY[1, 2.5], ROW(1, 'a')"),
      "[1, null, 3]|[]|2|[1.0, 2.5]|{1, a}");
  EXPECT_EQ(Eval("contains(ARRAY[1, 2], 2), contains(ARRAY[1, 2], 3), contains(ARRAY[1, NULL], 3), "
                 "contains(ARRAY[1], NULL)"),
            "true|false|NULL|NULL");
  EXPECT_EQ(Eval("array_distinct(ARRAY[1, 2, 1, NULL, NULL]), array_max(ARRAY[3, 1, 2]), "
                 "array_min(ARRAY['b', 'a']), "
                 "array_max(ARRAY[1, NULL]), array_max(ARRAY[])"),
            "[1, 2, null]|3|a|NULL|NULL");
  EXPECT_EQ(
      Eval(
          "slice(ARRAY[1, 2, 3, 4], 2, 2), slice(ARRAY[1, 2, 3, 4], -2, 5), slice(ARRAY[1], 5, 1)"),
      "[2, 3]|[3, 4]|[]");
  EXPECT_EQ(Eval("array_join(ARRAY['a', NULL, 'c'], ','), array_join(ARRAY['a', NULL], ',', 'x'), "
                 "array_join(ARRAY[1, 2], '-')"),
            "a,c|a,x|1-2");
  EXPECT_EQ(Eval("array_position(ARRAY[5, 6, 5], 5), array_position(ARRAY[5], 7), "
                 "array_remove(ARRAY[1, 2, 1], 1), "
                 "array_sort(ARRAY[3, NULL, 1, 2]), flatten(ARRAY[ARRAY[1], ARRAY[2, 3]])"),
            "1|0|[2]|[1, 2, 3, null]|[1, 2, 3]");
  EXPECT_EQ(Eval("sequence(1, 5), sequence(5, 1, -2), repeat('x', 3), ARRAY[1] || ARRAY[2, 3], "
                 "concat(ARRAY['a'], ARRAY['b'])"),
            "[1, 2, 3, 4, 5]|[5, 3, 1]|[x, x, x]|[1, 2, 3]|[a, b]");
  EXPECT_EQ(Eval("ARRAY[1, 2][2], element_at(ARRAY[1, 2], -1), element_at(ARRAY[1, 2], 3)"),
            "2|2|NULL");
  EXPECT_EQ(Eval("sequence(1, 100000)"),
            "ERROR result of sequence function must not have more than 10000 entries");
}

TEST_F(ArrayFunctionsTest, Lambdas) {
  EXPECT_EQ(
      Eval("transform(ARRAY[1, 2, 3], x -> x * 10), filter(ARRAY[1, 2, 3, NULL], x -> x > 1), "
           "transform(ARRAY['a', 'b'], s -> upper(s) || s)"),
      "[10, 20, 30]|[2, 3]|[Aa, Bb]");
  EXPECT_EQ(Eval("any_match(ARRAY[1, 2], x -> x > 1), all_match(ARRAY[1, 2], x -> x > 1), "
                 "none_match(ARRAY[1, 2], x -> x > 5), "
                 "any_match(ARRAY[NULL, 1], x -> x > 1), all_match(ARRAY[], x -> x > 1)"),
            "true|false|true|NULL|true");
  // Over a batch with NULL and empty arrays, capturing a column of the row, nested lambdas.
  EXPECT_EQ(Sql("SELECT transform(a, e -> e + n), filter(a, e -> e > n) FROM (VALUES (ARRAY[1, 2], "
                "1), (NULL, 5), "
                "(ARRAY[], 2), (ARRAY[3], 10)) AS t(a, n)"),
            "[2, 3]|[2]\nNULL|NULL\n[]|[]\n[13]|[]");
  EXPECT_EQ(
      Eval("transform(ARRAY[ARRAY[1, 2], ARRAY[3]], a -> transform(a, x -> x + cardinality(a)))"),
      "[[3, 4], [4]]");
  // A lambda body that fails only on rows CASE does not reach.
  EXPECT_EQ(Eval("transform(ARRAY[0, 2], x -> CASE WHEN x = 0 THEN 0 ELSE 10 / x END)"), "[0, 5]");
  EXPECT_EQ(Eval("filter(ARRAY[1], x -> x)"),
            "ERROR line 1:8: Unexpected parameters (array(bigint), function(bigint, bigint)) "
            "for function filter. Expected: filter(array(T), function(T, boolean))");
}

}  // namespace
}  // namespace cairn::sql
