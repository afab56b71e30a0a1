#include "store/raw_skeleton.h"

#include <gtest/gtest.h>

#include <string>

#include "event/input_reader.h"
#include "event/record_parser.h"

namespace cairn::segment {
namespace {

// Parses `records` (a JSON array of CloudTrail records), and checks that every record's skeleton
// rebuilds it byte for byte. Returns the skeletons.
std::vector<std::string> SkeletonsRoundTrip(const std::string& records) {
  RecordParser parser;
  EventBatch batch;
  ParseSummary summary;
  ParseInputBytes("{\"Records\":" + records + "}", "test", &parser, &batch, &summary);
  EXPECT_EQ(summary.accepted, batch.size());
  std::vector<std::string> out;
  for (const Event& e : batch.events) {
    std::string skeleton, rebuilt;
    BuildSkeleton(e, batch, &skeleton);
    auto value = [&](ColumnId c, uint32_t element) -> Str {
      if (!GetColumn(c).list_child) return StringValue(e, c);
      if (element >= e.resources_count) return Str();
      const Str* v = ResourceField(batch.resources[e.resources_begin + element], c);
      return v != nullptr ? *v : Str();
    };
    EXPECT_TRUE(RebuildRecord(skeleton, e.event_time_us, e.user_identity.creation_date_us, value,
                              &rebuilt, nullptr));
    EXPECT_EQ(rebuilt, e.raw);
    out.push_back(skeleton);
  }
  return out;
}

bool HasMarker(const std::string& skeleton, uint8_t tag) {
  return skeleton.find(std::string("\x01") + static_cast<char>(tag)) != std::string::npos;
}

constexpr uint8_t kEventTimeTag = 0xF1, kCreationDateTag = 0xF2, kLiteralTag = 0xFF;

TEST(RawSkeleton, TimesAreCutWhereverTheirKeysStand) {
  const std::string identity =
      R"("userIdentity":{"type":"AssumedRole","principalId":"AROAX:bob","arn":"arn:aws:sts::123456789012:assumed-role/r/bob","accountId":"123456789012","sessionContext":{"attributes":)";
  // creationDate before mfaAuthenticated (the usual order), after it, and eventTime far from
  // eventSource; a decoy "eventTime" key inside requestParameters with another time.
  const std::string records =
      "[{\"eventVersion\":\"1.08\"," + identity +
      R"({"creationDate":"2025-01-03T06:31:46Z","mfaAuthenticated":"false"}}},"eventTime":"2025-01-03T07:20:09Z","eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"eu-west-1","requestParameters":{"a":"b"},"eventID":"af0cc2ba-7c97-48e0-b260-3f01060c9b80","eventType":"AwsApiCall","recipientAccountId":"123456789012"},)" +
      "{\"eventVersion\":\"1.08\"," + identity +
      R"({"mfaAuthenticated":"false","creationDate":"2025-01-03T06:31:46Z"}}},"eventSource":"ec2.amazonaws.com","eventName":"DescribeInstances","awsRegion":"eu-west-1","requestParameters":{"note":"x","eventTime":"2024-01-01T00:00:00Z"},"eventTime":"2025-01-03T07:20:10Z","eventID":"bf0cc2ba-7c97-48e0-b260-3f01060c9b80","eventType":"AwsApiCall","recipientAccountId":"123456789012"}])";
  const std::vector<std::string> skeletons = SkeletonsRoundTrip(records);
  ASSERT_EQ(skeletons.size(), 2u);
  for (const std::string& s : skeletons) {
    EXPECT_TRUE(HasMarker(s, kEventTimeTag)) << s;
    EXPECT_TRUE(HasMarker(s, kCreationDateTag)) << s;
    EXPECT_EQ(s.find("2025-01-03T"), std::string::npos) << s;
  }
}

TEST(RawSkeleton, ARecordHoldingAnEscapeByteComesBack) {
  // JSON text cannot hold a raw 0x01 (the parser rejects it), but an Event built otherwise might:
  // the byte is escaped in the skeleton, around and between cut values.
  EventBatch batch;
  const Str raw = batch.Own(std::string(
      "{\"a\":\"\x01\",\"eventSource\":\"s3.amazonaws.com\",\"b\":\"x\x01\x01y\"}\x01"));
  Event e;
  e.raw = raw;
  e.event_source = raw.substr(raw.find("s3."), 16);
  e.event_time_us = 0;
  std::string skeleton, rebuilt;
  BuildSkeleton(e, batch, &skeleton);
  EXPECT_TRUE(HasMarker(skeleton, kLiteralTag));
  EXPECT_EQ(skeleton.find("s3.amazonaws.com"), std::string::npos);
  auto value = [&](ColumnId c, uint32_t) -> Str { return StringValue(e, c); };
  ASSERT_TRUE(RebuildRecord(skeleton, e.event_time_us, INT64_MIN, value, &rebuilt, nullptr));
  EXPECT_EQ(rebuilt, e.raw);
}

}  // namespace
}  // namespace cairn::segment
