#include "api/sigv4.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "api/aws_time.h"
#include "api/errors.h"

namespace cairn::api {
namespace {

constexpr std::string_view kIncomplete = "IncompleteSignatureException";
constexpr std::string_view kInvalidSignature = "InvalidSignatureException";
constexpr std::string_view kUnrecognized = "UnrecognizedClientException";
constexpr std::string_view kMissingToken = "MissingAuthenticationTokenException";

constexpr std::string_view kSignatureMismatchMessage =
    "The request signature we calculated does not match the signature you provided. Check your "
    "AWS Secret Access Key and signing method. Consult the service documentation for details.";

Status Incomplete(std::string message) {
  return AwsError(StatusCode::kUnauthenticated, std::string(kIncomplete), std::move(message));
}
Status InvalidSignature(std::string message) {
  return AwsError(StatusCode::kUnauthenticated, std::string(kInvalidSignature), std::move(message));
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Trims and collapses every run of whitespace to one space, as botocore does.
void AppendHeaderValue(std::string* out, std::string_view v) {
  bool pending_space = false;
  bool any = false;
  for (char c : v) {
    if (IsSpace(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) out->push_back(' ');
    pending_space = false;
    any = true;
    out->push_back(c);
  }
}

bool IsLowerHeaderName(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return false;
    if (static_cast<unsigned char>(c) <= ' ' || c == ':' || c == ';' || c == 0x7f) return false;
  }
  return true;
}

bool IsValidRegionName(std::string_view r) {
  if (r.empty() || r.size() > 32 || r.front() < 'a' || r.front() > 'z' || r.back() == '-') {
    return false;
  }
  for (char c : r) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool IsDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> SplitOn(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    size_t next = s.find(sep, pos);
    if (next == std::string_view::npos) {
      out.push_back(s.substr(pos));
      return out;
    }
    out.push_back(s.substr(pos, next - pos));
    pos = next + 1;
  }
}

// Shortens client-supplied text quoted in an error message.
std::string Quote(std::string_view s) {
  constexpr size_t kMax = 64;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax)) + "...";
}

}  // namespace

