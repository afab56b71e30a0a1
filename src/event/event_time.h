// src/event/event_time.h
//
// Timestamps as CloudTrail writes them, and as other producers write them (spec
// cloudtrail-events.md P11): RFC 3339 / ISO 8601 date-times, parsed to microseconds since the
// Unix epoch, UTC. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn {

// Parses an RFC 3339 date-time: `YYYY-MM-DD('T'|'t'|' ')HH:MM:SS[.fraction](Z|z|+HH:MM|-HH:MM)`,
// returning microseconds since the epoch, UTC (fraction digits past the sixth are dropped).
// Also accepts the ISO 8601 basic form `YYYYMMDDTHHMMSS[.fraction](Z|+HHMM|-HHMM)` when
// `allow_basic` (sessionContext.attributes.creationDate uses it in older documentation).
// A missing zone designator is refused: without it the instant is ambiguous.
// Seconds may be 60 (a leap second), which is counted as the first second of the next minute.
// Returns nullopt for anything else (out-of-range fields, Feb 30, trailing bytes, ...).
std::optional<int64_t> ParseTimestampMicros(std::string_view s, bool allow_basic = false);

// Formats as CloudTrail writes eventTime: `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, rounded down).
std::string FormatEventTime(int64_t micros);
// Formats with six fraction digits when `micros` is not a whole second:
// `YYYY-MM-DDTHH:MM:SS[.ffffff]Z`.
std::string FormatTimestampMicros(int64_t micros);

// Days since 1970-01-01 of a proleptic Gregorian date. REQUIRES: 1 <= month <= 12.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

}  // namespace cairn
