#include "api/dispatcher.h"

#include <gtest/gtest.h>

#include <map>

#include "api/sigv4.h"

namespace cairn::api {
namespace {

constexpr int64_t kNow = 1735689600;  // 2025-01-01T00:00:00Z, NewMemEnv's default clock

struct Key {
  std::string secret;
  cloud::Principal principal;
};

class DispatcherTest : public ::testing::Test {
 protected:
  DispatcherTest() {
    keys_["AKIAADMIN00000000000"] = {
        "admin-secret-0000000000000000000000000000",
        {"AKIAADMIN00000000000", "111122223333", cloud::Role::kAdmin, true}};
    keys_["AKIAREADER0000000000"] = {
        "reader-secret-000000000000000000000000000",
        {"AKIAREADER0000000000", "444455556666", cloud::Role::kMemberReader, false}};
    dispatcher_.AddJson11(
        "Echo", cloud::Action::kReadConfig,
        [](const RequestContext& ctx, simdjson::dom::element in) -> Result<std::string> {
          std::string_view name;
          if (in["Name"].get(name)) return std::string("{}");
          return "{\"Name\":\"" + std::string(name) + "\",\"Region\":\"" + ctx.region +
                 "\",\"Account\":\"" + ctx.principal.account_id + "\"}";
        });
    dispatcher_.AddJson11("Write", cloud::Action::kWriteConfig,
                          [](const RequestContext&, simdjson::dom::element) -> Result<std::string> {
                            return std::string("{}");
                          });
    dispatcher_.AddJson11("Fail", cloud::Action::kReadConfig,
                          [](const RequestContext&, simdjson::dom::element) -> Result<std::string> {
                            return AwsError(StatusCode::kNotFound, "TrailNotFoundException",
                                            "Unknown trail: x for the user: 111122223333");
                          });
    dispatcher_.AddJson11("Crash", cloud::Action::kReadConfig,
                          [](const RequestContext&, simdjson::dom::element) -> Result<std::string> {
                            return Status::DataLoss("segments/7.seg: offset 12: bad checksum");
                          });
    dispatcher_.AddRest(
        "cloudtrail-data", "POST", "/PutAuditEvents", "PutAuditEvents", cloud::Action::kWriteEvents,
        [](const RequestContext&, const RestRequest& r) -> Result<RestResult> {
          RestResult out;
          out.body = "{\"channel\":\"" + std::string(r.Query("channelArn").value_or("")) + "\"}";
          return out;
        });
    dispatcher_.AddRest("securitylake", "GET", "/v1/tags/{resourceArn}", "ListTagsForResource",
                        cloud::Action::kReadConfig,
                        [](const RequestContext&, const RestRequest& r) -> Result<RestResult> {
                          RestResult out;
                          out.body = "{\"arn\":\"" + r.path_params.at("resourceArn") + "\"}";
                          return out;
                        });
  }

