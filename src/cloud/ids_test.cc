#include "cloud/ids.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace cairn::cloud {
namespace {

TEST(IdsTest, Shapes) {
  std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::regex akid("AKIA[A-Z2-7]{16}");
  std::regex secret("[A-Za-z0-9+/]{40}");
  std::regex account("[1-9][0-9]{11}");
  std::regex org("o-[a-z0-9]{10}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    std::string u = RandomUuid(), k = NewAccessKeyId(), s = NewSecretAccessKey(),
                a = NewAccountId(), o = NewOrganizationId();
    EXPECT_TRUE(std::regex_match(u, uuid)) << u;
    EXPECT_TRUE(std::regex_match(k, akid)) << k;
    EXPECT_TRUE(std::regex_match(s, secret)) << s;
    EXPECT_TRUE(std::regex_match(a, account)) << a;
    EXPECT_TRUE(std::regex_match(o, org)) << o;
    EXPECT_TRUE(IsAccountId(a));
    EXPECT_TRUE(IsAccessKeyId(k));
    EXPECT_TRUE(IsOrganizationId(o));
    EXPECT_TRUE(seen.insert(k).second);
    EXPECT_TRUE(seen.insert(s).second);
  }
  EXPECT_FALSE(IsAccountId("12345678901"));
  EXPECT_FALSE(IsAccountId("12345678901a"));
  EXPECT_FALSE(IsOrganizationId("o-ABC"));
  EXPECT_FALSE(IsAccessKeyId("akia0000000000000000"));
}

TEST(IdsTest, RandomBytesDiffer) {
  EXPECT_EQ(RandomBytes(0).size(), 0u);
  EXPECT_EQ(RandomBytes(33).size(), 33u);
  EXPECT_NE(RandomBytes(16), RandomBytes(16));
}

}  // namespace
}  // namespace cairn::cloud
