#include "store/crash_workload.h"

#include <fmt/format.h>

#include <charconv>
#include <random>

#include "event/envelope.h"

namespace cairn::crash_workload {
namespace {

constexpr int64_t kBaseSeconds = 1735689600;  // 2025-01-01T00:00:00Z

uint64_t Mix(uint64_t seed, uint64_t b, uint64_t salt) {
  std::mt19937_64 rng(seed * 0x9E3779B97F4A7C15ull ^ (b * 0xBF58476D1CE4E5B9ull) ^ salt);
  return rng();
}

std::string Record(uint64_t seed, uint64_t b, size_t i) {
  // Times wander over ~40 days so segments overlap partly, as real imports do.
  const int64_t secs = kBaseSeconds + static_cast<int64_t>(Mix(seed, b, i + 7) % (40 * 86400));
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char when[32];
  std::strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
  const char* account = (b + i) % 5 == 0 ? "444455556666" : "111122223333";
  return fmt::format(
      R"({{"eventVersion":"1.08","userIdentity":{{"type":"AssumedRole","accountId":"{0}","arn":"arn:aws:sts::{0}:assumed-role/r/s"}},)"
      R"("eventTime":"{1}","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances{2}","awsRegion":"us-east-1",)"
      R"("sourceIPAddress":"198.51.100.{3}","userAgent":"crash-writer","requestParameters":{{"n":{4}}},"responseElements":null,)"
      R"("eventID":"{5}","readOnly":true,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"{0}","pad":"{6}"}})",
      account, when, i % 7, i % 250, b, EventId(b, i), std::string(Mix(seed, b, i) % 600, 'x'));
}

}  // namespace

uint64_t ContentOf(uint64_t seed, uint64_t b) {
  const uint64_t r = Mix(seed, b, 1);
  if (b == 0 || r % 8 != 0) return b;
  return b - 1 - (r >> 8) % std::min<uint64_t>(b, 64);
}

size_t OwnEventCount(uint64_t seed, uint64_t b) { return 1 + Mix(seed, b, 2) % 40; }

std::string EventId(uint64_t b, size_t i) { return fmt::format("b{}-{}", b, i); }

bool ParseEventId(std::string_view id, uint64_t* b, size_t* i) {
  if (id.size() < 4 || id[0] != 'b') return false;
  size_t dash = id.find('-');
  if (dash == std::string_view::npos) return false;
  auto r1 = std::from_chars(id.data() + 1, id.data() + dash, *b);
  auto r2 = std::from_chars(id.data() + dash + 1, id.data() + id.size(), *i);
  return r1.ec == std::errc() && r1.ptr == id.data() + dash && r2.ec == std::errc() &&
         r2.ptr == id.data() + id.size();
}

StoreOptions StoreOptionsForCrashTest() {
  StoreOptions o;
  o.settings = {"crash-test", "event-data-store", 3653};
  o.memtable_bytes = 192 << 10;
  o.compaction.trigger_count = 3;
  o.compaction.small_segment_raw_bytes = 2 << 20;
  o.compaction.max_input_raw_bytes = 8 << 20;
  o.maintenance_interval_ms = 5;
  o.flush_segment_options.compression_level = 1;
  o.compaction_segment_options.compression_level = 1;
  return o;
}

Result<EventBatch> MakeBatch(uint64_t seed, uint64_t b, RecordParser* parser) {
  const uint64_t content = ContentOf(seed, b);
  EventBatch batch;
  const size_t n = OwnEventCount(seed, content);
  for (size_t i = 0; i < n; ++i) {
    Str json = OwnPadded(Record(seed, content, i), &batch);
    RejectReason reason;
    RETURN_IF_ERROR(parser->Parse(json, RecordSource{"crash-workload", i, 0, -1}, &batch, &reason));
  }
  return batch;
}

}  // namespace cairn::crash_workload
