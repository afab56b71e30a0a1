#include "event/record_parser.h"

#include <simdjson.h>

#include <array>
#include <cstring>
#include <string>
#include <vector>

#include "common/json_writer.h"
#include "event/event_time.h"
#include "event/json_scan.h"
#include "event/record_parser_kernel.h"

// The baseline copy of the kernel: simdjson::ondemand here is simdjson's fallback implementation.
#define CAIRN_RECORD_PARSER_KERNEL record_parser_fallback
#include "event/record_parser_kernel.inc"
#undef CAIRN_RECORD_PARSER_KERNEL

namespace cairn {

std::string RecordLocation(const RecordSource& src) {
  std::string out(src.file);
  if (src.line >= 0) {
    out += ": line " + std::to_string(src.line) + " (record " + std::to_string(src.index) + ")";
  } else {
    out += ": record " + std::to_string(src.index) + " (offset " + std::to_string(src.offset) + ")";
  }
  return out;
}

namespace record_parser_internal {

std::unique_ptr<Kernel> NewBestKernel(const RecordParserOptions& options, std::string_view* name) {
  // simdjson's own CPU detection decides, so the kernel runs exactly where simdjson's haswell
  // implementation would.
  static const bool haswell_runs = [] {
    const simdjson::implementation* impl = simdjson::get_available_implementations()["haswell"];
    return impl != nullptr && impl->supported_by_runtime_system();
  }();
  if (haswell_runs && !options.force_fallback_kernel) {
    std::unique_ptr<Kernel> k = record_parser_haswell::NewKernel(options);
    if (k) {
      *name = "haswell";
      return k;
    }
  }
  *name = "fallback";
  return record_parser_fallback::NewKernel(options);
}

}  // namespace record_parser_internal

RecordParser::RecordParser(RecordParserOptions options)
    : options_(options), impl_(record_parser_internal::NewBestKernel(options_, &kernel_)) {}

RecordParser::~RecordParser() = default;

Status RecordParser::Parse(Str json, const RecordSource& src, EventBatch* batch,
                           RejectReason* reason, bool has_backslash) {
  if (json.size() > options_.max_record_bytes) {
    *reason = RejectReason::kTooLarge;
    return Status::InvalidArgument(RecordLocation(src) + ": record is " +
                                   std::to_string(json.size()) + " bytes, over the limit of " +
                                   std::to_string(options_.max_record_bytes));
  }
  const size_t resources_mark = batch->resources.size();
  Event& e = batch->events.emplace_back();
  impl_->has_backslash = has_backslash;
  if (impl_->ParseRecord(json, batch, &e)) return Status::OK();
  batch->events.pop_back();
  batch->resources.resize(resources_mark);
  *reason = impl_->reason;
  return Status::InvalidArgument(RecordLocation(src) + ": " + impl_->message);
}

}  // namespace cairn
