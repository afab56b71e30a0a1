#include <gtest/gtest.h>

#include "sql/functions/like.h"
#include "sql/sql_test_util.h"

namespace cairn::sql {
namespace {

class StringFunctionsTest : public ::testing::Test, public testing::SqlFixture {};

TEST_F(StringFunctionsTest, CaseAndLength) {
  EXPECT_EQ(Eval("lower('AbC-É'), upper('abc'), length('héllo'), length('')"), "abc-É|ABC|5|0");
  EXPECT_EQ(Over("'Ab', NULL, ''", "lower(x)"), "ab,NULL,");
  EXPECT_EQ(Over("'Ab', NULL, 'héllo'", "length(x)"), "2,NULL,5");
}

TEST_F(StringFunctionsTest, Substr) {
  EXPECT_EQ(
      Eval(
          "substr('hello', 2), substr('hello', 2, 3), substr('hello', -3), substr('hello', -3, 2)"),
      "ello|ell|llo|ll");
  EXPECT_EQ(
      Eval("substr('hello', 0), substr('hello', 9), substr('hello', 2, 0), substr('héllo', 2, 2)"),
      "|||él");
  EXPECT_EQ(Eval("substring('hello' FROM 2 FOR 2)"), "el");
  EXPECT_EQ(Over("'abc', NULL", "substr(x, 2)"), "bc,NULL");
}

TEST_F(StringFunctionsTest, StrposConcatReplace) {
  EXPECT_EQ(Eval("strpos('high', 'ig'), strpos('high', 'x'), strpos('héllo', 'l'), strpos('abab', "
                 "'ab', 2), "
                 "strpos('abab', 'ab', -1), position('b' IN 'abc')"),
            "2|0|3|3|3|2");
  EXPECT_EQ(Eval("concat('a', 'b', 'c'), 'a' || 'b' || 'c', concat('a', NULL)"), "abc|abc|NULL");
  EXPECT_EQ(Eval("concat_ws(',', 'a', NULL, 'b'), concat_ws(NULL, 'a')"), "a,b|NULL");
  EXPECT_EQ(Eval("replace('abcabc', 'b'), replace('abcabc', 'b', 'XY'), replace('abc', '', '-'), "
                 "replace('abc', 'x', 'y')"),
            "acac|aXYcaXYc|-a-b-c-|abc");
  // Sample 18: the 2-argument form removes the prefix.
  EXPECT_EQ(Eval("replace('AWS::SSM::ManagedInstanceInventory/i-0123', "
                 "'AWS::SSM::ManagedInstanceInventory/')"),
            "i-0123");
  EXPECT_EQ(Over("'a.b', NULL", "x || '!'"), "a.b!,NULL");
}

TEST_F(StringFunctionsTest, SplitAndTrim) {
  EXPECT_EQ(
      Eval("split_part('a,b,c', ',', 2), split_part('a,b,c', ',', 4), split_part('a::b', '::', 2)"),
      "b|NULL|b");
  EXPECT_EQ(Eval("split_part('a,b', ',', 0)"), "ERROR Index must be greater than zero");
  EXPECT_EQ(Eval("split('a,b,,c', ','), split('a,b,c', ',', 2), cardinality(split('', ','))"),
            "[a, b, , c]|[a, b,c]|1");
  EXPECT_EQ(Eval("split('abc', '')"), "ERROR The delimiter may not be the empty string");
  EXPECT_EQ(Eval("trim('  a b  '), ltrim('  a '), rtrim(' a  '), trim('xxaxx', 'x'), trim(BOTH 'x' "
                 "FROM 'xax')"),
            "a b|a | a|a|a");
  EXPECT_EQ(Eval("trim(LEADING 'ab' FROM 'babc'), trim(TRAILING FROM ' a ')"), "c| a");
}

TEST_F(StringFunctionsTest, Misc) {
  EXPECT_EQ(Eval("reverse('héllo'), reverse(ARRAY[1, 2, 3]), starts_with('abc', 'ab'), "
                 "starts_with('abc', 'b')"),
            "olléh|[3, 2, 1]|true|false");
  EXPECT_EQ(
      Eval(
          "lpad('7', 3, '0'), rpad('ab', 5, 'xy'), lpad('abcd', 2, '0'), chr(233), codepoint('é')"),
      "007|abxyx|ab|é|233");
  EXPECT_EQ(Eval("levenshtein_distance('kitten', 'sitting')"), "3");
  EXPECT_EQ(Eval("lpad('a', 3, '')"), "ERROR Padding string must not be empty");
}

TEST_F(StringFunctionsTest, Like) {
  EXPECT_EQ(Over("'abc', 'xabcx', 'ab', NULL", "x LIKE '%abc%'"), "true,true,false,NULL");
  EXPECT_EQ(Over("'abc', 'abd', 'xbc'", "x LIKE 'ab_'"), "true,true,false");
  EXPECT_EQ(Over("'abc', 'abd'", "x NOT LIKE 'ab%'"), "false,false");
  EXPECT_EQ(Over("'a%c', 'abc'", "x LIKE 'a\\%c' ESCAPE '\\'"), "true,false");
  EXPECT_EQ(Over("'héllo'", "x LIKE 'h_llo'"), "true");
  EXPECT_EQ(Over("'aXbXc', 'aXc'", "x LIKE 'a%b%c'"), "true,false");
  // Pattern per row.
  EXPECT_EQ(
      Sql("SELECT s LIKE p FROM (VALUES ('abc', 'a%'), ('abc', '%d'), ('a_c', 'a\\_c')) t(s, p)"),
      "true\nfalse\nfalse");
  EXPECT_EQ(Eval("'a' LIKE 'a' ESCAPE 'xy'"),
            "ERROR line 1:12: Escape string must be a single character");
  EXPECT_EQ(Eval("'a' LIKE 'a#' ESCAPE '#'"),
            "ERROR line 1:12: Escape character must be followed by '%', '_' or the escape "
            "character itself");
  // Sample 12: JSON text inside a map value.
  EXPECT_EQ(Eval("'{\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}}' LIKE '%0.0.0.0/0%'"),
            "true");
}

TEST(LikePatternTest, ShapesAndPrefix) {
  auto p = LikePattern::Compile("arn:aws:s3%", false, "");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->shape(), LikePattern::Shape::kPrefix);
  EXPECT_EQ(p->prefix(), "arn:aws:s3");
  EXPECT_EQ(LikePattern::Compile("%x%", false, "")->shape(), LikePattern::Shape::kContains);
  EXPECT_EQ(LikePattern::Compile("%x", false, "")->shape(), LikePattern::Shape::kSuffix);
  EXPECT_EQ(LikePattern::Compile("x", false, "")->shape(), LikePattern::Shape::kExact);
  EXPECT_EQ(LikePattern::Compile("a%b_", false, "")->shape(), LikePattern::Shape::kGeneral);
  EXPECT_EQ(LikePattern::Compile("a%b", false, "")->prefix(), "a");
  // A pathological pattern on a long input stays fast (no exponential backtracking).
  auto hard = LikePattern::Compile("%a%a%a%a%a%a%a%a%b", false, "");
  std::string s(20000, 'a');
  EXPECT_FALSE(hard->Match(s));
}

TEST_F(StringFunctionsTest, Regexp) {
  EXPECT_EQ(Eval("regexp_like('1a 2b 14m', '\\d+b'), regexp_like('abc', '^b'), regexp_like('ABC', "
                 "'(?i)abc')"),
            "true|false|true");
  EXPECT_EQ(
      Eval("regexp_extract('1a 2b 14m', '\\d+'), regexp_extract('1a 2b 14m', '(\\d+)([a-z]+)', 2), "
           "regexp_extract('abc', 'x')"),
      "1|a|NULL");
  EXPECT_EQ(Eval("regexp_extract_all('1a 2b 14m', '\\d+'), regexp_extract_all('1a 2b', "
                 "'(\\d)([a-z])', 2)"),
            "[1, 2, 14]|[a, b]");
  EXPECT_EQ(Eval("regexp_replace('1a 2b 14m', '\\d+[ab] '), regexp_replace('1a 2b 14m', "
                 "'(\\d+)([ab]) ', '3c$2 '), "
                 "regexp_replace('abc', '(?<x>b)', '[${x}]')"),
            "14m|3ca 3cb 14m|a[b]c");
  EXPECT_EQ(
      Eval(
          "regexp_count('1a 2b 14m', '\\s*[a-z]+\\s*'), regexp_position('1a 2b 14m', '\\d', 2, 2), "
          "regexp_split('1a 2b 14m', '\\s*[a-z]+\\s*')"),
      "3|7|[1, 2, 14, ]");
  EXPECT_EQ(Eval("regexp_extract('abc', 'b', 2)"),
            "ERROR Pattern has 0 groups. Cannot access group 2");
  EXPECT_EQ(Eval("regexp_like('a', '(?=a)')"),
            "ERROR line 1:8: Invalid regular expression: lookahead is not supported");
  EXPECT_EQ(Over("'arn:aws:iam::1:role/x', 'arn:aws:sts::2:assumed-role/y/z', NULL",
                 "regexp_extract(x, 'arn:aws:(\\w+)::(\\d+)', 2)"),
            "1,2,NULL");
}

}  // namespace
}  // namespace cairn::sql
