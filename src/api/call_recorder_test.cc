// CallRecorder: the record's shape (identity, request parameters lower-camel-cased, secrets
// hidden, errors, PutAuditEvents payloads left out), and records reaching the caller's event
// history through the background writer.
#include "api/call_recorder.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include "store/history_test_util.h"

namespace cairn::api {
namespace {

using history_testing::TempDir;

RequestContext Ctx(std::string op, bool read_only) {
  RequestContext ctx;
  ctx.request_id = "req-1";
  ctx.service = "cloudtrail";
  ctx.operation = std::move(op);
  ctx.region = "eu-west-1";
  ctx.principal.access_key_id = "AKIAEXAMPLEKEY000000";
  ctx.principal.account_id = "111122223333";
  ctx.source_ip = "10.1.2.3";
  ctx.user_agent = "aws-cli/2";
  ctx.read_only = read_only;
  return ctx;
}

TEST(CallRecorderTest, RecordShape) {
  HttpRequest req;
  req.method = "POST";
  req.target = "/";
  req.body =
      R"({"Name":"audit","S3BucketName":"b","SecretAccessKey":"abc","Nested":{"Password":"p","X":[1,{"Y":2}]}})";
  HttpResponse resp;
  resp.body = R"({"TrailARN":"arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit"})";
  std::string json = CallRecordJson(Ctx("CreateTrail", false), req, resp, 1700000000000000);
  simdjson::dom::parser p;
  simdjson::dom::element r = p.parse(json).value();
  EXPECT_EQ(std::string_view(r["eventName"]), "CreateTrail");
  EXPECT_EQ(std::string_view(r["eventTime"]), "2023-11-14T22:13:20Z");
  EXPECT_EQ(std::string_view(r["awsRegion"]), "eu-west-1");
  EXPECT_EQ(std::string_view(r["recipientAccountId"]), "111122223333");
  EXPECT_EQ(std::string_view(r["userIdentity"]["arn"]),
            "arn:aws:iam::111122223333:user/AKIAEXAMPLEKEY000000");
  EXPECT_EQ(std::string_view(r["requestParameters"]["name"]), "audit");
  EXPECT_EQ(std::string_view(r["requestParameters"]["secretAccessKey"]),
            "HIDDEN_DUE_TO_SECURITY_REASONS");
  EXPECT_EQ(std::string_view(r["requestParameters"]["nested"]["password"]),
            "HIDDEN_DUE_TO_SECURITY_REASONS");
  EXPECT_EQ(int64_t(r["requestParameters"]["nested"]["x"].at(1)["y"]), 2);
  EXPECT_EQ(json.find("\"abc\""), std::string::npos);
  EXPECT_EQ(std::string_view(r["responseElements"]["trailARN"]),
            "arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit");
  EXPECT_FALSE(bool(r["readOnly"]));
  EXPECT_EQ(std::string_view(r["eventCategory"]), "Management");

  // A failed read: error code and message, no response elements, empty body -> null parameters.
  HttpRequest empty;
  empty.target = "/";
  HttpResponse err;
  err.status = 400;
  err.headers.emplace_back("x-amzn-ErrorType", "TrailNotFoundException");
  err.body = R"({"__type":"TrailNotFoundException","message":"Unknown trail: x"})";
  r = p.parse(CallRecordJson(Ctx("GetTrail", true), empty, err, 0)).value();
  EXPECT_EQ(std::string_view(r["errorCode"]), "TrailNotFoundException");
  EXPECT_EQ(std::string_view(r["errorMessage"]), "Unknown trail: x");
  EXPECT_TRUE(r["requestParameters"].is_null());
  EXPECT_TRUE(r["responseElements"].is_null());
  EXPECT_TRUE(bool(r["readOnly"]));

  // PutAuditEvents: a data event; the payloads are counted, not copied.
  HttpRequest put;
  put.target = "/PutAuditEvents?channelArn=arn%3Ax&externalId=e";
  put.body =
      R"({"auditEvents":[{"id":"1","eventData":"{\"secret\":1}"},{"id":"2","eventData":"{}"}]})";
  RequestContext ctx = Ctx("PutAuditEvents", false);
  ctx.service = "cloudtrail-data";
  r = p.parse(CallRecordJson(ctx, put, HttpResponse(), 0)).value();
  EXPECT_EQ(std::string_view(r["eventCategory"]), "Data");
  EXPECT_EQ(std::string_view(r["requestParameters"]["channelArn"]), "arn:x");
  EXPECT_EQ(int64_t(r["requestParameters"]["auditEventCount"]), 2);
  EXPECT_EQ(std::string_view(r["eventSource"]), "cloudtrail-data.amazonaws.com");
}

TEST(CallRecorderTest, RecordsReachTheCallersHistory) {
  TempDir tmp;
  cloud::DataDirOptions o;
  o.store_options.background_maintenance = false;
  o.history_options.background_maintenance = false;
  auto data = cloud::DataDir::Open(Env::Default(), tmp.path(), o);
  ASSERT_TRUE(data.ok());
  MetricsRegistry metrics;
  size_t ingested = 0;
  CallRecorder recorder(data->get(), Env::Default(), &metrics, [&](const EventBatch& b) {
    ingested += b.size();
    return Status::OK();
  });
  HttpRequest req;
  req.target = "/";
  for (int i = 0; i < 3; ++i) recorder.Record(Ctx("DescribeTrails", true), req, HttpResponse());
  ASSERT_TRUE(recorder.Close().ok());
  EXPECT_EQ(ingested, 3u);
  auto history = (*data)->History("111122223333", "eu-west-1", /*create=*/false);
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  auto r = (*history)->Lookup(LookupEventsRequest{}, (*data)->token_key());
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->events.size(), 3u);
  EXPECT_EQ(r->events[0].event_name.value_or(""), "DescribeTrails");
  EXPECT_EQ(r->events[0].read_only.value_or(""), "true");
}

}  // namespace
}  // namespace cairn::api
