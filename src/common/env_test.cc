// Behaviour every Env must share, run against the POSIX Env (in a temp dir under /tmp, removed
// afterwards) and the in-memory Env.
#include "common/env.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "common/mapped_files.h"

namespace cairn {
namespace {

enum class Kind { kPosix, kMem };

class EnvConformanceTest : public ::testing::TestWithParam<Kind> {
 protected:
  void SetUp() override {
    if (GetParam() == Kind::kPosix) {
      char tmpl[] = "/tmp/cairn_env_test_XXXXXX";
      ASSERT_NE(::mkdtemp(tmpl), nullptr);
      root_ = tmpl;
      env_ = Env::Default();
    } else {
      mem_ = NewMemEnv();
      env_ = mem_.get();
      root_ = "/tmp/cairn_mem";
      ASSERT_TRUE(env_->CreateDirs(root_).ok());
    }
  }
  void TearDown() override {
    if (GetParam() == Kind::kPosix) {
      EXPECT_TRUE(env_->RemoveAll(root_).ok());
    }
  }
  std::string P(const std::string& rel) const { return root_ + "/" + rel; }

  Env* env_ = nullptr;
  std::unique_ptr<MemEnv> mem_;
  std::string root_;
};

TEST_P(EnvConformanceTest, WriteThenReadBack) {
  auto w = env_->NewWritableFile(P("a.txt"));
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  EXPECT_TRUE((*w)->Append("hello ").ok());
  EXPECT_TRUE((*w)->Append(std::string(100000, 'x')).ok());  // larger than the write buffer
  EXPECT_TRUE((*w)->Append("!").ok());
  EXPECT_EQ((*w)->Size(), 100007u);
  EXPECT_TRUE((*w)->Sync().ok());
  EXPECT_TRUE((*w)->Close().ok());
  EXPECT_EQ((*w)->Append("late").code(), StatusCode::kFailedPrecondition);

  std::string expected = "hello " + std::string(100000, 'x') + "!";
  EXPECT_EQ(*env_->ReadFile(P("a.txt")), expected);
  EXPECT_EQ(*env_->GetFileSize(P("a.txt")), expected.size());
  EXPECT_TRUE(env_->FileExists(P("a.txt")));
  EXPECT_FALSE(env_->IsDirectory(P("a.txt")));

  auto seq = env_->NewSequentialFile(P("a.txt"));
  ASSERT_TRUE(seq.ok());
  std::string got;
  char buf[4096];
  while (true) {
    auto r = (*seq)->Read(sizeof(buf), buf);
    ASSERT_TRUE(r.ok());
    if (r->empty()) break;
    got.append(*r);
  }
  EXPECT_EQ(got, expected);

  auto ra = env_->NewRandomAccessFile(P("a.txt"));
  ASSERT_TRUE(ra.ok());
  EXPECT_EQ((*ra)->Size(), expected.size());
  auto part = (*ra)->Read(3, 5, buf);
  ASSERT_TRUE(part.ok());
  EXPECT_EQ(*part, "lo xx");
  auto tail = (*ra)->Read(expected.size() - 2, 100, buf);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ(*tail, "x!");
  auto past = (*ra)->Read(expected.size() + 10, 4, buf);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->empty());
}

TEST_P(EnvConformanceTest, LargeFileRandomAccessFromManyThreads) {
  std::string data(1 << 20, '\0');  // large enough for the mmap path
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7 + i / 251);
  ASSERT_TRUE(env_->WriteFileAtomic(P("big"), data).ok());
  auto ra = env_->NewRandomAccessFile(P("big"));
  ASSERT_TRUE(ra.ok());
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      std::string scratch(4096, '\0');
      for (uint64_t off = t * 1000; off + 4096 <= data.size(); off += 65536) {
        auto r = (*ra)->Read(off, 4096, scratch.data());
        if (!r.ok() || *r != std::string_view(data).substr(off, 4096)) ++mismatches;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(*env_->ReadFile(P("big")), data);
}

TEST_P(EnvConformanceTest, AppendableFileKeepsContents) {
  ASSERT_TRUE(env_->WriteFileAtomic(P("log"), "abc").ok());
  auto w = env_->NewAppendableFile(P("log"));
  ASSERT_TRUE(w.ok());
  EXPECT_EQ((*w)->Size(), 3u);
  EXPECT_TRUE((*w)->Append("def").ok());
  EXPECT_EQ((*w)->Size(), 6u);
  EXPECT_TRUE((*w)->Close().ok());
  EXPECT_EQ(*env_->ReadFile(P("log")), "abcdef");

  auto fresh = env_->NewAppendableFile(P("new.log"));
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ((*fresh)->Size(), 0u);
  w->reset();
  // NewWritableFile truncates.
  auto t = env_->NewWritableFile(P("log"));
  ASSERT_TRUE(t.ok());
  EXPECT_TRUE((*t)->Close().ok());
  EXPECT_EQ(*env_->ReadFile(P("log")), "");
}

TEST_P(EnvConformanceTest, DestructorFlushes) {
  {
    auto w = env_->NewWritableFile(P("d"));
    ASSERT_TRUE(w.ok());
    EXPECT_TRUE((*w)->Append("buffered").ok());
  }
  EXPECT_EQ(*env_->ReadFile(P("d")), "buffered");
}

TEST_P(EnvConformanceTest, Directories) {
  EXPECT_TRUE(env_->CreateDirs(P("x/y/z")).ok());
  EXPECT_TRUE(env_->CreateDirs(P("x/y/z")).ok());  // idempotent
  EXPECT_TRUE(env_->IsDirectory(P("x/y")));
  EXPECT_TRUE(env_->FileExists(P("x/y")));
  ASSERT_TRUE(env_->WriteFileAtomic(P("x/f1"), "1").ok());
  ASSERT_TRUE(env_->WriteFileAtomic(P("x/f2"), "2").ok());
  auto kids = env_->GetChildren(P("x"));
  ASSERT_TRUE(kids.ok());
  std::sort(kids->begin(), kids->end());
  EXPECT_EQ(*kids, (std::vector<std::string>{"f1", "f2", "y"}));  // no temp files left behind

  EXPECT_EQ(env_->CreateDirs(P("x/f1/sub")).code(), StatusCode::kUnavailable);
  EXPECT_TRUE(env_->SyncDir(P("x")).ok());
  EXPECT_TRUE(env_->RemoveAll(P("x")).ok());
  EXPECT_FALSE(env_->FileExists(P("x")));
  EXPECT_FALSE(env_->FileExists(P("x/y/z")));
  EXPECT_TRUE(env_->RemoveAll(P("x")).ok());  // absent is fine
}

// GetChildrenWithKinds agrees with GetChildren + IsDirectory (a link to a folder is a folder).
TEST_P(EnvConformanceTest, ChildrenWithKinds) {
  ASSERT_TRUE(env_->CreateDirs(P("k/sub")).ok());
  ASSERT_TRUE(env_->WriteFileAtomic(P("k/file.json.gz"), "x").ok());
  if (GetParam() == Kind::kPosix) {
    ASSERT_EQ(::symlink(P("k/sub").c_str(), P("k/link").c_str()), 0);
    ASSERT_EQ(::symlink(P("k/file.json.gz").c_str(), P("k/flink").c_str()), 0);
  }
  for (const std::string& dir : {P("k"), P("k/")}) {
    auto entries = env_->GetChildrenWithKinds(dir);
    ASSERT_TRUE(entries.ok()) << entries.status().ToString();
    auto names = env_->GetChildren(P("k"));
    ASSERT_TRUE(names.ok());
    ASSERT_EQ(entries->size(), names->size());
    for (const Env::DirEntry& e : *entries) {
      EXPECT_NE(std::find(names->begin(), names->end(), e.name), names->end()) << e.name;
      EXPECT_EQ(e.is_directory, env_->IsDirectory(P("k/" + e.name))) << e.name;
      EXPECT_EQ(e.is_directory, e.name == "sub" || e.name == "link") << e.name;
    }
  }
  EXPECT_EQ(env_->GetChildrenWithKinds(P("missing")).status().code(), StatusCode::kNotFound);
}

TEST_P(EnvConformanceTest, RenameAndRemove) {
  ASSERT_TRUE(env_->WriteFileAtomic(P("a"), "A").ok());
  ASSERT_TRUE(env_->WriteFileAtomic(P("b"), "B").ok());
  EXPECT_TRUE(env_->RenameFile(P("a"), P("b")).ok());
  EXPECT_FALSE(env_->FileExists(P("a")));
  EXPECT_EQ(*env_->ReadFile(P("b")), "A");
  EXPECT_TRUE(env_->RemoveFile(P("b")).ok());
  EXPECT_FALSE(env_->FileExists(P("b")));
  EXPECT_EQ(env_->RemoveFile(P("b")).code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->RenameFile(P("nope"), P("b")).code(), StatusCode::kNotFound);
}

TEST_P(EnvConformanceTest, ErrorsNamePathAndOperation) {
  Result<std::string> r = env_->ReadFile(P("missing.json"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find(P("missing.json")), std::string::npos);
  EXPECT_NE(r.status().message().find("open"), std::string::npos) << r.status().message();
  EXPECT_EQ(env_->GetFileSize(P("missing")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->NewSequentialFile(P("missing")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->GetChildren(P("missing")).status().code(), StatusCode::kNotFound);
  // Creating a file in a directory that does not exist fails, as on POSIX.
  EXPECT_EQ(env_->NewWritableFile(P("nodir/f")).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->WriteFileAtomic(P("nodir/f"), "x").code(), StatusCode::kNotFound);
  EXPECT_EQ(env_->SyncDir(P("nodir")).code(), StatusCode::kNotFound);
  // A directory is not a file.
  ASSERT_TRUE(env_->CreateDirs(P("dir")).ok());
  EXPECT_FALSE(env_->ReadFile(P("dir")).ok());
  EXPECT_FALSE(env_->NewWritableFile(P("dir")).ok());
}

TEST_P(EnvConformanceTest, ClockMoves) {
  int64_t t = env_->NowMicros();
  EXPECT_GT(t, 1577836800000000);  // after 2020
}

TEST_P(EnvConformanceTest, BigFilesAreReadWithoutMappingsWhenNoneAreAllowed) {
  if (GetParam() != Kind::kPosix) GTEST_SKIP() << "mappings are the POSIX Env's";
  std::string data(1 << 20, 'm');
  ASSERT_TRUE(env_->WriteFileAtomic(P("big"), data).ok());
  std::string scratch(16, '\0');
  auto mapped = env_->NewRandomAccessFile(P("big"));
  ASSERT_TRUE(mapped.ok());
  auto r = (*mapped)->Read(100, 16, scratch.data());
  ASSERT_TRUE(r.ok());
  EXPECT_NE(r->data(), scratch.data());  // a view into the mapping
  SetMaxMappedFiles(0);
  auto read = env_->NewRandomAccessFile(P("big"));
  SetMaxMappedFiles(4096);
  ASSERT_TRUE(read.ok());
  r = (*read)->Read(100, 16, scratch.data());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data(), scratch.data());  // read into the caller's buffer
  EXPECT_EQ(*r, std::string(16, 'm'));
}

INSTANTIATE_TEST_SUITE_P(All, EnvConformanceTest, ::testing::Values(Kind::kPosix, Kind::kMem),
                         [](const auto& info) {
                           return info.param == Kind::kPosix ? "Posix" : "Mem";
                         });

}  // namespace
}  // namespace cairn
