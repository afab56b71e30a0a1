// src/sql/datetime.h
//
// Calendar arithmetic and text forms for SQL timestamps (int64 microseconds since the epoch, UTC)
// and dates (int64 days since the epoch). Proleptic Gregorian calendar, as Trino uses.
//
// Accepted timestamp text (string literals compared with eventTime, CAST, from_iso8601_timestamp):
//   YYYY-MM-DD
//   YYYY-MM-DD[ |T]HH:MM[:SS[.fraction]]      fraction of 1..9 digits (kept to microseconds)
//   either of the above with a zone: Z, UTC, +HH, +HH:MM, +HHMM, -...  (converted to UTC)
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::sql::datetime {

inline constexpr int64_t kMicrosPerMilli = 1000;
inline constexpr int64_t kMicrosPerSecond = 1000 * 1000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

// Floor division and modulo (toward negative infinity), for times before 1970.
inline int64_t FloorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}
inline int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// Days since 1970-01-01 of a civil date (month 1..12, day 1..31).
int64_t DaysFromCivil(int64_t year, int month, int day);
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day);
bool IsLeapYear(int64_t year);
int DaysInMonth(int64_t year, int month);

struct Civil {
  int64_t year = 1970;
  int month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int64_t micros = 0;  // 0..999999
};
Civil ToCivil(int64_t micros);
// REQUIRES: fields in range (month 1..12, day valid for the month, ...).
int64_t FromCivil(const Civil& c);

// Parses timestamp text as described above. Returns false when it is not a valid timestamp.
bool ParseTimestamp(std::string_view text, int64_t* micros);
// YYYY-MM-DD only.
bool ParseDate(std::string_view text, int64_t* days);

// "2023-01-22 16:53:53.000": the Lake's result format (milliseconds, no zone).
std::string FormatTimestamp(int64_t micros);
// "2023-01-22"
std::string FormatDate(int64_t days);
// "2023-01-22T16:53:53.000Z"
std::string FormatIso8601(int64_t micros);

// ISO day of week, 1 = Monday .. 7 = Sunday.
int DayOfWeek(int64_t days);
// ISO 8601 week number (1..53) and its week-based year.
void IsoWeek(int64_t days, int* week, int64_t* week_year);

}  // namespace cairn::sql::datetime
