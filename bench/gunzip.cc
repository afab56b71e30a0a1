// bench/gunzip.cc — decompresses every *.json.gz under a folder, in memory, and prints the bytes.
//
// The "gunzip only" half of `bench/run parse`: the same inflate cairn's parser uses
// (cairn::gzip::Inflate, libdeflate), files read through Env, spread over --threads workers that
// take files in turn. Nothing is written; the output of each file is discarded once counted.
//
//   build/bench/gunzip DIR [--threads N]
//   {"files":N,"gzip_bytes":N,"json_bytes":N,"seconds":S}
//
// Exit 1 (naming the file) if any file fails to read or inflate; 2 for usage errors.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "common/gzip.h"
#include "common/status.h"

namespace cairn {
namespace {

Status ListLogFiles(Env* env, const std::string& dir, std::vector<std::string>* out) {
  ASSIGN_OR_RETURN(std::vector<std::string> names, env->GetChildren(dir));
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::string path = dir + "/" + name;
    if (env->IsDirectory(path)) {
      if (name == "CloudTrail-Digest") continue;  // digests hold no records
      RETURN_IF_ERROR(ListLogFiles(env, path, out));
    } else if (name.size() > 8 && name.compare(name.size() - 8, 8, ".json.gz") == 0) {
      out->push_back(std::move(path));
    }
  }
  return Status::OK();
}

struct Totals {
  std::atomic<uint64_t> gzip_bytes{0};
  std::atomic<uint64_t> json_bytes{0};
};

int Run(const std::string& dir, int threads) {
  Env* env = Env::Default();
  std::vector<std::string> files;
  if (Status s = ListLogFiles(env, dir, &files); !s.ok()) {
    std::fprintf(stderr, "gunzip: %s\n", s.ToString().c_str());
    return 1;
  }
  int64_t start = env->NowMicros();
  Totals totals;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    while (!failed.load(std::memory_order_relaxed)) {
      size_t i = next.fetch_add(1);
      if (i >= files.size()) return;
      Result<std::string> gz = env->ReadFile(files[i]);
      if (!gz.ok()) {
        std::fprintf(stderr, "gunzip: %s\n", gz.status().ToString().c_str());
        failed = true;
        return;
      }
      Result<std::string> json = gzip::Inflate(*gz, files[i]);
      if (!json.ok()) {
        std::fprintf(stderr, "gunzip: %s\n", json.status().ToString().c_str());
        failed = true;
        return;
      }
      totals.gzip_bytes += gz->size();
      totals.json_bytes += json->size();
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  if (failed) return 1;
  double seconds = (env->NowMicros() - start) / 1e6;
  std::printf("{\"files\":%zu,\"gzip_bytes\":%llu,\"json_bytes\":%llu,\"seconds\":%.6f}\n",
              files.size(), static_cast<unsigned long long>(totals.gzip_bytes.load()),
              static_cast<unsigned long long>(totals.json_bytes.load()), seconds);
  return 0;
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) {
  std::string dir;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (!a.empty() && a[0] != '-' && dir.empty()) {
      dir = a;
    } else {
      dir.clear();
      break;
    }
  }
  if (dir.empty() || threads < 1) {
    std::fprintf(stderr, "usage: gunzip DIR [--threads N]\n");
    return 2;
  }
  return cairn::Run(dir, threads);
}
