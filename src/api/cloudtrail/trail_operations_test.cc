// Bad-input sweep over the operations of services.cc (LookupEvents and the trail operations):
// every request member set to JSON values of every type, odd strings and random byte mutations of
// valid bodies go through the real Dispatcher (signed, an admin of a bootstrapped organization,
// metadata.db on disk). Every answer must be 2xx or a 4xx with an AWS error name (never 5xx), and
// the server state must stay usable. Deterministic (fixed seed). The behaviour of valid calls is
// tested end to end with boto3 and the aws CLI in tests/integration/serve_trails.py.
#include <gtest/gtest.h>
#include <simdjson.h>

#include <ctime>
#include <random>

#include "api/services.h"
#include "api/sigv4.h"
#include "store/history_test_util.h"

namespace cairn::api {
namespace {

using history_testing::TempDir;

class OperationsSweepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cloud::DataDirOptions o;
    o.store_options.background_maintenance = false;
    o.history_options.background_maintenance = false;
    data_ = std::move(*cloud::DataDir::Open(Env::Default(), tmp_.path(), o));
    org_ = std::move(*cloud::Organization::Open(data_.get()));
    auto b = org_->Bootstrap("111122223333", "management");
    ASSERT_TRUE(b.ok());
    key_ = b->admin.info.access_key_id;
    secret_ = b->admin.secret_access_key;
    trails_ = std::make_unique<cloud::Trails>(data_->metadata());
    keys_ = std::make_unique<cloud::SigningKeys>(data_->metadata(), &org_->box());
    services_.env = Env::Default();
    services_.data = data_.get();
    services_.org = org_.get();
    services_.management_account = "111122223333";
    services_.trails = trails_.get();
    services_.signing_keys = keys_.get();
    verifier_ = std::make_unique<SigV4Verifier>(
        [this](std::string_view k) { return org_->SecretFor(k); }, Env::Default());
    dispatcher_ = std::make_unique<Dispatcher>(
        verifier_.get(), [this](std::string_view k) { return org_->PrincipalFor(k); }, &metrics_,
        Env::Default());
    RegisterHandlers(dispatcher_.get(), &services_);
  }

