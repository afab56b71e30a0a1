#include "cloud/event_data_store_selectors.h"

#include <gtest/gtest.h>

namespace cairn::cloud {
namespace {

EventSelectorSet Parse(std::string_view json) {
  auto s = EventSelectorSet::FromJsonText(json);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : EventSelectorSet::DefaultManagement();
}

class SelectorMatchTest : public ::testing::Test {
 protected:
  Event& Add(std::string_view category, std::string_view source, std::string_view name,
             OptBool read_only = OptBool::kNull) {
    Event e;
    e.event_category = batch_.Copy(category);
    e.event_source = batch_.Copy(source);
    e.event_name = batch_.Copy(name);
    e.read_only = read_only;
    e.resources_begin = static_cast<uint32_t>(batch_.resources.size());
    batch_.events.push_back(e);
    return batch_.events.back();
  }
  void AddResource(Event& e, std::string_view type, std::string_view arn) {
    batch_.resources.push_back(Resource{batch_.Copy(arn), Str(), batch_.Copy(type)});
    e.resources_count++;
  }
  EventBatch batch_;
};

TEST_F(SelectorMatchTest, OperatorsAndCombination) {
  EventSelectorSet set = Parse(R"([
    {"Name":"writes","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]},
                                       {"Field":"readOnly","Equals":["false"]},
                                       {"Field":"eventSource","NotEquals":["kms.amazonaws.com"]}]},
    {"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},
                       {"Field":"resources.type","Equals":["AWS::S3::Object"]},
                       {"Field":"resources.ARN","StartsWith":["arn:aws:s3:::logs/"],
                        "NotEndsWith":[".tmp"]}]}])");
  EXPECT_EQ(set.family(), EventFamily::kCloudTrail);
  Event& w = Add("Management", "iam.amazonaws.com", "CreateUser", OptBool::kFalse);
  Event& r = Add("Management", "iam.amazonaws.com", "ListUsers", OptBool::kTrue);
  Event& kms = Add("Management", "kms.amazonaws.com", "CreateKey", OptBool::kFalse);
  Event& no_ro = Add("Management", "iam.amazonaws.com", "X");  // readOnly NULL
  Event& d1 = Add("Data", "s3.amazonaws.com", "GetObject");
  AddResource(d1, "AWS::S3::Bucket", "arn:aws:s3:::logs");
  AddResource(d1, "AWS::S3::Object", "arn:aws:s3:::logs/a.json");
  Event& d2 = Add("Data", "s3.amazonaws.com", "GetObject");
  AddResource(d2, "AWS::S3::Object", "arn:aws:s3:::logs/a.tmp");
  Event& d3 = Add("Data", "s3.amazonaws.com", "GetObject");
  AddResource(d3, "AWS::S3::Object", "arn:aws:s3:::other/a.json");
  EXPECT_TRUE(set.Matches(w, batch_));
  EXPECT_FALSE(set.Matches(r, batch_));
  EXPECT_FALSE(set.Matches(kms, batch_));
  EXPECT_FALSE(set.Matches(no_ro, batch_));
  EXPECT_TRUE(set.Matches(d1, batch_));
  EXPECT_FALSE(set.Matches(d2, batch_));
  EXPECT_FALSE(set.Matches(d3, batch_));
}

TEST_F(SelectorMatchTest, RoundTripAndFamilies) {
  EventSelectorSet set =
      Parse(R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["ActivityAuditLog"]}]}])");
  EXPECT_EQ(set.family(), EventFamily::kActivityAuditLog);
  EventSelectorSet again = Parse(set.ToJson());
  EXPECT_EQ(again.ToJson(), set.ToJson());
  EXPECT_EQ(
      EventSelectorSet::DefaultManagement().ToJson(),
      R"([{"Name":"Default management events","FieldSelectors":[{"Field":"eventCategory","Equals":["Management"]}]}])");
  auto bad = EventSelectorSet::FromJsonText(
      R"([{"FieldSelectors":[{"Field":"eventCategory","Equals":["Insight"]},{"Field":"eventName","Equals":["x"]}]}])");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().aws_error(), "InvalidEventSelectorsException");
  EXPECT_NE(bad.status().message().find("AdvancedEventSelectors[0].FieldSelectors[1]"),
            std::string::npos)
      << bad.status().message();
}

}  // namespace
}  // namespace cairn::cloud
