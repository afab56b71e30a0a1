// src/api/cloudtrail/lake_test_util.h
//
// A socket-free `cairn serve` for Lake tests: a data folder in a MemEnv (registry in memory), the
// Lake registered with a Dispatcher, and signed callers of every role:
//   admin        management account 111111111111, admin
//   auditor      management account, auditor
//   member_admin member account 222222222222, admin
//   member       member account 222222222222, member-reader
//   other        member account 333333333333, member-reader
// Call() signs a JSON 1.1 request as one of them and returns the status, error name and body.
#pragma once

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <memory>
#include <string>

#include "api/cloudtrail/lake.h"
#include "api/dispatcher.h"
#include "api/sigv4.h"
#include "cloud/data_dir.h"
#include "common/env.h"
#include "event/record_parser.h"

namespace cairn::api {

inline constexpr int64_t kLakeTestNow = 1735689600;  // NewMemEnv's clock: 2025-01-01T00:00:00Z
inline constexpr const char* kMgmt = "111111111111";
inline constexpr const char* kMember = "222222222222";
inline constexpr const char* kOther = "333333333333";

struct LakeReply {
  int status = 0;
  std::string error;  // x-amzn-ErrorType, empty on success
  std::string body;
  simdjson::dom::element json;  // parsed body (valid until the next Call)
};

class LakeTestBase : public ::testing::Test {
 protected:
  struct Key {
    std::string secret;
    cloud::Principal principal;
  };

  LakeTestBase() {
    AddKey("admin", kMgmt, cloud::Role::kAdmin, true);
    AddKey("auditor", kMgmt, cloud::Role::kAuditor, true);
    AddKey("member_admin", kMember, cloud::Role::kAdmin, false);
    AddKey("member", kMember, cloud::Role::kMemberReader, false);
    AddKey("other", kOther, cloud::Role::kMemberReader, false);
  }

  void SetUp() override { OpenLake(); }
  void TearDown() override { CloseLake(); }

  void OpenLake() {
    cloud::DataDirOptions o;
    o.metadata_path = metadata_path_;
    o.store_options.background_maintenance = false;
    auto dir = cloud::DataDir::Open(env_.get(), "/data", o);
    ASSERT_TRUE(dir.ok()) << dir.status().ToString();
    dir_ = std::move(*dir);
    LakeOptions lo;
    lo.management_account = kMgmt;
    lo.home_region = "us-east-1";
    lo.queries = query_options_;
    auto lake = Lake::Open(dir_.get(), lo);
    ASSERT_TRUE(lake.ok()) << lake.status().ToString();
    lake_ = std::move(*lake);
    dispatcher_ = std::make_unique<Dispatcher>(
        &verifier_,
        [this](std::string_view akid) -> Result<std::optional<cloud::Principal>> {
          auto it = keys_.find(std::string(akid));
          if (it == keys_.end()) return std::optional<cloud::Principal>();
          return std::optional<cloud::Principal>(it->second.principal);
        },
        &metrics_, env_.get());
    lake_->Register(dispatcher_.get());
  }

  void CloseLake() {
    if (lake_) {
      EXPECT_TRUE(lake_->Close().ok());
    }
    dispatcher_.reset();
    lake_.reset();
    if (dir_) {
      EXPECT_TRUE(dir_->Close().ok());
    }
    dir_.reset();
  }

  LakeReply Call(std::string_view op, std::string body, std::string_view who = "admin",
                 std::string region = "us-east-1") {
    HttpRequest r;
    r.method = "POST";
    r.target = "/";
    r.body = std::move(body);
    r.headers = {{"Host", "localhost:4566"},
                 {"Content-Type", "application/x-amz-json-1.1"},
                 {"X-Amz-Target", std::string(kCloudTrailTargetPrefix) + std::string(op)}};
    Sign(&r, who, "cloudtrail", region);
    return Finish(dispatcher_->Handle(r));
  }

