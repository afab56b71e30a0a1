#include <gtest/gtest.h>

#include "sql/functions/json_util.h"
#include "sql/sql_test_util.h"

namespace cairn::sql {
namespace {

class JsonFunctionsTest : public ::testing::Test, public testing::SqlFixture {};

constexpr const char* kDoc =
    "'{\"requestParameters\": {\"tagSet\": {\"items\": [{\"key\": \"Name\", \"value\": \"web\"}, "
    "{\"key\": \"k2\"}]}, "
    "\"n\": 1.50, \"b\": true, \"nil\": null, \"q\\\"uote\": \"x\\u00e9\"}, "
    "\"configuration\": {\"AWS:ComplianceItem\": {\"Content\": {\"Patch\": {\"KB1\": "
    "{\"PatchState\": \"Missing\", \"Id\": \"KB1\"}}}}}}'";

TEST_F(JsonFunctionsTest, ExtractScalar) {
  std::string d = kDoc;
  EXPECT_EQ(Eval("json_extract_scalar(" + d +
                 ", '$.requestParameters.tagSet.items[0].key'), "
                 "json_extract_scalar(" +
                 d +
                 ", '$.requestParameters.tagSet.items[1].value'), "
                 "json_extract_scalar(" +
                 d +
                 ", '$.requestParameters.n'), "
                 "json_extract_scalar(" +
                 d +
                 ", '$.requestParameters.b'), "
                 "json_extract_scalar(" +
                 d +
                 ", '$.requestParameters.nil'), "
                 "json_extract_scalar(" +
                 d + ", '$.requestParameters.tagSet')"),
            "Name|NULL|1.50|true|NULL|NULL");
  EXPECT_EQ(Eval("json_extract_scalar(" + d +
                 ", '$.requestParameters[\"q\\\"uote\"]'), "
                 "json_extract_scalar(" +
                 d + ", '$[\"configuration\"][\"AWS:ComplianceItem\"].Content.Patch.KB1.Id')"),
            "xé|KB1");
  EXPECT_EQ(
      Over("'{\"a\":\"x\"}', '{\"a\":2}', 'not json', NULL, '[]'", "json_extract_scalar(x, '$.a')"),
      "x,2,NULL,NULL,NULL");
  EXPECT_EQ(Eval("json_extract_scalar('{}', '$.a[*]')"),
            "ERROR line 1:8: Invalid JSON path: '$.a[*]': wildcards are not supported");
}

TEST_F(JsonFunctionsTest, ExtractAndParse) {
  std::string d = kDoc;
  EXPECT_EQ(Eval("json_extract(" + d + ", '$.requestParameters.tagSet.items[0]'), json_extract(" +
                 d + ", '$.requestParameters.n')"),
            "{\"key\":\"Name\",\"value\":\"web\"}|1.50");
  EXPECT_EQ(Eval("json_parse('{\"b\": [1, 2], \"a\": \"x\"}'), json_format(json_parse('[1, "
                 "{\"z\":1,\"y\":2}]'))"),
            "{\"a\":\"x\",\"b\":[1,2]}|[1,{\"y\":2,\"z\":1}]");
  EXPECT_EQ(Eval("json_parse('{bad')"), "ERROR Cannot convert value to JSON: '{bad'");
  EXPECT_EQ(Eval("json_size('{\"a\":{\"b\":1,\"c\":2}}', '$.a'), json_size('[1,2,3]', '$'), "
                 "json_size('{\"a\":1}', '$.a')"),
            "2|3|0");
  EXPECT_EQ(Eval("is_json_scalar('1'), is_json_scalar('[1]'), is_json_scalar(json_parse('\"s\"'))"),
            "true|false|true");
  EXPECT_EQ(Eval("json_array_length('[1,2,[3]]'), json_array_length('{}'), "
                 "json_array_get('[1,\"a\",[3]]', 1), "
                 "json_array_get('[1,2]', -1), json_array_get('[1]', 5)"),
            "3|NULL|\"a\"|2|NULL");
  EXPECT_EQ(Eval("json_array_contains('[1, 2.5, \"a\", true]', 2.5), json_array_contains('[1, "
                 "\"a\"]', 'a'), "
                 "json_array_contains('[1]', 2), json_array_contains('[true]', true)"),
            "true|true|false|true");
}

TEST_F(JsonFunctionsTest, CastsAndSample18) {
  EXPECT_EQ(Eval("CAST(json_parse('\"Missing\"') AS varchar), CAST(json_parse('12') AS bigint), "
                 "CAST(json_parse('[1,2]') AS array(bigint)), "
                 "CAST(json_parse('{\"a\":1,\"b\":{\"c\":2}}') AS map(varchar, json))"),
            "Missing|12|[1, 2]|{a=1, b={\"c\":2}}");
  EXPECT_EQ(Eval("CAST(json_parse('{\"a\":1}') AS varchar)"),
            "ERROR Cannot cast JSON to VARCHAR: {\"a\":1} is not a JSON scalar");
  EXPECT_EQ(Eval("CAST(ARRAY[1, 2] AS json), CAST(MAP(ARRAY['k'], ARRAY['v']) AS json), "
                 "CAST('a\"b' AS json), CAST(NULL AS json)"),
            "[1,2]|{\"k\":\"v\"}|\"a\\\"b\"|NULL");
  // Sample 18's pipeline on one document.
  std::string d = kDoc;
  EXPECT_EQ(
      Eval("transform(filter(map_values(CAST(json_extract(json_parse(" + d +
           "), '$.configuration[\"AWS:ComplianceItem\"].Content.Patch') AS map(varchar, json))), "
           "p -> CAST(json_extract(p, '$.PatchState') AS varchar) = 'Missing'), f -> "
           "json_extract(f, '$.Id'))"),
      "[\"KB1\"]");
}

TEST(JsonUtilTest, ScannerIsBoundedAndStrict) {
  size_t pos = 0;
  std::string deep(100000, '[');
  EXPECT_FALSE(JsonSkipValue(deep, &pos));
  std::string out;
  EXPECT_FALSE(JsonCanonical(deep, false, &out));
  for (const char* bad :
       {"", "{", "[1,]", "{\"a\"}", "tru", "01", "1.", "\"\\x\"", "{\"a\":1}}", "[1 2]"}) {
    out.clear();
    EXPECT_FALSE(JsonCanonical(bad, false, &out)) << bad;
  }
  out.clear();
  EXPECT_TRUE(JsonCanonical(" { \"b\" : [ 1 , -2.5e3 , null ] , \"a\" : \"\\ud83d\\ude00\" } ",
                            true, &out));
  EXPECT_EQ(out, "{\"a\":\"\xF0\x9F\x98\x80\",\"b\":[1,-2.5e3,null]}");
  EXPECT_EQ(FormatDouble(1.0), "1.0");
  EXPECT_EQ(FormatDouble(2.5), "2.5");
  EXPECT_EQ(FormatDouble(1e10), "1.0E10");
  EXPECT_EQ(FormatDouble(1234567.0), "1234567.0");
  EXPECT_EQ(FormatDouble(0.001), "0.001");
  EXPECT_EQ(FormatDouble(0.0001), "1.0E-4");
  EXPECT_EQ(FormatDouble(-123.456), "-123.456");
}

}  // namespace
}  // namespace cairn::sql
