// NewMemEnv(): an in-memory file system with a power-cut model, for tests.
//
// The power-cut model is documented on MemEnv in env.h. It is implemented by keeping two
// namespaces: `live_` (what every call sees) and `durable_` (each directory's file entries as of
// its last SyncDir); a file's durable bytes are its first `synced` bytes. DropUnsyncedData makes
// `durable_` live again and truncates every file to `synced`.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <vector>

#include "common/env.h"

namespace cairn {
namespace {

struct FileData {
  std::mutex mu;
  std::string bytes;
  size_t synced = 0;
};
using FilePtr = std::shared_ptr<FileData>;

std::string Normalize(const std::string& path) {
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t end = std::min(path.find('/', pos), path.size());
    std::string_view part(path.data() + pos, end - pos);
    if (!part.empty() && part != ".") parts.push_back(part);
    pos = end + 1;
  }
  std::string out;
  const bool absolute = !path.empty() && path[0] == '/';
  for (size_t i = 0; i < parts.size(); ++i) {
    if (absolute || i > 0) out.push_back('/');
    out.append(parts[i].data(), parts[i].size());
  }
  if (absolute && out.empty()) out.push_back('/');
  return out;
}

std::string Parent(const std::string& norm) {
  size_t slash = norm.find_last_of('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return norm.substr(0, slash);
}

std::string BaseName(const std::string& norm) {
  size_t slash = norm.find_last_of('/');
  return slash == std::string::npos ? norm : norm.substr(slash + 1);
}

bool IsRoot(const std::string& norm) { return norm.empty() || norm == "/"; }

// True if `path` is strictly under directory `dir`.
bool IsUnder(const std::string& path, const std::string& dir) {
  if (dir.empty()) return !path.empty() && path[0] != '/';
  if (dir == "/") return path.size() > 1 && path[0] == '/';
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 &&
         path[dir.size()] == '/';
}

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::string path, FilePtr file)
      : path_(std::move(path)), file_(std::move(file)) {}

  Status Append(std::string_view data) override {
    if (closed_) return Closed("append");
    std::lock_guard<std::mutex> l(file_->mu);
    file_->bytes.append(data);
    return Status::OK();
  }
  Status Flush() override { return closed_ ? Closed("flush") : Status::OK(); }
  Status Sync() override {
    if (closed_) return Closed("sync");
    std::lock_guard<std::mutex> l(file_->mu);
    file_->synced = file_->bytes.size();
    return Status::OK();
  }
  Status Close() override {
    if (closed_) return Closed("close");
    closed_ = true;
    return Status::OK();
  }
  uint64_t Size() const override {
    std::lock_guard<std::mutex> l(file_->mu);
    return file_->bytes.size();
  }

 private:
  Status Closed(std::string_view op) const {
    return Status::FailedPrecondition(fmt::format("{}: {}: file is closed", path_, op));
  }
  std::string path_;
  FilePtr file_;
  bool closed_ = false;
};

class MemSequentialFile final : public SequentialFile {
 public:
  explicit MemSequentialFile(FilePtr file) : file_(std::move(file)) {}
  Result<std::string_view> Read(size_t n, char* scratch) override {
    std::lock_guard<std::mutex> l(file_->mu);
    if (pos_ >= file_->bytes.size()) return std::string_view();
    n = std::min(n, file_->bytes.size() - pos_);
    std::copy_n(file_->bytes.data() + pos_, n, scratch);
    pos_ += n;
    return std::string_view(scratch, n);
  }

 private:
  FilePtr file_;
  size_t pos_ = 0;
};

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  explicit MemRandomAccessFile(FilePtr file) : file_(std::move(file)) {}
  Result<std::string_view> Read(uint64_t offset, size_t n, char* scratch) const override {
    std::lock_guard<std::mutex> l(file_->mu);
    if (offset >= file_->bytes.size()) return std::string_view();
    n = std::min<uint64_t>(n, file_->bytes.size() - offset);
    std::copy_n(file_->bytes.data() + offset, n, scratch);
    return std::string_view(scratch, n);
  }
  uint64_t Size() const override {
    std::lock_guard<std::mutex> l(file_->mu);
    return file_->bytes.size();
  }

 private:
  FilePtr file_;
};