  HttpResponse Call(const std::string& op, const std::string& body) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.body = body;
    r.headers = {{"Host", "localhost"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", std::string(kCloudTrailTargetPrefix) + op}};
    SignRequest(&r, SigningCredentials{key_, secret_, "us-east-1", "cloudtrail"},
                std::time(nullptr));
    return dispatcher_->Handle(r);
  }

  void ExpectClean(const std::string& op, const std::string& body) {
    HttpResponse resp = Call(op, body);
    ASSERT_LT(resp.status, 500) << op << " " << body << " -> " << resp.body;
    if (resp.status != 200) {
      simdjson::dom::parser p;
      simdjson::dom::element e;
      ASSERT_EQ(p.parse(resp.body).get(e), simdjson::SUCCESS) << resp.body;
      std::string_view type;
      ASSERT_EQ(e["__type"].get(type), simdjson::SUCCESS) << resp.body;
      EXPECT_EQ(resp.Header("x-amzn-ErrorType").value_or(""), type);
    }
  }

  TempDir tmp_;
  std::unique_ptr<cloud::DataDir> data_;
  std::unique_ptr<cloud::Organization> org_;
  std::unique_ptr<cloud::Trails> trails_;
  std::unique_ptr<cloud::SigningKeys> keys_;
  ApiServices services_;
  MetricsRegistry metrics_;
  std::unique_ptr<SigV4Verifier> verifier_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::string key_, secret_;
};

TEST_F(OperationsSweepTest, EveryMemberWithEveryKindOfValue) {
  ASSERT_EQ(Call("CreateTrail", R"({"Name":"audit","S3BucketName":"audit-logs"})").status, 200);
  const std::vector<std::pair<std::string, std::vector<std::string>>> ops = {
      {"LookupEvents",
       {"LookupAttributes", "StartTime", "EndTime", "EventCategory", "MaxResults", "NextToken"}},
      {"CreateTrail",
       {"Name", "S3BucketName", "S3KeyPrefix", "SnsTopicName", "IncludeGlobalServiceEvents",
        "IsMultiRegionTrail", "EnableLogFileValidation", "CloudWatchLogsLogGroupArn",
        "CloudWatchLogsRoleArn", "KmsKeyId", "IsOrganizationTrail", "TagsList"}},
      {"UpdateTrail", {"Name", "S3BucketName", "KmsKeyId", "IsMultiRegionTrail", "SnsTopicName"}},
      {"GetTrail", {"Name"}},
      {"DescribeTrails", {"trailNameList", "includeShadowTrails"}},
      {"ListTrails", {"NextToken"}},
      {"GetTrailStatus", {"Name"}},
      {"StartLogging", {"Name"}},
      {"PutEventSelectors", {"TrailName", "EventSelectors", "AdvancedEventSelectors"}},
      {"GetEventSelectors", {"TrailName"}},
      {"PutInsightSelectors", {"TrailName", "InsightSelectors", "EventDataStore"}},
      {"GetInsightSelectors", {"TrailName", "EventDataStore"}},
      {"AddTags", {"ResourceId", "TagsList"}},
      {"RemoveTags", {"ResourceId", "TagsList"}},
      {"ListTags", {"ResourceIdList", "NextToken"}},
      {"ListPublicKeys", {"StartTime", "EndTime", "NextToken"}},
  };
  const std::vector<std::string> values = {
      "null",
      "true",
      "0",
      "-1",
      "1e300",
      "1.5",
      "9223372036854775807",
      "18446744073709551616",
      "\"\"",
      "\"audit\"",
      "\"" + std::string(3000, 'a') + "\"",
      "\"\\u0000\\u00e9\\ud83d\"",
      "\"arn:aws:cloudtrail:us-east-1:111122223333:trail/audit\"",
      "\"arn:aws:cloudtrail\"",
      "[]",
      "[1,\"a\",{}]",
      "[\"audit\",\"arn:aws:cloudtrail:x\"]",
      "{}",
      R"([{"Key":"k","Value":"v"},{"Key":""}])",
      R"([{"AttributeKey":"EventName","AttributeValue":"x"}])",
      R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]}]}])",
      R"([{"ReadWriteType":"All","DataResources":[{"Type":"AWS::S3::Object","Values":[1]}]}])",
      R"([{"InsightType":"ApiCallRateInsight","EventCategories":[null]}])",
      R"({"a":{"b":[[[[[]]]]]}})"};
  for (const auto& [op, members] : ops) {
    ExpectClean(op, "");
    ExpectClean(op, "{}");
    for (const std::string& m : members) {
      for (const std::string& v : values) {
        std::string body = "{\"" + m + "\":" + v;
        // Keep the trail name valid for the other members, so their own checks are reached.
        if (m != "Name" && (op == "UpdateTrail" || op == "GetTrail")) body += ",\"Name\":\"audit\"";
        if (m != "TrailName" && op.find("Selectors") != std::string::npos) {
          body += ",\"TrailName\":\"audit\"";
        }
        ExpectClean(op, body + "}");
      }
    }
  }
  // Random byte mutations of valid bodies.
  std::mt19937 rng(7);
  const std::vector<std::pair<std::string, std::string>> valid = {
      {"LookupEvents",
       R"({"LookupAttributes":[{"AttributeKey":"EventName","AttributeValue":"CreateTrail"}],"MaxResults":5})"},
      {"PutEventSelectors",
       R"({"TrailName":"audit","AdvancedEventSelectors":[{"Name":"n","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},{"Field":"readOnly","Equals":["true"]}]}]})"},
      {"AddTags",
       R"({"ResourceId":"arn:aws:cloudtrail:us-east-1:111122223333:trail/audit","TagsList":[{"Key":"a","Value":"b"}]})"},
      {"DescribeTrails",
       R"({"trailNameList":["audit","arn:aws:cloudtrail:us-east-1:111122223333:trail/audit"],"includeShadowTrails":false})"},
  };
  for (int i = 0; i < 600; ++i) {
    const auto& [op, body] = valid[static_cast<size_t>(i) % valid.size()];
    std::string m = body;
    const int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !m.empty(); ++e) {
      const size_t at = rng() % m.size();
      switch (rng() % 3) {
        case 0:
          m[at] = static_cast<char>(rng() % 256);
          break;
        case 1:
          m.erase(at, 1 + rng() % 8);
          break;
        default:
          m.insert(at, 1, "{}[]\",:0a\\"[rng() % 10]);
      }
    }
    ExpectClean(op, m);
  }
  // Still serving: the trail is there and answers.
  EXPECT_EQ(Call("GetTrail", R"({"Name":"audit"})").status, 200);
}

}  // namespace
}  // namespace cairn::api
