// Env::Default(): the POSIX file system and the real clock.
//
// Errors are "<path>: <operation>: <strerror>" with codes: ENOENT -> kNotFound, ENOSPC/EDQUOT ->
// kResourceExhausted, anything else -> kUnavailable.
//
// RandomAccessFile maps files of 256 KiB and more read-only (mmap), so Read returns views into the
// mapping without copying; smaller files (trail files, read whole by Env::ReadFile), and any file
// past a process-wide budget of mappings, use pread. cairn never truncates a file that a reader
// has open (segments are immutable), which is what makes mmap safe here.
#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/env.h"
#include "common/mapped_files.h"

namespace cairn {
namespace {

Status ErrnoStatus(const std::string& path, std::string_view op, int err) {
  std::string msg = fmt::format("{}: {}: {}", path, op, std::strerror(err));
  switch (err) {
    case ENOENT:
      return Status::NotFound(std::move(msg));
    case ENOSPC:
    case EDQUOT:
      return Status::ResourceExhausted(std::move(msg));
    default:
      return Status::Unavailable(std::move(msg));
  }
}

// Writes all of `n` bytes, retrying on EINTR and short writes.
Status WriteAll(int fd, const char* p, size_t n, const std::string& path) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(path, "write", errno);
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
  return Status::OK();
}

class PosixWritableFile final : public WritableFile {
 public:
  PosixWritableFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) Close().IgnoreError();
  }

  Status Append(std::string_view data) override {
    if (fd_ < 0) return Closed("append");
    size_ += data.size();
    // Small appends (WAL records) are gathered; large ones go straight to the kernel.
    if (buf_.size() + data.size() <= kBufferSize) {
      buf_.append(data);
      return Status::OK();
    }
    RETURN_IF_ERROR(FlushBuffer());
    if (data.size() < kBufferSize) {
      buf_.append(data);
      return Status::OK();
    }
    return WriteAll(fd_, data.data(), data.size(), path_);
  }

  Status Flush() override {
    if (fd_ < 0) return Closed("flush");
    return FlushBuffer();
  }

  Status Sync() override {
    if (fd_ < 0) return Closed("sync");
    RETURN_IF_ERROR(FlushBuffer());
    if (::fdatasync(fd_) != 0) return ErrnoStatus(path_, "fdatasync", errno);
    return Status::OK();
  }

  Status Close() override {
    if (fd_ < 0) return Closed("close");
    Status s = FlushBuffer();
    if (::close(fd_) != 0 && s.ok()) s = ErrnoStatus(path_, "close", errno);
    fd_ = -1;
    return s;
  }

  uint64_t Size() const override { return size_; }

 private:
  static constexpr size_t kBufferSize = 64 << 10;

  Status FlushBuffer() {
    if (buf_.empty()) return Status::OK();
    Status s = WriteAll(fd_, buf_.data(), buf_.size(), path_);
    buf_.clear();
    return s;
  }
  Status Closed(std::string_view op) const {
    return Status::FailedPrecondition(fmt::format("{}: {}: file is closed", path_, op));
  }

  std::string path_;
  int fd_;
  uint64_t size_;
  std::string buf_;
};

class PosixSequentialFile final : public SequentialFile {
 public:
  PosixSequentialFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixSequentialFile() override { ::close(fd_); }

  Result<std::string_view> Read(size_t n, char* scratch) override {
    while (true) {
      ssize_t r = ::read(fd_, scratch, n);
      if (r >= 0) return std::string_view(scratch, static_cast<size_t>(r));
      if (errno != EINTR) return ErrnoStatus(path_, "read", errno);
    }
  }

 private:
  std::string path_;
  int fd_;
};

class PreadFile final : public RandomAccessFile {
 public:
  PreadFile(std::string path, int fd, uint64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  ~PreadFile() override { ::close(fd_); }

  Result<std::string_view> Read(uint64_t offset, size_t n, char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      ssize_t r = ::pread(fd_, scratch + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(path_, "pread", errno);
      }
      if (r == 0) break;  // end of file
      done += static_cast<size_t>(r);
    }
    return std::string_view(scratch, done);
  }
  uint64_t Size() const override { return size_; }

 private:
  std::string path_;
  int fd_;
  uint64_t size_;
};

// Small files are cheaper to pread than to map and fault in.
constexpr uint64_t kMmapMinSize = 256 << 10;

// Bounds the number of live mappings (the kernel's vm.max_map_count is 65530 by default).
std::atomic<int> g_mmap_budget{4096};
std::atomic<int> g_mmap_max{4096};  // the budget's total (SetMaxMappedFiles)

class MmapFile final : public RandomAccessFile {
 public:
  MmapFile(const char* base, uint64_t size) : base_(base), size_(size) {}
  ~MmapFile() override {
    ::munmap(const_cast<char*>(base_), size_);
    g_mmap_budget.fetch_add(1);
  }

  Result<std::string_view> Read(uint64_t offset, size_t n, char*) const override {
    if (offset >= size_) return std::string_view();
    return std::string_view(base_ + offset, std::min<uint64_t>(n, size_ - offset));
  }
  uint64_t Size() const override { return size_; }

 private:
  const char* base_;
  uint64_t size_;
};

int OpenRetrying(const std::string& path, int flags, mode_t mode = 0644) {
  int fd;
  do {
    fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  } while (fd < 0 && errno == EINTR);
  return fd;
}

