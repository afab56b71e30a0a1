// src/sql/parser_fuzz.cc
//
// libFuzzer target for the SQL front end: every input goes through the lexer, the parser, the
// canonical printer (whose output must parse again and print the same) and the binder, against a
// catalog with every table family. It must never crash, hang or fail an invariant.
//
// Build with clang: clang++ -std=c++20 -fsanitize=fuzzer,address -Isrc src/sql/parser_fuzz.cc
// <the cairn library sources> ...; run with the spec samples as the seed corpus. The same checks
// run in CI, on random mutations of the samples, in parser_fuzz_test.cc (g++ cannot build
// libFuzzer targets).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sql/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  if (!cairn::sql::FuzzCheck(sql)) std::abort();
  return 0;
}
