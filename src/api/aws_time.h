// src/api/aws_time.h
//
// The time formats AWS protocols use, converted to and from seconds since the Unix epoch (UTC):
//   amz date   20150830T123600Z                 (X-Amz-Date, SigV4)
//   HTTP date  Sun, 30 Aug 2015 12:36:00 GMT    (RFC 1123, the Date header; "-0000"/"+0000" too)
//   ISO 8601   2015-08-30T12:36:00Z             (legacy string members, REST-JSON timestamps)
// Parsers are strict (exact shape, valid calendar fields) and return nullopt otherwise.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::api {

std::optional<int64_t> ParseAmzDate(std::string_view s);
std::string FormatAmzDate(int64_t epoch_seconds);

std::optional<int64_t> ParseHttpDate(std::string_view s);

std::optional<int64_t> ParseIso8601(std::string_view s);  // accepts an optional .fff fraction
std::string FormatIso8601(int64_t epoch_seconds);

// Days since 1970-01-01 for a proleptic Gregorian date, and back.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);
void CivilFromDays(int64_t days, int64_t* y, unsigned* m, unsigned* d);

}  // namespace cairn::api
