// src/api/sigv4.h
//
// Server-side verification of AWS Signature Version 4 (header form, AWS4-HMAC-SHA256), as
// specified in spec/wire-protocol.md §7. The verifier recomputes the signature from the request
// bytes and the caller's secret and compares in constant time; every failure is a Status carrying
// the AWS error name a client expects (errors.h):
//   no Authorization header                        MissingAuthenticationTokenException (403)
//   malformed header, scope, signed-header list    IncompleteSignatureException (400)
//   unknown access key, or a session token         UnrecognizedClientException (400)
//   wrong signature, scope date != request date,
//   body hash mismatch, outside the skew window    InvalidSignatureException (400)
// Presigned (query-string) requests are not supported: SDKs do not use them for these APIs.
//
// The pieces (canonical URI, query, headers, request, string to sign, signing key) are public so
// tests can check each against the spec's vectors.
//
// Thread-safety: SigV4Verifier is immutable after construction; Verify() may be called from many
// threads at once, provided the SecretLookup may be.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/http_message.h"
#include "common/env.h"
#include "common/status.h"

namespace cairn::api {

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// Crypto building blocks (OpenSSL 3).
std::string Sha256(std::string_view data);                            // 32 raw bytes
std::string HmacSha256(std::string_view key, std::string_view data);  // 32 raw bytes
std::string HexLower(std::string_view bytes);
// Constant-time equality (the time depends only on the lengths).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The parsed `Authorization` header.
struct SigV4Authorization {
  std::string access_key_id;
  std::string date;  // yyyymmdd, from the credential scope
  std::string region;
  std::string service;
  std::vector<std::string> signed_headers;  // lower case, sorted, as listed
  std::string signed_headers_text;          // "content-type;host;..." as sent
  std::string signature;                    // as sent

  std::string Scope() const { return date + "/" + region + "/" + service + "/aws4_request"; }
};

// Parses `AWS4-HMAC-SHA256 Credential=AKID/yyyymmdd/region/service/aws4_request,
// SignedHeaders=a;b, Signature=hex`. Accepts ',' with optional spaces between parameters.
// Errors: IncompleteSignatureException.
Result<SigV4Authorization> ParseAuthorization(std::string_view header);

// CanonicalURI: dot segments and empty segments removed (a trailing '/' kept), then each byte
// outside A-Z a-z 0-9 - _ . ~ / percent-encoded, so an encoded '%3A' in the path becomes '%253A'
// (non-S3 services encode the path twice).
std::string CanonicalUri(std::string_view raw_path);

// CanonicalQueryString: names and values decoded, re-encoded strictly, sorted by name then value,
// joined "n=v&...". nullopt when the query holds a malformed escape.
std::optional<std::string> CanonicalQueryString(std::string_view raw_query);

// CanonicalHeaders for `signed_headers` (lower-case names): "name:value\n" each, values trimmed,
// whitespace runs collapsed, repeated headers joined with ','. Fails (IncompleteSignatureException)
// when a listed header is absent from the request.
Result<std::string> CanonicalHeaders(const HttpRequest& request,
                                     const std::vector<std::string>& signed_headers);

// The six lines of the canonical request, joined with '\n'.
std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash);

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service);

// The lower-case hex signature of `string_to_sign` under the given scope.
std::string Signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view string_to_sign);

struct SigV4Options {
  // Requests whose time is further than this from the server's clock are refused; 0 turns the check
  // off (tests with frozen clocks).
  int64_t max_skew_seconds = 15 * 60;
  // Regions accepted in the credential scope; empty accepts every well-formed region name
  // (lower-case letters, digits and '-', starting with a letter, at most 32 characters).
  std::vector<std::string> regions;
};

// Who signed a request, once verified.
struct SigV4Identity {
  std::string access_key_id;
  std::string region;
  std::string service;
  int64_t request_time = 0;  // epoch seconds, from X-Amz-Date or Date
};

class SigV4Verifier {
 public:
  // Returns the secret access key for `access_key_id`, nullopt when the key is unknown (or
  // revoked), or an error when the lookup itself failed (it then reaches the client as a server
  // fault).
  using SecretLookup =
      std::function<Result<std::optional<std::string>>(std::string_view access_key_id)>;

  // `env` supplies the clock and must outlive the verifier.
  SigV4Verifier(SecretLookup lookup, Env* env, SigV4Options options = {});

  // Verifies `request`, whose credential scope must name `service` ("cloudtrail",
  // "cloudtrail-data", ...). Never fails on malformed input other than with a Status.
  Result<SigV4Identity> Verify(const HttpRequest& request, std::string_view service) const;

  const SigV4Options& options() const { return options_; }

 private:
  SecretLookup lookup_;
  Env* env_;
  SigV4Options options_;
};

// Client side, for tests and for cairn's own outgoing calls (e.g. to S3): signs `request` as
// botocore does. Sets X-Amz-Date to `epoch_seconds`, replaces any Authorization, and signs every
// header present except the hop-by-hop ones botocore leaves out (connection, expect, keep-alive,
// proxy-*, te, trailer, transfer-encoding, upgrade, user-agent, x-amzn-trace-id).
// REQUIRES: `request` has a Host header.
struct SigningCredentials {
  std::string access_key_id;
  std::string secret;
  std::string region;
  std::string service;
};
void SignRequest(HttpRequest* request, const SigningCredentials& credentials,
                 int64_t epoch_seconds);

}  // namespace cairn::api
