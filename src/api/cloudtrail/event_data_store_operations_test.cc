#include <fmt/format.h>
#include <stdlib.h>

#include <filesystem>
#include <set>

#include "api/cloudtrail/lake_test_util.h"

namespace cairn::api {
namespace {

class EventDataStoreOpsTest : public LakeTestBase {
 protected:
  std::string CreateStore(std::string name, std::string extra = "",
                          std::string_view who = "admin") {
    LakeReply r =
        Call("CreateEventDataStore", fmt::format(R"({{"Name":"{}"{}}})", name, extra), who);
    EXPECT_EQ(r.status, 200) << r.body;
    return JStr(r.json, "EventDataStoreArn");
  }
};

TEST_F(EventDataStoreOpsTest, CreateGetListDefaults) {
  LakeReply r = Call("CreateEventDataStore", R"({"Name":"audit-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string arn = JStr(r.json, "EventDataStoreArn");
  EXPECT_TRUE(arn.starts_with("arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/")) << arn;
  EXPECT_EQ(arn.size(),
            std::string("arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/").size() + 36);
  EXPECT_EQ(JStr(r.json, "Status"), "CREATED");
  EXPECT_EQ(JStr(r.json, "BillingMode"), "EXTENDABLE_RETENTION_PRICING");
  EXPECT_EQ(int64_t(r.json["RetentionPeriod"]), 366);
  EXPECT_TRUE(bool(r.json["TerminationProtectionEnabled"]));
  EXPECT_TRUE(bool(r.json["MultiRegionEnabled"]));
  EXPECT_FALSE(bool(r.json["OrganizationEnabled"]));
  EXPECT_EQ(int64_t(r.json["CreatedTimestamp"]), kLakeTestNow);
  EXPECT_EQ(JStr(r.json["AdvancedEventSelectors"].at(0)["FieldSelectors"].at(0), "Field"),
            "eventCategory");

  // By ARN and by id alone.
  const std::string id = arn.substr(arn.rfind('/') + 1);
  for (const std::string& ref : {arn, id}) {
    r = Call("GetEventDataStore", R"({"EventDataStore":")" + ref + R"("})");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(JStr(r.json, "Status"), "ENABLED");
    EXPECT_EQ(JStr(r.json, "Name"), "audit-1");
    EXPECT_EQ(JStr(r.json, "FederationStatus"), "DISABLED");
  }
  env_->AdvanceMicros(1000000);
  CreateStore("audit-2", R"(,"BillingMode":"FIXED_RETENTION_PRICING","StartIngestion":false)");
  r = Call("ListEventDataStores", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["EventDataStores"].get_array().size(), 2u);
  EXPECT_EQ(JStr(r.json["EventDataStores"].at(1), "Status"), "STOPPED_INGESTION");
  EXPECT_EQ(int64_t(r.json["EventDataStores"].at(1)["RetentionPeriod"]), 2557);
  // Paging.
  r = Call("ListEventDataStores", R"({"MaxResults":1})");
  ASSERT_EQ(r.json["EventDataStores"].get_array().size(), 1u);
  std::string token = JStr(r.json, "NextToken");
  ASSERT_FALSE(token.empty());
  r = Call("ListEventDataStores", R"({"MaxResults":1,"NextToken":")" + token + R"("})");
  EXPECT_EQ(JStr(r.json["EventDataStores"].at(0), "Name"), "audit-2");
  EXPECT_TRUE(JStr(r.json, "NextToken").empty());
  EXPECT_EQ(Call("ListEventDataStores", R"({"NextToken":"nope"})").error,
            "InvalidNextTokenException");
  EXPECT_EQ(Call("ListEventDataStores", R"({"MaxResults":0})").error, "InvalidMaxResultsException");
  // Another region has none.
  r = Call("ListEventDataStores", "{}", "admin", "eu-west-1");
  EXPECT_EQ(r.json["EventDataStores"].get_array().size(), 0u);
}

TEST_F(EventDataStoreOpsTest, ValidationErrors) {
  EXPECT_EQ(Call("CreateEventDataStore", "{}").error, "InvalidParameterException");
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"a b"})").error, "InvalidParameterException");
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"ab"})").error, "InvalidParameterException");
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"st1","RetentionPeriod":6})").error,
            "InvalidParameterException");
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"st1","RetentionPeriod":3654})").error,
            "InvalidParameterException");
  EXPECT_EQ(Call("CreateEventDataStore",
                 R"({"Name":"st1","RetentionPeriod":3000,"BillingMode":"FIXED_RETENTION_PRICING"})")
                .error,
            "InvalidParameterException");
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"st1","BillingMode":"CHEAP"})").error,
            "InvalidParameterException");
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"st1","MultiRegionEnabled":"yes"})").error,
            "InvalidParameterException");
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"st1","TagsList":[{"Value":"x"}]})").error,
            "InvalidTagParameterException");
  // Selectors.
  auto sel = [&](std::string json) {
    return Call("CreateEventDataStore", R"({"Name":"st1","AdvancedEventSelectors":)" + json + "}")
        .error;
  };
  EXPECT_EQ(sel(R"([{"FieldSelectors":[{"Field":"eventSource","Equals":["s3.amazonaws.com"]}]}])"),
            "InvalidEventSelectorsException");  // no eventCategory
  EXPECT_EQ(sel(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Bogus"]}]}])"),
            "InvalidEventSelectorsException");
  EXPECT_EQ(sel(R"([{"FieldSelectors":[{"Field":"eventCategory","StartsWith":["Man"]}]}])"),
            "InvalidEventSelectorsException");
  EXPECT_EQ(sel(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]}]}])"),
            "InvalidEventSelectorsException");  // data needs resources.type
  EXPECT_EQ(
      sel(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"resources.ARN","StartsWith":["arn:"]}]}])"),
      "InvalidEventSelectorsException");  // not a management field
  EXPECT_EQ(
      sel(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"readOnly","Equals":["maybe"]}]}])"),
      "InvalidEventSelectorsException");
  EXPECT_EQ(
      sel(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]},{"FieldSelectors":[{"Field":"eventCategory","Equals":["ActivityAuditLog"]}]}])"),
      "InvalidEventSelectorsException");  // families mixed
  std::string many = "[";
  for (int i = 0; i < 6; ++i) {
    many += std::string(i ? "," : "") +
            R"({"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]})";
  }
  EXPECT_EQ(sel(many + "]"), "InvalidEventSelectorsException");
  std::string values =
      R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"eventName","Equals":[)";
  for (int i = 0; i < 500; ++i)
    values += std::string(i ? "," : "") + "\"n" + std::to_string(i) + "\"";
  EXPECT_EQ(sel(values + "]}]}]"), "InvalidEventSelectorsException");  // 501 values
  // Valid data selector.
  LakeReply ok = Call(
      "CreateEventDataStore",
      R"({"Name":"data1","AdvancedEventSelectors":[{"Name":"S3","FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]},{"Field":"resources.ARN","StartsWith":["arn:aws:s3"]}]}]})");
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(JStr(ok.json["AdvancedEventSelectors"].at(0), "Name"), "S3");

  // Unknown stores and bad references.
  EXPECT_EQ(
      Call("GetEventDataStore", R"({"EventDataStore":"00000000-0000-4000-8000-000000000000"})")
          .error,
      "EventDataStoreNotFoundException");
  EXPECT_EQ(Call("GetEventDataStore", R"({"EventDataStore":"arn:aws:s3:::bucket"})").error,
            "EventDataStoreARNInvalidException");
  EXPECT_EQ(Call("GetEventDataStore", R"({"EventDataStore":"bad id!"})").error,
            "EventDataStoreARNInvalidException");
  EXPECT_EQ(Call("GetEventDataStore", "{}").error, "InvalidParameterException");
}

