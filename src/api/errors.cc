#include "api/errors.h"

#include <array>

#include "common/status.h"

namespace cairn::api {
namespace {

using enum StatusCode;

// The one table. Names are AWS's: modeled CloudTrail errors where one fits (InvalidParameter,
// OperationNotPermitted, Conflict, UnsupportedOperation), else the generic AWS errors of the
// common-errors pages. REST-JSON statuses follow the Security Lake model (403, 404, 409, 429).
// botocore retries ThrottlingException, RequestTimeoutException, 5xx, so only transient failures
// map there. CLI: InvalidArgument is a usage error (2), like src/cli/main.cc has always reported
// it.
constexpr std::array<ErrorCodeInfo, 17> kTable = {{
    {kOk, "", 200, 200, 0},
    {kCancelled, "RequestCanceledException", 400, 400, 1},
    {kUnknown, "InternalFailure", 500, 500, 1},
    {kInvalidArgument, "InvalidParameterException", 400, 400, 2},
    {kDeadlineExceeded, "RequestTimeoutException", 408, 408, 1},
    {kNotFound, "ResourceNotFoundException", 400, 404, 1},
    {kAlreadyExists, "ConflictException", 400, 409, 1},
    {kPermissionDenied, "AccessDeniedException", 400, 403, 1},
    {kResourceExhausted, "ThrottlingException", 400, 429, 1},
    {kFailedPrecondition, "OperationNotPermittedException", 400, 400, 1},
    {kAborted, "ConflictException", 400, 409, 1},
    {kOutOfRange, "InvalidParameterException", 400, 400, 1},
    {kUnimplemented, "UnsupportedOperationException", 400, 400, 1},
    {kInternal, "InternalFailure", 500, 500, 1},
    {kUnavailable, "ServiceUnavailable", 503, 503, 1},
    {kDataLoss, "InternalFailure", 500, 500, 1},
    {kUnauthenticated, "UnrecognizedClientException", 400, 403, 1},
}};

// Named errors whose HTTP status is not their code's (wire-protocol.md §5.3, §6). Names not listed
// take the status of the Status code they travel with.
struct NamedStatus {
  std::string_view name;
  int json11_http;
  int rest_http;
};
constexpr NamedStatus kNamed[] = {
    {"MissingAuthenticationTokenException", 403, 403},
    {"IncompleteSignatureException", 400, 400},
    {"InvalidSignatureException", 400, 403},
    {"UnrecognizedClientException", 400, 403},
    {"AccessDeniedException", 400, 403},
    {"ThrottlingException", 400, 429},
    {"UnknownOperationException", 400, 404},
    {"SerializationException", 400, 400},
    {"ResourceNotFoundException", 400, 404},
    {"ConflictException", 400, 409},
    {"BadRequestException", 400, 400},
    {"InternalServerException", 500, 500},
    {"InternalFailure", 500, 500},
    {"ServiceUnavailable", 503, 503},
    {"RequestEntityTooLargeException", 413, 413},
    // cloudtrail-data sets no status on these; suggested values from the spec.
    {"ChannelNotFound", 400, 404},
    {"ChannelInsufficientPermission", 400, 403},
};

bool IsServerFault(StatusCode code) {
  return code == kInternal || code == kDataLoss || code == kUnknown;
}

void AppendHex2(std::string* out, unsigned c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u00");
  out->push_back(kHex[(c >> 4) & 15]);
  out->push_back(kHex[c & 15]);
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  size_t n;
  uint32_t cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

// Error messages can quote client input (a trail name, a header), so escape everything JSON needs
// and replace invalid UTF-8 with U+FFFD: the body must always parse.
void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
      ++i;
    } else if (c < 0x20) {
      if (c == '\n') {
        out->append("\\n");
      } else if (c == '\t') {
        out->append("\\t");
      } else if (c == '\r') {
        out->append("\\r");
      } else {
        AppendHex2(out, c);
      }
      ++i;
    } else {
      size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out->append("\xEF\xBF\xBD");
        ++i;
      } else {
        out->append(s.substr(i, n));
        i += n;
      }
    }
  }
  out->push_back('"');
}

}  // namespace

std::span<const ErrorCodeInfo> ErrorCodeTable() { return kTable; }

const ErrorCodeInfo& ErrorInfoFor(StatusCode code) {
  size_t i = static_cast<size_t>(code);
  if (i >= kTable.size()) return kTable[static_cast<size_t>(kUnknown)];
  return kTable[i];
}

int CliExitCode(const Status& status) { return ErrorInfoFor(status.code()).cli_exit; }

Status AwsError(StatusCode code, std::string name, std::string message) {
  return Status(code, std::move(message)).WithAwsError(std::move(name));
}

int HttpStatusForName(std::string_view name, Protocol protocol) {
  for (const NamedStatus& n : kNamed) {
    if (n.name == name) return protocol == Protocol::kJson11 ? n.json11_http : n.rest_http;
  }
  return 0;
}

ApiError ToApiError(const Status& status, Protocol protocol, std::string_view request_id) {
  const ErrorCodeInfo& info = ErrorInfoFor(status.code());
  ApiError e;
  e.type = status.aws_error().empty() ? std::string(info.aws_name) : status.aws_error();
  e.http_status = HttpStatusForName(e.type, protocol);
  if (e.http_status == 0)
    e.http_status = protocol == Protocol::kJson11 ? info.json11_http : info.rest_http;
  if (IsServerFault(status.code())) {
    // The detail (file names, offsets) is for the operator's log, not for clients.
    e.message =
        "The request processing has failed because of an unknown error, exception or failure.";
    if (!request_id.empty()) {
      e.message += " Request id: ";
      e.message += request_id;
      e.message += '.';
    }
  } else {
    e.message = status.message();
  }
  return e;
}

std::string ErrorBody(const ApiError& error) {
  std::string body = "{\"__type\":";
  AppendJsonString(&body, error.type);
  body += ",\"message\":";
  AppendJsonString(&body, error.message);
  body += '}';
  return body;
}

HttpResponse ErrorResponse(const ApiError& error, Protocol protocol, std::string_view request_id) {
  HttpResponse r;
  r.status = error.http_status;
  r.headers.emplace_back("Content-Type", protocol == Protocol::kJson11
                                             ? "application/x-amz-json-1.1"
                                             : "application/json");
  if (!request_id.empty()) r.headers.emplace_back("x-amzn-RequestId", std::string(request_id));
  r.headers.emplace_back("x-amzn-ErrorType", error.type);
  r.body = ErrorBody(error);
  return r;
}

}  // namespace cairn::api
