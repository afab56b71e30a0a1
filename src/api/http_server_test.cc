#include "api/http_server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <future>
#include <thread>

#include "api/sigv4.h"

namespace cairn::api {
namespace {

constexpr char kAkid[] = "AKIATESTTESTTESTTEST";
constexpr char kSecret[] = "test-secret-00000000000000000000000000000";

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dispatcher_.AddJson11(
        "Echo", cloud::Action::kReadConfig,
        [](const RequestContext&, simdjson::dom::element in) -> Result<std::string> {
          return std::string(simdjson::minify(in));
        });
    dispatcher_.AddJson11(
        "Slow", cloud::Action::kReadConfig,
        [this](const RequestContext&, simdjson::dom::element) -> Result<std::string> {
          slow_started_.set_value();
          std::this_thread::sleep_for(std::chrono::milliseconds(400));
          return std::string("{\"done\":true}");
        });
    HttpServerOptions options;
    options.port = 0;
    options.max_body_bytes = 4096;
    options.threads = 4;
    server_ = std::make_unique<HttpServer>(&dispatcher_, &metrics_, options);
    ASSERT_TRUE(server_->Bind().ok());
    runner_ = std::thread([this] { run_status_ = server_->Run(); });
  }

  void TearDown() override {
    server_->Shutdown();
    if (runner_.joinable()) runner_.join();
  }

