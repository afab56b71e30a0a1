// Fuzz target for the segment reader: any bytes given as a segment file must be read without a
// crash, hang or sanitizer report; damage is reported as kDataLoss. Built and run by `make fuzz`
// (tests/fuzz/run), from the small segments in tests/fuzz/seeds/segment_reader_fuzz/ (event
// histories written by `cairn import` of the Stratus Red Team records).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/env.h"
#include "store/segment_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn;
  std::unique_ptr<MemEnv> env = NewMemEnv();
  {
    auto f = env->NewWritableFile("fuzz.seg");
    if (!f.ok()) return 0;
    (*f)->Append(std::string_view(reinterpret_cast<const char*>(data), size)).IgnoreError();
    (*f)->Close().IgnoreError();
  }
  auto reader = SegmentReader::Open(env.get(), "fuzz.seg");
  if (!reader.ok()) return 0;
  (*reader)->Verify().IgnoreError();
  (*reader)
      ->ContainsEvent("00000000-0000-0000-0000-000000000000", "123456789012")
      .status()
      .IgnoreError();
  ScanSpec spec;
  spec.projection = {ColumnId::kEventJson, ColumnId::kEventName, ColumnId::kResourcesArn,
                     ColumnId::kEventTime, ColumnId::kReadOnly};
  spec.predicates = {ScanPredicate::Prefix(ColumnId::kEventSource, "s3")};
  auto scan = (*reader)->NewScan(spec);
  if (scan.ok()) {
    ColumnBatch batch;
    for (int i = 0; i < 1000; ++i) {
      auto more = (*scan)->Next(&batch);
      if (!more.ok() || !*more) break;
    }
  }
  EventBatch all;
  (*reader)->ReadAll(&all).IgnoreError();
  return 0;
}