  HttpRequest Json11(std::string_view op, std::string body,
                     std::string_view akid = "AKIAADMIN00000000000") {
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.body = std::move(body);
    r.headers = {{"Host", "localhost:4566"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", std::string(kCloudTrailTargetPrefix) + std::string(op)}};
    Sign(&r, akid, "cloudtrail");
    return r;
  }

  void Sign(HttpRequest* r, std::string_view akid, std::string service) {
    auto it = keys_.find(std::string(akid));
    std::string secret = it == keys_.end() ? "unknown" : it->second.secret;
    SignRequest(r, {std::string(akid), secret, "eu-central-1", std::move(service)}, kNow);
  }

  std::map<std::string, Key> keys_;
  std::unique_ptr<MemEnv> env_ = NewMemEnv();
  MetricsRegistry metrics_;
  SigV4Verifier verifier_{[this](std::string_view akid) -> Result<std::optional<std::string>> {
                            auto it = keys_.find(std::string(akid));
                            if (it == keys_.end()) return std::optional<std::string>();
                            return std::optional<std::string>(it->second.secret);
                          },
                          env_.get()};
  Dispatcher dispatcher_{&verifier_,
                         [this](std::string_view akid) -> Result<std::optional<cloud::Principal>> {
                           auto it = keys_.find(std::string(akid));
                           if (it == keys_.end()) return std::optional<cloud::Principal>();
                           return std::optional<cloud::Principal>(it->second.principal);
                         },
                         &metrics_, env_.get()};
};

TEST_F(DispatcherTest, Json11Success) {
  HttpResponse r = dispatcher_.Handle(Json11("Echo", R"({"Name": "t1", "Unknown": [1, 2]})"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.Header("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(r.body, R"({"Name":"t1","Region":"eu-central-1","Account":"111122223333"})");
  EXPECT_EQ(r.Header("x-amzn-RequestId")->size(), 36u);
  // An empty body is {}.
  r = dispatcher_.Handle(Json11("Echo", ""));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
}

TEST_F(DispatcherTest, Json11Errors) {
  HttpResponse r = dispatcher_.Handle(Json11("Fail", "{}"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "TrailNotFoundException");
  EXPECT_EQ(
      r.body,
      R"({"__type":"TrailNotFoundException","message":"Unknown trail: x for the user: 111122223333"})");

  r = dispatcher_.Handle(Json11("NoSuchOperation", "{}"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "UnknownOperationException");

  r = dispatcher_.Handle(Json11("Echo", "{not json"));
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "SerializationException");
  r = dispatcher_.Handle(Json11("Echo", "[1]"));
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "SerializationException");

  r = dispatcher_.Handle(Json11("Crash", "{}"));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "InternalFailure");
  EXPECT_EQ(r.body.find("segments/7.seg"), std::string::npos);
}

TEST_F(DispatcherTest, AuthenticationComesFirst) {
  HttpRequest unsigned_request = Json11("NoSuchOperation", "{}");
  std::erase_if(unsigned_request.headers, [](auto& h) { return h.first == "Authorization"; });
  HttpResponse r = dispatcher_.Handle(unsigned_request);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "MissingAuthenticationTokenException");

  r = dispatcher_.Handle(Json11("Echo", "{}", "AKIANOBODY0000000000"));
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "UnrecognizedClientException");

  HttpRequest tampered = Json11("Echo", R"({"Name":"a"})");
  tampered.body = R"({"Name":"b"})";
  r = dispatcher_.Handle(tampered);
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "InvalidSignatureException");
}

TEST_F(DispatcherTest, RolesAreEnforced) {
  HttpResponse r = dispatcher_.Handle(Json11("Write", "{}", "AKIAREADER0000000000"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.Header("x-amzn-ErrorType"), "AccessDeniedException");
  EXPECT_NE(r.body.find("arn:aws:iam::444455556666:user/AKIAREADER0000000000"), std::string::npos);
  EXPECT_EQ(dispatcher_.Handle(Json11("Echo", "{}", "AKIAREADER0000000000")).status, 200);
  EXPECT_EQ(dispatcher_.Handle(Json11("Write", "{}")).status, 200);
}

TEST_F(DispatcherTest, RestRoutes) {
  HttpRequest r;
  r.method = "POST";
  r.target = "/PutAuditEvents?channelArn=arn%3Aaws%3Acloudtrail%3Aeu-central-1%3A1%3Achannel%2Fc";
  r.body = R"({"auditEvents": []})";
  r.headers = {{"Host", "localhost:4566"}, {"Content-Type", "application/json"}};
  Sign(&r, "AKIAADMIN00000000000", "cloudtrail-data");
  HttpResponse resp = dispatcher_.Handle(r);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(resp.body, R"({"channel":"arn:aws:cloudtrail:eu-central-1:1:channel/c"})");
  EXPECT_EQ(resp.Header("Content-Type"), "application/json");

  // Signed for the wrong service.
  Sign(&r, "AKIAADMIN00000000000", "cloudtrail");
  resp = dispatcher_.Handle(r);
  EXPECT_EQ(resp.Header("x-amzn-ErrorType"), "IncompleteSignatureException");

  HttpRequest g;
  g.method = "GET";
  g.target = "/v1/tags/arn%3Aaws%3Asecuritylake%3Aus-east-1%3A1%3Asubscriber%2Fs";
  g.headers = {{"Host", "localhost:4566"}};
  Sign(&g, "AKIAADMIN00000000000", "securitylake");
  resp = dispatcher_.Handle(g);
  EXPECT_EQ(resp.status, 200) << resp.body;
  EXPECT_EQ(resp.body, R"({"arn":"arn:aws:securitylake:us-east-1:1:subscriber/s"})");

  HttpRequest unknown;
  unknown.method = "GET";
  unknown.target = "/v1/nothing";
  unknown.headers = {{"Host", "localhost:4566"}};
  Sign(&unknown, "AKIAADMIN00000000000", "securitylake");
  resp = dispatcher_.Handle(unknown);
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.Header("x-amzn-ErrorType"), "UnknownOperationException");
  EXPECT_EQ(resp.Header("Content-Type"), "application/json");

  // Unsigned: refused before the route is revealed.
  unknown.headers = {{"Host", "localhost:4566"}};
  resp = dispatcher_.Handle(unknown);
  EXPECT_EQ(resp.status, 403);
  EXPECT_EQ(resp.Header("x-amzn-ErrorType"), "MissingAuthenticationTokenException");
}

TEST_F(DispatcherTest, MetricsCountByOperationAndStatus) {
  (void)dispatcher_.Handle(Json11("Echo", "{}"));
  (void)dispatcher_.Handle(Json11("Echo", "{}"));
  (void)dispatcher_.Handle(Json11("Fail", "{}"));
  HttpRequest unsigned_request = Json11("Anything", "{}");
  unsigned_request.headers.pop_back();
  (void)dispatcher_.Handle(unsigned_request);
  std::string text = metrics_.RenderPrometheus();
  EXPECT_NE(text.find("cairn_api_requests_total{operation=\"Echo\",status=\"200\"} 2\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cairn_api_requests_total{operation=\"Fail\",status=\"400\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("cairn_api_requests_total{operation=\"-\",status=\"403\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("cairn_api_request_duration_seconds_count{operation=\"Echo\"} 2\n"),
            std::string::npos);
}

TEST_F(DispatcherTest, ObserverSeesAuthenticatedCalls) {
  std::vector<std::string> seen;
  dispatcher_.SetCallObserver(
      [&](const RequestContext& ctx, const HttpRequest&, const HttpResponse& resp) {
        seen.push_back(ctx.operation + ":" + std::to_string(resp.status) + ":" +
                       ctx.principal.account_id);
      });
  (void)dispatcher_.Handle(Json11("Echo", "{}"));
  (void)dispatcher_.Handle(Json11("Fail", "{}"));
  HttpRequest unsigned_request = Json11("Echo", "{}");
  unsigned_request.headers.pop_back();
  (void)dispatcher_.Handle(unsigned_request);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], "Echo:200:111122223333");
  EXPECT_EQ(seen[1], "Fail:400:111122223333");
}

}  // namespace
}  // namespace cairn::api