TEST_F(EventDataStoreOpsTest, NamesQuotaAndUpdate) {
  const std::string arn = CreateStore("st1");
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"st1"})").error,
            "EventDataStoreAlreadyExistsException");
  // Same name in another region or account is fine.
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"st1"})", "admin", "eu-west-1").status, 200);
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"st1"})", "member_admin").status, 200);
  for (int i = 2; i <= 10; ++i) CreateStore("st" + std::to_string(i));
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"st11"})").error,
            "EventDataStoreMaxLimitExceededException");

  LakeReply r = Call("UpdateEventDataStore", R"({"EventDataStore":")" + arn + R"("})");
  EXPECT_EQ(r.error, "InvalidParameterException");
  r = Call("UpdateEventDataStore", R"({"EventDataStore":")" + arn + R"(","Name":"st2"})");
  EXPECT_EQ(r.error, "EventDataStoreAlreadyExistsException");
  env_->AdvanceMicros(5000000);
  r = Call("UpdateEventDataStore",
           R"({"EventDataStore":")" + arn +
               R"(","Name":"renamed","RetentionPeriod":30,"TerminationProtectionEnabled":false})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JStr(r.json, "Name"), "renamed");
  EXPECT_EQ(int64_t(r.json["RetentionPeriod"]), 30);
  EXPECT_EQ(int64_t(r.json["UpdatedTimestamp"]), kLakeTestNow + 5);
  EXPECT_EQ(int64_t(r.json["CreatedTimestamp"]), kLakeTestNow);
  // The engine's retention follows.
  const std::string id = arn.substr(arn.rfind('/') + 1);
  auto store = lake_->stores()->OpenStore(id);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->settings().retention_days, 30u);
  // EXTENDABLE -> FIXED is refused; changing the family too.
  EXPECT_EQ(Call("UpdateEventDataStore",
                 R"({"EventDataStore":")" + id + R"(","BillingMode":"FIXED_RETENTION_PRICING"})")
                .error,
            "InvalidParameterException");
  EXPECT_EQ(
      Call(
          "UpdateEventDataStore",
          R"({"EventDataStore":")" + id +
              R"(","AdvancedEventSelectors":[{"FieldSelectors":[{"Field":"eventCategory","Equals":["ActivityAuditLog"]}]}]})")
          .error,
      "InvalidEventSelectorsException");
}

