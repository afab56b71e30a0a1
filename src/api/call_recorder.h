// src/api/call_recorder.h
//
// CallRecorder records every authenticated call to cairn as a CloudTrail event (DESIGN §1: cairn
// records its own API calls as CloudTrail does), in the caller's account and the region the call
// was signed for, so that event history (LookupEvents) and the event data stores whose selectors
// take it show who changed a trail or ran a query. The record (doc/api.md, "Self-recording"):
//
//   eventVersion 1.11, userIdentity {type IAMUser, principalId, arn, accountId, accessKeyId,
//   userName}, eventTime (the data folder's clock), eventSource <service>.amazonaws.com, eventName
//   (the operation), awsRegion, sourceIPAddress, userAgent, requestParameters (the request's
//   members with the first letter of each key lower-cased, as CloudTrail writes them; members named
//   like secrets are replaced by "HIDDEN_DUE_TO_SECURITY_REASONS"; PutAuditEvents' event payloads
//   are left out), responseElements (the response of successful changes; null for reads and
//   errors), errorCode / errorMessage for failed calls, requestID, eventID, readOnly, eventType
//   AwsApiCall, managementEvent, recipientAccountId, eventCategory (Management; Data for
//   PutAuditEvents, which CloudTrail logs as a data event).
//
// Record() only formats and queues (it runs on the request's thread); a background thread
// appends the queued events every flush interval (or sooner when many are waiting): to the event
// history of each (account, region) and, through the ingest sink, to the event data stores. The
// events are not acknowledged to anyone, so they are written asynchronously, as CloudTrail itself
// delivers them minutes later; Flush() and Close() write everything queued.
//
// Thread-safety: Record() may be called from many threads at once.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "api/dispatcher.h"
#include "cloud/data_dir.h"
#include "common/env.h"
#include "common/status.h"
#include "event/event.h"

namespace cairn::api {

// The CloudTrail record of one call (one JSON object), at `event_time_us`.
std::string CallRecordJson(const RequestContext& ctx, const HttpRequest& request,
                           const HttpResponse& response, int64_t event_time_us);

class CallRecorder {
 public:
  struct Options {
    int64_t flush_interval_us = 200 * 1000;
    size_t flush_events = 2048;   // flush early once this many are queued
    size_t max_queued = 1 << 16;  // beyond this, new records are dropped (and counted)
  };
  // Appends a batch to the event data stores (Lake's EventDataStores::Ingest); may be empty.
  using IngestSink = std::function<Status(const EventBatch& batch)>;

  // REQUIRES: `data` and `metrics` outlive the recorder. `clock` gives eventTime.
  CallRecorder(cloud::DataDir* data, Env* clock, MetricsRegistry* metrics, IngestSink sink,
               Options options);
  CallRecorder(cloud::DataDir* data, Env* clock, MetricsRegistry* metrics, IngestSink sink)
      : CallRecorder(data, clock, metrics, std::move(sink), Options()) {}
  ~CallRecorder();

  // Formats the call's record and queues it.
  void Record(const RequestContext& ctx, const HttpRequest& request, const HttpResponse& response);
  // Writes every queued record; returns the first error.
  Status Flush();
  // Flushes and stops the background thread. Idempotent.
  Status Close();

 private:
  void Run();
  Status Write(std::vector<std::string> records);

  cloud::DataDir* data_;
  Env* clock_;
  IngestSink sink_;
  Options options_;
  Counter* recorded_;
  Counter* dropped_;
  Counter* failed_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::string> queue_;
  bool stop_ = false;
  bool closed_ = false;
  std::mutex write_mu_;  // one Write at a time (background thread or Flush)
  std::thread thread_;
};

}  // namespace cairn::api