// flock(2) locks belong to the open file description, so a second open of the same file conflicts
// with the first even inside one process; closing the descriptor (or dying) releases the lock.
class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { ::close(fd_); }

 private:
  int fd_;
};

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) override {
    int fd = OpenRetrying(path, O_WRONLY | O_CREAT | O_TRUNC);
    if (fd < 0) return ErrnoStatus(path, "open for writing", errno);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(path, fd, 0));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) override {
    int fd = OpenRetrying(path, O_WRONLY | O_CREAT | O_APPEND);
    if (fd < 0) return ErrnoStatus(path, "open for appending", errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = ErrnoStatus(path, "fstat", errno);
      ::close(fd);
      return s;
    }
    return std::unique_ptr<WritableFile>(
        new PosixWritableFile(path, fd, static_cast<uint64_t>(st.st_size)));
  }

  Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) override {
    int fd = OpenRetrying(path, O_RDONLY);
    if (fd < 0) return ErrnoStatus(path, "open for reading", errno);
    return std::unique_ptr<SequentialFile>(new PosixSequentialFile(path, fd));
  }

  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& path) override {
    int fd = OpenRetrying(path, O_RDONLY);
    if (fd < 0) return ErrnoStatus(path, "open for reading", errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      Status s = ErrnoStatus(path, "fstat", errno);
      ::close(fd);
      return s;
    }
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      return ErrnoStatus(path, "open for reading", EISDIR);
    }
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    if (S_ISREG(st.st_mode) && size >= kMmapMinSize) {
      if (g_mmap_budget.fetch_sub(1) > 0) {
        void* base = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
        if (base != MAP_FAILED) {
          ::close(fd);  // the mapping keeps the file alive
          return std::unique_ptr<RandomAccessFile>(
              new MmapFile(static_cast<const char*>(base), size));
        }
      }
      g_mmap_budget.fetch_add(1);
    }
    return std::unique_ptr<RandomAccessFile>(new PreadFile(path, fd, size));
  }

  bool FileExists(const std::string& path) override { return ::access(path.c_str(), F_OK) == 0; }

  Result<uint64_t> GetFileSize(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(path, "stat", errno);
    if (S_ISDIR(st.st_mode)) return ErrnoStatus(path, "file size", EISDIR);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<std::vector<std::string>> GetChildren(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoStatus(dir, "opendir", errno);
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
        names.emplace_back(e->d_name);
      }
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) return ErrnoStatus(dir, "readdir", err);
    return names;
  }

  Result<std::vector<DirEntry>> GetChildrenWithKinds(const std::string& dir) override {
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) return ErrnoStatus(dir, "opendir", errno);
    std::vector<DirEntry> out;
    const std::string prefix = !dir.empty() && dir.back() == '/' ? dir : dir + "/";
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      DirEntry entry{e->d_name, e->d_type == DT_DIR};
      if (e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) {
        entry.is_directory = IsDirectory(prefix + entry.name);
      }
      out.push_back(std::move(entry));
      errno = 0;
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) return ErrnoStatus(dir, "readdir", err);
    return out;
  }

  bool IsDirectory(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  Status CreateDirs(const std::string& dir) override {
    if (dir.empty()) return Status::OK();
    // Create each prefix in turn; EEXIST is fine as long as it is a directory.
    for (size_t pos = 1; pos <= dir.size(); ++pos) {
      if (pos != dir.size() && dir[pos] != '/') continue;
      std::string prefix = dir.substr(0, pos);
      if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
        return ErrnoStatus(prefix, "mkdir", errno);
      }
    }
    if (!IsDirectory(dir)) return ErrnoStatus(dir, "mkdir", ENOTDIR);
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return ErrnoStatus(path, "unlink", errno);
    return Status::OK();
  }

  Status RemoveAll(const std::string& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);  // does not follow symlinks
    if (ec && ec.value() != ENOENT) return ErrnoStatus(path, "remove all", ec.value());
    return Status::OK();
  }

  Status RenameFile(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) {
      return ErrnoStatus(from, fmt::format("rename to {}", to), errno);
    }
    return Status::OK();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = OpenRetrying(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return ErrnoStatus(dir, "open directory", errno);
    Status s;
    if (::fsync(fd) != 0) s = ErrnoStatus(dir, "fsync directory", errno);
    ::close(fd);
    return s;
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path,
                                             std::string_view holder) override {
    int fd = OpenRetrying(path, O_RDWR | O_CREAT);
    if (fd < 0) return ErrnoStatus(path, "open lock file", errno);
    int rc;
    do {
      rc = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) {
      const int err = errno;
      char buf[512];
      const ssize_t n = ::pread(fd, buf, sizeof(buf), 0);
      ::close(fd);
      if (err != EWOULDBLOCK) return ErrnoStatus(path, "lock", err);
      std::string who = n > 0 ? std::string(buf, static_cast<size_t>(n)) : "unknown";
      while (!who.empty() && (who.back() == '\n' || who.back() == '\0')) who.pop_back();
      return Status::Unavailable(fmt::format("{}: locked by {}", path, who));
    }
    const std::string text = std::string(holder) + "\n";
    if (::ftruncate(fd, 0) != 0 ||
        ::pwrite(fd, text.data(), text.size(), 0) != static_cast<ssize_t>(text.size())) {
      const int err = errno;
      ::close(fd);
      return ErrnoStatus(path, "write lock holder", err);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(fd));
  }

  int64_t NowMicros() override {
    struct timespec ts;
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
  }
};

}  // namespace

Env* Env::Default() {
  static Env* env = new PosixEnv();  // never deleted: used until exit, from any thread
  return env;
}

void SetMaxMappedFiles(int n) {
  // Files mapped now stay mapped; the budget may go below 0 until they are closed.
  const int old = g_mmap_max.exchange(n);
  g_mmap_budget.fetch_add(n - old);
}

}  // namespace cairn
