// Trails: name and ARN rules, selector normalization, and the registry's visibility and
// home-region rules over a real metadata.db (the API behaviour is tested end to end in
// tests/integration/serve_trails.py).
#include "cloud/trails.h"

#include <gtest/gtest.h>

#include "cloud/data_dir.h"
#include "cloud/trail_selectors.h"
#include "store/history_test_util.h"

namespace cairn::cloud {
namespace {

using history_testing::TempDir;

std::string AwsName(const Status& s) { return s.aws_error(); }

simdjson::dom::element Parse(simdjson::dom::parser* p, const std::string& json) {
  return p->parse(json).value();
}

TEST(TrailRulesTest, NamesAndArns) {
  EXPECT_TRUE(ValidateTrailName("audit-trail.v1_x").ok());
  for (const char* bad : {"ab", "-ab", "ab_", "a--b", "a._b", "10.0.0.1", "a b c", "é-trail"}) {
    EXPECT_EQ(AwsName(ValidateTrailName(bad)), "InvalidTrailNameException") << bad;
  }
  EXPECT_EQ(ValidateTrailName(std::string(129, 'a')).message(),
            "Trail name too long. Maximum allowed length: 128 characters. Specified name length: "
            "129 characters.");
  auto arn = ParseTrailArn("arn:aws:cloudtrail:eu-west-1:111122223333:trail/audit");
  ASSERT_TRUE(arn.ok());
  EXPECT_EQ(std::get<0>(*arn), "eu-west-1");
  EXPECT_EQ(std::get<1>(*arn), "111122223333");
  EXPECT_EQ(std::get<2>(*arn), "audit");
  for (const char* bad : {"arn:aws:cloudtrail:eu-west-1:1111:trail/audit",
                          "arn:aws:s3:eu-west-1:111122223333:trail/audit",
                          "arn:aws:cloudtrail:eu-west-1:111122223333:channel/x",
                          "arn:aws:cloudtrail::111122223333:trail/audit", "arn:aws:cloudtrail"}) {
    EXPECT_EQ(AwsName(ParseTrailArn(bad).status()), "CloudTrailARNInvalidException") << bad;
  }
}

TEST(TrailRulesTest, SelectorsAreNormalized) {
  simdjson::dom::parser p;
  auto basic = NormalizeEventSelectors(Parse(&p, R"([{"IncludeManagementEvents":false}])"));
  ASSERT_TRUE(basic.ok()) << basic.status().ToString();
  EXPECT_EQ(*basic, R"([{"ReadWriteType":"All","IncludeManagementEvents":false,"DataResources":[],)"
                    R"("ExcludeManagementEventSources":[]}])");
  // "All resources" values do not count towards the 250.
  std::string many = R"([{"DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3")";
  for (int i = 0; i < 250; ++i) many += ",\"arn:aws:s3:::b" + std::to_string(i) + "/\"";
  EXPECT_TRUE(NormalizeEventSelectors(Parse(&p, many + "]}]}]")).ok());
  EXPECT_EQ(
      AwsName(NormalizeEventSelectors(Parse(&p, many + ",\"arn:aws:s3:::x/\"]}]}]")).status()),
      "InvalidEventSelectorsException");
  EXPECT_EQ(AwsName(NormalizeEventSelectors(Parse(&p, "[]")).status()),
            "InvalidEventSelectorsException");

  auto adv = NormalizeTrailAdvancedSelectors(
      Parse(&p, R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},)"
                R"({"Field":"eventSource","NotEquals":["kms.amazonaws.com"]}]}])"));
  ASSERT_TRUE(adv.ok()) << adv.status().ToString();
  EXPECT_NE(adv->find(R"("NotEquals":["kms.amazonaws.com"],"NotStartsWith":[])"),
            std::string::npos);
  EXPECT_EQ(AwsName(NormalizeTrailAdvancedSelectors(
                        Parse(&p, R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":)"
                                  R"(["Management"]},{"Field":"eventSource","Equals":["s3"]}]}])"))
                        .status()),
            "InvalidEventSelectorsException");

  auto ins = NormalizeInsightSelectors(Parse(&p, R"([{"InsightType":"ApiCallRateInsight"}])"));
  ASSERT_TRUE(ins.ok());
  EXPECT_EQ(*ins, R"([{"InsightType":"ApiCallRateInsight","EventCategories":["Management"]}])");
  EXPECT_EQ(AwsName(NormalizeInsightSelectors(Parse(&p, R"([{"InsightType":"ApiCallRateInsight"},)"
                                                        R"({"InsightType":"ApiCallRateInsight"}])"))
                        .status()),
            "InvalidInsightSelectorsException");
}

TEST(TrailsTest, VisibilityAndHomeRegion) {
  TempDir tmp;
  auto dir = DataDir::Open(Env::Default(), tmp.path());
  ASSERT_TRUE(dir.ok());
  Trails trails((*dir)->metadata());
  TrailCaller mgmt{"111122223333", "us-east-1", "111122223333", 1000};
  TrailCaller mgmt_eu{"111122223333", "eu-west-1", "111122223333", 2000};
  TrailCaller member{"444455556666", "us-east-1", "111122223333", 3000};
  TrailSettings s;
  s.s3_bucket = "logs-bucket";
  s.multi_region = true;
  s.organization = true;
  ASSERT_TRUE(trails.Create(mgmt, "org", s, {}).ok());
  EXPECT_EQ(AwsName(trails.Create(member, "org2", s, {}).status()),
            "NotOrganizationMasterAccountException");
  s.organization = false;
  s.multi_region = false;
  ASSERT_TRUE(trails.Create(member, "mine", s, {{"k", std::nullopt}}).ok());

  const std::string org_arn = "arn:aws:cloudtrail:us-east-1:111122223333:trail/org";
  EXPECT_TRUE(trails.Get(mgmt_eu, "org").ok());  // shadow of a multi-region trail, by name
  EXPECT_EQ(AwsName(trails.SetLogging(mgmt_eu, "org", true)), "InvalidHomeRegionException");
  EXPECT_TRUE(trails.SetLogging(mgmt, "org", true).ok());
  EXPECT_TRUE(trails.Get(member, org_arn)->logging);
  EXPECT_EQ(AwsName(trails.Get(member, "org").status()), "TrailNotFoundException");
  EXPECT_EQ(AwsName(trails.SetLogging(member, org_arn, false)),
            "NotOrganizationMasterAccountException");
  auto seen = trails.Describe(member, {}, true);
  ASSERT_TRUE(seen.ok());
  ASSERT_EQ(seen->size(), 2u);
  EXPECT_EQ(trails.Describe(member, {}, false)->size(), 1u);
  // The management account does not see the member's trail.
  EXPECT_EQ(
      AwsName(trails.Get(mgmt, "arn:aws:cloudtrail:us-east-1:444455556666:trail/mine").status()),
      "TrailNotFoundException");
  auto tags = trails.GetTags(member, "arn:aws:cloudtrail:us-east-1:444455556666:trail/mine");
  ASSERT_TRUE(tags.ok());
  ASSERT_EQ(tags->size(), 1u);
  EXPECT_FALSE((*tags)[0].second.has_value());
  ASSERT_TRUE(trails.Delete(member, "mine").ok());
  EXPECT_EQ(AwsName(trails.Get(member, "mine").status()), "TrailNotFoundException");
}

}  // namespace
}  // namespace cairn::cloud
