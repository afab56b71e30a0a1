#include <gtest/gtest.h>

#include "common/env.h"

namespace cairn {
namespace {

class FaultInjectionEnvTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(mem_->CreateDirs("d").ok()); }
  std::string Read(const std::string& path) { return mem_->ReadFile(path).value_or("<error>"); }

  std::unique_ptr<MemEnv> mem_ = NewMemEnv();
  std::unique_ptr<FaultInjectionEnv> env_ = NewFaultInjectionEnv(mem_.get());
};

TEST_F(FaultInjectionEnvTest, PassesThroughWhenNoFaultIsSet) {
  ASSERT_TRUE(env_->WriteFileAtomic("d/f", "data").ok());
  EXPECT_EQ(*env_->ReadFile("d/f"), "data");
  EXPECT_EQ(env_->bytes_appended(), 4u);
  EXPECT_EQ(env_->NowMicros(), mem_->NowMicros());
}

TEST_F(FaultInjectionEnvTest, FailedSyncLeavesDataUnsynced) {
  auto w = env_->NewWritableFile("d/wal");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(env_->SyncDir("d").ok());
  ASSERT_TRUE((*w)->Append("rec1").ok());
  env_->SetFailSync(true);
  Status s = (*w)->Sync();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("d/wal"), std::string::npos);
  EXPECT_NE(s.message().find("fsync failed (injected)"), std::string::npos);
  EXPECT_EQ(env_->SyncDir("d").code(), StatusCode::kUnavailable);
  EXPECT_EQ(env_->WriteFileAtomic("d/x", "1").code(), StatusCode::kUnavailable);
  EXPECT_FALSE(env_->FileExists("d/x"));  // the temp file was cleaned up
  mem_->DropUnsyncedData();
  EXPECT_EQ(Read("d/wal"), "");

  env_->SetFailSync(false);
  ASSERT_TRUE((*w)->Append("rec2").ok());
  EXPECT_TRUE((*w)->Sync().ok());
  mem_->DropUnsyncedData();
  EXPECT_EQ(Read("d/wal"), "rec2");
}

TEST_F(FaultInjectionEnvTest, DiskLimitWritesWhatFitsThenFails) {
  env_->SetDiskLimit(10);
  auto w = env_->NewWritableFile("d/f");
  ASSERT_TRUE(w.ok());
  EXPECT_TRUE((*w)->Append("123456").ok());
  Status s = (*w)->Append("789abc");
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("No space left on device (injected)"), std::string::npos);
  EXPECT_EQ(Read("d/f"), "123456789a");
  EXPECT_EQ((*w)->Append("x").code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(env_->bytes_appended(), 10u);

  // The limit is shared by every file of the Env, and lifting it lets appends through again.
  auto g = env_->NewWritableFile("d/g");
  ASSERT_TRUE(g.ok());
  EXPECT_EQ((*g)->Append("y").code(), StatusCode::kResourceExhausted);
  env_->SetDiskLimit(-1);
  EXPECT_TRUE((*g)->Append("y").ok());
  EXPECT_EQ(Read("d/g"), "y");
}

TEST_F(FaultInjectionEnvTest, TornAppend) {
  auto w = env_->NewWritableFile("d/f");
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append("head;").ok());
  env_->TearNextAppend();
  EXPECT_EQ((*w)->Append("0123456789").code(), StatusCode::kUnavailable);
  EXPECT_EQ(Read("d/f"), "head;01234");
  EXPECT_TRUE((*w)->Append("!").ok());  // only the next append is torn
  EXPECT_EQ(Read("d/f"), "head;01234!");
}

TEST_F(FaultInjectionEnvTest, WorksOverPosix) {
  char tmpl[] = "/tmp/cairn_fault_test_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  std::string dir = tmpl;
  auto env = NewFaultInjectionEnv(Env::Default());
  env->SetDiskLimit(3);
  EXPECT_EQ(env->WriteFileAtomic(dir + "/f", "abcdef").code(), StatusCode::kResourceExhausted);
  EXPECT_FALSE(env->FileExists(dir + "/f"));
  env->SetDiskLimit(-1);
  EXPECT_TRUE(env->WriteFileAtomic(dir + "/f", "abcdef").ok());
  EXPECT_EQ(*Env::Default()->ReadFile(dir + "/f"), "abcdef");
  EXPECT_TRUE(Env::Default()->RemoveAll(dir).ok());
}

}  // namespace
}  // namespace cairn
