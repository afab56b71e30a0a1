#include "sql/datetime.h"

#include <cstdio>

namespace cairn::sql::datetime {

// Howard Hinnant's days_from_civil / civil_from_days algorithms (public domain descriptions).
int64_t DaysFromCivil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void CivilFromDays(int64_t z, int64_t* year, int* month, int* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = y + (m <= 2);
  *month = m;
  *day = d;
}

bool IsLeapYear(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && IsLeapYear(year)) return 29;
  return kDays[month - 1];
}

Civil ToCivil(int64_t micros) {
  Civil c;
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rest = micros - days * kMicrosPerDay;
  CivilFromDays(days, &c.year, &c.month, &c.day);
  c.hour = static_cast<int>(rest / kMicrosPerHour);
  rest %= kMicrosPerHour;
  c.minute = static_cast<int>(rest / kMicrosPerMinute);
  rest %= kMicrosPerMinute;
  c.second = static_cast<int>(rest / kMicrosPerSecond);
  c.micros = rest % kMicrosPerSecond;
  return c;
}

int64_t FromCivil(const Civil& c) {
  return DaysFromCivil(c.year, c.month, c.day) * kMicrosPerDay + c.hour * kMicrosPerHour +
         c.minute * kMicrosPerMinute + c.second * kMicrosPerSecond + c.micros;
}

namespace {

// Reads exactly `n` digits at s[*i].
bool Digits(std::string_view s, size_t* i, int n, int64_t* out) {
  if (*i + n > s.size()) return false;
  int64_t v = 0;
  for (int k = 0; k < n; ++k) {
    char c = s[*i + k];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *i += n;
  *out = v;
  return true;
}

bool ParseDatePart(std::string_view s, size_t* i, int64_t* days) {
  int64_t y, m, d;
  if (!Digits(s, i, 4, &y) || *i >= s.size() || s[*i] != '-') return false;
  ++*i;
  // Trino accepts one- or two-digit months and days ("2023-1-5").
  auto small = [&](int64_t* v) {
    if (!Digits(s, i, 1, v)) return false;
    int64_t second;
    size_t save = *i;
    if (Digits(s, i, 1, &second)) {
      *v = *v * 10 + second;
    } else {
      *i = save;
    }
    return true;
  };
  if (!small(&m) || *i >= s.size() || s[*i] != '-') return false;
  ++*i;
  if (!small(&d)) return false;
  if (m < 1 || m > 12 || d < 1 || d > DaysInMonth(y, static_cast<int>(m))) return false;
  *days = DaysFromCivil(y, static_cast<int>(m), static_cast<int>(d));
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

bool ParseDate(std::string_view text, int64_t* days) {
  std::string_view s = Trim(text);
  size_t i = 0;
  return ParseDatePart(s, &i, days) && i == s.size();
}

bool ParseTimestamp(std::string_view text, int64_t* micros) {
  std::string_view s = Trim(text);
  size_t i = 0;
  int64_t days;
  if (!ParseDatePart(s, &i, &days)) return false;
  int64_t total = days * kMicrosPerDay;
  if (i < s.size() && (s[i] == ' ' || s[i] == 'T' || s[i] == 't')) {
    ++i;
    int64_t h, m, sec = 0, frac = 0;
    if (!Digits(s, &i, 2, &h) || i >= s.size() || s[i] != ':') return false;
    ++i;
    if (!Digits(s, &i, 2, &m)) return false;
    if (i < s.size() && s[i] == ':') {
      ++i;
      if (!Digits(s, &i, 2, &sec)) return false;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        ++i;
        int n = 0;
        while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
          if (n < 6) frac = frac * 10 + (s[i] - '0');
          ++n;
          ++i;
        }
        if (n == 0 || n > 9) return false;
        for (int k = n; k < 6; ++k) frac *= 10;
      }
    }
    if (h > 23 || m > 59 || sec > 59) return false;
    total += h * kMicrosPerHour + m * kMicrosPerMinute + sec * kMicrosPerSecond + frac;
  }
  // Zone.
  while (i < s.size() && s[i] == ' ') ++i;
  if (i < s.size()) {
    std::string_view zone = s.substr(i);
    if (zone == "Z" || zone == "z" || zone == "UTC" || zone == "GMT")
      return (*micros = total), true;
    if (zone[0] != '+' && zone[0] != '-') return false;
    int sign = zone[0] == '-' ? -1 : 1;
    size_t k = 1;
    int64_t zh, zm = 0;
    if (!Digits(zone, &k, 2, &zh)) return false;
    if (k < zone.size() && zone[k] == ':') ++k;
    if (k < zone.size() && !Digits(zone, &k, 2, &zm)) return false;
    if (k != zone.size() || zh > 18 || zm > 59) return false;
    total -= sign * (zh * kMicrosPerHour + zm * kMicrosPerMinute);
  }
  *micros = total;
  return true;
}

std::string FormatTimestamp(int64_t micros) {
  Civil c = ToCivil(micros);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d %02d:%02d:%02d.%03lld",
                static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second,
                static_cast<long long>(c.micros / 1000));
  return buf;
}

std::string FormatDate(int64_t days) {
  int64_t y;
  int m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02d", static_cast<long long>(y), m, d);
  return buf;
}

std::string FormatIso8601(int64_t micros) {
  Civil c = ToCivil(micros);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%04lld-%02d-%02dT%02d:%02d:%02d.%03lldZ",
                static_cast<long long>(c.year), c.month, c.day, c.hour, c.minute, c.second,
                static_cast<long long>(c.micros / 1000));
  return buf;
}

int DayOfWeek(int64_t days) {
  // 1970-01-01 was a Thursday (4).
  return static_cast<int>(FloorMod(days + 3, 7)) + 1;
}

void IsoWeek(int64_t days, int* week, int64_t* week_year) {
  // The week belongs to the year of its Thursday.
  int64_t thursday = days - (DayOfWeek(days) - 1) + 3;
  int64_t y;
  int m, d;
  CivilFromDays(thursday, &y, &m, &d);
  int64_t jan1 = DaysFromCivil(y, 1, 1);
  *week = static_cast<int>((thursday - jan1) / 7) + 1;
  *week_year = y;
}

}  // namespace cairn::sql::datetime
