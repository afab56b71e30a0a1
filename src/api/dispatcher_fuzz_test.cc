// Fuzz-style test of the whole request path without sockets: signed requests (JSON 1.1 and
// REST-JSON), mutated at random, go through Dispatcher::Handle. Nothing may crash, every response
// must carry a request id, and every error body must be AWS-shaped JSON whose __type matches
// x-amzn-ErrorType. Deterministic (fixed seed).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <random>

#include "api/dispatcher.h"
#include "api/sigv4.h"

namespace cairn::api {
namespace {

constexpr char kAkid[] = "AKIAFUZZFUZZFUZZFUZZ";
constexpr char kSecret[] = "fuzz-secret-0000000000000000000000000000";

TEST(DispatcherFuzzTest, MutatedRequestsGetWellFormedAnswers) {
  auto env = NewMemEnv();
  MetricsRegistry metrics;
  SigV4Verifier verifier(
      [](std::string_view akid) -> Result<std::optional<std::string>> {
        if (akid != kAkid) return std::optional<std::string>();
        return std::optional<std::string>(kSecret);
      },
      env.get());
  Dispatcher d(
      &verifier,
      [](std::string_view akid) -> Result<std::optional<cloud::Principal>> {
        return std::optional<cloud::Principal>(
            cloud::Principal{std::string(akid), "111122223333", cloud::Role::kAdmin, true});
      },
      &metrics, env.get());
  d.AddJson11("Echo", cloud::Action::kReadConfig,
              [](const RequestContext&, simdjson::dom::element in) -> Result<std::string> {
                std::string_view name;
                if (in["Name"].get(name) == simdjson::SUCCESS && name.empty()) {
                  return Status::InvalidArgument("empty name");
                }
                return std::string(simdjson::minify(in));
              });
  d.AddRest("cloudtrail-data", "POST", "/PutAuditEvents", "PutAuditEvents",
            cloud::Action::kWriteEvents,
            [](const RequestContext&, const RestRequest& r) -> Result<RestResult> {
              RestResult out;
              out.body = "{\"n\":" + std::to_string(r.query.size()) + "}";
              return out;
            });

  std::vector<HttpRequest> seeds;
  {
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.body = R"({"Name": "x", "List": [1, 2.5, "s", null, {"a": true}]})";
    r.headers = {{"Host", "localhost:4566"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", std::string(kCloudTrailTargetPrefix) + "Echo"}};
    SignRequest(&r, {kAkid, kSecret, "us-east-1", "cloudtrail"}, env->NowMicros() / 1000000);
    seeds.push_back(r);
    HttpRequest q;
    q.method = "POST";
    q.target =
        "/PutAuditEvents?channelArn=arn%3Aaws%3Acloudtrail%3Aus-east-1%3A1%3Achannel%2Fc&"
        "externalId=e";
    q.body = R"({"auditEvents": [{"id": "1", "eventData": "{}"}]})";
    q.headers = {{"Host", "localhost:4566"}, {"Content-Type", "application/json"}};
    SignRequest(&q, {kAkid, kSecret, "us-east-1", "cloudtrail-data"}, env->NowMicros() / 1000000);
    seeds.push_back(q);
  }
  for (const HttpRequest& s : seeds) ASSERT_EQ(d.Handle(s).status, 200) << s.target;

  std::mt19937_64 rng(4566);
  simdjson::dom::parser parser;
  int ok = 0;
  auto mutate = [&](std::string* s) {
    if (s->empty() || rng() % 4 == 0) {
      s->insert(s->begin() + static_cast<long>(s->empty() ? 0 : rng() % s->size()),
                static_cast<char>(rng()));
    } else if (rng() % 2) {
      (*s)[rng() % s->size()] = static_cast<char>(rng());
    } else {
      s->erase(rng() % s->size(), 1 + rng() % 4);
    }
  };
  for (int i = 0; i < 20000; ++i) {
    HttpRequest r = seeds[rng() % seeds.size()];
    switch (rng() % 5) {
      case 0:
        mutate(&r.body);
        break;
      case 1:
        mutate(&r.target);
        break;
      case 2:
        mutate(&r.headers[rng() % r.headers.size()].second);
        break;
      case 3:
        mutate(&r.headers[rng() % r.headers.size()].first);
        break;
      case 4:
        // Re-signed after mutating the body: authentication passes, parsing meets the damage.
        mutate(&r.body);
        SignRequest(&r,
                    {kAkid, kSecret, "us-east-1",
                     r.target.rfind("/Put", 0) == 0 ? "cloudtrail-data" : "cloudtrail"},
                    env->NowMicros() / 1000000);
        break;
    }
    HttpResponse resp = d.Handle(r);
    ASSERT_EQ(resp.Header("x-amzn-RequestId").value_or("").size(), 36u);
    if (resp.status == 200) {
      ++ok;
      continue;
    }
    ASSERT_GE(resp.status, 400);
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(resp.body).get(doc), simdjson::SUCCESS) << resp.body;
    std::string_view type;
    ASSERT_EQ(doc["__type"].get(type), simdjson::SUCCESS);
    ASSERT_EQ(resp.Header("x-amzn-ErrorType"), type);
  }
  EXPECT_GT(ok, 0);      // re-signed requests with still-valid bodies get through
  EXPECT_LT(ok, 20000);  // and most mutations are refused
}

}  // namespace
}  // namespace cairn::api