std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) {
    CAIRN_CHECK(false && "EVP_Digest(sha256) failed");
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  // HMAC() accepts a NULL key pointer only with length 0; pass a valid pointer always.
  static const unsigned char kEmpty = 0;
  const void* k = key.empty() ? static_cast<const void*>(&kEmpty) : key.data();
  const unsigned char* d =
      data.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(data.data());
  if (HMAC(EVP_sha256(), k, static_cast<int>(key.size()), d, data.size(), md, &len) == nullptr) {
    CAIRN_CHECK(false && "HMAC(sha256) failed");
  }
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string HexLower(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<SigV4Authorization> ParseAuthorization(std::string_view header) {
  header = Trim(header);
  size_t sp = header.find_first_of(" \t");
  std::string_view algorithm = header.substr(0, sp);
  if (algorithm != kSigV4Algorithm) {
    return Incomplete(fmt::format("Unsupported AWS 'algorithm': '{}'.", Quote(algorithm)));
  }
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : header.substr(sp);
  std::optional<std::string_view> credential, signed_headers, signature;
  for (std::string_view part : SplitOn(rest, ',')) {
    part = Trim(part);
    if (part.empty()) continue;
    size_t eq = part.find('=');
    if (eq == std::string_view::npos) {
      return Incomplete(
          fmt::format("Authorization header parameter '{}' has no value.", Quote(part)));
    }
    std::string_view key = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    std::optional<std::string_view>* slot = nullptr;
    if (key == "Credential") slot = &credential;
    if (key == "SignedHeaders") slot = &signed_headers;
    if (key == "Signature") slot = &signature;
    if (slot == nullptr) {
      return Incomplete(
          fmt::format("Unsupported Authorization header parameter '{}'.", Quote(key)));
    }
    if (slot->has_value()) {
      return Incomplete(fmt::format("Authorization header has more than one '{}' parameter.", key));
    }
    *slot = value;
  }
  std::string missing;
  if (!credential) missing += "Authorization header requires 'Credential' parameter. ";
  if (!signature) missing += "Authorization header requires 'Signature' parameter. ";
  if (!signed_headers) missing += "Authorization header requires 'SignedHeaders' parameter. ";
  if (!missing.empty()) {
    missing.pop_back();
    return Incomplete(std::move(missing));
  }

  SigV4Authorization auth;
  std::vector<std::string_view> scope = SplitOn(*credential, '/');
  if (scope.size() != 5) {
    return Incomplete(fmt::format(
        "Credential '{}' must have five parts: <access key id>/<yyyymmdd>/<region>/<service>/"
        "aws4_request.",
        Quote(*credential)));
  }
  if (scope[0].empty()) return Incomplete("Credential has an empty access key id.");
  if (scope[1].size() != 8 || !IsDigits(scope[1])) {
    return Incomplete(fmt::format("Credential date '{}' is not yyyymmdd.", Quote(scope[1])));
  }
  if (scope[2].empty()) return Incomplete("Credential should be scoped to a valid region.");
  if (scope[3].empty()) return Incomplete("Credential should be scoped to a valid service.");
  if (scope[4] != "aws4_request") {
    return Incomplete(fmt::format(
        "Credential should be scoped with a valid terminator: 'aws4_request', not '{}'.",
        Quote(scope[4])));
  }
  auth.access_key_id = scope[0];
  auth.date = scope[1];
  auth.region = scope[2];
  auth.service = scope[3];

  auth.signed_headers_text = *signed_headers;
  std::string_view previous;
  for (std::string_view h : SplitOn(*signed_headers, ';')) {
    if (!IsLowerHeaderName(h)) {
      return Incomplete(
          fmt::format("SignedHeaders '{}' must be lower-case header names separated by ';'.",
                      Quote(*signed_headers)));
    }
    if (!auth.signed_headers.empty() && h <= previous) {
      return Incomplete(fmt::format("SignedHeaders '{}' must be sorted and without duplicates.",
                                    Quote(*signed_headers)));
    }
    auth.signed_headers.emplace_back(h);
    previous = h;
  }
  auth.signature = *signature;
  if (auth.signature.empty()) return Incomplete("Authorization header has an empty 'Signature'.");
  return auth;
}

std::string CanonicalUri(std::string_view raw_path) {
  // RFC 3986 §5.2.4 as botocore applies it: empty and "." segments dropped, ".." pops.
  if (raw_path.empty()) return "/";
  std::vector<std::string_view> out;
  for (std::string_view seg : SplitOn(raw_path, '/')) {
    if (seg.empty() || seg == ".") continue;
    if (seg == "..") {
      if (!out.empty()) out.pop_back();
      continue;
    }
    out.push_back(seg);
  }
  std::string path;
  if (raw_path.front() == '/') path.push_back('/');
  for (size_t i = 0; i < out.size(); ++i) {
    if (i) path.push_back('/');
    path.append(out[i]);
  }
  if (raw_path.back() == '/' && !out.empty()) path.push_back('/');
  if (path.empty()) return std::string(1, '/');
  return PercentEncode(path, /*keep_slash=*/true);
}

std::optional<std::string> CanonicalQueryString(std::string_view raw_query) {
  auto pairs = ParseQuery(raw_query);
  if (!pairs) return std::nullopt;
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(pairs->size());
  for (auto& [n, v] : *pairs) encoded.emplace_back(PercentEncode(n), PercentEncode(v));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (i) out.push_back('&');
    out += encoded[i].first;
    out.push_back('=');
    out += encoded[i].second;
  }
  return out;
}

Result<std::string> CanonicalHeaders(const HttpRequest& request,
                                     const std::vector<std::string>& signed_headers) {
  std::string out;
  for (const std::string& name : signed_headers) {
    std::vector<std::string_view> values = request.HeaderValues(name);
    if (values.empty()) {
      return Incomplete(fmt::format(
          "Header '{}' is listed in SignedHeaders but absent from the request.", Quote(name)));
    }
    out += name;
    out.push_back(':');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) out.push_back(',');
      AppendHeaderValue(&out, values[i]);
    }
    out.push_back('\n');
  }
  return out;
}

std::string CanonicalRequest(std::string_view method, std::string_view canonical_uri,
                             std::string_view canonical_query, std::string_view canonical_headers,
                             std::string_view signed_headers, std::string_view payload_hash) {
  std::string out;
  out.reserve(method.size() + canonical_uri.size() + canonical_query.size() +
              canonical_headers.size() + signed_headers.size() + payload_hash.size() + 5);
  out.append(method).push_back('\n');
  out.append(canonical_uri).push_back('\n');
  out.append(canonical_query).push_back('\n');
  out.append(canonical_headers).push_back('\n');
  out.append(signed_headers).push_back('\n');
  out.append(payload_hash);
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out(kSigV4Algorithm);
  out.push_back('\n');
  out.append(amz_date).push_back('\n');
  out.append(scope).push_back('\n');
  out += HexLower(Sha256(canonical_request));
  return out;
}

