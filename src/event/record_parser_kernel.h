// src/event/record_parser_kernel.h
//
// Internal to the record parser: the interface of its kernels and how one is chosen. The kernel
// is the simdjson On-Demand code of record_parser_kernel.inc, compiled once for the baseline
// x86-64 target (simdjson's scalar fallback) and, on x86-64, once more for Haswell-class CPUs
// (AVX2, BMI1/2, PCLMUL, LZCNT) in record_parser_haswell.cc. RecordParser takes the Haswell kernel
// when simdjson says the CPU runs it, so one binary is fast on current CPUs and still runs on old
// ones.
//
// Thread-safety: a Kernel is used by one thread at a time (it holds a simdjson parser).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "event/event.h"
#include "event/parse_summary.h"

namespace cairn {
struct RecordParserOptions;

namespace record_parser_internal {

class Kernel {
 public:
  virtual ~Kernel() = default;
  // Parses the record `json` into `*e` (resources appended to batch->resources). Returns false on
  // rejection, with `reason` and `message` set. REQUIRES: as RecordParser::Parse.
  virtual bool ParseRecord(Str json, EventBatch* batch, Event* e) = 0;

  bool has_backslash = true;  // false: the record has no escapes anywhere
  RejectReason reason = RejectReason::kInvalidJson;
  std::string message;
};

// The kernel for `options`: Haswell when it was built and the CPU runs it (and
// options.force_fallback_kernel is false), else the fallback. `*name` is set to its name.
std::unique_ptr<Kernel> NewBestKernel(const RecordParserOptions& options, std::string_view* name);

}  // namespace record_parser_internal

namespace record_parser_fallback {
std::unique_ptr<record_parser_internal::Kernel> NewKernel(const RecordParserOptions& options);
}  // namespace record_parser_fallback

namespace record_parser_haswell {
// nullptr when this build has no Haswell kernel (not x86-64).
std::unique_ptr<record_parser_internal::Kernel> NewKernel(const RecordParserOptions& options);
}  // namespace record_parser_haswell

}  // namespace cairn
