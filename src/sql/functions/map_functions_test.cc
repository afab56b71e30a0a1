#include <gtest/gtest.h>

#include "sql/sql_test_util.h"

namespace cairn::sql {
namespace {

class MapFunctionsTest : public ::testing::Test, public testing::SqlFixture {
 protected:
  MapFunctionsTest() {
    auto t = AddTable("ct", TableFamily::kCloudTrail);
    EXPECT_TRUE(t->AddRecordJson(
                     R"({"eventID":"e1","eventTime":"2023-01-22T16:53:53Z","eventName":"PutObject",
      "requestParameters":{"bucketName":"logs","key":"a/b.txt","ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"0.0.0.0/0"}]}}]},
        "count":3,"flag":false,"none":null,"esc\"aped":"q\"v"},
      "additionalEventData":{"MFAUsed":"No"},
      "resources":[{"ARN":"arn:aws:s3:::logs","accountId":"111122223333","type":"AWS::S3::Bucket"},
                   {"ARN":"arn:aws:s3:::logs/a/b.txt","type":"AWS::S3::Object"}]})")
                    .ok());
    EXPECT_TRUE(
        t->AddRecordJson(
             R"({"eventID":"e2","eventTime":"2023-01-22T17:00:00Z","eventName":"ListBuckets"})")
            .ok());
  }
};

TEST_F(MapFunctionsTest, ElementAt) {
  EXPECT_EQ(
      Sql("SELECT element_at(requestParameters, 'bucketName'), requestParameters['key'], "
          "element_at(requestParameters, 'ipPermissions'), element_at(requestParameters, 'count'), "
          "element_at(requestParameters, 'flag'), element_at(requestParameters, 'none'), "
          "element_at(requestParameters, 'absent'), element_at(requestParameters, 'esc\"aped') "
          "FROM ct ORDER BY eventID"),
      "logs|a/b.txt|{\"items\":[{\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/"
      "0\"}]}}]}|3|false|NULL|NULL|q\"v\n"
      "NULL|NULL|NULL|NULL|NULL|NULL|NULL|NULL");
  EXPECT_EQ(Sql("SELECT eventID FROM ct WHERE element_at(additionalEventData, 'MFAUsed') = 'No'"),
            "e1");
  EXPECT_EQ(Sql("SELECT json_extract_scalar(element_at(requestParameters, 'ipPermissions'), "
                "'$.items[0].ipRanges.items[0].cidrIp') FROM ct WHERE eventID = 'e1'"),
            "0.0.0.0/0");
  // Keys are case-sensitive.
  EXPECT_EQ(Sql("SELECT element_at(requestParameters, 'BucketName') FROM ct WHERE eventID = 'e1'"),
            "NULL");
}

TEST_F(MapFunctionsTest, KeysValuesCardinalityAndRendering) {
  EXPECT_EQ(Sql("SELECT map_keys(requestParameters), cardinality(requestParameters), "
                "cardinality(resources) FROM ct WHERE eventID = 'e1'"),
            "[bucketName, key, ipPermissions, count, flag, none, esc\"aped]|7|2");
  EXPECT_EQ(Sql("SELECT map_values(additionalEventData), additionalEventData FROM ct WHERE eventID "
                "= 'e1'"),
            "[No]|{MFAUsed=No}");
  EXPECT_EQ(Eval("map(ARRAY['a', 'b'], ARRAY[1, 2]), element_at(map(ARRAY['a'], ARRAY[1]), 'a')"),
            "{a=1, b=2}|1");
  EXPECT_EQ(Eval("map(ARRAY['a', 'a'], ARRAY[1, 2])"),
            "ERROR Duplicate map keys (a) are not allowed");
}

TEST_F(MapFunctionsTest, ArraysOfRows) {
  EXPECT_EQ(Sql("SELECT element_at(resources, 1).arn, element_at(resources, -1).type, "
                "element_at(resources, 3), "
                "resources[2].accountid FROM ct WHERE eventID = 'e1'"),
            "arn:aws:s3:::logs|AWS::S3::Object|NULL|NULL");
  EXPECT_EQ(Sql("SELECT resources[3] FROM ct WHERE eventID = 'e1'"),
            "ERROR Array subscript must be less than or equal to array length: 3 > 2");
  EXPECT_EQ(Sql("SELECT element_at(resources, 0) FROM ct"), "ERROR SQL array indices start at 1");
  EXPECT_EQ(
      Sql("SELECT resources FROM ct WHERE eventID = 'e1'"),
      "[{accountid=111122223333, type=AWS::S3::Bucket, arn=arn:aws:s3:::logs, arnprefix=null}, "
      "{accountid=null, type=AWS::S3::Object, arn=arn:aws:s3:::logs/a/b.txt, arnprefix=null}]");
}

}  // namespace
}  // namespace cairn::sql
