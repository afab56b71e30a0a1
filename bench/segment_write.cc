// bench/segment_write: the CPU cost and the size of writing segments, alone (no parse, no dedupe,
// no routing): the part of `cairn import` that the segment writer owns.
//
//   build/bench/segment_write --data DIR [--events N] [--segment-mb N] [--level N]
//                             [--management-only] [--own-dictionaries] [--runs N] [--out DIR]
//
// Parses the first --events events (default 300,000) of the CloudTrail files under DIR in the
// walker's order (one thread, so the order is the same every run), cuts them into segment-sized
// sets of --segment-mb MB of original records (default 72, what an import gathers for the
// organization store; its event histories gather 36 MB of management events at level 3:
// --segment-mb 36 --level 3 --management-only), and writes each set as one segment with
// WriteSegment at --level (default 6, the organization store's level) into --out (default
// /dev/shm), --runs times. The segments of a run share their trained zstd dictionaries
// (TrainedDictionaries), as a store's segments do in an import; --own-dictionaries trains them for
// every segment. Prints the writer's CPU time (this thread's), events per CPU-second,
// bytes per event and the original records' bytes per event. Files are not synced: the figure
// is the writer's CPU, not the disk's.
//
// No peer runs here: this isolates one component of the import, whose target against DuckDB is
// checked end to end by `bench/run ingest`.
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/env.h"
#include "event/input_walker.h"
#include "store/segment_writer.h"

namespace {

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  std::string data, out = "/dev/shm/cairn-segment-write";
  size_t max_events = 300000, segment_mb = 72, runs = 3;
  int level = 6;
  bool management_only = false, shared_dictionaries = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--data") {
      data = next();
    } else if (a == "--events") {
      max_events = std::stoul(next());
    } else if (a == "--segment-mb") {
      segment_mb = std::stoul(next());
    } else if (a == "--level") {
      level = std::stoi(next());
    } else if (a == "--runs") {
      runs = std::stoul(next());
    } else if (a == "--out") {
      out = next();
    } else if (a == "--management-only") {
      management_only = true;
    } else if (a == "--own-dictionaries") {
      shared_dictionaries = false;
    } else {
      std::fprintf(stderr, "unknown option %s\n", a.c_str());
      return 2;
    }
  }
  if (data.empty() || segment_mb == 0 || runs == 0) {
    std::fprintf(stderr,
                 "usage: segment_write --data DIR [--events N] [--segment-mb N] [--level N] "
                 "[--management-only] [--own-dictionaries] [--runs N] [--out DIR]\n");
    return 2;
  }
  cairn::Env* env = cairn::Env::Default();
  cairn::ParseOptions popts;
  popts.threads = 1;
  std::vector<cairn::EventBatch> batches;
  size_t events = 0;
  cairn::ParseSummary summary;
  cairn::Status s = cairn::ParseInputs(env, {data}, popts, &summary, [&](cairn::ParsedFile& f) {
    if (events >= max_events) return cairn::Status::OK();
    if (management_only) {
      cairn::EventBatch kept;
      for (const cairn::Event& e : f.batch.events) {
        if (e.management_event == cairn::OptBool::kTrue) kept.events.push_back(e);
      }
      // The kept events still point into f.batch's buffers and resources: keep it whole, and
      // drop the others by moving the kept events in.
      f.batch.events = std::move(kept.events);
    }
    events += f.batch.size();
    batches.push_back(std::move(f.batch));
    return cairn::Status::OK();
  });
  if (!s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return 1;
  }
  // Segment-sized sets of consecutive batches, as the router gathers them.
  std::vector<std::vector<const cairn::EventBatch*>> sets(1);
  size_t set_bytes = 0;
  uint64_t raw_bytes = 0;
  for (const cairn::EventBatch& b : batches) {
    size_t bytes = 0;
    for (const cairn::Event& e : b.events) bytes += e.raw.size();
    raw_bytes += bytes;
    if (set_bytes > 0 && set_bytes + bytes > (segment_mb << 20)) {
      sets.emplace_back();
      set_bytes = 0;
    }
    sets.back().push_back(&b);
    set_bytes += bytes;
  }
  std::vector<std::vector<cairn::EventRef>> refs;
  for (const auto& set : sets) refs.push_back(cairn::SortedEventRefs(set));

  env->RemoveAll(out).IgnoreError();
  if (cairn::Status c = env->CreateDirs(out); !c.ok()) {
    std::fprintf(stderr, "%s\n", c.ToString().c_str());
    return 1;
  }
  cairn::SegmentWriteOptions wopts;
  wopts.compression_level = level;
  wopts.sync = false;
  std::vector<double> cpu_runs;
  uint64_t file_bytes = 0;
  for (size_t run = 0; run < runs; ++run) {
    file_bytes = 0;
    // Each run starts without kept dictionaries, as a store opened by an import does.
    if (shared_dictionaries) wopts.dictionaries = std::make_shared<cairn::TrainedDictionaries>();
    const double c0 = ThreadCpuSeconds();
    for (size_t i = 0; i < refs.size(); ++i) {
      const std::string path = out + "/" + std::to_string(i) + ".seg";
      auto meta = cairn::WriteSegment(env, path, refs[i], wopts);
      if (!meta.ok()) {
        std::fprintf(stderr, "%s\n", meta.status().ToString().c_str());
        return 1;
      }
      file_bytes += meta->file_bytes;
    }
    cpu_runs.push_back(ThreadCpuSeconds() - c0);
  }
  env->RemoveAll(out).IgnoreError();
  std::sort(cpu_runs.begin(), cpu_runs.end());
  const double cpu = cpu_runs[cpu_runs.size() / 2];
  std::printf(
      "%zu events (%s) in %zu segments of <= %zu MB of records, zstd level %d, %s dictionaries; "
      "%zu runs\n"
      "writer CPU (median): %.3f s = %.2f us/event = %.0f events per CPU-s (min %.3f, max %.3f)\n"
      "bytes: %.2f per event on disk (%llu), original records %.1f per event\n",
      events, management_only ? "management events" : "all events", refs.size(), segment_mb, level,
      shared_dictionaries ? "shared" : "own", runs, cpu, cpu * 1e6 / events, events / cpu,
      cpu_runs.front(), cpu_runs.back(), static_cast<double>(file_bytes) / events,
      static_cast<unsigned long long>(file_bytes), static_cast<double>(raw_bytes) / events);
  return 0;
}
