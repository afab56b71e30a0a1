#include "api/call_recorder.h"

#include <simdjson.h>

#include <chrono>
#include <cstdio>
#include <map>

#include "cloud/ids.h"
#include "cloud/router.h"
#include "common/json_writer.h"
#include "event/envelope.h"
#include "event/event_time.h"
#include "event/record_parser.h"
#include "store/event_history.h"

namespace cairn::api {
namespace {

constexpr std::string_view kHidden = "HIDDEN_DUE_TO_SECURITY_REASONS";

bool IsSecretKey(std::string_view key) {
  std::string k(key);
  for (char& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k.find("secret") != std::string::npos || k.find("password") != std::string::npos ||
         k.find("sessiontoken") != std::string::npos || k.find("privatekey") != std::string::npos;
}

std::string LowerFirst(std::string_view key) {
  std::string k(key);
  if (!k.empty() && k[0] >= 'A' && k[0] <= 'Z') k[0] = static_cast<char>(k[0] - 'A' + 'a');
  return k;
}

// Writes `e` with object keys lower-camel-cased and secret-named members hidden.
void WriteValue(simdjson::dom::element e, JsonWriter* w, int depth) {
  switch (e.type()) {
    case simdjson::dom::element_type::OBJECT: {
      w->BeginObject();
      for (auto [key, value] : simdjson::dom::object(e)) {
        w->Key(LowerFirst(key));
        if (IsSecretKey(key)) {
          w->String(kHidden);
        } else if (depth > 16) {
          w->Null();
        } else {
          WriteValue(value, w, depth + 1);
        }
      }
      w->EndObject();
      break;
    }
    case simdjson::dom::element_type::ARRAY:
      w->BeginArray();
      for (simdjson::dom::element x : simdjson::dom::array(e)) {
        if (depth > 16) {
          w->Null();
        } else {
          WriteValue(x, w, depth + 1);
        }
      }
      w->EndArray();
      break;
    default:
      w->Raw(simdjson::minify(e));
  }
}

// The request's members: the JSON body, plus the query parameters of REST calls.
void WriteRequestParameters(const RequestContext& ctx, const HttpRequest& request, JsonWriter* w) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element body;
  simdjson::padded_string padded(request.body.empty() ? std::string_view("{}")
                                                      : std::string_view(request.body));
  const bool parsed = !parser.parse(padded).get(body) && body.is_object();
  auto query = ParseQuery(request.raw_query());
  const bool has_query = query && !query->empty();
  if (!has_query && (!parsed || simdjson::dom::object(body).size() == 0)) {
    w->Null();
    return;
  }
  w->BeginObject();
  if (has_query) {
    for (const auto& [k, v] : *query) {
      w->Key(LowerFirst(k));
      w->String(IsSecretKey(k) ? kHidden : std::string_view(v));
    }
  }
  if (parsed) {
    for (auto [key, value] : simdjson::dom::object(body)) {
      if (ctx.operation == "PutAuditEvents" && key == "auditEvents") {
        // The events themselves are data, recorded in the channel's stores; log how many.
        simdjson::dom::array a;
        w->Key("auditEventCount")
            .Int(value.get_array().get(a) ? 0 : static_cast<int64_t>(a.size()));
        continue;
      }
      w->Key(LowerFirst(key));
      if (IsSecretKey(key)) {
        w->String(kHidden);
      } else {
        WriteValue(value, w, 0);
      }
    }
  }
  w->EndObject();
}

}  // namespace

std::string CallRecordJson(const RequestContext& ctx, const HttpRequest& request,
                           const HttpResponse& response, int64_t event_time_us) {
  const bool data_event = ctx.operation == "PutAuditEvents";
  const bool failed = response.status >= 300;
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Member("eventVersion", "1.11");
  w.Key("userIdentity")
      .BeginObject()
      .Member("type", "IAMUser")
      .Member("principalId", ctx.principal.access_key_id)
      .Member("arn", ctx.principal.Arn())
      .Member("accountId", ctx.principal.account_id)
      .Member("accessKeyId", ctx.principal.access_key_id)
      .Member("userName", ctx.principal.access_key_id)
      .EndObject();
  w.Member("eventTime", FormatEventTime(event_time_us))
      .Member("eventSource", ctx.service + ".amazonaws.com")
      .Member("eventName", ctx.operation.empty() ? std::string_view("UnknownOperation")
                                                 : std::string_view(ctx.operation))
      .Member("awsRegion", ctx.region)
      .Member("sourceIPAddress", ctx.source_ip.empty() ? "127.0.0.1" : ctx.source_ip.c_str())
      .Member("userAgent", ctx.user_agent);
  if (failed) {
    thread_local simdjson::dom::parser parser;
    simdjson::dom::element err;
    std::string_view code = response.Header("x-amzn-ErrorType").value_or("InternalFailure");
    std::string_view message;
    simdjson::padded_string padded(response.body);
    if (!parser.parse(padded).get(err) && err["message"].get_string().get(message)) {
      message = {};
    }
    w.Member("errorCode", code).Member("errorMessage", message);
  }
  w.Key("requestParameters");
  WriteRequestParameters(ctx, request, &w);
  w.Key("responseElements");
  bool wrote = false;
  if (!failed && !ctx.read_only && !data_event && response.body.size() <= 64 * 1024) {
    // Reads are the most frequent calls and can have large answers: only changes are parsed.
    thread_local simdjson::dom::parser resp_parser;
    simdjson::padded_string resp_padded(response.body);
    simdjson::dom::element resp;
    if (!resp_parser.parse(resp_padded).get(resp) && resp.is_object() &&
        simdjson::dom::object(resp).size() > 0) {
      WriteValue(resp, &w, 0);
      wrote = true;
    }
  }
  if (!wrote) w.Null();
  w.Member("requestID", ctx.request_id)
      .Member("eventID", cloud::RandomUuid())
      .Member("readOnly", ctx.read_only)
      .Member("eventType", "AwsApiCall")
      .Member("managementEvent", !data_event)
      .Member("recipientAccountId", ctx.principal.account_id)
      .Member("eventCategory", data_event ? "Data" : "Management")
      .EndObject();
  return out;
}

CallRecorder::CallRecorder(cloud::DataDir* data, Env* clock, MetricsRegistry* metrics,
                           IngestSink sink, Options options)
    : data_(data), clock_(clock), sink_(std::move(sink)), options_(options) {
  recorded_ = metrics->GetCounter("cairn_self_recorded_events_total",
                                  "API calls recorded as CloudTrail events");
  dropped_ = metrics->GetCounter("cairn_self_recorded_dropped_total",
                                 "API call records dropped because the queue was full");
  failed_ = metrics->GetCounter("cairn_self_recorded_failed_total",
                                "API call records that could not be written");
  thread_ = std::thread([this] { Run(); });
}

CallRecorder::~CallRecorder() { Close().IgnoreError(); }

void CallRecorder::Record(const RequestContext& ctx, const HttpRequest& request,
                          const HttpResponse& response) {
  std::string json = CallRecordJson(ctx, request, response, clock_->NowMicros());
  std::lock_guard<std::mutex> l(mu_);
  if (closed_ || queue_.size() >= options_.max_queued) {
    dropped_->Increment();
    return;
  }
  queue_.push_back(std::move(json));
  if (queue_.size() >= options_.flush_events) cv_.notify_one();
}

void CallRecorder::Run() {
  std::unique_lock<std::mutex> l(mu_);
  while (!stop_) {
    cv_.wait_for(l, std::chrono::microseconds(options_.flush_interval_us),
                 [&] { return stop_ || queue_.size() >= options_.flush_events; });
    if (queue_.empty()) continue;
    std::vector<std::string> batch;
    batch.swap(queue_);
    l.unlock();
    Status s = Write(std::move(batch));
    if (!s.ok())
      std::fprintf(stderr, "cairn serve: recording API calls: %s\n", s.ToString().c_str());
    l.lock();
  }
}

Status CallRecorder::Write(std::vector<std::string> records) {
  std::lock_guard<std::mutex> wl(write_mu_);
  thread_local RecordParser parser;
  EventBatch all;
  for (size_t i = 0; i < records.size(); ++i) {
    Str json = OwnPadded(std::move(records[i]), &all);
    RejectReason reason;
    Status s = parser.Parse(json, RecordSource{"self-recorded call", i, 0, -1}, &all, &reason);
    if (!s.ok()) {
      failed_->Increment();
      return s;  // a record cairn wrote itself is malformed: a bug, reported
    }
  }
  Status first;
  // Event history: per (account, region), management events only.
  const int64_t now = data_->env()->NowMicros();
  std::map<std::pair<std::string, std::string>, EventBatch> by_history;
  for (const Event& e : all.events) {
    if (!EventHistory::Admits(e, now)) continue;
    auto& b = by_history[{std::string(e.recipient_account_id), std::string(e.aws_region)}];
    cloud::CopyEventInto(e, all, &b);
  }
  for (auto& [key, batch] : by_history) {
    const size_t n = batch.size();
    auto history = data_->History(key.first, key.second, /*create=*/true);
    Status s = history.ok() ? (*history)->Append(std::move(batch)).status() : history.status();
    if (!s.ok()) {
      failed_->Increment(n);
      if (first.ok()) first = s;
    }
  }
  if (sink_) {
    Status s = sink_(all);
    if (!s.ok() && first.ok()) first = s;
  }
  if (first.ok()) recorded_->Increment(all.size());
  return first;
}

Status CallRecorder::Flush() {
  std::vector<std::string> batch;
  {
    std::lock_guard<std::mutex> l(mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) {
    std::lock_guard<std::mutex> wl(write_mu_);  // wait for a write in progress
    return Status::OK();
  }
  return Write(std::move(batch));
}

Status CallRecorder::Close() {
  {
    std::lock_guard<std::mutex> l(mu_);
    if (closed_) return Status::OK();
    closed_ = true;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  return Flush();
}

}  // namespace cairn::api
