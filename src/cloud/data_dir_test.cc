// DataDir: the registry in metadata.db (schema version, persistence, ids), lazy store opening,
// the organization store, histories and their keys; MetadataDb basics.
#include "cloud/data_dir.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "store/history_test_util.h"

namespace cairn::cloud {
namespace {

using history_testing::MakeBatch;
using history_testing::Rec;
using history_testing::TempDir;

DataDirOptions TestOptions() {
  DataDirOptions o;
  o.store_options.background_maintenance = false;
  o.history_options.background_maintenance = false;
  return o;
}

TEST(MetadataDbTest, MigratesOnceAndRefusesNewerSchemas) {
  TempDir tmp;
  const std::string path = tmp.path() + "/m.db";
  MetadataDb::Migrations v1 = {"CREATE TABLE t (a INTEGER)"};
  {
    auto db = MetadataDb::Open(path, v1);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_EQ((*db)->schema_version(), 1);
    ASSERT_TRUE((*db)->Exec("INSERT INTO t VALUES (7)").ok());
  }
  MetadataDb::Migrations v2 = v1;
  v2.push_back("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'");
  {
    auto db = MetadataDb::Open(path, v2);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    auto q = (*db)->Prepare("SELECT a, b FROM t");
    ASSERT_TRUE(q.ok());
    ASSERT_TRUE(*q->Step());
    EXPECT_EQ(q->Int(0), 7);
    EXPECT_EQ(q->Text(1), "x");
    // A failed transaction leaves nothing behind.
    Status s = (*db)->Transaction([&] {
      RETURN_IF_ERROR((*db)->Exec("INSERT INTO t (a) VALUES (8)"));
      return Status::Aborted("no");
    });
    EXPECT_EQ(s.code(), StatusCode::kAborted);
    auto n = (*db)->Prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(n.ok() && *n->Step());
    EXPECT_EQ(n->Int(0), 1);
    auto bad = (*db)->Exec("SELECT * FROM no_such_table");
    EXPECT_FALSE(bad.ok());
    EXPECT_NE(bad.message().find(path), std::string::npos) << bad.message();
  }
  auto old = MetadataDb::Open(path, v1);
  ASSERT_FALSE(old.ok());
  EXPECT_EQ(old.status().code(), StatusCode::kFailedPrecondition);

  ASSERT_TRUE(
      Env::Default()->WriteFileAtomic(tmp.path() + "/junk.db", std::string(4096, 'j')).ok());
  auto junk = MetadataDb::Open(tmp.path() + "/junk.db", v1);
  ASSERT_FALSE(junk.ok());
  EXPECT_EQ(junk.status().code(), StatusCode::kDataLoss) << junk.status().ToString();
}

TEST(DataDirTest, OrganizationStoreIsCreatedOnceAndRemembered) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/data";
  std::string org_id, key;
  {
    auto d = DataDir::Open(Env::Default(), dir, TestOptions());
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_TRUE(Env::Default()->FileExists(dir + "/metadata.db"));
    EXPECT_EQ((*d)->OrganizationStore(false).status().code(), StatusCode::kNotFound);
    auto org = (*d)->OrganizationStore(true);
    ASSERT_TRUE(org.ok()) << org.status().ToString();
    EXPECT_TRUE(std::regex_match(
        org->id, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")))
        << org->id;
    EXPECT_EQ(org->path, "eds/" + org->id);
    EXPECT_EQ(org->kind, StoreKind::kEventDataStore);
    org_id = org->id;
    auto again = (*d)->OrganizationStore(true);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->id, org_id);
    auto store = (*d)->OpenEventDataStore(*org);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    auto same = (*d)->OpenEventDataStore(*org);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(*store, *same);
    Rec r;
    r.id = "e1";
    r.time_us = Env::Default()->NowMicros() - 3600LL * 1000000;
    ASSERT_TRUE((*store)->Append(MakeBatch({r})).ok());
    key = (*d)->token_key();
    EXPECT_EQ(key.size(), 32u);
    ASSERT_TRUE((*d)->Close().ok());
  }
  auto d = DataDir::Open(Env::Default(), dir, TestOptions());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->token_key(), key);
  auto org = (*d)->OrganizationStore(false);
  ASSERT_TRUE(org.ok());
  EXPECT_EQ(org->id, org_id);
  auto store = (*d)->OpenEventDataStore(*org);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Stats().event_count, 1u);
  EXPECT_EQ((*store)->settings().id, org_id);
  EXPECT_EQ((*store)->settings().retention_days, DataDir::kOrganizationRetentionDays);

  // Another data folder has another token key.
  auto other = DataDir::Open(Env::Default(), tmp.path() + "/other", TestOptions());
  ASSERT_TRUE(other.ok());
  EXPECT_NE((*other)->token_key(), key);
}

