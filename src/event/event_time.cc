#include "event/event_time.h"

#include <cstdio>

namespace cairn {
namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kSecondsPerDay = 86400;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `n` digits at s[*pos]; advances *pos.
bool Digits(std::string_view s, size_t* pos, int n, int* out) {
  if (*pos + n > s.size()) return false;
  int v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[*pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *pos += n;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos >= s.size() || s[*pos] != c) return false;
  ++*pos;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

// Splits days since the epoch into a civil date (inverse of DaysFromCivil).
void CivilFromDays(int64_t z, int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t yy = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yy + (*m <= 2);
}

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

std::optional<int64_t> ParseTimestampMicros(std::string_view s, bool allow_basic) {
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!Digits(s, &pos, 4, &year)) return std::nullopt;
  // The extended form has '-' after the year; the basic form a digit.
  const bool basic = pos < s.size() && IsDigit(s[pos]);
  if (basic && !allow_basic) return std::nullopt;
  if (!basic && !Expect(s, &pos, '-')) return std::nullopt;
  if (!Digits(s, &pos, 2, &month)) return std::nullopt;
  if (!basic && !Expect(s, &pos, '-')) return std::nullopt;
  if (!Digits(s, &pos, 2, &day)) return std::nullopt;
  if (pos >= s.size()) return std::nullopt;
  char sep = s[pos++];
  if (sep != 'T' && sep != 't' && (basic || sep != ' ')) return std::nullopt;
  if (!Digits(s, &pos, 2, &hour)) return std::nullopt;
  if (!basic && !Expect(s, &pos, ':')) return std::nullopt;
  if (!Digits(s, &pos, 2, &minute)) return std::nullopt;
  if (!basic && !Expect(s, &pos, ':')) return std::nullopt;
  if (!Digits(s, &pos, 2, &second)) return std::nullopt;
  int64_t micros = 0;
  if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
    ++pos;
    int n = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (n < 6) micros = micros * 10 + (s[pos] - '0');
      ++n;
      ++pos;
    }
    if (n == 0) return std::nullopt;
    for (int i = n; i < 6; ++i) micros *= 10;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset_seconds = 0;
  char z = s[pos++];
  if (z == 'Z' || z == 'z') {
    // UTC
  } else if (z == '+' || z == '-') {
    int oh, om;
    if (!Digits(s, &pos, 2, &oh)) return std::nullopt;
    if (!basic && !Expect(s, &pos, ':')) return std::nullopt;
    if (!Digits(s, &pos, 2, &om)) return std::nullopt;
    if (oh > 23 || om > 59) return std::nullopt;
    offset_seconds = (oh * 3600 + om * 60) * (z == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    return std::nullopt;
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  return secs * kMicrosPerSecond + micros;
}

namespace {

void FormatSeconds(int64_t secs, char* buf, size_t n) {
  int64_t days =
      secs >= 0 ? secs / kSecondsPerDay : -((-secs + kSecondsPerDay - 1) / kSecondsPerDay);
  int64_t sod = secs - days * kSecondsPerDay;
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  std::snprintf(buf, n, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(y), m, d,
                static_cast<int>(sod / 3600), static_cast<int>(sod / 60 % 60),
                static_cast<int>(sod % 60));
}

int64_t FloorDiv(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace

std::string FormatEventTime(int64_t micros) {
  char buf[48];
  FormatSeconds(FloorDiv(micros, kMicrosPerSecond), buf, sizeof(buf));
  return std::string(buf) + "Z";
}

std::string FormatTimestampMicros(int64_t micros) {
  int64_t secs = FloorDiv(micros, kMicrosPerSecond);
  int64_t frac = micros - secs * kMicrosPerSecond;
  char buf[48];
  FormatSeconds(secs, buf, sizeof(buf));
  std::string out(buf);
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof(f), ".%06lld", static_cast<long long>(frac));
    out += f;
  }
  return out + "Z";
}

}  // namespace cairn
