#include "event/generator/text_util.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace cairn::gen {
namespace {

TEST(TextUtil, CivilDatesRoundTrip) {
  EXPECT_EQ(DaysFromCivil(1970, 1, 1), 0);
  EXPECT_EQ(DaysFromCivil(2000, 3, 1), 11017);
  for (int64_t d = -1000; d < 40000; d += 7) {
    CivilTime c = ToCivil(d * kSecondsPerDay + 3723);
    EXPECT_EQ(DaysFromCivil(c.year, c.month, c.day), d);
    EXPECT_EQ(c.hour, 1);
    EXPECT_EQ(c.minute, 2);
    EXPECT_EQ(c.second, 3);
  }
  EXPECT_EQ(ToCivil(DaysFromCivil(2025, 3, 4) * kSecondsPerDay).weekday, 1);  // a Tuesday
  EXPECT_EQ(ToCivil(DaysFromCivil(2024, 2, 29) * kSecondsPerDay).day, 29);
}

TEST(TextUtil, Formats) {
  std::string s;
  AppendIsoTime(&s, DaysFromCivil(2025, 3, 4) * kSecondsPerDay + 10 * 3600 + 15 * 60 + 2);
  EXPECT_EQ(s, "2025-03-04T10:15:02Z");
  s.clear();
  AppendJavaTime(&s, DaysFromCivil(2025, 3, 4) * kSecondsPerDay + 23 * 3600 + 5 * 60 + 9);
  EXPECT_EQ(s, "Mar 4, 2025, 11:05:09 PM");
  s.clear();
  AppendJavaTime(&s, DaysFromCivil(2025, 12, 25) * kSecondsPerDay + 5);
  EXPECT_EQ(s, "Dec 25, 2025, 12:00:05 AM");
  s.clear();
  AppendUint(&s, 0);
  AppendUint(&s, 18446744073709551615ULL);
  EXPECT_EQ(s, "018446744073709551615");
}

TEST(TextUtil, UuidsAreVersion4AndDistinct) {
  Rng rng(7);
  static const std::regex kUuid4(
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    std::string u;
    AppendUuid(&u, rng);
    EXPECT_TRUE(std::regex_match(u, kUuid4)) << u;
    EXPECT_TRUE(seen.insert(u).second);
  }
}

TEST(TextUtil, RandomTextUsesTheAlphabet) {
  Rng rng(1);
  std::string s;
  AppendRandom(&s, rng, kBase32, 1000);
  EXPECT_EQ(s.size(), 1000u);
  EXPECT_EQ(s.find_first_not_of(kBase32), std::string::npos);
  std::set<char> used(s.begin(), s.end());
  EXPECT_EQ(used.size(), kBase32.size());
  s.clear();
  AppendRandom(&s, rng, kUpperAlnum, 500);  // not a power of two
  EXPECT_EQ(s.find_first_not_of(kUpperAlnum), std::string::npos);
  std::string a, b;
  AppendHashed(&a, 99, kLowerHex, 16);
  AppendHashed(&b, 99, kLowerHex, 16);
  EXPECT_EQ(a, b);
}

TEST(Rng, RangesAndMeans) {
  Rng rng(11);
  double sum = 0;
  for (int i = 0; i < 100000; ++i) {
    uint32_t v = rng.Below(10);
    ASSERT_LT(v, 10u);
    sum += v;
  }
  EXPECT_NEAR(sum / 100000, 4.5, 0.05);
  for (double lambda : {0.3, 5.0, 200.0}) {
    double total = 0;
    for (int i = 0; i < 20000; ++i) total += rng.Poisson(lambda);
    EXPECT_NEAR(total / 20000, lambda, lambda * 0.05 + 0.02) << lambda;
  }
  EXPECT_NE(DeriveSeed(1, {1, 2}), DeriveSeed(1, {2, 1}));
  EXPECT_EQ(DeriveSeed(1, {1, 2}), DeriveSeed(1, {1, 2}));
}

}  // namespace
}  // namespace cairn::gen
