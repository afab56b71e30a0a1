// bench/store_ingest: durable import throughput of the event store, end to end.
//
//   build/bench/store_ingest --data DIR [--store DIR] [--parse-threads N] [--appenders N]
//                            [--memtable-mb N] [--parse-only] [--no-compaction]
//
// Reads every CloudTrail file under DIR (as `cairn generate` writes them) with the input walker
// (gunzip + parse on --parse-threads workers), and appends each file's batch to a fresh store on
// the real file system from --appenders threads (so group commit can share fsyncs), then flushes.
// Prints events/s for parsing alone and for the whole import, the store's shape and the peak RSS.
// The time includes the final Flush, so every event is in a segment when the clock stops.
#include <sys/resource.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "event/input_walker.h"
#include "store/event_store.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec +
         ru.ru_stime.tv_usec / 1e6;
}

long PeakRssMb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

// A bounded hand-off from the parse sink to the appenders.
class BatchQueue {
 public:
  explicit BatchQueue(size_t cap) : cap_(cap) {}
  void Push(cairn::EventBatch b) {
    std::unique_lock<std::mutex> l(mu_);
    not_full_.wait(l, [&] { return q_.size() < cap_; });
    q_.push_back(std::move(b));
    not_empty_.notify_one();
  }
  std::optional<cairn::EventBatch> Pop() {
    std::unique_lock<std::mutex> l(mu_);
    not_empty_.wait(l, [&] { return !q_.empty() || done_; });
    if (q_.empty()) return std::nullopt;
    cairn::EventBatch b = std::move(q_.front());
    q_.pop_front();
    not_full_.notify_one();
    return b;
  }
  void Done() {
    std::lock_guard<std::mutex> l(mu_);
    done_ = true;
    not_empty_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<cairn::EventBatch> q_;
  size_t cap_;
  bool done_ = false;
};

}  // namespace

int main(int argc, char** argv) {
  std::string data, store_dir = "/tmp/cairn-bench-store";
  size_t parse_threads = 2, appenders = 4, memtable_mb = 64;
  bool parse_only = false, no_compaction = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data")
      data = next();
    else if (a == "--store")
      store_dir = next();
    else if (a == "--parse-threads")
      parse_threads = std::stoul(next());
    else if (a == "--appenders")
      appenders = std::stoul(next());
    else if (a == "--memtable-mb")
      memtable_mb = std::stoul(next());
    else if (a == "--parse-only")
      parse_only = true;
    else if (a == "--no-compaction")
      no_compaction = true;
    else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (data.empty()) {
    std::fprintf(stderr,
                 "usage: store_ingest --data DIR [--store DIR] [--parse-threads N] "
                 "[--appenders N] [--memtable-mb N] [--parse-only] [--no-compaction]\n");
    return 2;
  }
  cairn::Env* env = cairn::Env::Default();
  cairn::ParseOptions popts;
  popts.threads = parse_threads;

  {
    cairn::ParseSummary summary;
    const double c0 = CpuSeconds();
    auto t0 = Clock::now();
    cairn::Status s = cairn::ParseInputs(env, {data}, popts, &summary,
                                         [](cairn::ParsedFile&) { return cairn::Status::OK(); });
    auto t1 = Clock::now();
    const double cpu = CpuSeconds() - c0;
    if (!s.ok()) {
      std::fprintf(stderr, "%s\n", s.ToString().c_str());
      return 1;
    }
    std::printf(
        "parse only:  %llu events in %.2f s = %.0f events/s (%llu MB JSON), CPU %.2f s = "
        "%.2f us/event\n",
        static_cast<unsigned long long>(summary.accepted), Seconds(t0, t1),
        summary.accepted / Seconds(t0, t1),
        static_cast<unsigned long long>(summary.bytes_json >> 20), cpu,
        cpu * 1e6 / summary.accepted);
  }
  if (parse_only) return 0;

  env->RemoveAll(store_dir).IgnoreError();
  cairn::StoreOptions sopts;
  sopts.settings = {"bench", "event-data-store", 3653};
  sopts.memtable_bytes = memtable_mb << 20;
  sopts.background_maintenance = !no_compaction;
  auto store = cairn::EventStore::Create(env, store_dir, sopts);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  BatchQueue queue(appenders * 2);
  std::atomic<uint64_t> accepted{0}, appends{0};
  std::atomic<bool> failed{false};
  std::vector<std::thread> workers;
  for (size_t i = 0; i < appenders; ++i) {
    workers.emplace_back([&] {
      while (auto b = queue.Pop()) {
        auto r = (*store)->Append(std::move(*b));
        if (!r.ok()) {
          std::fprintf(stderr, "append: %s\n", r.status().ToString().c_str());
          failed = true;
          continue;
        }
        accepted += r->accepted;
        ++appends;
      }
    });
  }
  cairn::ParseSummary summary;
  const double c0 = CpuSeconds();
  auto t0 = Clock::now();
  cairn::Status s = cairn::ParseInputs(env, {data}, popts, &summary, [&](cairn::ParsedFile& f) {
    queue.Push(std::move(f.batch));
    return cairn::Status::OK();
  });
  queue.Done();
  for (auto& w : workers) w.join();
  auto t_appended = Clock::now();
  cairn::Status fs = (*store)->Flush();
  auto t1 = Clock::now();
  const double cpu = CpuSeconds() - c0;
  if (!s.ok() || !fs.ok() || failed) {
    std::fprintf(stderr, "import failed: %s / %s\n", s.ToString().c_str(), fs.ToString().c_str());
    return 1;
  }
  cairn::StoreStats st = (*store)->Stats();
  std::printf(
      "import:      %llu events in %.2f s = %.0f events/s durable (appends done at %.2f s, "
      "%llu appends)\n",
      static_cast<unsigned long long>(accepted.load()), Seconds(t0, t1), accepted / Seconds(t0, t1),
      Seconds(t0, t_appended), static_cast<unsigned long long>(appends.load()));
  std::printf(
      "CPU:         %.2f s = %.2f us/event (all threads: parse, WAL, memtable, flushes, "
      "compactions); CPU-bound ceiling on 2 idle cores: %.0f events/s\n",
      cpu, cpu * 1e6 / accepted, 2 * accepted / cpu);
  std::printf("store:       %llu segments, %llu MB on disk, %llu flushes, %llu compactions\n",
              static_cast<unsigned long long>(st.segment_count),
              static_cast<unsigned long long>(st.bytes_on_disk >> 20),
              static_cast<unsigned long long>(st.flushes),
              static_cast<unsigned long long>(st.compactions));
  std::printf("peak RSS:    %ld MB\n", PeakRssMb());
  cairn::Status cs = (*store)->Close();
  if (!cs.ok()) std::fprintf(stderr, "close: %s\n", cs.ToString().c_str());
  store->reset();
  env->RemoveAll(store_dir).IgnoreError();
  return 0;
}