// Who holds which lock, shared with the FileLocks so that they may outlive the Env.
struct MemLocks {
  std::mutex mu;
  std::map<std::string, std::string> holders;  // normalized path -> holder
};

class MemFileLock final : public FileLock {
 public:
  MemFileLock(std::shared_ptr<MemLocks> locks, std::string path)
      : locks_(std::move(locks)), path_(std::move(path)) {}
  ~MemFileLock() override {
    std::lock_guard<std::mutex> l(locks_->mu);
    locks_->holders.erase(path_);
  }

 private:
  std::shared_ptr<MemLocks> locks_;
  std::string path_;
};

class MemEnvImpl final : public MemEnv {
 public:
  explicit MemEnvImpl(int64_t now) : now_(now) {}

  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    ASSIGN_OR_RETURN(FilePtr f, OpenForWrite(path, "open for writing", /*truncate=*/true));
    return std::unique_ptr<WritableFile>(new MemWritableFile(path, std::move(f)));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    ASSIGN_OR_RETURN(FilePtr f, OpenForWrite(path, "open for appending", /*truncate=*/false));
    return std::unique_ptr<WritableFile>(new MemWritableFile(path, std::move(f)));
  }

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    ASSIGN_OR_RETURN(FilePtr f, Find(path, "open for reading"));
    return std::unique_ptr<SequentialFile>(new MemSequentialFile(std::move(f)));
  }

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    ASSIGN_OR_RETURN(FilePtr f, Find(path, "open for reading"));
    return std::unique_ptr<RandomAccessFile>(new MemRandomAccessFile(std::move(f)));
  }

  bool FileExists(const std::string& path) override {
    std::string p = Normalize(path);
    std::lock_guard<std::mutex> l(mu_);
    return live_.count(p) > 0 || DirExistsLocked(p);
  }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    ASSIGN_OR_RETURN(FilePtr f, Find(path, "file size"));
    std::lock_guard<std::mutex> l(f->mu);
    return static_cast<uint64_t>(f->bytes.size());
  }

  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    std::string d = Normalize(dir);
    std::lock_guard<std::mutex> l(mu_);
    if (!DirExistsLocked(d)) {
      if (live_.count(d)) return Status::Unavailable(dir + ": opendir: Not a directory");
      return Status::NotFound(dir + ": opendir: No such file or directory");
    }
    std::vector<std::string> names;
    for (const auto& [p, f] : live_) {
      if (Parent(p) == d) names.push_back(BaseName(p));
    }
    for (const std::string& p : dirs_) {
      if (!IsRoot(p) && Parent(p) == d) names.push_back(BaseName(p));
    }
    return names;
  }

  bool IsDirectory(const std::string& path) override {
    std::string p = Normalize(path);
    std::lock_guard<std::mutex> l(mu_);
    return DirExistsLocked(p);
  }

  Status CreateDirs(const std::string& dir) override {
    std::string d = Normalize(dir);
    std::lock_guard<std::mutex> l(mu_);
    std::vector<std::string> chain;
    for (std::string p = d; !IsRoot(p); p = Parent(p)) chain.push_back(p);
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if (live_.count(*it))
        return Status::Unavailable(*it + ": mkdir: File exists (not a directory)");
      dirs_.insert(*it);
    }
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    std::string p = Normalize(path);
    std::lock_guard<std::mutex> l(mu_);
    if (live_.erase(p) == 0) return Status::NotFound(path + ": unlink: No such file or directory");
    return Status::OK();
  }

  Status RemoveAll(const std::string& path) override {
    std::string p = Normalize(path);
    std::lock_guard<std::mutex> l(mu_);
    auto drop = [&](auto& m) {
      std::erase_if(m, [&](const auto& e) { return Key(e) == p || IsUnder(Key(e), p); });
    };
    drop(live_);
    drop(durable_);
    if (!IsRoot(p)) drop(dirs_);
    return Status::OK();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    std::string f = Normalize(from), t = Normalize(to);
    std::lock_guard<std::mutex> l(mu_);
    auto it = live_.find(f);
    if (it == live_.end()) {
      return Status::NotFound(fmt::format("{}: rename to {}: No such file or directory", from, to));
    }
    if (!DirExistsLocked(Parent(t))) {
      return Status::NotFound(fmt::format("{}: rename to {}: No such file or directory", from, to));
    }
    if (DirExistsLocked(t)) {
      return Status::Unavailable(fmt::format("{}: rename to {}: Is a directory", from, to));
    }
    FilePtr file = it->second;
    live_.erase(it);
    live_[t] = std::move(file);
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    std::string d = Normalize(dir);
    std::lock_guard<std::mutex> l(mu_);
    if (!DirExistsLocked(d))
      return Status::NotFound(dir + ": open directory: No such file or directory");
    std::erase_if(durable_, [&](const auto& e) { return Parent(e.first) == d; });
    for (const auto& [p, f] : live_) {
      if (Parent(p) == d) durable_[p] = f;
    }
    return Status::OK();
  }

  // Locks are process state: they live beside the files, and a power cut does not touch them.
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path,
                                             std::string_view holder) override {
    const std::string p = Normalize(path);
    {
      std::lock_guard<std::mutex> l(locks_->mu);
      auto it = locks_->holders.find(p);
      if (it != locks_->holders.end()) {
        return Status::Unavailable(fmt::format("{}: locked by {}", path, it->second));
      }
      locks_->holders[p] = std::string(holder);
    }
    auto lock = std::make_unique<MemFileLock>(locks_, p);
    ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f, NewWritableFile(path));
    RETURN_IF_ERROR(f->Append(std::string(holder) + "\n"));
    RETURN_IF_ERROR(f->Close());
    return std::unique_ptr<FileLock>(std::move(lock));
  }

  int64_t NowMicros() override { return now_.load(); }
  void SetNowMicros(int64_t now) override { now_.store(now); }
  void AdvanceMicros(int64_t delta) override { now_.fetch_add(delta); }

  void DropUnsyncedData() override {
    std::lock_guard<std::mutex> l(mu_);
    live_ = durable_;
    for (auto& [p, f] : live_) {
      std::lock_guard<std::mutex> fl(f->mu);
      f->bytes.resize(f->synced);
    }
  }

 private:
  static const std::string& Key(const std::pair<const std::string, FilePtr>& e) { return e.first; }
  static const std::string& Key(const std::string& e) { return e; }

  bool DirExistsLocked(const std::string& norm) const {
    return IsRoot(norm) || dirs_.count(norm) > 0;
  }

  Result<FilePtr> Find(const std::string& path, std::string_view op) {
    std::string p = Normalize(path);
    std::lock_guard<std::mutex> l(mu_);
    auto it = live_.find(p);
    if (it != live_.end()) return it->second;
    if (DirExistsLocked(p))
      return Status::Unavailable(fmt::format("{}: {}: Is a directory", path, op));
    return Status::NotFound(fmt::format("{}: {}: No such file or directory", path, op));
  }

  Result<FilePtr> OpenForWrite(const std::string& path, std::string_view op, bool truncate) {
    std::string p = Normalize(path);
    std::lock_guard<std::mutex> l(mu_);
    if (IsRoot(p) || DirExistsLocked(p)) {
      return Status::Unavailable(fmt::format("{}: {}: Is a directory", path, op));
    }
    if (!DirExistsLocked(Parent(p))) {
      return Status::NotFound(fmt::format("{}: {}: No such file or directory", path, op));
    }
    FilePtr& slot = live_[p];
    if (!slot) {
      slot = std::make_shared<FileData>();
    } else if (truncate) {
      std::lock_guard<std::mutex> fl(slot->mu);
      slot->bytes.clear();
      slot->synced = 0;
    }
    return slot;
  }

  std::mutex mu_;                           // guards the three namespaces below, not file contents
  std::map<std::string, FilePtr> live_;     // normalized path -> file, as seen now
  std::map<std::string, FilePtr> durable_;  // as of each directory's last SyncDir
  std::set<std::string> dirs_;              // every directory but the roots
  std::atomic<int64_t> now_;
  std::shared_ptr<MemLocks> locks_ = std::make_shared<MemLocks>();
};

}  // namespace

std::unique_ptr<MemEnv> NewMemEnv(int64_t now_micros) {
  return std::make_unique<MemEnvImpl>(now_micros);
}

}  // namespace cairn
