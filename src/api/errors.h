// src/api/errors.h
//
// How a failure reaches a client. The one table from StatusCode to AWS error name, HTTP status and
// CLI exit code lives in errors.cc; every API response and every `cairn` exit code is derived from
// it. A Status may carry a specific AWS error name (Status::WithAwsError, or AwsError() below); the
// name then replaces the code's default name, and a second, short table in errors.cc gives the HTTP
// status of the few names whose status differs from their code's (authentication errors, REST-JSON
// errors with modeled status codes).
//
// Wire shapes (doc/api.md, spec wire-protocol.md §4 and §5.3):
//   JSON 1.1:  HTTP 400 (5xx for server faults), Content-Type application/x-amz-json-1.1,
//              x-amzn-ErrorType: <Name>, body {"__type":"<Name>","message":"<text>"}
//   REST-JSON: the modeled status (403/404/409/429...), Content-Type application/json,
//              x-amzn-ErrorType: <Name>, the same body.
//
// Thread-safety: everything here is a pure function of its arguments.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "api/http_message.h"
#include "common/status.h"

namespace cairn::api {

// The AWS protocol an error is rendered for. HTTP statuses differ: CloudTrail (JSON 1.1) answers
// 400 for every modeled error, REST-JSON services use the model's httpStatusCode.
enum class Protocol { kJson11, kRestJson };

// One row of the table.
struct ErrorCodeInfo {
  StatusCode code;
  std::string_view aws_name;  // the name a client sees when the Status carries none of its own
  int json11_http;
  int rest_http;
  int cli_exit;  // 0 ok, 1 failed, 2 usage (src/cli/command.h)
};

// The table, one row per StatusCode, in code order.
std::span<const ErrorCodeInfo> ErrorCodeTable();
const ErrorCodeInfo& ErrorInfoFor(StatusCode code);

// The process exit code for a command that ends with `status`.
int CliExitCode(const Status& status);

// A Status with code `code` that reaches clients as AWS error `name`, e.g.
//   AwsError(StatusCode::kNotFound, "TrailNotFoundException", "Unknown trail: t for the
//   user: 1...")
// REQUIRES: code != kOk.
Status AwsError(StatusCode code, std::string name, std::string message);

// What a client receives.
struct ApiError {
  std::string type;  // AWS error name: __type and x-amzn-ErrorType
  std::string message;
  int http_status = 400;
};

// The client-facing form of `status` for `protocol`. Server faults (kInternal, kDataLoss,
// kUnknown) keep their detail out of the message: it names the request id instead, and the detail
// goes to the server log. REQUIRES: !status.ok().
ApiError ToApiError(const Status& status, Protocol protocol, std::string_view request_id = {});

// The HTTP status `name` is sent with under `protocol`, when the short table of named errors lists
// it; 0 otherwise (then the code's status applies).
int HttpStatusForName(std::string_view name, Protocol protocol);

// `{"__type":"<type>","message":"<message>"}`.
std::string ErrorBody(const ApiError& error);

// The whole response: status, Content-Type, x-amzn-RequestId, x-amzn-ErrorType and the body.
HttpResponse ErrorResponse(const ApiError& error, Protocol protocol, std::string_view request_id);

}  // namespace cairn::api
