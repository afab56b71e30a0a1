// src/common/env.h
//
// Env is the seam between cairn and the operating system: every file operation and every reading
// of the clock goes through it, so tests can use an in-memory file system (NewMemEnv), inject
// faults (FaultInjectionEnv: failed fsync, full disk, torn writes) and fix the clock.
//
// Paths are plain '/'-separated strings. Errors name the path and the operation, e.g.
// "IOError-like" failures are Status::Unavailable("wal/000012.log: fsync: No space left on
// device"), a missing file is kNotFound, corruption detected by a reader is kDataLoss.
//
// Thread-safety: an Env may be used from many threads at once. A file object may be used by one
// thread at a time, except RandomAccessFile, whose Read is safe to call concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace cairn {

// A file being written, sequentially. Data is durable only after Sync() returns OK.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(std::string_view data) = 0;
  // Pushes buffered data to the OS (not durable).
  virtual Status Flush() = 0;
  // Makes everything appended so far durable (fdatasync).
  virtual Status Sync() = 0;
  // Flushes and closes. Further calls are errors. The destructor closes if Close was not called.
  virtual Status Close() = 0;
  // Bytes appended so far, including any the file held when opened for append.
  virtual uint64_t Size() const = 0;
};

// A file read sequentially from its start (streaming decompression, WAL replay).
class SequentialFile {
 public:
  virtual ~SequentialFile() = default;
  // Reads up to `n` bytes into `scratch`; returns the bytes read (empty at end of file).
  // The returned view points into `scratch`.
  virtual Result<std::string_view> Read(size_t n, char* scratch) = 0;
};

// A file read at arbitrary offsets. Read is safe to call from many threads at once.
class RandomAccessFile {
 public:
  virtual ~RandomAccessFile() = default;
  // Reads exactly `n` bytes at `offset` into `scratch` (or fewer at end of file) and returns a view
  // of them. The view points into `scratch` or into memory owned by the file that lives as long as
  // the file does.
  virtual Result<std::string_view> Read(uint64_t offset, size_t n, char* scratch) const = 0;
  virtual uint64_t Size() const = 0;
};

// An exclusive advisory lock on a file, held until this object is destroyed (Env::LockFile).
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX Env. Never deleted.
  static Env* Default();

  // Creates or truncates `path`.
  virtual Result<std::unique_ptr<WritableFile>> NewWritableFile(const std::string& path) = 0;
  // Opens `path` for appending, creating it if absent.
  virtual Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<SequentialFile>> NewSequentialFile(const std::string& path) = 0;
  virtual Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(
      const std::string& path) = 0;

  virtual bool FileExists(const std::string& path) = 0;
  virtual Result<uint64_t> GetFileSize(const std::string& path) = 0;
  // Names (not paths) of the entries of a directory, in no particular order.
  virtual Result<std::vector<std::string>> GetChildren(const std::string& dir) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  // One entry of GetChildrenWithKinds.
  struct DirEntry {
    std::string name;
    bool is_directory = false;  // as IsDirectory(dir + "/" + name) says (links followed)
  };
  // GetChildren, also saying which entries are directories. This default asks IsDirectory of
  // each entry; the POSIX Env answers from the listing itself (d_type) and stats only links and
  // entries of unknown type, which saves a system call per file when walking folders of
  // thousands of files.
  virtual Result<std::vector<DirEntry>> GetChildrenWithKinds(const std::string& dir) {
    ASSIGN_OR_RETURN(std::vector<std::string> names, GetChildren(dir));
    std::vector<DirEntry> out;
    out.reserve(names.size());
    const std::string prefix = !dir.empty() && dir.back() == '/' ? dir : dir + "/";
    for (std::string& name : names) {
      const bool is_dir = IsDirectory(prefix + name);
      out.push_back(DirEntry{std::move(name), is_dir});
    }
    return out;
  }
  // Creates `dir` and any missing parents. OK if it exists.
  virtual Status CreateDirs(const std::string& dir) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Removes a directory and everything under it. OK if absent.
  virtual Status RemoveAll(const std::string& path) = 0;
  // Atomically replaces `to` with `from`.
  virtual Status RenameFile(const std::string& from, const std::string& to) = 0;
  // Makes the directory's entries (creates, renames, removals) durable.
  virtual Status SyncDir(const std::string& dir) = 0;

  // Microseconds since the Unix epoch, UTC.
  virtual int64_t NowMicros() = 0;

  // Takes an exclusive lock on `path` (created if absent) without waiting. Two holders never
  // coexist: not two processes, and not two callers in one process. `holder` (who is asking, e.g.
  // "pid 12 (cairn serve)") is written into the file, so that the kUnavailable a later caller gets
  // names who holds the lock. The lock ends with the FileLock, or when its process dies.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path,
                                                     std::string_view holder) = 0;

  // Conveniences built on the primitives above.
  Result<std::string> ReadFile(const std::string& path);
  // Writes `data` to `path` durably and atomically: temp file, fsync, rename, fsync the directory.
  Status WriteFileAtomic(const std::string& path, std::string_view data);
};

// An Env whose files live in memory, for tests. DropUnsyncedData() models a power cut. The clock
// starts at `now_micros` and moves only by SetNowMicros / AdvanceMicros.
// Paths are normalized ("a//b/./c/" is "a/b/c"); "" (".") and "/" always exist. As on POSIX, a
// file can only be created in an existing directory. Bytes appended are visible to readers at once.
class MemEnv : public Env {
 public:
  virtual void SetNowMicros(int64_t now) = 0;
  virtual void AdvanceMicros(int64_t delta) = 0;
  // A power cut:
  //  - every file is truncated to its length at its last successful Sync (NewWritableFile on an
  //    existing file truncates it in place, durable length 0);
  //  - each directory's file entries (creations, renames, removals) return to what they were at
  //    the directory's last SyncDir: files created since vanish, removed ones come back (with their
  //    synced bytes); a rename across two directories synced separately may leave both names;
  //  - directories themselves (CreateDirs, RemoveAll) are durable at once and are not undone.
  // Open file objects stay usable and keep writing to the (possibly now nameless) file.
  virtual void DropUnsyncedData() = 0;
};
std::unique_ptr<MemEnv> NewMemEnv(int64_t now_micros = 1735689600000000);  // 2025-01-01

// Wraps another Env and fails chosen operations, for tests of error paths. Counters start at 0.
// Only writes are intercepted; reads and namespace operations pass straight to the base. A failed
// Sync does not reach the base, so over a MemEnv the data stays unsynced (lost by a power cut).
// Thread-safety: setters may be called while other threads use the Env.
// REQUIRES: `base` outlives this Env and every file opened through it.
class FaultInjectionEnv : public Env {
 public:
  explicit FaultInjectionEnv(Env* base) : base_(base) {}
  // Every Sync/SyncDir fails with kUnavailable ("fsync failed (injected)") while set.
  virtual void SetFailSync(bool fail) = 0;
  // Appends fail with kResourceExhausted ("No space left on device (injected)") once the total
  // bytes appended through this Env would exceed `bytes`: like a real full disk, the bytes that
  // still fit are written, then the Append fails. Negative disables (the default).
  virtual void SetDiskLimit(int64_t bytes) = 0;
  // The next Append (to any file) writes only its first half, then fails with kUnavailable
  // (a torn write).
  virtual void TearNextAppend() = 0;
  // Total bytes written to the base through Append since this Env was created.
  virtual uint64_t bytes_appended() const = 0;

 protected:
  Env* base_;
};
std::unique_ptr<FaultInjectionEnv> NewFaultInjectionEnv(Env* base);

}  // namespace cairn
