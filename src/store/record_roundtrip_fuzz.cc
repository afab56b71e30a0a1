// src/store/record_roundtrip_fuzz.cc
//
// libFuzzer target for untrusted trail-log bytes on their way into a store: every input goes
// through envelope detection (gzip or not, Records file, array, NDJSON, single record) and the
// record parser, and every record the parser accepts must then survive the store's record
// skeleton (raw_skeleton.h) byte for byte. It must never crash, and:
//   - the summary's accepted count equals the events produced;
//   - each accepted event has an eventID and an eventTime (the parser's promise);
//   - BuildSkeleton + RebuildRecord give back exactly the original record.
// Built by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined; tests/fuzz/run).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "event/input_reader.h"
#include "event/parse_summary.h"
#include "event/record_parser.h"
#include "store/columns.h"
#include "store/raw_skeleton.h"

namespace {

[[noreturn]] void Fail(const char* what, const cairn::Event& e) {
  std::fprintf(stderr, "record_roundtrip_fuzz: %s; record: %.*s\n", what,
               static_cast<int>(e.raw.size()), e.raw.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace cairn;
  static RecordParser parser;
  EventBatch batch;
  ParseSummary summary;
  ParseInputBytes(std::string(reinterpret_cast<const char*>(data), size), "fuzz-input", &parser,
                  &batch, &summary);
  if (summary.accepted != batch.events.size()) {
    std::fprintf(stderr, "accepted %llu, events %zu\n",
                 static_cast<unsigned long long>(summary.accepted), batch.events.size());
    std::abort();
  }
  std::string skeleton, rebuilt;
  for (const Event& e : batch.events) {
    if (e.event_id.data() == nullptr) Fail("accepted without eventID", e);
    if (e.event_time_us == INT64_MIN) Fail("accepted without eventTime", e);
    skeleton.clear();
    rebuilt.clear();
    segment::BuildSkeleton(e, batch, &skeleton);
    auto value = [&](ColumnId c, uint32_t element) -> Str {
      if (!GetColumn(c).list_child) return StringValue(e, c);
      if (element >= e.resources_count) return Str();
      const Str* v = ResourceField(batch.resources[e.resources_begin + element], c);
      return v != nullptr ? *v : Str();
    };
    if (!segment::RebuildRecord(skeleton, e.event_time_us, e.user_identity.creation_date_us, value,
                                &rebuilt, nullptr)) {
      Fail("skeleton does not rebuild", e);
    }
    if (rebuilt != std::string_view(e.raw.data(), e.raw.size())) Fail("rebuilt record differs", e);
  }
  return 0;
}
