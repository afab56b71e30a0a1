// src/event/generator/text_util.h
//
// Small, allocation-free text helpers for the generator's hand-rolled JSON: dates, integers and
// random identifiers appended to a std::string. Everything here is deterministic given its inputs
// (no locale, no wall clock).
//
// Thread-safety: free functions over caller-owned buffers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "event/generator/rng.h"

namespace cairn::gen {

inline constexpr int64_t kSecondsPerDay = 86400;

struct CivilTime {
  int year, month, day, hour, minute, second;
  int weekday;  // 0 = Monday ... 6 = Sunday
};

// Days since 1970-01-01 of a proleptic Gregorian date.
inline int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline CivilTime ToCivil(int64_t epoch_seconds) {
  int64_t days = epoch_seconds / kSecondsPerDay;
  int64_t secs = epoch_seconds % kSecondsPerDay;
  if (secs < 0) {
    secs += kSecondsPerDay;
    --days;
  }
  CivilTime c;
  c.weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);  // 1970-01-01 was a Thursday
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  c.day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  c.month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  c.year = static_cast<int>(yoe + era * 400 + (c.month <= 2));
  c.hour = static_cast<int>(secs / 3600);
  c.minute = static_cast<int>(secs / 60 % 60);
  c.second = static_cast<int>(secs % 60);
  return c;
}

inline void Append2(std::string* out, int v) {
  char b[2] = {static_cast<char>('0' + v / 10), static_cast<char>('0' + v % 10)};
  out->append(b, 2);
}
inline void Append4(std::string* out, int v) {
  char b[4] = {static_cast<char>('0' + v / 1000), static_cast<char>('0' + v / 100 % 10),
               static_cast<char>('0' + v / 10 % 10), static_cast<char>('0' + v % 10)};
  out->append(b, 4);
}

// "2025-03-04T10:15:02Z"
inline void AppendIsoTime(std::string* out, int64_t epoch_seconds) {
  CivilTime c = ToCivil(epoch_seconds);
  char b[20] = {static_cast<char>('0' + c.year / 1000),
                static_cast<char>('0' + c.year / 100 % 10),
                static_cast<char>('0' + c.year / 10 % 10),
                static_cast<char>('0' + c.year % 10),
                '-',
                static_cast<char>('0' + c.month / 10),
                static_cast<char>('0' + c.month % 10),
                '-',
                static_cast<char>('0' + c.day / 10),
                static_cast<char>('0' + c.day % 10),
                'T',
                static_cast<char>('0' + c.hour / 10),
                static_cast<char>('0' + c.hour % 10),
                ':',
                static_cast<char>('0' + c.minute / 10),
                static_cast<char>('0' + c.minute % 10),
                ':',
                static_cast<char>('0' + c.second / 10),
                static_cast<char>('0' + c.second % 10),
                'Z'};
  out->append(b, sizeof(b));
}

// "Mar 4, 2025, 11:15:02 AM": the form STS and other Java services use in responseElements.
inline void AppendJavaTime(std::string* out, int64_t epoch_seconds) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  CivilTime c = ToCivil(epoch_seconds);
  out->append(kMonths[c.month - 1]);
  out->push_back(' ');
  out->append(std::to_string(c.day));
  out->append(", ");
  Append4(out, c.year);
  out->append(", ");
  int h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  out->append(std::to_string(h12));
  out->push_back(':');
  Append2(out, c.minute);
  out->push_back(':');
  Append2(out, c.second);
  out->append(c.hour < 12 ? " AM" : " PM");
}

inline void AppendUint(std::string* out, uint64_t v) {
  char buf[20];
  int n = 20;
  do {
    buf[--n] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  out->append(buf + n, 20 - n);
}

inline constexpr std::string_view kLowerHex = "0123456789abcdef";
inline constexpr std::string_view kUpperAlnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
inline constexpr std::string_view kLowerAlnum = "abcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kMixedAlnum =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
inline constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
inline constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Appends `n` characters drawn from `alphabet` (size <= 64), six bits at a time from `rng`.
inline void AppendRandom(std::string* out, Rng& rng, std::string_view alphabet, int n) {
  const uint32_t size = static_cast<uint32_t>(alphabet.size());
  const size_t at = out->size();
  out->resize(at + n);
  char* p = out->data() + at;
  if ((size & (size - 1)) == 0) {
    // Power-of-two alphabets: ten 6-bit draws per 64-bit number.
    for (int i = 0; i < n; i += 10) {
      uint64_t bits = rng.Next();
      for (int k = i; k < n && k < i + 10; ++k, bits >>= 6) p[k] = alphabet[bits & (size - 1)];
    }
  } else {
    for (int i = 0; i < n; ++i) p[i] = alphabet[rng.Below(size)];
  }
}

// Same as AppendRandom but drawn from a hash of `key`, so the same key always gives the same text.
inline void AppendHashed(std::string* out, uint64_t key, std::string_view alphabet, int n) {
  Rng rng(key);
  AppendRandom(out, rng, alphabet, n);
}

// A UUID version 4 string ("xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx").
inline void AppendUuid(std::string* out, Rng& rng) {
  uint64_t hi = rng.Next(), lo = rng.Next();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                          // version 4
  lo = (lo & ~0xc000000000000000ULL) | 0x8000000000000000ULL;  // variant 10xx
  char buf[36];
  int p = 0;
  for (int i = 15; i >= 0; --i) {
    if (p == 8 || p == 13) buf[p++] = '-';
    buf[p++] = kLowerHex[(hi >> (i * 4)) & 0xf];
  }
  for (int i = 15; i >= 0; --i) {
    if (p == 18 || p == 23) buf[p++] = '-';
    buf[p++] = kLowerHex[(lo >> (i * 4)) & 0xf];
  }
  out->append(buf, 36);
}

}  // namespace cairn::gen
