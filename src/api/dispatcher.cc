#include "api/dispatcher.h"

#include <fmt/format.h>

#include <cstdio>

#include "cloud/ids.h"

namespace cairn::api {
namespace {

constexpr std::string_view kUnknownOperation = "UnknownOperationException";

Status UnknownOperation(std::string message) {
  return AwsError(StatusCode::kUnimplemented, std::string(kUnknownOperation), std::move(message));
}

Status Serialization(std::string message) {
  return AwsError(StatusCode::kInvalidArgument, "SerializationException", std::move(message));
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string_view::npos) next = path.size();
    if (next > pos) out.emplace_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

// Parses `body` as a JSON object with the calling thread's parser; an empty body is {}.
// The element stays valid until this thread parses again.
Result<simdjson::dom::element> ParseObject(std::string_view body) {
  thread_local simdjson::dom::parser parser;
  std::string_view text = body;
  size_t i = 0;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t')) {
    ++i;
  }
  if (i == text.size()) text = "{}";
  simdjson::dom::element doc;
  // simdjson needs SIMDJSON_PADDING readable bytes past the end: parse a padded copy.
  simdjson::padded_string padded(text);
  auto err = parser.parse(padded).get(doc);
  if (err) {
    return Serialization(
        fmt::format("The request body is not valid JSON: {}", simdjson::error_message(err)));
  }
  if (!doc.is_object()) return Serialization("The request body must be a JSON object.");
  return doc;
}

// The account of a JSON 1.1 path: "" for "/", <id> for "/accounts/<id>" (12 digits, an optional
// trailing '/': botocore appends the operation's "/" to an endpoint's path); nullopt otherwise.
std::optional<std::string> Json11PathAccount(std::string_view path) {
  if (path == "/") return std::string();
  constexpr std::string_view kPrefix = "/accounts/";
  if (path.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view id = path.substr(kPrefix.size());
  if (!id.empty() && id.back() == '/') id.remove_suffix(1);
  if (!cloud::IsAccountId(id)) return std::nullopt;
  return std::string(id);
}

}  // namespace

std::optional<std::string_view> RestRequest::Query(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

Dispatcher::Dispatcher(const SigV4Verifier* verifier, PrincipalLookup principals,
                       MetricsRegistry* metrics, Env* env, Options options)
    : verifier_(verifier),
      principals_(std::move(principals)),
      metrics_(metrics),
      env_(env),
      options_(options) {}

void Dispatcher::AddJson11(std::string name, cloud::Action action, Json11Handler handler) {
  json11_[std::move(name)] = Json11Op{action, std::move(handler)};
}

void Dispatcher::AddRest(std::string service, std::string method, std::string path_pattern,
                         std::string name, cloud::Action action, RestHandler handler) {
  rest_.push_back(RestOp{std::move(service), std::move(method), SplitPath(path_pattern),
                         std::move(name), action, std::move(handler)});
}

std::vector<std::string> Dispatcher::services() const {
  std::vector<std::string> out = {"cloudtrail"};
  for (const RestOp& op : rest_) {
    if (std::find(out.begin(), out.end(), op.service) == out.end()) out.push_back(op.service);
  }
  return out;
}

Status Dispatcher::Authenticate(const HttpRequest& request, std::string_view service,
                                RequestContext* ctx) const {
  ASSIGN_OR_RETURN(SigV4Identity id, verifier_->Verify(request, service));
  ASSIGN_OR_RETURN(std::optional<cloud::Principal> principal, principals_(id.access_key_id));
  if (!principal) {
    // Revoked between the signature check and now.
    return AwsError(StatusCode::kUnauthenticated, "UnrecognizedClientException",
                    "The security token included in the request is invalid.");
  }
  ctx->region = std::move(id.region);
  ctx->principal = std::move(*principal);
  return Status::OK();
}

HttpResponse Dispatcher::Error(const Status& status, Protocol protocol,
                               const RequestContext& ctx) const {
  ApiError e = ToApiError(status, protocol, ctx.request_id);
  if (e.http_status >= 500) {
    // The detail ToApiError kept from the client goes to the operator's log.
    std::fprintf(stderr, "cairn serve: request %s (%s): %s\n", ctx.request_id.c_str(),
                 ctx.operation.empty() ? "-" : ctx.operation.c_str(), status.ToString().c_str());
  }
  return ErrorResponse(e, protocol, ctx.request_id);
}

HttpResponse Dispatcher::Handle(const HttpRequest& request) const {
  const int64_t start = env_->NowMicros();
  RequestContext ctx;
  ctx.request_id = cloud::RandomUuid();
  ctx.now_micros = start;
  ctx.source_ip = request.remote_addr;
  if (auto ua = request.Header("user-agent")) ctx.user_agent = *ua;

  HttpResponse response;
  bool authenticated = false;
  bool json11 = request.Header("x-amz-target").has_value();
  Protocol protocol = json11 ? Protocol::kJson11 : Protocol::kRestJson;
  if (request.headers.size() > options_.max_headers) {
    response =
        Error(AwsError(StatusCode::kInvalidArgument, "BadRequestException",
                       fmt::format("The request has more than {} headers.", options_.max_headers)),
              protocol, ctx);
  } else if (json11) {
    ctx.service = "cloudtrail";
    Status auth = Authenticate(request, ctx.service, &ctx);
    authenticated = auth.ok();
    response = auth.ok() ? HandleJson11(request, &ctx) : Error(auth, protocol, ctx);
  } else {
    response = HandleRest(request, &ctx);
    authenticated = !ctx.principal.access_key_id.empty();
  }
  response.SetHeader("x-amzn-RequestId", ctx.request_id);
  Record(ctx, request, response, start, authenticated);
  return response;
}

HttpResponse Dispatcher::HandleJson11(const HttpRequest& request, RequestContext* ctx) const {
  std::string_view target = *request.Header("x-amz-target");
  std::string_view op_name;
  if (target.substr(0, kCloudTrailTargetPrefix.size()) == kCloudTrailTargetPrefix) {
    op_name = target.substr(kCloudTrailTargetPrefix.size());
  }
  auto it = json11_.find(op_name);
  std::optional<std::string> account = Json11PathAccount(request.raw_path());
  if (it == json11_.end() || request.method != "POST" || !account) {
    std::string shown(target.substr(0, 200));
    return Error(UnknownOperation(fmt::format("Unknown operation: {}", shown)), Protocol::kJson11,
                 *ctx);
  }
  ctx->operation = it->first;
  ctx->path_account = std::move(*account);
  ctx->read_only = it->second.action == cloud::Action::kReadConfig ||
                   it->second.action == cloud::Action::kReadEvents;
  Status allowed = cloud::Authorize(ctx->principal, it->second.action, "cloudtrail:" + it->first);
  if (!allowed.ok()) return Error(allowed, Protocol::kJson11, *ctx);
  auto input = ParseObject(request.body);
  if (!input.ok()) return Error(input.status(), Protocol::kJson11, *ctx);
  Result<std::string> output = it->second.handler(*ctx, *input);
  if (!output.ok()) return Error(output.status(), Protocol::kJson11, *ctx);
  HttpResponse r;
  r.status = 200;
  r.headers.emplace_back("Content-Type", "application/x-amz-json-1.1");
  r.body = std::move(*output);
  return r;
}

HttpResponse Dispatcher::HandleRest(const HttpRequest& request, RequestContext* ctx) const {
  std::vector<std::string> segments = SplitPath(request.raw_path());
  const RestOp* match = nullptr;
  std::map<std::string, std::string> params;
  bool path_matched = false;
  for (const RestOp& op : rest_) {
    if (op.segments.size() != segments.size()) continue;
    std::map<std::string, std::string> p;
    bool ok = true;
    for (size_t i = 0; i < segments.size() && ok; ++i) {
      const std::string& pat = op.segments[i];
      if (pat.size() >= 2 && pat.front() == '{' && pat.back() == '}') {
        auto decoded = PercentDecode(segments[i]);
        if (!decoded) {
          ok = false;
        } else {
          p[pat.substr(1, pat.size() - 2)] = std::move(*decoded);
        }
      } else {
        ok = pat == segments[i];
      }
    }
    if (!ok) continue;
    path_matched = true;
    if (op.method != request.method) continue;
    match = &op;
    params = std::move(p);
    break;
  }

  // Authenticate before revealing whether the route exists. An unknown route is checked against
  // the service its signature names, when cairn serves that service.
  std::string service;
  if (match != nullptr) {
    service = match->service;
  } else {
    service = "cloudtrail";
    if (auto h = request.Header("authorization")) {
      auto parsed = ParseAuthorization(*h);
      if (parsed.ok()) {
        for (const std::string& s : services()) {
          if (s == parsed->service) service = s;
        }
      }
    }
  }
  ctx->service = service;
  Status auth = Authenticate(request, service, ctx);
  if (!auth.ok()) {
    ctx->principal = {};
    return Error(auth, Protocol::kRestJson, *ctx);
  }
  if (match == nullptr) {
    std::string shown(request.raw_path().substr(0, 200));
    return Error(
        UnknownOperation(fmt::format("No operation for {} {}{}", request.method.substr(0, 16),
                                     shown, path_matched ? " (method not allowed)" : "")),
        Protocol::kRestJson, *ctx);
  }
  ctx->operation = match->name;
  ctx->read_only =
      match->action == cloud::Action::kReadConfig || match->action == cloud::Action::kReadEvents;
  Status allowed = cloud::Authorize(ctx->principal, match->action, service + ":" + match->name);
  if (!allowed.ok()) return Error(allowed, Protocol::kRestJson, *ctx);

  RestRequest rest;
  rest.path_params = std::move(params);
  auto query = ParseQuery(request.raw_query());
  if (!query) {
    return Error(Serialization("The query string holds a malformed percent escape."),
                 Protocol::kRestJson, *ctx);
  }
  rest.query = std::move(*query);
  auto body = ParseObject(request.body);
  if (!body.ok()) return Error(body.status(), Protocol::kRestJson, *ctx);
  rest.body = *body;
  rest.raw_body = request.body;
  Result<RestResult> result = match->handler(*ctx, rest);
  if (!result.ok()) return Error(result.status(), Protocol::kRestJson, *ctx);
  HttpResponse r;
  r.status = result->status;
  r.headers = std::move(result->headers);
  if (!r.Header("content-type")) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(result->body);
  return r;
}

void Dispatcher::Record(const RequestContext& ctx, const HttpRequest& request,
                        const HttpResponse& response, int64_t start_micros,
                        bool authenticated) const {
  // Unauthenticated callers choose the operation name; label them all "-" so they cannot grow
  // the number of series.
  std::string op = authenticated && !ctx.operation.empty() ? ctx.operation : "-";
  metrics_
      ->GetCounter("cairn_api_requests_total", "API requests by operation and HTTP status",
                   {{"operation", op}, {"status", std::to_string(response.status)}})
      ->Increment();
  double seconds = static_cast<double>(env_->NowMicros() - start_micros) / 1e6;
  metrics_
      ->GetHistogram("cairn_api_request_duration_seconds",
                     "API request latency in seconds, by operation", {{"operation", op}})
      ->Observe(seconds);
  if (authenticated && observer_) observer_(ctx, request, response);
}

}  // namespace cairn::api
