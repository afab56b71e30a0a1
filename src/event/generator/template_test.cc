#include "event/generator/template.h"

#include <gtest/gtest.h>

namespace cairn::gen {
namespace {

TEST(Template, RendersLiteralsAndVariables) {
  auto t = Template::Compile(R"({"bucketName":"${bucket}","region":"${region}","b":"${bucket}"})");
  ASSERT_TRUE(t.ok());
  std::string out;
  int calls = 0;
  t->Render(
      [&](Var v) -> std::string_view {
        ++calls;
        return v == Var::kBucket ? "logs" : "eu-west-1";
      },
      &out);
  EXPECT_EQ(out, R"({"bucketName":"logs","region":"eu-west-1","b":"logs"})");
  EXPECT_EQ(calls, 3);
  EXPECT_TRUE(t->Uses(Var::kRegion));
  EXPECT_FALSE(t->Uses(Var::kTable));
}

TEST(Template, DollarWithoutBraceIsLiteral) {
  auto t = Template::Compile(R"({"version":"$LATEST"})");
  ASSERT_TRUE(t.ok());
  std::string out;
  t->Render([](Var) { return std::string_view("x"); }, &out);
  EXPECT_EQ(out, R"({"version":"$LATEST"})");
}

TEST(Template, RejectsUnknownAndUnclosedVariables) {
  auto bad = Template::Compile("a ${no_such_var} b");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("no_such_var"), std::string::npos);
  EXPECT_NE(bad.status().message().find("offset 2"), std::string::npos);
  EXPECT_FALSE(Template::Compile("a ${region").ok());
}

TEST(Template, VarNamesRoundTrip) {
  for (int i = 0; i < kVarCount; ++i) {
    Var v;
    ASSERT_TRUE(LookupVar(VarName(static_cast<Var>(i)), &v));
    EXPECT_EQ(static_cast<int>(v), i);
  }
}

}  // namespace
}  // namespace cairn::gen