  // A signed cloudtrail-data request: POST `path_and_query` with `body`.
  LakeReply CallData(std::string path_and_query, std::string body, std::string_view who = "admin") {
    HttpRequest r;
    r.method = "POST";
    r.target = std::move(path_and_query);
    r.body = std::move(body);
    r.headers = {{"Host", "localhost:4566"}, {"Content-Type", "application/json"}};
    Sign(&r, who, "cloudtrail-data", "us-east-1");
    return Finish(dispatcher_->Handle(r));
  }

  void Sign(HttpRequest* r, std::string_view who, std::string service, std::string region) {
    const Key& k = keys_.at(AccessKeyOf(who));
    SignRequest(r, {k.principal.access_key_id, k.secret, std::move(region), std::move(service)},
                env_->NowMicros() / 1000000);
  }

  LakeReply Finish(const HttpResponse& resp) {
    LakeReply out;
    out.status = resp.status;
    out.body = resp.body;
    if (auto e = resp.Header("x-amzn-ErrorType")) out.error = std::string(*e);
    padded_ = simdjson::padded_string(out.body);
    if (parser_.parse(padded_).get(out.json)) ADD_FAILURE() << "reply is not JSON: " << out.body;
    return out;
  }

  // Parses CloudTrail records (JSON objects) into a batch.
  static EventBatch ParseEvents(const std::vector<std::string>& records) {
    EventBatch batch;
    RecordParser parser;
    for (size_t i = 0; i < records.size(); ++i) {
      Str json = batch.Own(records[i] + std::string(64, ' '));
      json = json.substr(0, records[i].size());
      RejectReason reason;
      Status s = parser.Parse(json, RecordSource{"test", i, 0, -1}, &batch, &reason);
      EXPECT_TRUE(s.ok()) << s.ToString();
    }
    return batch;
  }

  // A management event of `account`.
  static std::string MgmtEvent(std::string_view id, std::string_view account,
                               std::string_view name = "DescribeInstances",
                               std::string_view time = "2024-12-30T10:00:00Z") {
    return fmt::format(
        R"({{"eventVersion":"1.09","userIdentity":{{"type":"IAMUser","accountId":"{1}","arn":"arn:aws:iam::{1}:user/u"}},)"
        R"("eventTime":"{3}","eventSource":"ec2.amazonaws.com","eventName":"{2}","awsRegion":"us-east-1",)"
        R"("sourceIPAddress":"10.0.0.1","userAgent":"test","requestID":"r-{0}","eventID":"{0}","readOnly":true,)"
        R"("eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{1}","eventCategory":"Management"}})",
        id, account, name, time);
  }

  static std::string AccessKeyOf(std::string_view who) {
    std::string id = "AKIA";
    for (char c : who) id += (c == '_') ? 'X' : static_cast<char>(std::toupper(c));
    while (id.size() < 20) id += '0';
    return id;
  }

  void AddKey(std::string_view who, std::string account, cloud::Role role, bool mgmt) {
    std::string akid = AccessKeyOf(who);
    keys_[akid] = Key{"secret-" + std::string(who), cloud::Principal{akid, account, role, mgmt}};
  }

  std::unique_ptr<MemEnv> env_ = NewMemEnv();
  std::string metadata_path_ = ":memory:";
  cloud::Queries::Options query_options_;
  std::map<std::string, Key> keys_;
  MetricsRegistry metrics_;
  SigV4Verifier verifier_{[this](std::string_view akid) -> Result<std::optional<std::string>> {
                            auto it = keys_.find(std::string(akid));
                            if (it == keys_.end()) return std::optional<std::string>();
                            return std::optional<std::string>(it->second.secret);
                          },
                          env_.get()};
  std::unique_ptr<cloud::DataDir> dir_;
  std::unique_ptr<Lake> lake_;
  std::unique_ptr<Dispatcher> dispatcher_;
  simdjson::dom::parser parser_;
  simdjson::padded_string padded_;
};

// The string member `key` of `e` ("" when absent).
inline std::string JStr(simdjson::dom::element e, std::string_view key) {
  std::string_view s;
  if (e[key].get(s)) return "";
  return std::string(s);
}

}  // namespace cairn::api