TEST_F(EventDataStoreOpsTest, DeleteRestoreIngestionLifecycle) {
  const std::string arn = CreateStore("life");
  const std::string ref = R"({"EventDataStore":")" + arn + R"("})";
  EXPECT_EQ(Call("DeleteEventDataStore", ref).error, "EventDataStoreTerminationProtectedException");
  EXPECT_EQ(Call("RestoreEventDataStore", ref).error, "InvalidEventDataStoreStatusException");
  EXPECT_EQ(Call("StartEventDataStoreIngestion", ref).error,
            "InvalidEventDataStoreStatusException");
  EXPECT_EQ(Call("StopEventDataStoreIngestion", ref).status, 200);
  EXPECT_EQ(JStr(Call("GetEventDataStore", ref).json, "Status"), "STOPPED_INGESTION");
  EXPECT_EQ(Call("StopEventDataStoreIngestion", ref).error, "InvalidEventDataStoreStatusException");
  EXPECT_EQ(Call("StartEventDataStoreIngestion", ref).status, 200);
  EXPECT_EQ(JStr(Call("GetEventDataStore", ref).json, "Status"), "ENABLED");

  ASSERT_EQ(Call("UpdateEventDataStore",
                 R"({"EventDataStore":")" + arn + R"(","TerminationProtectionEnabled":false})")
                .status,
            200);
  EXPECT_EQ(Call("DeleteEventDataStore", ref).status, 200);
  EXPECT_EQ(JStr(Call("GetEventDataStore", ref).json, "Status"), "PENDING_DELETION");
  EXPECT_EQ(Call("DeleteEventDataStore", ref).error, "InactiveEventDataStoreException");
  EXPECT_EQ(
      Call("UpdateEventDataStore", R"({"EventDataStore":")" + arn + R"(","Name":"x12"})").error,
      "InactiveEventDataStoreException");
  LakeReply r = Call("RestoreEventDataStore", ref);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JStr(r.json, "Status"), "ENABLED");
  // Delete again and let 7 days pass: the store is gone, folder and all.
  ASSERT_EQ(Call("DeleteEventDataStore", ref).status, 200);
  const std::string id = arn.substr(arn.rfind('/') + 1);
  EXPECT_TRUE(env_->IsDirectory("/data/eds/" + id));
  env_->AdvanceMicros(7LL * 24 * 3600 * 1000000 - 1000000);
  EXPECT_EQ(Call("GetEventDataStore", ref).status, 200);
  env_->AdvanceMicros(2000000);
  EXPECT_EQ(Call("GetEventDataStore", ref).error, "EventDataStoreNotFoundException");
  EXPECT_FALSE(env_->IsDirectory("/data/eds/" + id));
  auto rec = dir_->FindStore(id);
  ASSERT_TRUE(rec.ok());
  EXPECT_FALSE(rec->has_value());
  // Its name is free again.
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"life"})").status, 200);
}

