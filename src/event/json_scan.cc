#include "event/json_scan.h"

#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace cairn::json_scan {
namespace {

#define CAIRN_SCAN_NS baseline
#define CAIRN_SCAN_AVX2 0
#include "event/json_scan_block.inc"
#undef CAIRN_SCAN_NS
#undef CAIRN_SCAN_AVX2

#if defined(__x86_64__) && defined(__GNUC__)
// g++ takes the target from a pragma; clang (the fuzz build) from an attribute on every function.
#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx2,bmi,popcnt"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx2,bmi,popcnt")
#endif
#define CAIRN_SCAN_NS avx2
#define CAIRN_SCAN_AVX2 1
#include "event/json_scan_block.inc"
#undef CAIRN_SCAN_NS
#undef CAIRN_SCAN_AVX2
#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#define CAIRN_HAVE_AVX2_SCAN 1
#endif

using ScanFn = size_t (*)(const char*, size_t, size_t, ScanState*, bool*);

ScanFn ChooseScan() {
#if defined(CAIRN_HAVE_AVX2_SCAN)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi") &&
      __builtin_cpu_supports("popcnt")) {
    return avx2::FindContainerEnd;
  }
#endif
  return baseline::FindContainerEnd;
}

const ScanFn kScan = ChooseScan();

}  // namespace

size_t FindContainerEnd(const char* data, size_t begin, size_t end, bool* saw_backslash) {
  ScanState st;
  return kScan(data, begin, end, &st, saw_backslash);
}

size_t ResumeContainerEnd(const char* data, size_t pos, size_t end, ScanState* state) {
  return kScan(data, pos, end, state, nullptr);
}

size_t FindContainerEndBaseline(const char* data, size_t begin, size_t end) {
  ScanState st;
  return baseline::FindContainerEnd(data, begin, end, &st, nullptr);
}

size_t FindContainerEndScalar(const char* data, size_t begin, size_t end) {
  int64_t depth = 0;
  bool in_string = false;
  for (size_t i = begin; i < end; ++i) {
    const char c = data[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (--depth == 0) return i + 1;
    }
  }
  return kNotFound;
}

size_t FindStringEnd(const char* data, size_t begin, size_t end) {
  size_t pos = begin + 1;
  while (pos < end) {
    const void* q = std::memchr(data + pos, '"', end - pos);
    if (q == nullptr) return kNotFound;
    const size_t at = static_cast<const char*>(q) - data;
    size_t backslashes = 0;
    while (at - backslashes > begin + 1 && data[at - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return at + 1;
    pos = at + 1;
  }
  return kNotFound;
}

size_t SkipValue(const char* data, size_t begin, size_t end) {
  const char c = data[begin];
  if (c == '{' || c == '[') return FindContainerEnd(data, begin, end);
  if (c == '"') return FindStringEnd(data, begin, end);
  size_t pos = begin + 1;
  while (pos < end) {
    const char d = data[pos];
    if (IsSpace(d) || d == ',' || d == ':' || d == ']' || d == '}') break;
    ++pos;
  }
  return pos;
}

}  // namespace cairn::json_scan
