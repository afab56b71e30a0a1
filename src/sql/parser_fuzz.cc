// src/sql/parser_fuzz.cc
//
// libFuzzer target for the SQL front end: every input goes through the lexer, the parser, the
// canonical printer (whose output must parse again and print the same) and the binder, against a
// catalog with every table family. It must never crash, hang or fail an invariant.
//
// Built and run by `make fuzz` (clang, ASan, UBSan; tests/fuzz/run seeds it with the SQL of
// tests/sql). The same checks run in `make test` on random mutations of the samples, in
// parser_fuzz_test.cc.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sql/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  std::string why;
  if (!cairn::sql::FuzzCheck(sql, &why)) {
    std::fprintf(stderr, "parser_fuzz: %s\n", why.c_str());
    std::abort();
  }
  return 0;
}
