// Bad input never crashes a Lake operation: every member of every operation, given a value of
// every wrong JSON type (and oversized or odd strings), gets a 4xx with an AWS error name or a
// success, never a 5xx.
#include <fmt/format.h>

#include "api/cloudtrail/lake_test_util.h"

namespace cairn::api {
namespace {

class LakeBadInputTest : public LakeTestBase {};

TEST_F(LakeBadInputTest, EveryMemberWithEveryWrongType) {
  const std::map<std::string, std::vector<std::string>> ops = {
      {"CreateEventDataStore",
       {"Name", "AdvancedEventSelectors", "MultiRegionEnabled", "OrganizationEnabled",
        "RetentionPeriod", "TerminationProtectionEnabled", "TagsList", "KmsKeyId", "StartIngestion",
        "BillingMode"}},
      {"GetEventDataStore", {"EventDataStore"}},
      {"ListEventDataStores", {"MaxResults", "NextToken"}},
      {"UpdateEventDataStore",
       {"EventDataStore", "Name", "AdvancedEventSelectors", "RetentionPeriod", "BillingMode",
        "KmsKeyId"}},
      {"DeleteEventDataStore", {"EventDataStore"}},
      {"RestoreEventDataStore", {"EventDataStore"}},
      {"StartEventDataStoreIngestion", {"EventDataStore"}},
      {"StopEventDataStoreIngestion", {"EventDataStore"}},
      {"StartQuery",
       {"QueryStatement", "DeliveryS3Uri", "QueryAlias", "EventDataStoreOwnerAccountId"}},
      {"DescribeQuery", {"QueryId", "EventDataStoreOwnerAccountId"}},
      {"GetQueryResults", {"QueryId", "NextToken", "MaxQueryResults"}},
      {"ListQueries",
       {"EventDataStore", "MaxResults", "NextToken", "StartTime", "EndTime", "QueryStatus"}},
      {"CancelQuery", {"QueryId"}},
      {"StartImport",
       {"Destinations", "ImportSource", "StartEventTime", "EndEventTime", "ImportId"}},
      {"GetImport", {"ImportId"}},
      {"ListImportFailures", {"ImportId", "MaxResults", "NextToken"}},
      {"StopImport", {"ImportId"}},
      {"ListImports", {"MaxResults", "NextToken", "Destination", "ImportStatus"}},
      {"CreateChannel", {"Name", "Source", "Destinations", "Tags"}},
      {"GetChannel", {"Channel"}},
      {"ListChannels", {"MaxResults", "NextToken"}},
      {"UpdateChannel", {"Channel", "Name", "Destinations"}},
      {"DeleteChannel", {"Channel"}},
  };
  const std::vector<std::string> values = {"null",
                                           "true",
                                           "-1",
                                           "1e300",
                                           "0.5",
                                           "\"\"",
                                           "\"x\"",
                                           "[]",
                                           "[1,\"a\",null]",
                                           "{}",
                                           "{\"S3\":{\"S3LocationUri\":5}}",
                                           "[{\"FieldSelectors\":[{\"Field\":5}]}]",
                                           "\"" + std::string(20000, 'a') + "\"",
                                           "\"arn:aws:cloudtrail:us-east-1:1:eventdatastore/\"",
                                           "\"\\u0000\\ud800\""};
  int checked = 0;
  for (const auto& [op, members] : ops) {
    for (const std::string& member : members) {
      for (const std::string& v : values) {
        for (const char* who : {"admin", "member"}) {
          LakeReply r = Call(op, fmt::format(R"({{"{}":{}}})", member, v), who);
          ASSERT_LT(r.status, 500)
              << op << " " << member << "=" << v.substr(0, 60) << ": " << r.body;
          if (r.status != 200) {
            EXPECT_FALSE(r.error.empty()) << op << " " << member << ": " << r.body;
          }
          ++checked;
        }
      }
    }
  }
  EXPECT_GT(checked, 1000);
  // PutAuditEvents bodies.
  for (const std::string& body :
       {std::string("{}"), std::string(R"({"auditEvents":5})"),
        std::string(R"({"auditEvents":[5]})"),
        std::string(R"({"auditEvents":[{"id":5,"eventData":"{}"}]})"),
        std::string(R"({"auditEvents":[{"id":"a","eventData":{}}]})"),
        std::string(R"({"auditEvents":[{"id":"a","eventData":"{}","eventDataChecksum":7}]})")}) {
    LakeReply r = CallData(
        "/PutAuditEvents?channelArn=arn%3Aaws%3Acloudtrail%3Aus-east-1%3A1%3Achannel%2Fx", body);
    EXPECT_LT(r.status, 500) << body << ": " << r.body;
    EXPECT_FALSE(r.error.empty()) << body;
  }
}

}  // namespace
}  // namespace cairn::api
