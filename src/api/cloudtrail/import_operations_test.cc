#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "api/cloudtrail/lake_test_util.h"

namespace cairn::api {
namespace {

class ImportOpsTest : public LakeTestBase {
 protected:
  // A trail-bucket folder in the MemEnv: one file per account and day (plus a digest file).
  void WriteBucket() {
    ASSERT_TRUE(env_->CreateDirs("/bucket").ok());
    int n = 0;
    for (auto [account, count] :
         {std::pair{kMgmt, 4}, std::pair{kMember, 3}, std::pair{kOther, 2}}) {
      for (std::string day : {"29", "30"}) {
        std::string dir =
            fmt::format("/bucket/AWSLogs/{}/CloudTrail/us-east-1/2024/12/{}", account, day);
        ASSERT_TRUE(env_->CreateDirs(dir).ok());
        std::string records;
        for (int i = 0; i < count; ++i) {
          records += (i ? "," : "") + MgmtEvent(fmt::format("imp-{}", n++), account, "RunInstances",
                                                fmt::format("2024-12-{}T10:00:0{}Z", day, i));
        }
        ASSERT_TRUE(
            env_->WriteFileAtomic(fmt::format("{}/{}_CloudTrail_us-east-1_202412{}T1000Z_x.json",
                                              dir, account, day),
                                  R"({"Records":[)" + records + "]}")
                .ok());
      }
    }
    // A broken file of the other account: its records fail.
    ASSERT_TRUE(
        env_->WriteFileAtomic(fmt::format("/bucket/AWSLogs/{0}/CloudTrail/us-east-1/2024/12/30/"
                                          "{0}_CloudTrail_us-east-1_20241230T1100Z_y.json",
                                          kOther),
                              R"({"Records":[{"eventID":"no-time"}]})")
            .ok());
  }

  std::string Source(std::string uri = "file:///bucket") {
    return fmt::format(
        R"("ImportSource":{{"S3":{{"S3LocationUri":"{}","S3BucketRegion":"us-east-1","S3BucketAccessRoleArn":"arn:aws:iam::111111111111:role/import"}}}})",
        uri);
  }

