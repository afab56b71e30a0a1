// src/store/history_test_util.h
//
// Test helpers for the event history, data folder and router tests: CloudTrail records of every
// kind (management, data, Insights; any account, region and identity) as JSON text, parsed with
// the real record parser, and a temporary folder on the real file system (metadata.db is SQLite,
// which does not go through Env).
// Test-only; header-only so that it never ends up in the library.
#pragma once

#include <stdlib.h>

#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "common/env.h"
#include "common/status.h"
#include "event/envelope.h"
#include "event/event.h"
#include "event/record_parser.h"
#include "store/snapshot.h"

namespace cairn::history_testing {

inline constexpr int64_t kSecond = 1000000;
inline constexpr int64_t kDay = 86400 * kSecond;

struct Rec {
  std::string id;
  int64_t time_us = 0;
  std::string recipient = "111122223333";         // recipientAccountId ("" = absent)
  std::string identity_account = "111122223333";  // userIdentity.accountId ("" = absent)
  std::string region = "us-east-1";               // "" = absent
  std::string category = "Management";            // Management, Data, Insight, NetworkActivity
  std::string name = "CreateBucket";
  std::string source = "s3.amazonaws.com";
  std::string user = "alice";
  bool read_only = false;
};

inline std::string IsoTime(int64_t us) {
  std::time_t secs = static_cast<std::time_t>(us / kSecond);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

inline std::string RecordJson(const Rec& r) {
  std::string j = "{\"eventVersion\":\"1.09\"";
  if (r.category == "Insight") {
    j += ",\"eventTime\":\"" + IsoTime(r.time_us) + "\"";
    if (!r.region.empty()) j += ",\"awsRegion\":\"" + r.region + "\"";
    j += ",\"eventID\":\"" + r.id + "\",\"eventType\":\"AwsCloudTrailInsight\"";
    if (!r.recipient.empty()) j += ",\"recipientAccountId\":\"" + r.recipient + "\"";
    j += ",\"sharedEventID\":\"s-" + r.id +
         "\",\"insightDetails\":{\"state\":\"Start\",\"eventSource\":\"" + r.source +
         "\",\"eventName\":\"" + r.name +
         "\",\"insightType\":\"ApiCallRateInsight\"},\"eventCategory\":\"Insight\"}";
    return j;
  }
  j += ",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDAEXAMPLE\"";
  if (!r.identity_account.empty()) j += ",\"accountId\":\"" + r.identity_account + "\"";
  j += ",\"accessKeyId\":\"AKIAEXAMPLE\",\"userName\":\"" + r.user + "\"}";
  j += ",\"eventTime\":\"" + IsoTime(r.time_us) + "\",\"eventSource\":\"" + r.source +
       "\",\"eventName\":\"" + r.name + "\"";
  if (!r.region.empty()) j += ",\"awsRegion\":\"" + r.region + "\"";
  j += ",\"sourceIPAddress\":\"192.0.2.1\",\"userAgent\":\"test\",\"requestParameters\":{"
       "\"bucketName\":\"b\"},"
       "\"responseElements\":null,\"eventID\":\"" +
       r.id + "\",\"readOnly\":" + (r.read_only ? "true" : "false") +
       ",\"resources\":[{\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::b\"}],\"eventType\":"
       "\"AwsApiCall\","
       "\"managementEvent\":" +
       (r.category == "Management" ? "true" : "false");
  if (!r.recipient.empty()) j += ",\"recipientAccountId\":\"" + r.recipient + "\"";
  j += ",\"eventCategory\":\"" + r.category + "\"}";
  return j;
}

// Parses `recs` into one batch with the real parser. Aborts on a parse error (the records are the
// test's own, so that is a bug in the test).
inline EventBatch MakeBatch(const std::vector<Rec>& recs) {
  static thread_local RecordParser parser;
  EventBatch batch;
  for (size_t i = 0; i < recs.size(); ++i) {
    Str json = OwnPadded(RecordJson(recs[i]), &batch);
    RejectReason reason;
    Status s = parser.Parse(json, RecordSource{"test", i, 0, -1}, &batch, &reason);
    if (!s.ok()) std::fprintf(stderr, "%s\n", s.ToString().c_str());
    CAIRN_CHECK(s.ok());
  }
  return batch;
}

// eventID -> how many times the snapshot holds it.
inline std::map<std::string, int> CountIds(const Snapshot& snap) {
  std::map<std::string, int> ids;
  Status s = snap.ForEachEvent([&](const Event& e, const EventBatch&) {
    ids[std::string(e.event_id)]++;
    return Status::OK();
  });
  CAIRN_CHECK(s.ok());
  return ids;
}

// A fresh folder under $TMPDIR (or /tmp), removed with everything in it when destroyed.
class TempDir {
 public:
  TempDir() {
    const char* base = getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/cairn-test-XXXXXX";
    CAIRN_CHECK(mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() { Env::Default()->RemoveAll(path_).IgnoreError(); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace cairn::history_testing
