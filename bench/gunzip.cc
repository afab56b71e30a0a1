// bench/gunzip.cc — decompresses every *.json.gz under a folder, in memory, and prints the bytes.
//
// The "gunzip only" half of `bench/run parse`: the same inflate cairn's parser uses
// (cairn::gzip::Inflate, libdeflate), files read through Env, spread over --threads workers that
// take files in turn. Nothing is written; the output of each file is discarded once counted.
// --inflater isal|zlib decodes with ISA-L's igzip or zlib instead (whole single-member files,
// output sized by the ISIZE trailer): how fast the other inflaters on the machine are on the same
// files, which bounds what any parser built on them can reach (doc/benchmarks.md, parse).
//
//   build/bench/gunzip DIR [--threads N] [--inflater libdeflate|isal|zlib]
//   {"files":N,"gzip_bytes":N,"json_bytes":N,"seconds":S,"cpu_seconds":S,"inflater":"..."}
//
// Exit 1 (naming the file) if any file fails to read or inflate; 2 for usage errors.
#include <isa-l/igzip_lib.h>
#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "common/gzip.h"
#include "common/status.h"

namespace cairn {
namespace {

Status ListLogFiles(Env* env, const std::string& dir, std::vector<std::string>* out) {
  ASSIGN_OR_RETURN(std::vector<Env::DirEntry> entries, env->GetChildrenWithKinds(dir));
  std::sort(entries.begin(), entries.end(),
            [](const Env::DirEntry& a, const Env::DirEntry& b) { return a.name < b.name; });
  for (const Env::DirEntry& e : entries) {
    std::string path = dir + "/" + e.name;
    if (e.is_directory) {
      if (e.name == "CloudTrail-Digest") continue;  // digests hold no records
      RETURN_IF_ERROR(ListLogFiles(env, path, out));
    } else if (e.name.size() > 8 && e.name.compare(e.name.size() - 8, 8, ".json.gz") == 0) {
      out->push_back(std::move(path));
    }
  }
  return Status::OK();
}

enum class Inflater { kLibdeflate, kIsal, kZlib };

// The output size a single-member gzip file announces (ISIZE, the last four bytes).
size_t IsizeOf(const std::string& gz) {
  if (gz.size() < 18) return 0;
  const auto* b = reinterpret_cast<const unsigned char*>(gz.data() + gz.size() - 4);
  return b[0] | b[1] << 8 | b[2] << 16 | static_cast<size_t>(b[3]) << 24;
}

// Decodes one whole single-member file with ISA-L or zlib into `out` (resized to ISIZE); returns
// the bytes produced, or -1 if the file did not decode to exactly that.
long InflateOther(Inflater which, const std::string& gz, std::string* out) {
  const size_t n = IsizeOf(gz);
  if (out->size() < n) out->resize(n);
  if (which == Inflater::kIsal) {
    inflate_state st;
    isal_inflate_init(&st);
    st.crc_flag = ISAL_GZIP;
    st.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(gz.data()));
    st.avail_in = static_cast<uint32_t>(gz.size());
    st.next_out = reinterpret_cast<uint8_t*>(out->data());
    st.avail_out = static_cast<uint32_t>(n);
    if (isal_inflate_stateless(&st) != ISAL_DECOMP_OK || st.total_out != n) return -1;
    return static_cast<long>(n);
  }
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return -1;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  z.next_out = reinterpret_cast<Bytef*>(out->data());
  z.avail_out = static_cast<uInt>(n);
  const int rc = inflate(&z, Z_FINISH);
  const uLong got = z.total_out;
  inflateEnd(&z);
  return rc == Z_STREAM_END && got == n ? static_cast<long>(n) : -1;
}

struct Totals {
  std::atomic<uint64_t> gzip_bytes{0};
  std::atomic<uint64_t> json_bytes{0};
};

double CpuSeconds() {
  rusage r;
  getrusage(RUSAGE_SELF, &r);
  return r.ru_utime.tv_sec + r.ru_stime.tv_sec + (r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e6;
}

int Run(const std::string& dir, int threads, Inflater inflater, const char* inflater_name) {
  Env* env = Env::Default();
  std::vector<std::string> files;
  if (Status s = ListLogFiles(env, dir, &files); !s.ok()) {
    std::fprintf(stderr, "gunzip: %s\n", s.ToString().c_str());
    return 1;
  }
  int64_t start = env->NowMicros();
  const double cpu_start = CpuSeconds();
  Totals totals;
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  auto worker = [&] {
    std::string scratch;
    while (!failed.load(std::memory_order_relaxed)) {
      size_t i = next.fetch_add(1);
      if (i >= files.size()) return;
      Result<std::string> gz = env->ReadFile(files[i]);
      if (!gz.ok()) {
        std::fprintf(stderr, "gunzip: %s\n", gz.status().ToString().c_str());
        failed = true;
        return;
      }
      size_t json_size = 0;
      if (inflater == Inflater::kLibdeflate) {
        Result<std::string> json = gzip::Inflate(*gz, files[i]);
        if (!json.ok()) {
          std::fprintf(stderr, "gunzip: %s\n", json.status().ToString().c_str());
          failed = true;
          return;
        }
        json_size = json->size();
      } else {
        const long n = InflateOther(inflater, *gz, &scratch);
        if (n < 0) {
          std::fprintf(stderr, "gunzip: %s: %s could not decode it as one gzip member\n",
                       files[i].c_str(), inflater_name);
          failed = true;
          return;
        }
        json_size = static_cast<size_t>(n);
      }
      totals.gzip_bytes += gz->size();
      totals.json_bytes += json_size;
    }
  };
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (std::thread& t : pool) t.join();
  if (failed) return 1;
  double seconds = (env->NowMicros() - start) / 1e6;
  std::printf(
      "{\"files\":%zu,\"gzip_bytes\":%llu,\"json_bytes\":%llu,\"seconds\":%.6f,"
      "\"cpu_seconds\":%.6f,\"inflater\":\"%s\"}\n",
      files.size(), static_cast<unsigned long long>(totals.gzip_bytes.load()),
      static_cast<unsigned long long>(totals.json_bytes.load()), seconds, CpuSeconds() - cpu_start,
      inflater_name);
  return 0;
}

}  // namespace
}  // namespace cairn

int main(int argc, char** argv) {
  std::string dir;
  int threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  std::string inflater = "libdeflate";
  bool usage = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else if (a == "--inflater" && i + 1 < argc) {
      inflater = argv[++i];
    } else if (!a.empty() && a[0] != '-' && dir.empty()) {
      dir = a;
    } else {
      usage = true;
    }
  }
  cairn::Inflater which = cairn::Inflater::kLibdeflate;
  if (inflater == "isal") {
    which = cairn::Inflater::kIsal;
  } else if (inflater == "zlib") {
    which = cairn::Inflater::kZlib;
  } else if (inflater != "libdeflate") {
    usage = true;
  }
  if (usage || dir.empty() || threads < 1) {
    std::fprintf(stderr, "usage: gunzip DIR [--threads N] [--inflater libdeflate|isal|zlib]\n");
    return 2;
  }
  return cairn::Run(dir, threads, which, inflater.c_str());
}
