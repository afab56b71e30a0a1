#include "event/generator/organization.h"

#include <gtest/gtest.h>

#include <set>

namespace cairn::gen {
namespace {

TEST(Organization, ShapeFollowsTheOptions) {
  auto org = Organization::Build(9, 12, 5);
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->accounts.size(), 12u);
  EXPECT_EQ(org->regions.size(), 5u);
  EXPECT_EQ(org->regions[0].name, "us-east-1");
  EXPECT_TRUE(org->accounts[0].management);
  EXPECT_EQ(org->org_id.size(), 12u);
  EXPECT_TRUE(org->org_id.starts_with("o-"));
  std::set<std::string> ids;
  for (const Account& a : org->accounts) {
    EXPECT_EQ(a.id.size(), 12u);
    EXPECT_TRUE(ids.insert(a.id).second) << "duplicate account " << a.id;
    EXPECT_EQ(a.regions.size(), 5u);
    for (const RegionPools& p : a.regions) {
      EXPECT_FALSE(p.buckets.empty());
      EXPECT_FALSE(p.functions.empty());
      EXPECT_FALSE(p.instances.empty());
    }
    std::set<IdentityKind> kinds;
    for (const Identity& id : a.identities) {
      kinds.insert(id.kind);
      EXPECT_FALSE(id.user_agents.empty());
      EXPECT_FALSE(id.user_identity.empty());
    }
    for (IdentityKind k : {IdentityKind::kRoot, IdentityKind::kIamUser, IdentityKind::kSsoSession,
                           IdentityKind::kAppRole, IdentityKind::kAwsService}) {
      EXPECT_TRUE(kinds.count(k)) << a.name << " lacks kind " << static_cast<int>(k);
    }
    EXPECT_EQ(kinds.count(IdentityKind::kIdcUser) > 0, a.management);
    EXPECT_EQ(kinds.count(IdentityKind::kCrossAccount) > 0, !a.management);
  }
}

TEST(Organization, SameSeedSameOrganization) {
  auto a = Organization::Build(3, 4, 2);
  auto b = Organization::Build(3, 4, 2);
  auto c = Organization::Build(4, 4, 2);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->org_id, b->org_id);
  EXPECT_NE(a->org_id, c->org_id);
  for (size_t i = 0; i < a->accounts.size(); ++i) {
    EXPECT_EQ(a->accounts[i].id, b->accounts[i].id);
    ASSERT_EQ(a->accounts[i].identities.size(), b->accounts[i].identities.size());
    for (size_t k = 0; k < a->accounts[i].identities.size(); ++k) {
      EXPECT_EQ(a->accounts[i].identities[k].user_identity.source(),
                b->accounts[i].identities[k].user_identity.source());
    }
  }
}

TEST(Organization, RejectsOutOfRangeSizes) {
  EXPECT_EQ(Organization::Build(1, 0, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Organization::Build(1, 1, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Organization::Build(1, 1, 17).status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Organization::Build(1, 1, 16).ok());
}

}  // namespace
}  // namespace cairn::gen
