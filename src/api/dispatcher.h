// src/api/dispatcher.h
//
// Dispatcher turns one HttpRequest into one HttpResponse, without sockets: it picks the protocol
// and operation, authenticates the caller (SigV4, then the principal behind the access key),
// authorizes the operation (src/cloud/access.h), parses the JSON input, runs the operation's
// handler and renders the output or the AWS-shaped error. The HTTP server is a thin adapter around
// Handle(); tests and fuzz targets call Handle() directly.
//
// Routing (spec wire-protocol.md §1):
//   X-Amz-Target present   AWS JSON 1.1, service `cloudtrail`: POST / (or /accounts/<id>, see
//                          RequestContext::path_account), target
//                          com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.<Operation>
//   otherwise              REST-JSON by method and path (`cloudtrail-data`: POST /PutAuditEvents)
// Every request is authenticated before its operation is looked up, so an unsigned caller learns
// nothing about which operations exist. Unknown operation: UnknownOperationException (400 for JSON
// 1.1, 404 for REST-JSON). Malformed JSON input: SerializationException.
//
// Thread-safety: register every operation before the first Handle(); Handle() may then be called
// from many threads at once.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/errors.h"
#include "api/http_message.h"
#include "api/metrics.h"
#include "api/sigv4.h"
#include "cloud/access.h"
#include "cloud/principal.h"
#include "common/env.h"
#include "common/status.h"

namespace cairn::api {

inline constexpr std::string_view kCloudTrailTargetPrefix =
    "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.";

// What a handler knows about the call.
struct RequestContext {
  std::string request_id;  // UUID, also sent as x-amzn-RequestId
  std::string service;     // "cloudtrail", "cloudtrail-data"
  std::string operation;   // "CreateTrail"
  std::string region;      // the SigV4 scope's region: the region the call is made in
  cloud::Principal principal;
  int64_t now_micros = 0;  // when the request arrived (Env clock)
  std::string source_ip;
  std::string user_agent;
  // JSON 1.1 calls sent to /accounts/<id> instead of /: the account the caller asks to act on
  // (empty for /). Whether it may is TargetAccount()'s decision (services.h).
  std::string path_account;
  // The operation only reads (its Action is kReadConfig or kReadEvents).
  bool read_only = false;
};

// A JSON 1.1 operation: `input` is the request's JSON object ({} for an empty body); returns the
// output object's JSON text ("{}" when the operation has no output members).
using Json11Handler =
    std::function<Result<std::string>(const RequestContext& ctx, simdjson::dom::element input)>;

struct RestRequest {
  std::map<std::string, std::string> path_params;          // decoded `{label}` segments
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  simdjson::dom::element body;                             // the JSON object ({} for an empty body)
  std::string_view raw_body;

  // The first query value named `name`, or nullopt.
  std::optional<std::string_view> Query(std::string_view name) const;
};

struct RestResult {
  int status = 200;
  std::string body = "{}";
  HeaderList headers;
};

using RestHandler =
    std::function<Result<RestResult>(const RequestContext& ctx, const RestRequest& request)>;

class Dispatcher {
 public:
  // Resolves the principal behind a verified access key id. nullopt: no such (or revoked) key.
  using PrincipalLookup =
      std::function<Result<std::optional<cloud::Principal>>(std::string_view access_key_id)>;

  struct Options {
    // Largest number of request headers accepted (larger: 400 before any parsing).
    size_t max_headers = 100;
  };

  // `verifier`, `metrics` and `env` must outlive the dispatcher.
  Dispatcher(const SigV4Verifier* verifier, PrincipalLookup principals, MetricsRegistry* metrics,
             Env* env, Options options);
  Dispatcher(const SigV4Verifier* verifier, PrincipalLookup principals, MetricsRegistry* metrics,
             Env* env)
      : Dispatcher(verifier, std::move(principals), metrics, env, Options()) {}

  // Registers JSON 1.1 operation `name` of service `cloudtrail`.
  void AddJson11(std::string name, cloud::Action action, Json11Handler handler);

  // Registers a REST-JSON operation. `path_pattern` is a path whose segments are literals or
  // `{label}` (one whole segment, percent-decoded into RestRequest::path_params).
  void AddRest(std::string service, std::string method, std::string path_pattern, std::string name,
               cloud::Action action, RestHandler handler);

  // Called after every authenticated request with its context and response (for the management
  // events cairn records of its own API calls). Set before the first Handle().
  using CallObserver =
      std::function<void(const RequestContext&, const HttpRequest&, const HttpResponse&)>;
  void SetCallObserver(CallObserver observer) { observer_ = std::move(observer); }

  HttpResponse Handle(const HttpRequest& request) const;

  // The services the routes use ("cloudtrail" always).
  std::vector<std::string> services() const;

 private:
  struct Json11Op {
    cloud::Action action;
    Json11Handler handler;
  };
  struct RestOp {
    std::string service;
    std::string method;
    std::vector<std::string> segments;  // "{label}" or a literal
    std::string name;
    cloud::Action action;
    RestHandler handler;
  };

  HttpResponse HandleJson11(const HttpRequest& request, RequestContext* ctx) const;
  HttpResponse HandleRest(const HttpRequest& request, RequestContext* ctx) const;
  // Authenticates; fills ctx->region and ctx->principal.
  Status Authenticate(const HttpRequest& request, std::string_view service,
                      RequestContext* ctx) const;
  HttpResponse Error(const Status& status, Protocol protocol, const RequestContext& ctx) const;
  void Record(const RequestContext& ctx, const HttpRequest& request, const HttpResponse& response,
              int64_t start_micros, bool authenticated) const;

  const SigV4Verifier* verifier_;
  PrincipalLookup principals_;
  MetricsRegistry* metrics_;
  Env* env_;
  Options options_;
  std::map<std::string, Json11Op, std::less<>> json11_;
  std::vector<RestOp> rest_;
  CallObserver observer_;
};

}  // namespace cairn::api
