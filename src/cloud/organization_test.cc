// Organization: bootstrap once, accounts (names, ids, uniqueness), credentials (roles per account
// kind, sealed secrets, revocation), and the lookups SigV4 and the dispatcher use.
#include "cloud/organization.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "cloud/ids.h"
#include "store/history_test_util.h"

namespace cairn::cloud {
namespace {

using history_testing::TempDir;

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST(OrganizationTest, BootstrapAccountsAndCredentials) {
  TempDir tmp;
  DataDirOptions options;
  options.store_options.background_maintenance = false;
  options.history_options.background_maintenance = false;
  auto dir = DataDir::Open(Env::Default(), tmp.path(), options);
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  auto org_or = Organization::Open(dir->get());
  ASSERT_TRUE(org_or.ok()) << org_or.status().ToString();
  Organization& org = **org_or;

  EXPECT_FALSE(*org.bootstrapped());
  EXPECT_EQ(org.CreateAccount("early", "").status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(org.Bootstrap("12345", "management").status().code(), StatusCode::kInvalidArgument);
  auto b = org.Bootstrap("111122223333", "management");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_TRUE(*org.bootstrapped());
  EXPECT_EQ(b->management.id, "111122223333");
  EXPECT_TRUE(IsOrganizationId(b->organization_id));
  EXPECT_EQ(*org.organization_id(), b->organization_id);
  EXPECT_EQ(b->admin.info.role, Role::kAdmin);
  EXPECT_EQ(org.Bootstrap("", "again").status().code(), StatusCode::kAlreadyExists);

  // SigV4's and the dispatcher's view of the admin key.
  const std::string admin_key = b->admin.info.access_key_id;
  EXPECT_EQ(**org.SecretFor(admin_key), b->admin.secret_access_key);
  auto p = *org.PrincipalFor(admin_key);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->account_id, "111122223333");
  EXPECT_TRUE(p->in_management_account);
  EXPECT_EQ(p->role, Role::kAdmin);
  EXPECT_FALSE(org.SecretFor("AKIANOSUCHKEY0000000")->has_value());
  EXPECT_FALSE(org.PrincipalFor("AKIANOSUCHKEY0000000")->has_value());

  auto m = org.CreateAccount("payments", "444455556666");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  auto r = org.CreateAccount("random-id", "");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(IsAccountId(r->id));
  EXPECT_EQ(org.CreateAccount("payments", "").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(org.CreateAccount("other", "444455556666").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(org.CreateAccount("bad name", "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(org.CreateAccount("x", "12").status().code(), StatusCode::kInvalidArgument);
  auto accounts = *org.ListAccounts();
  ASSERT_EQ(accounts.size(), 3u);
  EXPECT_TRUE(accounts[0].management);
  EXPECT_EQ(accounts[1].name, "payments");
  EXPECT_EQ((*org.FindAccount("payments"))->id, "444455556666");
  EXPECT_EQ((*org.FindAccount("444455556666"))->name, "payments");
  EXPECT_FALSE(org.FindAccount("nope")->has_value());

  // Admin and auditor belong to the management account only.
  EXPECT_EQ(org.CreateCredential("payments", Role::kAuditor).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(org.CreateCredential("nope", Role::kMemberReader).status().code(),
            StatusCode::kNotFound);
  auto mr = org.CreateCredential("payments", Role::kMemberReader);
  ASSERT_TRUE(mr.ok()) << mr.status().ToString();
  auto mp = *org.PrincipalFor(mr->info.access_key_id);
  ASSERT_TRUE(mp.has_value());
  EXPECT_EQ(mp->account_id, "444455556666");
  EXPECT_FALSE(mp->in_management_account);
  EXPECT_EQ(mp->role, Role::kMemberReader);
  auto au = org.CreateCredential("111122223333", Role::kAuditor);
  ASSERT_TRUE(au.ok());

  auto creds = *org.ListCredentials();
  EXPECT_EQ(creds.size(), 3u);
  ASSERT_TRUE(org.RevokeCredential(mr->info.access_key_id).ok());
  EXPECT_EQ(org.RevokeCredential(mr->info.access_key_id).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(org.RevokeCredential("AKIANOSUCHKEY0000000").code(), StatusCode::kNotFound);
  EXPECT_FALSE(org.SecretFor(mr->info.access_key_id)->has_value());
  EXPECT_FALSE(org.PrincipalFor(mr->info.access_key_id)->has_value());

  // Secrets are nowhere in the database files in plain text.
  ASSERT_TRUE((*dir)->Close().ok());
  for (const char* f : {"/metadata.db", "/metadata.db-wal"}) {
    const std::string bytes = ReadAll(tmp.path() + f);
    for (const std::string& s :
         {b->admin.secret_access_key, mr->secret_access_key, au->secret_access_key}) {
      EXPECT_EQ(bytes.find(s), std::string::npos) << f;
    }
  }
}

TEST(OrganizationTest, SurvivesReopen) {
  TempDir tmp;
  std::string key, secret;
  {
    auto dir = DataDir::Open(Env::Default(), tmp.path());
    ASSERT_TRUE(dir.ok());
    auto org = Organization::Open(dir->get());
    ASSERT_TRUE(org.ok());
    auto b = (*org)->Bootstrap("", "mgmt");
    ASSERT_TRUE(b.ok());
    key = b->admin.info.access_key_id;
    secret = b->admin.secret_access_key;
  }
  auto dir = DataDir::Open(Env::Default(), tmp.path());
  ASSERT_TRUE(dir.ok());
  auto org = Organization::Open(dir->get());
  ASSERT_TRUE(org.ok());
  EXPECT_TRUE(*(*org)->bootstrapped());
  EXPECT_EQ(**(*org)->SecretFor(key), secret);
}

}  // namespace
}  // namespace cairn::cloud