TEST(DataDirTest, OpenWithoutCreateNeedsAnExistingFolder) {
  TempDir tmp;
  DataDirOptions o = TestOptions();
  o.create_if_missing = false;
  auto d = DataDir::Open(Env::Default(), tmp.path() + "/none", o);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(Env::Default()->IsDirectory(tmp.path() + "/none"));
}

TEST(DataDirTest, OneOpenerAtATime) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/d";
  DataDirOptions o = TestOptions();
  o.holder = "pid 7 (cairn serve)";
  auto first = DataDir::Open(Env::Default(), dir, o);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto second = DataDir::Open(Env::Default(), dir, TestOptions());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("locked by pid 7 (cairn serve)"), std::string::npos)
      << second.status().message();
  // The registry alone (accounts, credentials) may be opened beside the holder.
  DataDirOptions registry_only = TestOptions();
  registry_only.lock = false;
  auto registry = DataDir::Open(Env::Default(), dir, registry_only);
  ASSERT_TRUE(registry.ok()) << registry.status().ToString();
  EXPECT_TRUE((*registry)->ListStores().ok());
  first->reset();
  EXPECT_TRUE(DataDir::Open(Env::Default(), dir, TestOptions()).ok());
}

TEST(DataDirTest, HistoriesAreRegisteredListedAndReopened) {
  TempDir tmp;
  const std::string dir = tmp.path() + "/data";
  {
    auto d = DataDir::Open(Env::Default(), dir, TestOptions());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ((*d)->History("111122223333", "us-east-1", false).status().code(),
              StatusCode::kNotFound);
    auto h = (*d)->History("111122223333", "us-east-1", true);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    EXPECT_EQ((*h)->account(), "111122223333");
    EXPECT_EQ((*h)->store()->settings().retention_days, 90u);
    EXPECT_EQ((*h)->store()->settings().kind, "event-history");
    auto same = (*d)->History("111122223333", "us-east-1", false);
    ASSERT_TRUE(same.ok());
    EXPECT_EQ(*h, *same);
    ASSERT_TRUE((*d)->History("444455556666", "eu-west-1", true).ok());
    ASSERT_TRUE((*d)->OrganizationStore(true).ok());
    EXPECT_TRUE(Env::Default()->FileExists(dir + "/history/111122223333/us-east-1/MANIFEST"));
    // Untrusted account/region values never reach a path.
    for (auto [a, r] :
         std::vector<std::pair<std::string, std::string>>{{"..", "us-east-1"},
                                                          {"1111/..", "x"},
                                                          {"", "us-east-1"},
                                                          {"111122223333", ""},
                                                          {".hidden", "r"},
                                                          {"a b", "r"},
                                                          {"111122223333", "us-east-1/../../x"},
                                                          {std::string(65, '1'), "r"}}) {
      auto bad = (*d)->History(a, r, true);
      ASSERT_FALSE(bad.ok()) << a << " " << r;
      EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
    }
  }
  auto d = DataDir::Open(Env::Default(), dir, TestOptions());
  ASSERT_TRUE(d.ok());
  auto list = (*d)->ListStores();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].kind, StoreKind::kEventDataStore);
  EXPECT_EQ((*list)[1].id, "history/111122223333/us-east-1");
  EXPECT_EQ((*list)[1].path, "history/111122223333/us-east-1");
  EXPECT_EQ((*list)[2].account, "444455556666");
  EXPECT_EQ((*list)[2].region, "eu-west-1");
  EXPECT_GT((*list)[2].created_us, 0);
  auto found = (*d)->FindStore("history/444455556666/eu-west-1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->retention_days, 90u);
  EXPECT_TRUE((*d)->History("444455556666", "eu-west-1", false).ok());
}

TEST(DataDirTest, RegisteredStoreWithoutFolderIsCreatedOnOpen) {
  // A crash between registering a history and creating its folder.
  TempDir tmp;
  const std::string dir = tmp.path() + "/data";
  {
    auto d = DataDir::Open(Env::Default(), dir, TestOptions());
    ASSERT_TRUE(d.ok());
    ASSERT_TRUE((*d)->History("111122223333", "us-east-1", true).ok());
  }
  ASSERT_TRUE(Env::Default()->RemoveAll(dir + "/history").ok());
  auto d = DataDir::Open(Env::Default(), dir, TestOptions());
  ASSERT_TRUE(d.ok());
  auto h = (*d)->History("111122223333", "us-east-1", false);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_TRUE(Env::Default()->FileExists(dir + "/history/111122223333/us-east-1/MANIFEST"));
}

TEST(DataDirTest, NewUuidsAreDistinct) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewUuid());
  EXPECT_EQ(ids.size(), 1000u);
}

}  // namespace
}  // namespace cairn::cloud
