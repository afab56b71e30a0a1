#include "cloud/ids.h"

#include <openssl/rand.h>

#include <algorithm>

#include "common/status.h"

namespace cairn::cloud {
namespace {

// Characters drawn uniformly from `alphabet` by rejection sampling (no modulo bias).
std::string RandomFrom(std::string_view alphabet, size_t n) {
  std::string out;
  out.reserve(n);
  const unsigned limit = 256 - 256 % alphabet.size();
  while (out.size() < n) {
    std::string bytes = RandomBytes(n);
    for (unsigned char b : bytes) {
      if (b >= limit) continue;
      out.push_back(alphabet[b % alphabet.size()]);
      if (out.size() == n) break;
    }
  }
  return out;
}

}  // namespace

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0) {
    CAIRN_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) == 1);
  }
  return out;
}

std::string RandomUuid() {
  std::string b = RandomBytes(16);
  b[6] = static_cast<char>((b[6] & 0x0F) | 0x40);  // version 4
  b[8] = static_cast<char>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    unsigned char c = static_cast<unsigned char>(b[i]);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string NewAccessKeyId() { return "AKIA" + RandomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16); }

std::string NewSecretAccessKey() {
  return RandomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40);
}

std::string NewAccountId() { return RandomFrom("123456789", 1) + RandomFrom("0123456789", 11); }

std::string NewOrganizationId() {
  return "o-" + RandomFrom("abcdefghijklmnopqrstuvwxyz0123456789", 10);
}

bool IsAccountId(std::string_view s) {
  return s.size() == 12 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAccessKeyId(std::string_view s) {
  return s.size() >= 16 && s.size() <= 128 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
         });
}

bool IsOrganizationId(std::string_view s) {
  if (s.size() < 12 || s.size() > 34 || s.substr(0, 2) != "o-") return false;
  return std::all_of(s.begin() + 2, s.end(),
                     [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); });
}

}  // namespace cairn::cloud
