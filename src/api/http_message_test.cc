#include "api/http_message.h"

#include <gtest/gtest.h>

namespace cairn::api {
namespace {

TEST(HttpMessageTest, TargetSplitsIntoPathAndQuery) {
  HttpRequest r;
  r.target = "/PutAuditEvents?channelArn=arn%3Aaws&externalId=x";
  EXPECT_EQ(r.raw_path(), "/PutAuditEvents");
  EXPECT_EQ(r.raw_query(), "channelArn=arn%3Aaws&externalId=x");
  r.target = "/";
  EXPECT_EQ(r.raw_path(), "/");
  EXPECT_EQ(r.raw_query(), "");
  r.target = "/a?b?c";
  EXPECT_EQ(r.raw_query(), "b?c");
}

TEST(HttpMessageTest, HeadersAreCaseInsensitiveAndKeepOrder) {
  HttpRequest r;
  r.headers = {{"X-Amz-Date", "1"}, {"x-custom", "a"}, {"X-CUSTOM", "b"}};
  EXPECT_EQ(r.Header("x-amz-date"), "1");
  EXPECT_FALSE(r.Header("host").has_value());
  auto v = r.HeaderValues("x-Custom");
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0], "a");
  EXPECT_EQ(v[1], "b");
  HttpResponse resp;
  resp.SetHeader("Content-Type", "a");
  resp.SetHeader("content-type", "b");
  ASSERT_EQ(resp.headers.size(), 1u);
  EXPECT_EQ(resp.Header("CONTENT-TYPE"), "b");
}

TEST(HttpMessageTest, PercentCoding) {
  EXPECT_EQ(PercentDecode("arn%3Aaws%3a%2F+x"), "arn:aws:/+x");
  EXPECT_FALSE(PercentDecode("%").has_value());
  EXPECT_FALSE(PercentDecode("%4").has_value());
  EXPECT_FALSE(PercentDecode("%zz").has_value());
  EXPECT_EQ(PercentEncode("a b/c~d_e.f-g:h"), "a%20b%2Fc~d_e.f-g%3Ah");
  EXPECT_EQ(PercentEncode("a b/c", true), "a%20b/c");
  EXPECT_EQ(PercentEncode("\xff"), "%FF");
}

TEST(HttpMessageTest, ParseQuery) {
  auto q = ParseQuery("b=2&a=1&&flag&a=%3A");
  ASSERT_TRUE(q.has_value());
  ASSERT_EQ(q->size(), 4u);
  EXPECT_EQ((*q)[0], (std::pair<std::string, std::string>{"b", "2"}));
  EXPECT_EQ((*q)[2], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ((*q)[3], (std::pair<std::string, std::string>{"a", ":"}));
  EXPECT_FALSE(ParseQuery("a=%G1").has_value());
  EXPECT_TRUE(ParseQuery("")->empty());
}

}  // namespace
}  // namespace cairn::api
