// src/event/generator/api_catalog.h
//
// The APIs a generated organization calls, with the shapes CloudTrail records for them: which
// service and event name, management or data, read or write, who calls it (people during working
// hours, workloads around the clock, AWS services on the account's behalf), and templates
// (template.h) for requestParameters, responseElements, additionalEventData and resources.
//
// Weights are relative rates inside two streams: the human stream (follows working hours and
// weekdays) and the machine stream (steady). See doc/format/generator.md.
//
// Thread-safety: the catalogue is built once (Catalog()) and immutable afterwards.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "event/generator/identity.h"
#include "event/generator/template.h"

namespace cairn::gen {

enum class ApiKind : uint8_t {
  kManagementRead,
  kManagementWrite,
  kDataRead,
  kDataWrite,
  kConsoleSignIn,  // eventType AwsConsoleSignIn
  kServiceEvent,   // eventType AwsServiceEvent
};

enum class ApiScope : uint8_t {
  kRegional,        // any region
  kGlobal,          // global service: logged in us-east-1 only
  kManagementOnly,  // management account, us-east-1 only (Organizations, Identity Center)
};

// How the service reports errors (codes and messages differ between protocols).
enum class ErrorFamily : uint8_t { kNone, kS3, kEc2, kJson, kQuery, kSignIn };
enum class RequestIdStyle : uint8_t { kUuid, kS3, kNone };

// One row of the catalogue, as written in api_catalog.cc. nullptr templates mean: request and
// response null, additionalEventData and resources absent.
struct ApiSpec {
  const char* source;
  const char* name;
  ApiKind kind;
  ApiScope scope = ApiScope::kRegional;
  double human = 0;                  // weight in the human stream
  double machine = 0;                // weight in the machine stream
  const char* invoked_by = nullptr;  // '|'-separated services that call it as AWSService
  double service_share = 0;          // share of machine-stream calls made by those services
  uint32_t actors = 0;               // identity kinds allowed (KindBit); 0 = the ordinary ones
  const char* version = "1.09";
  const char* request = nullptr;
  const char* response = nullptr;
  const char* additional = nullptr;
  const char* resources = nullptr;
  const char* error_resource = "*";  // resource named in AccessDenied messages
  const char* not_found_code = nullptr;
  const char* not_found_message = nullptr;
  const char* host = nullptr;  // tlsDetails host header; default "<svc>.<region>.amazonaws.com"
  const char* api_version = nullptr;
  double error_rate = 0.04;
  const char* error_response = nullptr;  // responseElements when the call failed
};

struct ApiError {
  std::string code;  // empty: errorMessage only (ConsoleLogin failures)
  Template message;
  double weight;
};

// A compiled catalogue row.
struct Api {
  int index = 0;
  std::string source, name, svc, action, cli_command;
  ApiKind kind;
  ApiScope scope;
  double human, machine;
  std::vector<std::string> invoked_by;
  double service_share;
  uint32_t actors;
  std::string version;
  bool read_only, data, has_request, has_response, has_additional, has_resources;
  Template request, response, additional, resources, host, error_response;
  bool has_error_response;
  std::string api_version;
  ErrorFamily errors;
  RequestIdStyle request_id;
  double error_rate;
  std::vector<ApiError> error_kinds;  // weights sum to 1
  const char* event_type;             // "AwsApiCall", ...
  const char* event_category;         // "Management" or "Data"
};

// The catalogue, compiled on first use.
const std::vector<Api>& Catalog();

// The default identity kinds for APIs that do not list their actors.
inline constexpr uint32_t kOrdinaryActors =
    KindBit(IdentityKind::kIamUser) | KindBit(IdentityKind::kSsoSession) |
    KindBit(IdentityKind::kOrgAccess) | KindBit(IdentityKind::kAppRole) |
    KindBit(IdentityKind::kServiceRole);

}  // namespace cairn::gen
