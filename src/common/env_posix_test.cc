// POSIX-only behaviour of Env::Default(): errno mapping (the rest is in env_test.cc).
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/env.h"

namespace cairn {
namespace {

TEST(PosixEnvTest, FullDiskIsResourceExhausted) {
  Env* env = Env::Default();
  if (!env->FileExists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  auto w = env->NewWritableFile("/dev/full");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  Status s = (*w)->Append(std::string(1 << 20, 'x'));  // past the buffer: written at once
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
  EXPECT_NE(s.message().find("/dev/full: write: No space left on device"), std::string::npos)
      << s.message();
}

TEST(PosixEnvTest, OtherErrorsAreUnavailable) {
  char tmpl[] = "/tmp/cairn_posix_test_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  Env* env = Env::Default();
  ASSERT_TRUE(env->WriteFileAtomic(dir + "/file", "x").ok());
  // A path through a regular file: ENOTDIR.
  Status s = env->NewWritableFile(dir + "/file/child").status();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("Not a directory"), std::string::npos) << s.message();
  EXPECT_EQ(env->SyncDir(dir + "/file").code(), StatusCode::kUnavailable);
  EXPECT_TRUE(env->SyncDir(dir).ok());
  EXPECT_TRUE(env->RemoveAll(dir).ok());
  EXPECT_FALSE(env->FileExists(dir));
}

// In a forked child: 0 when LockFile(path) is refused as held, 1 when it is granted, 2 otherwise.
int ChildTriesLock(const std::string& path) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    auto l = Env::Default()->LockFile(path, "child");
    ::_exit(l.ok() ? 1 : l.status().code() == StatusCode::kUnavailable ? 0 : 2);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 3;
}

TEST(PosixEnvTest, LockFileExcludesOtherOpenersAndProcesses) {
  char tmpl[] = "/tmp/cairn_posix_test_XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;
  const std::string path = dir + "/LOCK";
  Env* env = Env::Default();
  {
    auto held = env->LockFile(path, "pid 1 (the first)");
    ASSERT_TRUE(held.ok()) << held.status().ToString();
    auto again = env->LockFile(path, "pid 2 (the second)");
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(again.status().code(), StatusCode::kUnavailable);
    EXPECT_NE(again.status().message().find("locked by pid 1 (the first)"), std::string::npos)
        << again.status().message();
    EXPECT_EQ(ChildTriesLock(path), 0);
  }
  EXPECT_EQ(ChildTriesLock(path), 1);  // released with the FileLock; the child's died with it
  EXPECT_TRUE(env->LockFile(path, "pid 3").ok());
  EXPECT_TRUE(env->RemoveAll(dir).ok());
}

TEST(PosixEnvTest, ClockIsReal) {
  int64_t a = Env::Default()->NowMicros();
  int64_t b = Env::Default()->NowMicros();
  EXPECT_LE(a, b);
  EXPECT_LT(std::abs(a - static_cast<int64_t>(::time(nullptr)) * 1000000), 5000000);
}

}  // namespace
}  // namespace cairn
