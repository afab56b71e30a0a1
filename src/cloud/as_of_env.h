// src/cloud/as_of_env.h
//
// AsOfEnv forwards every file operation to a base Env, but its clock reads as if the process had
// started at a chosen instant: NowMicros() = as_of + (base now - base now at construction). It
// lets `cairn import/lookup --as-of T` evaluate time-relative rules (event history's 90-day window,
// store retention) as of an archive's date, for demos, tests and benchmarks on fixed datasets.
//
// Thread-safety: as the base Env's.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/env.h"

namespace cairn::cloud {

class AsOfEnv final : public Env {
 public:
  // REQUIRES: `base` outlives this Env.
  AsOfEnv(Env* base, int64_t as_of_us) : base_(base), offset_(as_of_us - base->NowMicros()) {}

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& p) override {
    return base_->NewWritableFile(p);
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    return base_->NewAppendableFile(p);
  }
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& p) override {
    return base_->NewSequentialFile(p);
  }
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& p) override {
    return base_->NewRandomAccessFile(p);
  }
  bool FileExists(const std::string& p) override { return base_->FileExists(p); }
  Result<uint64_t> GetFileSize(const std::string& p) override { return base_->GetFileSize(p); }
  Result<std::vector<std::string>> GetChildren(const std::string& d) override {
    return base_->GetChildren(d);
  }
  bool IsDirectory(const std::string& p) override { return base_->IsDirectory(p); }
  Status CreateDirs(const std::string& d) override { return base_->CreateDirs(d); }
  Status RemoveFile(const std::string& p) override { return base_->RemoveFile(p); }
  Status RemoveAll(const std::string& p) override { return base_->RemoveAll(p); }
  Status RenameFile(const std::string& f, const std::string& t) override {
    return base_->RenameFile(f, t);
  }
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }
  int64_t NowMicros() override { return base_->NowMicros() + offset_; }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p,
                                             std::string_view holder) override {
    return base_->LockFile(p, holder);
  }

 private:
  Env* base_;
  int64_t offset_;
};

}  // namespace cairn::cloud