  httplib::Result Call(std::string_view op, std::string body) {
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.body = std::move(body);
    std::string host = "127.0.0.1:" + std::to_string(server_->port());
    r.headers = {{"Host", host},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", std::string(kCloudTrailTargetPrefix) + std::string(op)}};
    SignRequest(&r, {kAkid, kSecret, "us-east-1", "cloudtrail"},
                Env::Default()->NowMicros() / 1000000);
    httplib::Headers headers;
    for (auto& [k, v] : r.headers) {
      if (k != "Content-Type" && k != "Host") headers.emplace(k, v);
    }
    httplib::Client client("127.0.0.1", server_->port());
    return client.Post("/", headers, r.body, "application/x-amz-json-1.1");
  }

  MetricsRegistry metrics_;
  SigV4Verifier verifier_{[](std::string_view akid) -> Result<std::optional<std::string>> {
                            if (akid != kAkid) return std::optional<std::string>();
                            return std::optional<std::string>(kSecret);
                          },
                          Env::Default()};
  Dispatcher dispatcher_{&verifier_,
                         [](std::string_view akid) -> Result<std::optional<cloud::Principal>> {
                           return std::optional<cloud::Principal>(cloud::Principal{
                               std::string(akid), "111122223333", cloud::Role::kAdmin, true});
                         },
                         &metrics_, Env::Default()};
  std::unique_ptr<HttpServer> server_;
  std::thread runner_;
  Status run_status_;
  std::promise<void> slow_started_;
};

TEST_F(HttpServerTest, SignedRequestRoundTrip) {
  auto res = Call("Echo", R"({"a": [1, "x"]})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, R"({"a":[1,"x"]})");
  EXPECT_EQ(res->get_header_value("Content-Type"), "application/x-amz-json-1.1");
  EXPECT_EQ(res->get_header_value("x-amzn-RequestId").size(), 36u);
}

TEST_F(HttpServerTest, HealthAndMetricsNeedNoSignature) {
  httplib::Client client("127.0.0.1", server_->port());
  auto health = client.Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(health->body, R"({"status":"ok"})");
  ASSERT_TRUE(Call("Echo", "{}"));
  auto metrics = client.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 200);
  EXPECT_NE(metrics->body.find("cairn_api_requests_total{operation=\"Echo\",status=\"200\"} 1"),
            std::string::npos)
      << metrics->body;
  EXPECT_NE(metrics->body.find("# TYPE cairn_api_requests_in_flight gauge"), std::string::npos);
}

TEST_F(HttpServerTest, UnsignedRequestIsRefused) {
  httplib::Client client("127.0.0.1", server_->port());
  httplib::Headers headers = {{"X-Amz-Target", std::string(kCloudTrailTargetPrefix) + "Echo"}};
  auto res = client.Post("/", headers, "{}", "application/x-amz-json-1.1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403);
  EXPECT_EQ(res->get_header_value("x-amzn-ErrorType"), "MissingAuthenticationTokenException");
  EXPECT_NE(res->body.find("\"__type\":\"MissingAuthenticationTokenException\""),
            std::string::npos);
}

TEST_F(HttpServerTest, BodyLimit) {
  auto res = Call("Echo", "{\"a\":\"" + std::string(5000, 'x') + "\"}");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_EQ(res->get_header_value("x-amzn-ErrorType"), "RequestEntityTooLargeException");
}

TEST_F(HttpServerTest, ShutdownLetsRequestsInFlightFinish) {
  auto pending = std::async(std::launch::async, [this] { return Call("Slow", "{}"); });
  slow_started_.get_future().wait();
  auto t0 = std::chrono::steady_clock::now();
  server_->Shutdown();
  runner_.join();
  EXPECT_TRUE(run_status_.ok());
  auto res = pending.get();
  ASSERT_TRUE(res) << "the request in flight was cut off";
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "{\"done\":true}");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  // No longer accepting.
  httplib::Client client("127.0.0.1", server_->port());
  client.set_connection_timeout(1, 0);
  EXPECT_FALSE(client.Get("/health"));
}

// A dispatcher that knows no keys and no principals: enough for tests of binding and shutdown.
class HttpServerStandaloneTest : public ::testing::Test {
 protected:
  MetricsRegistry metrics;
  std::unique_ptr<Env> env = NewMemEnv();
  SigV4Verifier verifier{[](std::string_view) -> Result<std::optional<std::string>> {
                           return std::optional<std::string>();
                         },
                         env.get()};
  Dispatcher dispatcher{&verifier,
                        [](std::string_view) -> Result<std::optional<cloud::Principal>> {
                          return std::optional<cloud::Principal>();
                        },
                        &metrics, env.get()};
};

TEST_F(HttpServerStandaloneTest, ShutdownBeforeRun) {
  HttpServerOptions options;
  options.port = 0;
  HttpServer server(&dispatcher, &metrics, options);
  ASSERT_TRUE(server.Bind().ok());
  server.Shutdown();
  EXPECT_TRUE(server.Run().ok());
}

TEST_F(HttpServerStandaloneTest, BindFailureNamesAddress) {
  HttpServerOptions options;
  options.host = "203.0.113.1";  // TEST-NET-3: not an address of this machine
  options.port = 4566;
  HttpServer server(&dispatcher, &metrics, options);
  Status s = server.Bind();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("203.0.113.1:4566"), std::string::npos);
}

TEST_F(HttpServerStandaloneTest, SecondServerOnTheSamePortFailsToBind) {
  HttpServerOptions options;
  options.port = 0;
  HttpServer first(&dispatcher, &metrics, options);
  ASSERT_TRUE(first.Bind().ok());
  options.port = first.port();
  HttpServer second(&dispatcher, &metrics, options);
  Status s = second.Bind();
  ASSERT_FALSE(s.ok()) << "two servers bound port " << first.port();
  EXPECT_NE(s.message().find(std::to_string(first.port())), std::string::npos);
}

TEST(ListenAddressTest, Parses) {
  auto a = ParseListenAddress("127.0.0.1:4566");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->first, "127.0.0.1");
  EXPECT_EQ(a->second, 4566);
  EXPECT_EQ(ParseListenAddress("[::1]:0")->first, "::1");
  EXPECT_FALSE(ParseListenAddress("4566").ok());
  EXPECT_FALSE(ParseListenAddress("host:").ok());
  EXPECT_FALSE(ParseListenAddress("host:70000").ok());
  EXPECT_FALSE(ParseListenAddress(":80").ok());
}

}  // namespace
}  // namespace cairn::api
