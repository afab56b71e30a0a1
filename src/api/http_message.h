// src/api/http_message.h
//
// HttpRequest and HttpResponse: one HTTP exchange as the protocol layer sees it, independent of the
// socket library. The HTTP server (http_server.h) converts to and from these; everything above it
// (SigV4, routing, handlers) works on them, so tests and fuzz targets drive the whole request path
// without sockets.
//
// Thread-safety: values.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::api {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// True when `a` and `b` are equal ignoring ASCII case (HTTP header names).
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

struct HttpRequest {
  std::string method;  // as received, e.g. "POST"
  // The request-target exactly as received: the path, then optionally '?' and the query, both still
  // percent-encoded (SigV4 canonicalises from these bytes, not from a decoded form).
  std::string target;
  HeaderList headers;  // in arrival order, names as sent; a repeated header appears repeatedly
  std::string body;    // the exact body bytes (after transfer decoding)
  std::string remote_addr;

  // The path part of `target` (before '?'), still encoded.
  std::string_view raw_path() const;
  // The query part of `target` (after the first '?'), still encoded; empty when there is none.
  std::string_view raw_query() const;
  // The first header named `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // Every value of headers named `name` (case-insensitive), in arrival order.
  std::vector<std::string_view> HeaderValues(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;

  // Replaces every header named `name` (case-insensitive) with one header `name: value`.
  void SetHeader(std::string_view name, std::string value);
  std::optional<std::string_view> Header(std::string_view name) const;
};

// Decodes %XX escapes in `s` (other bytes, '+' included, pass through). Returns nullopt when an
// escape is malformed ('%' not followed by two hex digits).
std::optional<std::string> PercentDecode(std::string_view s);

// Encodes every byte of `s` except the RFC 3986 unreserved characters A-Z a-z 0-9 - _ . ~ (and
// '/', when `keep_slash`), as %XX with upper-case hex.
std::string PercentEncode(std::string_view s, bool keep_slash = false);

// Splits a raw query string into (name, value) pairs, percent-decoding both. A pair without '='
// has an empty value; empty pairs (from "&&") are skipped. Returns nullopt on a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseQuery(
    std::string_view raw_query);

}  // namespace cairn::api
