#include "cloud/access.h"

#include <gtest/gtest.h>

namespace cairn::cloud {
namespace {

TEST(AccessTest, RoleMatrix) {
  struct Row {
    Role role;
    bool read_config, read_events, write_config, write_events;
  };
  for (const Row& r :
       {Row{Role::kAdmin, true, true, true, true}, Row{Role::kAuditor, true, true, false, false},
        Row{Role::kMemberReader, true, true, false, false}}) {
    Principal p{"AKIAX", "111122223333", r.role, false};
    EXPECT_EQ(Authorize(p, Action::kReadConfig, "cloudtrail:GetTrail").ok(), r.read_config);
    EXPECT_EQ(Authorize(p, Action::kReadEvents, "cloudtrail:LookupEvents").ok(), r.read_events);
    EXPECT_EQ(Authorize(p, Action::kWriteConfig, "cloudtrail:CreateTrail").ok(), r.write_config);
    EXPECT_EQ(Authorize(p, Action::kWriteEvents, "cloudtrail-data:PutAuditEvents").ok(),
              r.write_events);
  }
  Status denied = Authorize({"AKIAX", "111122223333", Role::kAuditor, true}, Action::kWriteConfig,
                            "cloudtrail:DeleteTrail");
  EXPECT_EQ(denied.code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(denied.aws_error(), "AccessDeniedException");
  EXPECT_NE(denied.message().find("arn:aws:iam::111122223333:user/AKIAX"), std::string::npos);
  EXPECT_NE(denied.message().find("cloudtrail:DeleteTrail"), std::string::npos);
}

TEST(AccessTest, ReadScope) {
  EXPECT_TRUE(ReadScopeOf({"K", "111122223333", Role::kAdmin, true}).all_accounts);
  EXPECT_TRUE(ReadScopeOf({"K", "111122223333", Role::kAuditor, true}).all_accounts);
  ReadScope member_reader_in_mgmt = ReadScopeOf({"K", "111122223333", Role::kMemberReader, true});
  EXPECT_FALSE(member_reader_in_mgmt.all_accounts);
  EXPECT_EQ(member_reader_in_mgmt.account_id, "111122223333");
  ReadScope member_admin = ReadScopeOf({"K", "444455556666", Role::kAdmin, false});
  EXPECT_FALSE(member_admin.all_accounts);
  EXPECT_EQ(member_admin.account_id, "444455556666");
  EXPECT_EQ(RoleName(*ParseRole("member-reader")), "member-reader");
  EXPECT_FALSE(ParseRole("root").has_value());
}

}  // namespace
}  // namespace cairn::cloud
