// NewFaultInjectionEnv(): forwards to a base Env, failing the operations a test asks for.
// Only writes are intercepted (Append, Sync, SyncDir); reads and namespace operations pass through.
#include <fmt/format.h>

#include <atomic>

#include "common/env.h"

namespace cairn {
namespace {

class FaultInjectionEnvImpl;

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnvImpl* env, std::string path,
                    std::unique_ptr<WritableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  Status Append(std::string_view data) override;
  Status Flush() override { return base_->Flush(); }
  Status Sync() override;
  Status Close() override { return base_->Close(); }
  uint64_t Size() const override { return base_->Size(); }

 private:
  FaultInjectionEnvImpl* env_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

class FaultInjectionEnvImpl final : public FaultInjectionEnv {
 public:
  explicit FaultInjectionEnvImpl(Env* base) : FaultInjectionEnv(base) {}

  void SetFailSync(bool fail) override { fail_sync_.store(fail); }
  void SetDiskLimit(int64_t bytes) override { disk_limit_.store(bytes); }
  void TearNextAppend() override { tear_next_.store(true); }
  uint64_t bytes_appended() const override { return appended_.load(); }

  // Decides how much of an append of `n` bytes to write; returns the error to report after
  // writing `*allowed` bytes (OK to write all).
  Status AdmitAppend(const std::string& path, size_t n, size_t* allowed) {
    *allowed = n;
    Status fail;
    if (tear_next_.exchange(false)) {
      *allowed = n / 2;
      fail = Status::Unavailable(fmt::format("{}: write: torn write (injected)", path));
    }
    const int64_t limit = disk_limit_.load();
    if (limit >= 0) {
      // Reserve our bytes first so concurrent appenders cannot both squeeze under the limit.
      uint64_t before = appended_.fetch_add(*allowed);
      uint64_t room =
          before >= static_cast<uint64_t>(limit) ? 0 : static_cast<uint64_t>(limit) - before;
      if (*allowed > room) {
        appended_.fetch_sub(*allowed - room);
        *allowed = room;
        fail = Status::ResourceExhausted(
            fmt::format("{}: write: No space left on device (injected)", path));
      }
    } else {
      appended_.fetch_add(*allowed);
    }
    return fail;
  }

  Status CheckSync(const std::string& path) const {
    if (fail_sync_.load())
      return Status::Unavailable(fmt::format("{}: fsync failed (injected)", path));
    return Status::OK();
  }

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f, base_->NewWritableFile(path));
    return std::unique_ptr<WritableFile>(new FaultWritableFile(this, path, std::move(f)));
  }
  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f, base_->NewAppendableFile(path));
    return std::unique_ptr<WritableFile>(new FaultWritableFile(this, path, std::move(f)));
  }
  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    return base_->NewSequentialFile(path);
  }
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    return base_->NewRandomAccessFile(path);
  }
  bool FileExists(const std::string& path) override { return base_->FileExists(path); }
  Result<uint64_t> GetFileSize(const std::string& path) override {
    return base_->GetFileSize(path);
  }
  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    return base_->GetChildren(dir);
  }
  bool IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  Status CreateDirs(const std::string& dir) override { return base_->CreateDirs(dir); }
  Status RemoveFile(const std::string& path) override { return base_->RemoveFile(path); }
  Status RemoveAll(const std::string& path) override { return base_->RemoveAll(path); }
  Status RenameFile(const std::string& from, const std::string& to) override {
    return base_->RenameFile(from, to);
  }
  Status SyncDir(const std::string& dir) override {
    RETURN_IF_ERROR(CheckSync(dir));
    return base_->SyncDir(dir);
  }
  int64_t NowMicros() override { return base_->NowMicros(); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path,
                                             std::string_view holder) override {
    return base_->LockFile(path, holder);
  }

 private:
  std::atomic<bool> fail_sync_{false};
  std::atomic<int64_t> disk_limit_{-1};
  std::atomic<bool> tear_next_{false};
  std::atomic<uint64_t> appended_{0};
};

Status FaultWritableFile::Append(std::string_view data) {
  size_t allowed = 0;
  Status fail = env_->AdmitAppend(path_, data.size(), &allowed);
  if (allowed > 0) RETURN_IF_ERROR(base_->Append(data.substr(0, allowed)));
  return fail;
}

Status FaultWritableFile::Sync() {
  RETURN_IF_ERROR(env_->CheckSync(path_));
  return base_->Sync();
}

}  // namespace

std::unique_ptr<FaultInjectionEnv> NewFaultInjectionEnv(Env* base) {
  return std::make_unique<FaultInjectionEnvImpl>(base);
}

}  // namespace cairn
