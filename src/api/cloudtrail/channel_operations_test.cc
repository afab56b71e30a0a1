#include <fmt/format.h>

#include <chrono>
#include <thread>

#include "api/cloudtrail/lake_test_util.h"
#include "api/http_message.h"
#include "common/json_writer.h"
#include "sql/exec/store_scan.h"

namespace cairn::api {
namespace {

constexpr const char* kActivitySelectors =
    R"(,"AdvancedEventSelectors":[{"FieldSelectors":[{"Field":"eventCategory","Equals":["ActivityAuditLog"]}]}])";

// The spec's checksum test vector (lake.md §9.2), with the test's management account.
std::string EventData(std::string_view uid, std::string_view account = kMgmt) {
  return fmt::format(
      R"({{"version":"1.0","userIdentity":{{"type":"CustomUser","principalId":"alice"}},"eventSource":"myapp.example.com","eventName":"Login","eventTime":"2025-03-04T10:15:02Z","UID":"{}","recipientAccountId":"{}"}})",
      uid, account);
}

std::string Quote(const std::string& s) {
  std::string out;
  JsonWriter::AppendString(&out, s);
  return out;
}

class ChannelOpsTest : public LakeTestBase {
 protected:
  void SetUp() override {
    LakeTestBase::SetUp();
    LakeReply r = Call("CreateEventDataStore",
                       std::string(R"({"Name":"activity")") + kActivitySelectors + "}");
    ASSERT_EQ(r.status, 200) << r.body;
    store_arn_ = JStr(r.json, "EventDataStoreArn");
    store_id_ = store_arn_.substr(store_arn_.rfind('/') + 1);
    r = Call(
        "CreateChannel",
        R"({"Name":"app-events","Source":"Custom","Destinations":[{"Type":"EVENT_DATA_STORE","Location":")" +
            store_arn_ + R"("}]})");
    ASSERT_EQ(r.status, 200) << r.body;
    channel_arn_ = JStr(r.json, "ChannelArn");
  }

  LakeReply Put(const std::string& events, std::string_view who = "admin", std::string arn = "") {
    if (arn.empty()) arn = channel_arn_;
    return CallData("/PutAuditEvents?channelArn=" + PercentEncode(arn),
                    R"({"auditEvents":[)" + events + "]}", who);
  }

  std::string store_arn_, store_id_, channel_arn_;
};

TEST_F(ChannelOpsTest, ChannelLifecycleAndErrors) {
  EXPECT_TRUE(channel_arn_.starts_with("arn:aws:cloudtrail:us-east-1:111111111111:channel/"));
  LakeReply r = Call("GetChannel", R"({"Channel":")" + channel_arn_ + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JStr(r.json, "Source"), "Custom");
  EXPECT_EQ(JStr(r.json["Destinations"].at(0), "Location"), store_arn_);
  EXPECT_EQ(
      Call(
          "CreateChannel",
          R"({"Name":"app-events","Source":"Custom","Destinations":[{"Type":"EVENT_DATA_STORE","Location":")" +
              store_arn_ + R"("}]})")
          .error,
      "ChannelAlreadyExistsException");
  // A CloudTrail-events store cannot be a channel destination.
  r = Call("CreateEventDataStore", R"({"Name":"mgmt-events"})");
  const std::string mgmt_arn = JStr(r.json, "EventDataStoreArn");
  EXPECT_EQ(
      Call(
          "CreateChannel",
          R"({"Name":"chan2","Source":"Custom","Destinations":[{"Type":"EVENT_DATA_STORE","Location":")" +
              mgmt_arn + R"("}]})")
          .error,
      "InvalidEventDataStoreCategoryException");
  EXPECT_EQ(
      Call(
          "CreateChannel",
          R"({"Name":"chan2","Source":"Custom","Destinations":[{"Type":"EVENT_DATA_STORE","Location":"00000000-0000-4000-8000-000000000000"}]})")
          .error,
      "EventDataStoreNotFoundException");
  EXPECT_EQ(
      Call(
          "CreateChannel",
          R"({"Name":"chan2","Source":"","Destinations":[{"Type":"EVENT_DATA_STORE","Location":")" +
              store_arn_ + R"("}]})")
          .error,
      "InvalidSourceException");
  EXPECT_EQ(Call("GetChannel", R"({"Channel":"arn:aws:s3:::x"})").error,
            "ChannelARNInvalidException");
  EXPECT_EQ(Call("GetChannel", R"({"Channel":"00000000-0000-4000-8000-000000000000"})").error,
            "ChannelNotFoundException");
  // Other accounts do not see it.
  EXPECT_EQ(Call("GetChannel", R"({"Channel":")" + channel_arn_ + R"("})", "member").error,
            "ChannelNotFoundException");
  EXPECT_EQ(Call("ListChannels", "{}", "member").json["Channels"].get_array().size(), 0u);
  EXPECT_EQ(Call("ListChannels", "{}").json["Channels"].get_array().size(), 1u);
  // The store cannot be deleted while the channel targets it.
  ASSERT_EQ(Call("UpdateEventDataStore", R"({"EventDataStore":")" + store_arn_ +
                                             R"(","TerminationProtectionEnabled":false})")
                .status,
            200);
  EXPECT_EQ(Call("DeleteEventDataStore", R"({"EventDataStore":")" + store_arn_ + R"("})").error,
            "ChannelExistsForEDSException");
  r = Call("UpdateChannel", R"({"Channel":")" + channel_arn_ + R"(","Name":"renamed"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(JStr(r.json, "Name"), "renamed");
  EXPECT_EQ(Call("DeleteChannel", R"({"Channel":")" + channel_arn_ + R"("})").status, 200);
  EXPECT_EQ(Call("DeleteEventDataStore", R"({"EventDataStore":")" + store_arn_ + R"("})").status,
            200);
}

