// The Env conveniences, built only on the virtual primitives so that every Env (POSIX, in-memory,
// fault-injecting) gets them with its own behaviour.
#include "common/env.h"

#include <fmt/format.h>

#include <atomic>

namespace cairn {
namespace {

std::string DirName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::string> Env::ReadFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, NewRandomAccessFile(path));
  const uint64_t size = file->Size();
  std::string out;
  out.resize(size);
  uint64_t pos = 0;
  while (pos < size) {
    ASSIGN_OR_RETURN(std::string_view got, file->Read(pos, size - pos, out.data() + pos));
    if (got.empty()) break;  // the file shrank since it was opened
    if (got.data() != out.data() + pos) std::copy(got.begin(), got.end(), out.data() + pos);
    pos += got.size();
  }
  out.resize(pos);
  return out;
}

Status Env::WriteFileAtomic(const std::string& path, std::string_view data) {
  // A unique temp name, so concurrent writers of one path never share a temp file.
  static std::atomic<uint64_t> counter{0};
  const std::string tmp = fmt::format("{}.tmp-{}-{}", path, NowMicros(), counter.fetch_add(1));
  Status s = [&]() -> Status {
    ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> f, NewWritableFile(tmp));
    RETURN_IF_ERROR(f->Append(data));
    RETURN_IF_ERROR(f->Sync());
    RETURN_IF_ERROR(f->Close());
    return RenameFile(tmp, path);
  }();
  if (!s.ok()) {
    RemoveFile(tmp).IgnoreError();  // best effort; the temp name is never read
    return s;
  }
  return SyncDir(DirName(path));
}

}  // namespace cairn