TEST_F(EventDataStoreOpsTest, AccessRules) {
  const std::string mine = CreateStore("member-store", "", "member_admin");
  const std::string org = CreateStore("org-store", R"(,"OrganizationEnabled":true)");
  const std::string mgmt_only = CreateStore("mgmt-private");
  // Members cannot create organization stores.
  EXPECT_EQ(
      Call("CreateEventDataStore", R"({"Name":"x-org","OrganizationEnabled":true})", "member_admin")
          .error,
      "NotOrganizationMasterAccountException");
  // Readers cannot write at all.
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"x-r"})", "member").error,
            "AccessDeniedException");
  EXPECT_EQ(Call("CreateEventDataStore", R"({"Name":"x-a"})", "auditor").error,
            "AccessDeniedException");

  auto names = [&](std::string_view who) {
    LakeReply r = Call("ListEventDataStores", "{}", who);
    std::set<std::string> out;
    for (auto s : r.json["EventDataStores"].get_array()) out.insert(JStr(s, "Name"));
    return out;
  };
  EXPECT_EQ(names("admin"), (std::set<std::string>{"member-store", "org-store", "mgmt-private"}));
  EXPECT_EQ(names("auditor"), (std::set<std::string>{"member-store", "org-store", "mgmt-private"}));
  EXPECT_EQ(names("member"), (std::set<std::string>{"member-store", "org-store"}));
  EXPECT_EQ(names("other"), (std::set<std::string>{"org-store"}));
  // Another account's store is "not found", never "access denied".
  EXPECT_EQ(Call("GetEventDataStore", R"({"EventDataStore":")" + mine + R"("})", "other").error,
            "EventDataStoreNotFoundException");
  EXPECT_EQ(
      Call("GetEventDataStore", R"({"EventDataStore":")" + mgmt_only + R"("})", "member").error,
      "EventDataStoreNotFoundException");
  // Members cannot change the organization store.
  EXPECT_EQ(Call("UpdateEventDataStore",
                 R"({"EventDataStore":")" + org + R"(","RetentionPeriod":90})", "member_admin")
                .error,
            "NotOrganizationMasterAccountException");
  EXPECT_EQ(
      Call("StopEventDataStoreIngestion", R"({"EventDataStore":")" + org + R"("})", "member_admin")
          .error,
      "NotOrganizationMasterAccountException");
  // The management admin manages everything.
  EXPECT_EQ(Call("StopEventDataStoreIngestion", R"({"EventDataStore":")" + mine + R"("})").status,
            200);
}

TEST_F(EventDataStoreOpsTest, PersistsAcrossRestartAndAdoptsImportStore) {
  metadata_path_ = "/data/metadata.db";
  // SQLite needs a real file for persistence: use a temporary folder.
  char tmpl[] = "/tmp/cairn-lake-test-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  metadata_path_ = std::string(tmpl) + "/metadata.db";
  CloseLake();
  OpenLake();
  auto org = dir_->OrganizationStore(/*create=*/true);  // what `cairn import` makes
  ASSERT_TRUE(org.ok());
  const std::string arn =
      CreateStore("persist", R"(,"RetentionPeriod":100,"TagsList":[{"Key":"team","Value":"sec"}])");
  CloseLake();
  OpenLake();
  LakeReply r = Call("GetEventDataStore", R"({"EventDataStore":")" + arn + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(int64_t(r.json["RetentionPeriod"]), 100);
  r = Call("ListEventDataStores", "{}", "other");
  ASSERT_EQ(r.json["EventDataStores"].get_array().size(), 1u) << r.body;
  simdjson::dom::element adopted = r.json["EventDataStores"].at(0);
  EXPECT_EQ(JStr(adopted, "Name"), "organization");
  EXPECT_TRUE(bool(adopted["OrganizationEnabled"]));
  EXPECT_EQ(JStr(adopted, "EventDataStoreArn"),
            "arn:aws:cloudtrail:us-east-1:111111111111:eventdatastore/" + org->id);
  CloseLake();
  std::filesystem::remove_all(tmpl);
}

}  // namespace
}  // namespace cairn::api