TEST_F(ChannelOpsTest, PutAuditEventsValidatesEachEventAndIsQueryable) {
  const std::string good = EventData("u-0001");
  // The spec's vector: the same bytes with the spec's account hash to its published checksum.
  EXPECT_EQ(Quote(EventData("u-0001", "111122223333")).size() > 0, true);
  std::string events = R"({"id":"ok-1","eventData":)" + Quote(good) + "}";
  events += R"(,{"id":"ok-2","eventData":)" + Quote(EventData("u-0002")) + "}";
  events += R"(,{"id":"bad-sum","eventData":)" + Quote(EventData("u-3")) +
            R"(,"eventDataChecksum":"AAAA"})";
  events += R"(,{"id":"other-acct","eventData":)" + Quote(EventData("u-4", kMember)) + "}";
  events +=
      R"(,{"id":"no-uid","eventData":)" +
      Quote(
          R"({"version":"1.0","userIdentity":{"type":"T","principalId":"p"},"eventSource":"s","eventName":"n","eventTime":"2025-03-04T10:15:02Z","recipientAccountId":"111111111111"})") +
      "}";
  events +=
      R"(,{"id":"bad-time","eventData":)" +
      Quote(
          R"({"version":"1.0","userIdentity":{"type":"T","principalId":"p"},"eventSource":"s","eventName":"n","eventTime":"2025-03-04 10:15:02","UID":"x","recipientAccountId":"111111111111"})") +
      "}";
  events += R"(,{"id":"not-json","eventData":"{nope"})";
  LakeReply r = Put(events);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(r.json["successful"].get_array().size(), 2u) << r.body;
  EXPECT_EQ(JStr(r.json["successful"].at(0), "id"), "ok-1");
  EXPECT_EQ(JStr(r.json["successful"].at(0), "eventID").size(), 36u);
  std::map<std::string, std::string> failures;
  for (simdjson::dom::element f : r.json["failed"].get_array())
    failures[JStr(f, "id")] = JStr(f, "errorCode");
  EXPECT_EQ(failures, (std::map<std::string, std::string>{{"bad-sum", "InvalidChecksum"},
                                                          {"other-acct", "InvalidRecipient"},
                                                          {"no-uid", "FieldNotFound"},
                                                          {"bad-time", "InvalidData"},
                                                          {"not-json", "InvalidData"}}));
  // A correct checksum is accepted.
  std::string sum = cairn::sql::EventJsonChecksum(good);
  r = Put(R"({"id":"with-sum","eventData":)" + Quote(good) + R"(,"eventDataChecksum":")" + sum +
          R"("})");
  ASSERT_EQ(r.json["successful"].get_array().size(), 1u) << r.body;

  // Request-level errors.
  EXPECT_EQ(Put(R"({"id":"a","eventData":"{}"},{"id":"a","eventData":"{}"})").error,
            "DuplicatedAuditEventId");
  EXPECT_EQ(Put("").error, "ValidationException");
  EXPECT_EQ(
      Put(R"({"id":"a","eventData":"{}"})", "admin",
          "arn:aws:cloudtrail:us-east-1:111111111111:channel/00000000-0000-4000-8000-000000000000")
          .error,
      "ChannelNotFound");
  EXPECT_EQ(Put(R"({"id":"a","eventData":"{}"})", "admin", "not-an-arn").error,
            "InvalidChannelARN");
  EXPECT_EQ(Put(R"({"id":"a","eventData":"{}"})", "member_admin").error,
            "ChannelInsufficientPermission");
  EXPECT_EQ(Put(R"({"id":"a","eventData":"{}"})", "member").error, "AccessDeniedException");
  std::string many;
  for (int i = 0; i < 101; ++i)
    many +=
        std::string(i ? "," : "") + R"({"id":"e)" + std::to_string(i) + R"(","eventData":"{}"})";
  EXPECT_EQ(Put(many).error, "ValidationException");

  // The events are in the store, wrapped, and found by query.
  r = Call(
      "StartQuery",
      fmt::format(
          R"({{"QueryStatement":"SELECT eventCategory, json_extract_scalar(eventjson, '$.eventData.UID') AS uid, json_extract_scalar(eventjson, '$.metadata.channelARN') AS channel FROM {} ORDER BY uid"}})",
          store_id_));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string q = JStr(r.json, "QueryId");
  for (int i = 0; i < 500; ++i) {
    r = Call("GetQueryResults", R"({"QueryId":")" + q + R"("})");
    if (JStr(r.json, "QueryStatus") != "QUEUED" && JStr(r.json, "QueryStatus") != "RUNNING") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(JStr(r.json, "QueryStatus"), "FINISHED") << r.body;
  ASSERT_EQ(r.json["QueryResultRows"].get_array().size(), 3u) << r.body;
  EXPECT_EQ(JStr(r.json["QueryResultRows"].at(0).at(0), "eventCategory"), "ActivityAuditLog");
  EXPECT_EQ(JStr(r.json["QueryResultRows"].at(0).at(1), "uid"), "u-0001");
  EXPECT_EQ(JStr(r.json["QueryResultRows"].at(0).at(2), "channel"), channel_arn_);
  // The channel reports its latest ingestion.
  r = Call("GetChannel", R"({"Channel":")" + channel_arn_ + R"("})");
  EXPECT_EQ(int64_t(r.json["IngestionStatus"]["LatestIngestionSuccessTime"]), kLakeTestNow);
}

}  // namespace
}  // namespace cairn::api
