// src/store/store_test_util.h
//
// Test helpers for the store engine: CloudTrail records made from a few fields, parsed with the
// real record parser into EventBatches, and a reader that counts what a snapshot holds.
// Test-only; header-only so that it never ends up in the library.
#pragma once

#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "common/status.h"
#include "event/envelope.h"
#include "event/event.h"
#include "event/record_parser.h"
#include "store/event_store.h"
#include "store/snapshot.h"

namespace cairn::store_testing {

inline constexpr int64_t kDay = 86400LL * 1000000;
inline constexpr int64_t kT0 = 1735689600000000;  // 2025-01-01T00:00:00Z, MemEnv's clock

struct Rec {
  std::string id;
  int64_t time_us = kT0;
  std::string account = "111122223333";
  std::string name = "GetObject";
};

inline std::string IsoTime(int64_t us) {
  std::time_t secs = static_cast<std::time_t>(us / 1000000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

inline std::string RecordJson(const Rec& r) {
  return "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"accountId\":\"" +
         r.account + "\",\"userName\":\"alice\"},\"eventTime\":\"" + IsoTime(r.time_us) +
         "\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"" + r.name +
         "\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"192.0.2.1\",\"userAgent\":\"test\","
         "\"requestParameters\":{\"bucketName\":\"b\"},\"responseElements\":null,\"eventID\":\"" +
         r.id +
         "\",\"readOnly\":true,\"eventType\":\"AwsApiCall\",\"managementEvent\":false,"
         "\"recipientAccountId\":\"" +
         r.account + "\"}";
}

// Parses `recs` into one batch with the real parser. Aborts the test binary on a parse error (the
// records are ours, so that is a bug in the test).
inline EventBatch MakeBatch(const std::vector<Rec>& recs) {
  static thread_local RecordParser parser;
  EventBatch batch;
  for (size_t i = 0; i < recs.size(); ++i) {
    Str json = OwnPadded(RecordJson(recs[i]), &batch);
    RejectReason reason;
    Status s = parser.Parse(json, RecordSource{"test", i, 0, -1}, &batch, &reason);
    CAIRN_CHECK(s.ok());
  }
  return batch;
}

inline std::vector<Rec> Recs(const std::string& prefix, int n, int64_t t0 = kT0,
                             int64_t step = 1000000) {
  std::vector<Rec> out;
  for (int i = 0; i < n; ++i) out.push_back(Rec{prefix + std::to_string(i), t0 + i * step});
  return out;
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

inline std::map<std::string, int> CountIds(EventStore* store) {
  return CountIds(*store->GetSnapshot());
}

}  // namespace cairn::store_testing
