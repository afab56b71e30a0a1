// src/event/record_parser_haswell.cc
//
// The record parser's kernel compiled for Haswell-class x86-64 CPUs: CMakeLists.txt compiles this
// file alone with -mavx2 -mbmi -mbmi2 -mpclmul -mlzcnt -mpopcnt, so simdjson's On-Demand code in it
// is simdjson's haswell implementation instead of its scalar fallback. RecordParser only calls it
// after simdjson's CPU check (record_parser_kernel.h). Elsewhere this file defines a factory that
// returns nullptr.
#include "event/record_parser_kernel.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__BMI__) && defined(__PCLMUL__) && \
    defined(__LZCNT__)

#include <simdjson.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "common/json_writer.h"
#include "event/event_time.h"
#include "event/json_scan.h"
#include "event/record_parser.h"

#if !SIMDJSON_CAN_ALWAYS_RUN_HASWELL
#error "record_parser_haswell.cc must be compiled for Haswell (see CMakeLists.txt)"
#endif

#define CAIRN_RECORD_PARSER_KERNEL record_parser_haswell
#include "event/record_parser_kernel.inc"
#undef CAIRN_RECORD_PARSER_KERNEL

#else

namespace cairn::record_parser_haswell {
std::unique_ptr<record_parser_internal::Kernel> NewKernel(const RecordParserOptions&) {
  return nullptr;
}
}  // namespace cairn::record_parser_haswell

#endif
