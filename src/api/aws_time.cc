#include "api/aws_time.h"

#include <fmt/format.h>

#include <array>

namespace cairn::api {
namespace {

bool ParseDigits(std::string_view s, size_t pos, size_t n, int64_t* out) {
  if (pos + n > s.size()) return false;
  int64_t v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

std::optional<int64_t> ToEpoch(int64_t y, int64_t mo, int64_t d, int64_t h, int64_t mi, int64_t s) {
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 ||
      d > DaysInMonth(y, static_cast<unsigned>(mo)) || h > 23 || mi > 59 || s > 60) {
    return std::nullopt;
  }
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + s;
}

void Split(int64_t epoch, int64_t* y, unsigned* mo, unsigned* d, int64_t* h, int64_t* mi,
           int64_t* s) {
  int64_t days = epoch >= 0 ? epoch / 86400 : (epoch - 86399) / 86400;
  int64_t rem = epoch - days * 86400;
  CivilFromDays(days, y, mo, d);
  *h = rem / 3600;
  *mi = rem % 3600 / 60;
  *s = rem % 60;
}

}  // namespace

// Howard Hinnant's days_from_civil / civil_from_days.
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::optional<int64_t> ParseAmzDate(std::string_view s) {
  int64_t y, mo, d, h, mi, sec;
  if (s.size() != 16 || s[8] != 'T' || s[15] != 'Z') return std::nullopt;
  if (!ParseDigits(s, 0, 4, &y) || !ParseDigits(s, 4, 2, &mo) || !ParseDigits(s, 6, 2, &d) ||
      !ParseDigits(s, 9, 2, &h) || !ParseDigits(s, 11, 2, &mi) || !ParseDigits(s, 13, 2, &sec)) {
    return std::nullopt;
  }
  return ToEpoch(y, mo, d, h, mi, sec);
}

std::string FormatAmzDate(int64_t epoch) {
  int64_t y, h, mi, s;
  unsigned mo, d;
  Split(epoch, &y, &mo, &d, &h, &mi, &s);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", y, mo, d, h, mi, s);
}

std::optional<int64_t> ParseHttpDate(std::string_view s) {
  // "Sun, 30 Aug 2015 12:36:00 GMT": fixed width in RFC 1123 / RFC 7231 IMF-fixdate.
  static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu",
                                                            "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  // Python's email.utils.formatdate (used by botocore) writes "-0000" instead of "GMT".
  if (s.size() < 29) return std::nullopt;
  std::string_view zone = s.substr(25);
  if (s.substr(3, 2) != ", " || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' || s[19] != ':' ||
      s[22] != ':' || (zone != " GMT" && zone != " UTC" && zone != " -0000" && zone != " +0000")) {
    return std::nullopt;
  }
  bool day_ok = false;
  for (auto d : kDays) day_ok |= s.substr(0, 3) == d;
  if (!day_ok) return std::nullopt;
  int64_t mo = 0;
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (s.substr(8, 3) == kMonths[i]) mo = static_cast<int64_t>(i) + 1;
  }
  int64_t y, d, h, mi, sec;
  if (mo == 0 || !ParseDigits(s, 5, 2, &d) || !ParseDigits(s, 12, 4, &y) ||
      !ParseDigits(s, 17, 2, &h) || !ParseDigits(s, 20, 2, &mi) || !ParseDigits(s, 23, 2, &sec)) {
    return std::nullopt;
  }
  return ToEpoch(y, mo, d, h, mi, sec);
}

std::optional<int64_t> ParseIso8601(std::string_view s) {
  int64_t y, mo, d, h, mi, sec;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' ||
      s.back() != 'Z') {
    return std::nullopt;
  }
  if (!ParseDigits(s, 0, 4, &y) || !ParseDigits(s, 5, 2, &mo) || !ParseDigits(s, 8, 2, &d) ||
      !ParseDigits(s, 11, 2, &h) || !ParseDigits(s, 14, 2, &mi) || !ParseDigits(s, 17, 2, &sec)) {
    return std::nullopt;
  }
  if (s.size() > 20) {
    // ".fff...Z"
    if (s[19] != '.' || s.size() < 22) return std::nullopt;
    for (size_t i = 20; i + 1 < s.size(); ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
    }
  }
  return ToEpoch(y, mo, d, h, mi, sec);
}

std::string FormatIso8601(int64_t epoch) {
  int64_t y, h, mi, s;
  unsigned mo, d;
  Split(epoch, &y, &mo, &d, &h, &mi, &s);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", y, mo, d, h, mi, s);
}

}  // namespace cairn::api