std::string SigningKey(std::string_view secret, std::string_view date, std::string_view region,
                       std::string_view service) {
  std::string k = "AWS4";
  k.append(secret);
  std::string k_date = HmacSha256(k, date);
  OPENSSL_cleanse(k.data(), k.size());
  std::string k_region = HmacSha256(k_date, region);
  std::string k_service = HmacSha256(k_region, service);
  return HmacSha256(k_service, "aws4_request");
}

std::string Signature(std::string_view secret, std::string_view date, std::string_view region,
                      std::string_view service, std::string_view string_to_sign) {
  return HexLower(HmacSha256(SigningKey(secret, date, region, service), string_to_sign));
}

SigV4Verifier::SigV4Verifier(SecretLookup lookup, Env* env, SigV4Options options)
    : lookup_(std::move(lookup)), env_(env), options_(std::move(options)) {}

Result<SigV4Identity> SigV4Verifier::Verify(const HttpRequest& request,
                                            std::string_view service) const {
  // 1. Parse.
  std::vector<std::string_view> auth_headers = request.HeaderValues("authorization");
  if (auth_headers.empty()) {
    return AwsError(StatusCode::kUnauthenticated, std::string(kMissingToken),
                    "Request is missing Authentication Token");
  }
  if (auth_headers.size() > 1) return Incomplete("Request has more than one Authorization header.");
  ASSIGN_OR_RETURN(SigV4Authorization auth, ParseAuthorization(auth_headers[0]));
  if (auth.service != service) {
    return Incomplete(
        fmt::format("Credential should be scoped to correct service: '{}'.", service));
  }
  bool region_ok = IsValidRegionName(auth.region);
  if (region_ok && !options_.regions.empty()) {
    region_ok = std::find(options_.regions.begin(), options_.regions.end(), auth.region) !=
                options_.regions.end();
  }
  if (!region_ok) return Incomplete("Credential should be scoped to a valid region.");

  // 2. The key.
  if (request.Header("x-amz-security-token").has_value()) {
    // cairn issues no temporary credentials, so no session token can be valid.
    return AwsError(StatusCode::kUnauthenticated, std::string(kUnrecognized),
                    "The security token included in the request is invalid.");
  }
  ASSIGN_OR_RETURN(std::optional<std::string> secret, lookup_(auth.access_key_id));
  if (!secret.has_value()) {
    return AwsError(StatusCode::kUnauthenticated, std::string(kUnrecognized),
                    "The security token included in the request is invalid.");
  }

  // 3. Request time.
  std::string amz_date;
  int64_t request_time = 0;
  std::string_view time_header;
  if (auto x = request.Header("x-amz-date")) {
    time_header = "x-amz-date";
    auto t = ParseAmzDate(Trim(*x));
    if (!t) {
      return Incomplete(
          fmt::format("Date must be in ISO-8601 'basic format'. Got '{}'. See "
                      "http://en.wikipedia.org/wiki/ISO_8601",
                      Quote(*x)));
    }
    request_time = *t;
    amz_date = std::string(Trim(*x));
  } else if (auto d = request.Header("date")) {
    time_header = "date";
    auto t = ParseHttpDate(Trim(*d));
    if (!t) {
      return Incomplete(fmt::format("Date header '{}' is not an RFC 1123 date.", Quote(*d)));
    }
    request_time = *t;
    amz_date = FormatAmzDate(*t);
  } else {
    return Incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (!std::binary_search(auth.signed_headers.begin(), auth.signed_headers.end(), time_header)) {
    // An unsigned time would let anyone replay a captured request at any later time.
    return Incomplete(fmt::format("'{}' must be a 'SignedHeader' in the AWS Authorization.",
                                  time_header == "date" ? "Date" : "X-Amz-Date"));
  }
  if (amz_date.compare(0, 8, auth.date) != 0) {
    return InvalidSignature(fmt::format(
        "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
        "HTTP: '{}' != '{}', from '{}'.",
        auth.date, amz_date.substr(0, 8), amz_date));
  }
  if (options_.max_skew_seconds > 0) {
    int64_t now = env_->NowMicros() / 1000000;
    int64_t skew = options_.max_skew_seconds;
    int64_t minutes = skew / 60;
    if (request_time < now - skew) {
      return InvalidSignature(
          fmt::format("Signature expired: {} is now earlier than {} ({} - {} min.)", amz_date,
                      FormatAmzDate(now - skew), FormatAmzDate(now), minutes));
    }
    if (request_time > now + skew) {
      return InvalidSignature(
          fmt::format("Signature not yet current: {} is still later than {} ({} + {} min.)",
                      amz_date, FormatAmzDate(now + skew), FormatAmzDate(now), minutes));
    }
  }

  // 4. Signed headers.
  if (!std::binary_search(auth.signed_headers.begin(), auth.signed_headers.end(), "host")) {
    return Incomplete("'Host' must be a 'SignedHeader' in the AWS Authorization.");
  }
  ASSIGN_OR_RETURN(std::string canonical_headers, CanonicalHeaders(request, auth.signed_headers));

  // 5-8. Canonical request, string to sign, signature, comparison.
  std::string payload_hash = HexLower(Sha256(request.body));
  if (auto claimed = request.Header("x-amz-content-sha256")) {
    if (Trim(*claimed) != payload_hash) {
      return InvalidSignature(
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
  }
  std::optional<std::string> canonical_query = CanonicalQueryString(request.raw_query());
  if (!canonical_query) return Incomplete("The query string holds a malformed percent escape.");
  std::string canonical_request =
      CanonicalRequest(request.method, CanonicalUri(request.raw_path()), *canonical_query,
                       canonical_headers, auth.signed_headers_text, payload_hash);
  std::string expected = Signature(*secret, auth.date, auth.region, auth.service,
                                   StringToSign(amz_date, auth.Scope(), canonical_request));
  OPENSSL_cleanse(secret->data(), secret->size());
  if (!ConstantTimeEquals(expected, auth.signature)) {
    return InvalidSignature(std::string(kSignatureMismatchMessage));
  }

  SigV4Identity id;
  id.access_key_id = std::move(auth.access_key_id);
  id.region = std::move(auth.region);
  id.service = std::move(auth.service);
  id.request_time = request_time;
  return id;
}

void SignRequest(HttpRequest* request, const SigningCredentials& c, int64_t epoch_seconds) {
  static const std::vector<std::string_view> kUnsigned = {"authorization",
                                                          "connection",
                                                          "expect",
                                                          "keep-alive",
                                                          "proxy-authenticate",
                                                          "proxy-authorization",
                                                          "te",
                                                          "trailer",
                                                          "transfer-encoding",
                                                          "upgrade",
                                                          "user-agent",
                                                          "x-amzn-trace-id"};
  std::erase_if(request->headers, [](const auto& h) {
    return EqualsIgnoreCase(h.first, "authorization") || EqualsIgnoreCase(h.first, "x-amz-date");
  });
  std::string amz_date = FormatAmzDate(epoch_seconds);
  request->headers.emplace_back("X-Amz-Date", amz_date);
  std::vector<std::string> names;
  for (const auto& [k, v] : request->headers) {
    std::string lower;
    for (char ch : k)
      lower.push_back((ch >= 'A' && ch <= 'Z') ? static_cast<char>(ch - 'A' + 'a') : ch);
    if (std::find(kUnsigned.begin(), kUnsigned.end(), lower) != kUnsigned.end()) continue;
    names.push_back(std::move(lower));
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string signed_text;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) signed_text.push_back(';');
    signed_text += names[i];
  }
  Result<std::string> headers = CanonicalHeaders(*request, names);
  CAIRN_CHECK(headers.ok());
  std::string date = amz_date.substr(0, 8);
  std::string scope = date + "/" + c.region + "/" + c.service + "/aws4_request";
  std::string creq = CanonicalRequest(request->method, CanonicalUri(request->raw_path()),
                                      CanonicalQueryString(request->raw_query()).value_or(""),
                                      *headers, signed_text, HexLower(Sha256(request->body)));
  std::string sig =
      Signature(c.secret, date, c.region, c.service, StringToSign(amz_date, scope, creq));
  request->headers.emplace_back(
      "Authorization", fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}",
                                   kSigV4Algorithm, c.access_key_id, scope, signed_text, sig));
}

}  // namespace cairn::api