  LakeReply WaitImport(const std::string& id, std::string_view who = "admin") {
    LakeReply r;
    for (int i = 0; i < 500; ++i) {
      r = Call("GetImport", R"({"ImportId":")" + id + R"("})", who);
      std::string s = JStr(r.json, "ImportStatus");
      if (s != "INITIALIZING" && s != "IN_PROGRESS") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return r;
  }
};

TEST_F(ImportOpsTest, ImportsWithStatisticsPerAccount) {
  WriteBucket();
  LakeReply r = Call("CreateEventDataStore", R"({"Name":"org-import","OrganizationEnabled":true})");
  const std::string arn = JStr(r.json, "EventDataStoreArn");
  r = Call("StartImport", R"({"Destinations":[")" + arn + R"("],)" + Source() + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string id = JStr(r.json, "ImportId");
  EXPECT_EQ(JStr(r.json["ImportSource"]["S3"], "S3LocationUri"), "file:///bucket");
  r = WaitImport(id);
  // One broken file: FAILED with one failed entry, everything else imported.
  EXPECT_EQ(JStr(r.json, "ImportStatus"), "FAILED") << r.body;
  simdjson::dom::element st = r.json["ImportStatistics"];
  EXPECT_EQ(uint64_t(st["EventsCompleted"]), 18u) << r.body;
  EXPECT_EQ(uint64_t(st["FilesCompleted"]), 7u);
  EXPECT_EQ(uint64_t(st["FailedEntries"]), 1u);
  EXPECT_EQ(uint64_t(st["PrefixesFound"]), 6u);
  EXPECT_EQ(uint64_t(st["PrefixesCompleted"]), 6u);
  // A member sees only its own account's numbers; the other member its own (with the failure).
  r = Call("GetImport", R"({"ImportId":")" + id + R"("})", "member");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(uint64_t(r.json["ImportStatistics"]["EventsCompleted"]), 6u);
  EXPECT_EQ(uint64_t(r.json["ImportStatistics"]["FilesCompleted"]), 2u);
  EXPECT_EQ(uint64_t(r.json["ImportStatistics"]["FailedEntries"]), 0u);
  r = Call("GetImport", R"({"ImportId":")" + id + R"("})", "other");
  EXPECT_EQ(uint64_t(r.json["ImportStatistics"]["EventsCompleted"]), 4u);
  EXPECT_EQ(uint64_t(r.json["ImportStatistics"]["FailedEntries"]), 1u);
  // The broken file is a failure of the other member's account only.
  r = Call("ListImportFailures", R"({"ImportId":")" + id + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["Failures"].get_array().size(), 1u) << r.body;
  EXPECT_EQ(JStr(r.json["Failures"].at(0), "Location"),
            fmt::format("AWSLogs/{0}/CloudTrail/us-east-1/2024/12/30/"
                        "{0}_CloudTrail_us-east-1_20241230T1100Z_y.json",
                        kOther));
  EXPECT_EQ(JStr(r.json["Failures"].at(0), "Status"), "FAILED");
  EXPECT_NE(JStr(r.json["Failures"].at(0), "ErrorMessage").find("eventTime"), std::string::npos)
      << r.body;
  EXPECT_EQ(Call("ListImportFailures", R"({"ImportId":")" + id + R"("})", "member")
                .json["Failures"]
                .get_array()
                .size(),
            0u);
  EXPECT_EQ(Call("ListImportFailures", R"({"ImportId":")" + id + R"("})", "other")
                .json["Failures"]
                .get_array()
                .size(),
            1u);
  r = Call("ListImports", "{}", "member");
  ASSERT_EQ(r.json["Imports"].get_array().size(), 1u);
  // Members cannot start or stop imports into the organization store.
  EXPECT_EQ(
      Call("StartImport", R"({"Destinations":[")" + arn + R"("],)" + Source() + "}", "member_admin")
          .error,
      "NotOrganizationMasterAccountException");
  EXPECT_EQ(Call("StopImport", R"({"ImportId":")" + id + R"("})", "member").error,
            "AccessDeniedException");

  // Time range by delivery date: only the 30th.
  r = Call("CreateEventDataStore", R"({"Name":"dated"})");
  const std::string dated = JStr(r.json, "EventDataStoreArn");
  r = Call("StartImport", R"({"Destinations":[")" + dated + R"("],)" + Source() +
                              R"(,"StartEventTime":1735516800,"EndEventTime":1735603199})");
  ASSERT_EQ(r.status, 200) << r.body;
  r = WaitImport(JStr(r.json, "ImportId"));
  EXPECT_EQ(uint64_t(r.json["ImportStatistics"]["EventsCompleted"]), 9u) << r.body;
  EXPECT_EQ(Call("ListImports", R"({"Destination":")" + dated + R"("})")
                .json["Imports"]
                .get_array()
                .size(),
            1u);
  EXPECT_EQ(Call("ListImports", R"({"ImportStatus":"DONE"})").error, "InvalidParameterException");
}

TEST_F(ImportOpsTest, Errors) {
  LakeReply r = Call("CreateEventDataStore", R"({"Name":"dest"})");
  const std::string arn = JStr(r.json, "EventDataStoreArn");
  EXPECT_EQ(Call("StartImport",
                 R"({"Destinations":[")" + arn + R"("],)" + Source("s3://bucket/prefix") + "}")
                .error,
            "InvalidImportSourceException");
  EXPECT_EQ(
      Call("StartImport", R"({"Destinations":[")" + arn + R"("],)" + Source("file:///nope") + "}")
          .error,
      "InvalidImportSourceException");
  EXPECT_EQ(Call("StartImport",
                 R"({"Destinations":[")" + arn + R"(",")" + arn + R"("],)" + Source() + "}")
                .error,
            "InvalidParameterException");
  EXPECT_EQ(Call("StartImport",
                 R"({"Destinations":["00000000-0000-4000-8000-000000000000"],)" + Source() + "}")
                .error,
            "EventDataStoreNotFoundException");
  r = Call(
      "CreateEventDataStore",
      R"({"Name":"activity","AdvancedEventSelectors":[{"FieldSelectors":[{"Field":"eventCategory","Equals":["ActivityAuditLog"]}]}]})");
  EXPECT_EQ(Call("StartImport", R"({"Destinations":[")" + JStr(r.json, "EventDataStoreArn") +
                                    R"("],)" + Source() + "}")
                .error,
            "InvalidEventDataStoreCategoryException");
  EXPECT_EQ(Call("GetImport", R"({"ImportId":"00000000-0000-4000-8000-000000000000"})").error,
            "ImportNotFoundException");
  EXPECT_EQ(Call("StartImport", R"({"Destinations":[")" + arn + R"("],)" + Source() + "}", "member")
                .error,
            "AccessDeniedException");
}

}  // namespace
}  // namespace cairn::api
