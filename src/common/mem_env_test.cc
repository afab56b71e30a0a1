// The power-cut model of MemEnv (the shared Env behaviour is in env_test.cc).
#include <gtest/gtest.h>

#include <algorithm>

#include "common/env.h"

namespace cairn {
namespace {

class MemEnvTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(env_->CreateDirs("db").ok()); }

  std::unique_ptr<WritableFile> Open(const std::string& path) {
    auto w = env_->NewWritableFile(path);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    return std::move(*w);
  }
  std::string Read(const std::string& path) {
    auto r = env_->ReadFile(path);
    return r.ok() ? *r : "<" + r.status().ToString() + ">";
  }

  std::unique_ptr<MemEnv> env_ = NewMemEnv();
};

TEST_F(MemEnvTest, UnsyncedBytesAreLost) {
  auto w = Open("db/wal");
  ASSERT_TRUE(env_->SyncDir("db").ok());
  ASSERT_TRUE(w->Append("durable;").ok());
  ASSERT_TRUE(w->Sync().ok());
  ASSERT_TRUE(w->Append("volatile").ok());
  EXPECT_EQ(Read("db/wal"), "durable;volatile");  // visible before the cut
  env_->DropUnsyncedData();
  EXPECT_EQ(Read("db/wal"), "durable;");
  // The open file keeps working after the cut.
  ASSERT_TRUE(w->Append("again").ok());
  EXPECT_EQ(Read("db/wal"), "durable;again");
}

TEST_F(MemEnvTest, NewFileWithoutSyncDirVanishes) {
  auto w = Open("db/a");
  ASSERT_TRUE(w->Append("x").ok());
  ASSERT_TRUE(w->Sync().ok());  // data synced, but the directory entry is not
  env_->DropUnsyncedData();
  EXPECT_FALSE(env_->FileExists("db/a"));
}

TEST_F(MemEnvTest, NeverSyncedFileIsEmptyAfterCut) {
  auto w = Open("db/a");
  ASSERT_TRUE(env_->SyncDir("db").ok());
  ASSERT_TRUE(w->Append("x").ok());
  env_->DropUnsyncedData();
  EXPECT_TRUE(env_->FileExists("db/a"));
  EXPECT_EQ(Read("db/a"), "");
}

TEST_F(MemEnvTest, RemoveAndRenameUndoneWithoutSyncDir) {
  ASSERT_TRUE(env_->WriteFileAtomic("db/CURRENT", "v1").ok());  // durable, dir synced
  ASSERT_TRUE(env_->RemoveFile("db/CURRENT").ok());
  EXPECT_FALSE(env_->FileExists("db/CURRENT"));
  env_->DropUnsyncedData();
  EXPECT_EQ(Read("db/CURRENT"), "v1");

  // A rename that was not followed by SyncDir is undone: the old contents come back.
  auto w = Open("db/CURRENT.tmp");
  ASSERT_TRUE(w->Append("v2").ok());
  ASSERT_TRUE(w->Sync().ok());
  ASSERT_TRUE(w->Close().ok());
  ASSERT_TRUE(env_->RenameFile("db/CURRENT.tmp", "db/CURRENT").ok());
  EXPECT_EQ(Read("db/CURRENT"), "v2");
  env_->DropUnsyncedData();
  EXPECT_EQ(Read("db/CURRENT"), "v1");
  EXPECT_FALSE(env_->FileExists("db/CURRENT.tmp"));
}

TEST_F(MemEnvTest, WriteFileAtomicSurvivesCut) {
  ASSERT_TRUE(env_->WriteFileAtomic("db/MANIFEST", "m1").ok());
  ASSERT_TRUE(env_->WriteFileAtomic("db/MANIFEST", "m2").ok());
  env_->DropUnsyncedData();
  EXPECT_EQ(Read("db/MANIFEST"), "m2");
  auto kids = env_->GetChildren("db");
  ASSERT_TRUE(kids.ok());
  EXPECT_EQ(*kids, std::vector<std::string>{"MANIFEST"});
}

TEST_F(MemEnvTest, TruncationIsNotDurable) {
  ASSERT_TRUE(env_->WriteFileAtomic("db/f", "old contents").ok());
  auto w = Open("db/f");  // truncates in place
  ASSERT_TRUE(w->Append("new").ok());
  env_->DropUnsyncedData();
  EXPECT_EQ(Read("db/f"), "");
}

TEST_F(MemEnvTest, PathsAreNormalized) {
  ASSERT_TRUE(env_->CreateDirs("/abs//x/./y/").ok());
  EXPECT_TRUE(env_->IsDirectory("/abs/x/y"));
  ASSERT_TRUE(env_->WriteFileAtomic("/abs/x//y/f", "1").ok());
  EXPECT_EQ(Read("/abs/x/y/./f"), "1");
  EXPECT_TRUE(env_->IsDirectory("/"));
  EXPECT_TRUE(env_->IsDirectory("."));
  auto top = env_->GetChildren(".");
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(*top, std::vector<std::string>{"db"});  // relative and absolute trees are distinct
  auto root = env_->GetChildren("/");
  ASSERT_TRUE(root.ok());
  EXPECT_EQ(*root, std::vector<std::string>{"abs"});
}

TEST_F(MemEnvTest, ClockIsControlled) {
  EXPECT_EQ(env_->NowMicros(), 1735689600000000);
  env_->AdvanceMicros(5);
  EXPECT_EQ(env_->NowMicros(), 1735689600000005);
  env_->SetNowMicros(42);
  EXPECT_EQ(env_->NowMicros(), 42);
  EXPECT_EQ(NewMemEnv(7)->NowMicros(), 7);
}

TEST_F(MemEnvTest, LockFileHasOneHolderAtATime) {
  auto held = env_->LockFile("LOCK", "first");
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  auto again = env_->LockFile("./LOCK", "second");
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(again.status().message().find("locked by first"), std::string::npos);
  env_->DropUnsyncedData();  // a lock is process state, not file contents
  EXPECT_FALSE(env_->LockFile("LOCK", "third").ok());
  held->reset();
  EXPECT_TRUE(env_->LockFile("LOCK", "third").ok());
}

TEST_F(MemEnvTest, RemoveAllIsImmediatelyDurable) {
  ASSERT_TRUE(env_->CreateDirs("db/sub").ok());
  ASSERT_TRUE(env_->WriteFileAtomic("db/sub/f", "1").ok());
  ASSERT_TRUE(env_->RemoveAll("db/sub").ok());
  env_->DropUnsyncedData();
  EXPECT_FALSE(env_->FileExists("db/sub/f"));
  EXPECT_FALSE(env_->FileExists("db/sub"));
}

}  // namespace
}  // namespace cairn
