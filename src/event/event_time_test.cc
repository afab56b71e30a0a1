#include "event/event_time.h"

#include <gtest/gtest.h>

namespace cairn {
namespace {

constexpr int64_t kS = 1000000;

TEST(EventTimeTest, ParsesCloudTrailForm) {
  EXPECT_EQ(ParseTimestampMicros("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimestampMicros("2024-07-31T13:06:24Z"), 1722431184 * kS);
  EXPECT_EQ(ParseTimestampMicros("2000-02-29T23:59:59Z"), 951868799 * kS);
  EXPECT_EQ(ParseTimestampMicros("1969-12-31T23:59:59Z"), -1 * kS);
}

TEST(EventTimeTest, FractionsAndOffsets) {
  EXPECT_EQ(ParseTimestampMicros("2024-07-31T13:06:24.5Z"), 1722431184 * kS + 500000);
  EXPECT_EQ(ParseTimestampMicros("2024-07-31T13:06:24.000Z"), 1722431184 * kS);
  EXPECT_EQ(ParseTimestampMicros("2024-07-31T13:06:24.123456789Z"), 1722431184 * kS + 123456);
  EXPECT_EQ(ParseTimestampMicros("2024-07-31T15:06:24+02:00"), 1722431184 * kS);
  EXPECT_EQ(ParseTimestampMicros("2024-07-31T08:36:24-04:30"), 1722431184 * kS);
  EXPECT_EQ(ParseTimestampMicros("2024-07-31t13:06:24z"), 1722431184 * kS);
  EXPECT_EQ(ParseTimestampMicros("2024-07-31 13:06:24Z"), 1722431184 * kS);
  // Crossing a day boundary backwards through the offset.
  EXPECT_EQ(ParseTimestampMicros("2024-08-01T01:00:00+02:00"),
            ParseTimestampMicros("2024-07-31T23:00:00Z"));
  // A leap second is the first second of the next minute.
  EXPECT_EQ(ParseTimestampMicros("2016-12-31T23:59:60Z"),
            ParseTimestampMicros("2017-01-01T00:00:00Z"));
}

TEST(EventTimeTest, BasicFormOnlyWhenAllowed) {
  EXPECT_FALSE(ParseTimestampMicros("20131102T010628Z"));
  EXPECT_EQ(ParseTimestampMicros("20131102T010628Z", true),
            ParseTimestampMicros("2013-11-02T01:06:28Z"));
  EXPECT_EQ(ParseTimestampMicros("20131102T030628+0200", true),
            ParseTimestampMicros("2013-11-02T01:06:28Z"));
  EXPECT_EQ(ParseTimestampMicros("2013-11-02T01:06:28Z", true),
            ParseTimestampMicros("2013-11-02T01:06:28Z"));
}

TEST(EventTimeTest, Refuses) {
  for (const char* s : {"", "2024", "2024-07-31", "2024-07-31T13:06:24", "2024-07-31T13:06Z",
                        "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2023-02-29T00:00:00Z",
                        "2024-07-31T24:00:00Z", "2024-07-31T13:60:00Z", "2024-07-31T13:06:61Z",
                        "2024-07-31T13:06:24.Z", "2024-07-31T13:06:24Zx",
                        "2024-07-31T13:06:24+2:00", "2024-07-31X13:06:24Z", " 2024-07-31T13:06:24Z",
                        "1722431184", "2024-7-31T13:06:24Z", "2024-07-31T13:06:24+25:00"}) {
    EXPECT_FALSE(ParseTimestampMicros(s)) << s;
  }
}

TEST(EventTimeTest, FormatsRoundTrip) {
  EXPECT_EQ(FormatEventTime(1722431184 * kS + 999999), "2024-07-31T13:06:24Z");
  EXPECT_EQ(FormatEventTime(-1), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatTimestampMicros(1722431184 * kS + 5), "2024-07-31T13:06:24.000005Z");
  EXPECT_EQ(FormatTimestampMicros(1722431184 * kS), "2024-07-31T13:06:24Z");
  for (int64_t t : {int64_t{0}, int64_t{951868799}, int64_t{-86400 * 365}, int64_t{4102444800}}) {
    EXPECT_EQ(ParseTimestampMicros(FormatEventTime(t * kS)), t * kS);
  }
}

}  // namespace
}  // namespace cairn
