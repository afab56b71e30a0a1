// `cairn import PATH... --data DIR`: loads CloudTrail logs (any envelope the parser accepts: files,
// folders, AWSLogs trees, "-" for stdin) into the organization's event data store and the event
// histories of its accounts (src/cloud/router.h), durably. Ends with a summary: events accepted,
// duplicates, rejected by reason, what went into event history.
//
// Pipeline: worker threads parse files (ParseInputs, in input order); this thread gathers the
// per-file batches into batches of --batch-events events; an appender thread routes each batch
// into the stores: by default straight into segments written by the router's writer threads
// (each event written once; accepted counts grow as segments are installed), with --via-wal
// through the stores' WAL and memtables (one WAL write and fsync per store per batch). Bounded
// queues between the stages keep memory flat whatever the input size.
// Exit 0 when every record was imported, 1 when some input was rejected or a store failed, 2 for
// usage errors.
#include <malloc.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <mutex>
#include <thread>

#include "cli/command.h"
#include "cli/data_flags.h"
#include "cloud/router.h"
#include "common/json_writer.h"
#include "common/mapped_files.h"
#include "common/progress.h"
#include "event/batch_queue.h"
#include "event/event_array_pool.h"
#include "event/input_walker.h"
#include "event/parse_summary.h"
#include "store/page_cache.h"

namespace cairn::cli {
namespace {

struct ImportArgs {
  std::vector<std::string> paths;
  DataFlags data;
  OutputFormat format = OutputFormat::kTable;
  size_t threads = 2;
  size_t batch_events = 8192;
  size_t max_errors = ParseSummary::kDefaultMaxErrors;
  bool no_flush = false;
  bool via_wal = false;
};

// The process's resident memory (/proc/self/statm), 0 if unknown.
uint64_t ResidentBytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return 0;
  unsigned long long size = 0, resident = 0;
  const int n = std::fscanf(f, "%llu %llu", &size, &resident);
  std::fclose(f);
  return n == 2 ? resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

// CAIRN_IMPORT_MEMLOG=N: every N routed batches, one line on stderr with what holds the memory
// (doc/benchmarks.md, "ingest"): the kernel's view (/proc/self/status), glibc's (mallinfo2), the
// page cache and what the router holds. For finding what grows with the input.
size_t MemLogInterval() {
  const char* v = std::getenv("CAIRN_IMPORT_MEMLOG");
  if (v == nullptr) return 0;
  char* end = nullptr;
  const unsigned long n = std::strtoul(v, &end, 10);
  return end != v && *end == '\0' ? static_cast<size_t>(n) : 0;
}

// What each stage of the import holds (bytes of EventBatch::MemoryBytes), for the memory log.
struct StageGauges {
  std::atomic<uint64_t> parse{0};          // parsed files waiting for the gathering thread
  std::atomic<uint64_t> gathered{0};       // the batch being gathered
  const EventBatchQueue* queue = nullptr;  // gathered batches waiting for the router
  const cloud::Router* router = nullptr;
  const EventArrayPool* pool = nullptr;  // idle event arrays
};

// With CAIRN_IMPORT_MEMLOG, a thread samples the resident size and the memory in use every 20 ms:
// the peaks between two log lines (segment writes come and go between them), and at the peak of
// memory in use, what each stage held then; the rest is the writers' working memory, digests,
// segment readers and the parse workers' own buffers.
struct MemPeaks {
  std::atomic<uint64_t> rss{0}, in_use{0}, in_use_at_rss{0};
  std::mutex mu;  // guards at_peak
  std::string at_peak;
};

void SampleMemory(MemPeaks* p, const StageGauges& g) {
  const struct mallinfo2 mi = mallinfo2();
  const uint64_t in_use = mi.uordblks + mi.hblkhd;
  const uint64_t rss = ResidentBytes();
  if (rss > p->rss.load()) {
    p->rss.store(rss);
    p->in_use_at_rss.store(in_use);
  }
  if (in_use > p->in_use.load()) {
    p->in_use.store(in_use);
    const cloud::RouterMemory r = g.router->HeldMemory();
    const uint64_t parse = g.parse.load(), gathered = g.gathered.load();
    const uint64_t queued = g.queue->held_bytes();
    const uint64_t pooled = g.pool->idle_bytes();
    const uint64_t known = parse + gathered + queued + r.held_org_bytes + r.held_history_bytes +
                           r.held_writing_bytes + pooled;
    constexpr double kMB = 1 << 20;
    char line[300];
    std::snprintf(line, sizeof(line),
                  "parse=%.0f gathered=%.0f queued=%.0f org_pending=%.0f history_pending=%.0f "
                  "writes=%" PRIu64 " holding %.0f, idle arrays=%.0f, rest=%.0f",
                  parse / kMB, gathered / kMB, queued / kMB, r.held_org_bytes / kMB,
                  r.held_history_bytes / kMB, r.writes_running, r.held_writing_bytes / kMB,
                  pooled / kMB, (in_use > known ? in_use - known : 0) / kMB);
    std::lock_guard<std::mutex> l(p->mu);
    p->at_peak = line;
  }
}

void LogMemory(uint64_t batches, const cloud::RouteCounts& c, const cloud::RouterMemory& m,
               MemPeaks* peaks) {
  uint64_t rss = 0, anon = 0, file = 0, hwm = 0;
  std::ifstream status("/proc/self/status");
  std::string key;
  uint64_t kb;
  while (status >> key) {
    if (key == "VmRSS:" || key == "RssAnon:" || key == "RssFile:" || key == "VmHWM:") {
      status >> kb;
      (key == "VmRSS:" ? rss : key == "RssAnon:" ? anon : key == "RssFile:" ? file : hwm) = kb;
    }
  }
  const struct mallinfo2 mi = mallinfo2();
  constexpr double kMB = 1 << 20;
  std::fprintf(stderr,
               "memlog batches=%" PRIu64 " events=%" PRIu64
               " rss=%.0f hwm=%.0f anon=%.0f file=%.0f heap_used=%.0f heap_free=%.0f "
               "mmapped=%.0f page_cache=%.0f digests=%.1f pending_history=%.0f "
               "pending_org_raw=%.0f stores=%" PRIu64 " segments=%" PRIu64
               " digest_rebuilds=%" PRIu64 " (MB)\n",
               batches, c.events, rss / 1024.0, hwm / 1024.0, anon / 1024.0, file / 1024.0,
               mi.uordblks / kMB, mi.fordblks / kMB, mi.hblkhd / kMB,
               segment::PageCache::Default().bytes() / kMB, m.key_digest_bytes / kMB,
               m.pending_history_bytes / kMB, m.pending_org_raw_bytes / kMB, m.stores, m.segments,
               m.key_digest_rebuilds);
  std::string at_peak;
  {
    std::lock_guard<std::mutex> l(peaks->mu);
    at_peak.swap(peaks->at_peak);
  }
  std::fprintf(stderr,
               "memlog   peaks since the last line: rss=%.0f (in use then %.0f) in_use=%.0f, "
               "then %s (MB)\n",
               peaks->rss.exchange(0) / kMB, peaks->in_use_at_rss.exchange(0) / kMB,
               peaks->in_use.exchange(0) / kMB, at_peak.c_str());
}

struct ImportResult {
  ParseSummary parse;
  cloud::RouteCounts routed;
  std::string org_id;
  size_t histories = 0;
  double seconds = 0;
};

std::string ResultJson(const ImportArgs& args, const ImportResult& r) {
  const ParseSummary& s = r.parse;
  const cloud::RouteCounts& c = r.routed;
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Member("data", args.data.data);
  w.Member("organization_store", r.org_id);
  w.Member("files_read", s.files_read);
  w.Member("digest_files_skipped", s.digest_files_skipped);
  w.Member("insight_files_skipped", s.insight_files_skipped);
  w.Member("other_files_skipped", s.other_files_skipped);
  w.Member("bytes_read", s.bytes_read);
  w.Member("bytes_json", s.bytes_json);
  w.Member("events", c.events);
  w.Member("accepted", c.accepted);
  w.Member("duplicates", c.duplicates);
  w.Member("rejected", s.rejected_total());
  w.Key("rejected_by_reason").BeginObject();
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    w.Member(RejectReasonName(static_cast<RejectReason>(i)), s.rejected[i]);
  }
  w.EndObject();
  w.Key("history").BeginObject();
  w.Member("stores", static_cast<uint64_t>(r.histories));
  w.Member("accepted", c.history_accepted);
  w.Member("duplicates", c.history_duplicates);
  w.Member("older_than_90_days", c.history_too_old);
  w.Member("no_account_or_region", c.history_no_key);
  w.Member("not_management_or_insight", c.not_history);
  w.EndObject();
  w.Member("seconds", r.seconds);
  w.Member("events_per_second", r.seconds > 0 ? static_cast<double>(c.events) / r.seconds : 0.0);
  w.Member("mb_per_second",
           r.seconds > 0 ? static_cast<double>(s.bytes_read) / r.seconds / 1e6 : 0.0);
  w.Key("errors").BeginArray();
  for (const std::string& e : s.errors) w.String(e);
  w.EndArray();
  w.EndObject();
  out.push_back('\n');
  return out;
}

std::string ResultTable(const ImportResult& r) {
  const ParseSummary& s = r.parse;
  const cloud::RouteCounts& c = r.routed;
  std::string out;
  auto row = [&](const std::string& label, const std::string& value) {
    char line[200];
    std::snprintf(line, sizeof(line), "%-34s %16s\n", label.c_str(), value.c_str());
    out += line;
  };
  row("files read", WithCommas(s.files_read));
  if (s.digest_files_skipped) row("digest files skipped", WithCommas(s.digest_files_skipped));
  if (s.insight_files_skipped) row("insight files skipped", WithCommas(s.insight_files_skipped));
  if (s.other_files_skipped) row("other files skipped", WithCommas(s.other_files_skipped));
  row("bytes read", WithCommas(s.bytes_read));
  row("events", WithCommas(c.events));
  row("  accepted", WithCommas(c.accepted));
  row("  duplicates", WithCommas(c.duplicates));
  row("records rejected", WithCommas(s.rejected_total()));
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    if (s.rejected[i] == 0) continue;
    row("  " + std::string(RejectReasonLabel(static_cast<RejectReason>(i))),
        WithCommas(s.rejected[i]));
  }
  row("event history: stores", WithCommas(r.histories));
  row("  accepted", WithCommas(c.history_accepted));
  row("  duplicates", WithCommas(c.history_duplicates));
  row("  not in history: data/network", WithCommas(c.not_history));
  row("  not in history: > 90 days old", WithCommas(c.history_too_old));
  row("  not in history: no account/region", WithCommas(c.history_no_key));
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.2f s", r.seconds);
  row("elapsed", buf);
  if (r.seconds > 0) {
    std::snprintf(buf, sizeof(buf), "%.0f/s", static_cast<double>(c.events) / r.seconds);
    row("events throughput", buf);
    std::snprintf(buf, sizeof(buf), "%.1f MB/s",
                  static_cast<double>(s.bytes_read) / r.seconds / 1e6);
    row("input throughput", buf);
  }
  row("organization store", r.org_id);
  return out;
}

int RunImport(const ImportArgs& args) {
  // Per-file batches (tens of KB) are allocated and freed whole: they stay in glibc's arenas.
  // Blocks of 1 MB and more (batches' event arrays, segment-writer buffers) are mapped and
  // unmapped, so they never fragment the arenas: with everything in the arenas, freed memory
  // held there made the peak RSS ~200 MB higher on the 1M import (in use at the end: 35 MB).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 64 << 20);
  // Two arenas: every store has flush and maintenance threads, and glibc's default of one arena
  // per thread (up to 8 per core) keeps each one's freed memory apart, which doubled the peak RSS.
  mallopt(M_ARENA_MAX, 2);
  // Decompressed segment pages are kept for repeated queries (src/store/page_cache.h, 1 GiB by
  // default). An import reads segment pages once (compaction inputs) or rarely (dedupe checks):
  // caching them would only grow its memory with the size of the store.
  segment::PageCache::Default().SetCapacity(16 << 20);
  // Segment files are read with pread, not mapped: the dedupe checks read blooms and blocks of
  // segments written earlier, and mapped pages stay in the RSS (~200 MB of a 10M import).
  SetMaxMappedFiles(0);

  auto data = OpenDataDir(args.data, /*create=*/true);
  if (!data.ok()) return ReportError(data.status());
  cloud::DataDir* dir = data->dir.get();
  Env* io_env =
      Env::Default();  // file reading; the stores use data->env (its clock may be --as-of)

  Progress::Options progress_options;
  progress_options.item_unit = "events";
  progress_options.quiet = !isatty(2);
  Progress progress("import", io_env, progress_options);
  Progress::Counter& accepted = progress.AddCounter("accepted");
  Progress::Counter& duplicates = progress.AddCounter("duplicates");
  Progress::Counter& rejected = progress.AddCounter("rejected");

  ImportResult result;
  result.parse.max_errors = args.max_errors;
  const int64_t start = io_env->NowMicros();

  // Direct mode: each event is written once, straight into segments (src/cloud/router.h).
  cloud::RouterOptions router_options;
  router_options.direct = !args.via_wal;
  // Two organization sets being written (~145 MB of events each) and a little gathered: with
  // both writers busy, gathering the third set ahead would hold its memory for nothing.
  router_options.direct_max_held_bytes = 320ull << 20;
  // History sets of up to 72 MB of records (the router's default 36) and 128 MB of histories'
  // events pending (64): fewer, larger history segments (1M: 29 instead of 39), 0.4 B less per
  // history event; per-segment work (dictionaries, zstd training, footers) is paid less often.
  // The sets count against direct_max_held_bytes like any other: the 10M peak stayed ~750 MiB.
  router_options.direct_history_raw_bytes = 72ull << 20;
  router_options.direct_max_pending_bytes = 128ull << 20;
  // Freed memory that glibc keeps in its arenas counts against the import's bound: once more
  // than 256 MB of it is resident, give its pages back. Judged by the resident size, not by the
  // free bytes mallinfo2 counts (those include pages given back before, and trimming for them
  // after every write made later allocations fault their pages in again: system time grew with
  // the input). Every trim gives back all free pages, which the next writes fault in again: at
  // 128 MB, trims and their faults were ~12% of the import's CPU (10M: 8.6M page faults, 135.8
  // CPU-s, peak 684 MiB; at 256 MB: 4.2M, 120.0 CPU-s, 771 MiB; doc/benchmarks.md "ingest").
  router_options.after_direct_write = [] {
    const struct mallinfo2 mi = mallinfo2();
    const uint64_t in_use = mi.uordblks + mi.hblkhd;
    const uint64_t resident = ResidentBytes();
    if (resident > in_use + (256u << 20)) malloc_trim(0);
  };
  // Event arrays of written batches, reused by the next ones (8 MB each: fresh ones are faulted
  // in page by page). At the import's peak of memory every array is in use and the pool is empty.
  EventArrayPool array_pool(64ull << 20);
  router_options.array_pool = &array_pool;
  cloud::Router router(dir, router_options);
  // One batch of 8K ~2.5 KB events (gathered to batch_events, or more when one file holds more):
  // the router's sets are the buffer between parsing and writing; this only hands over.
  EventBatchQueue queue(24ull << 20);
  StageGauges gauges;
  gauges.queue = &queue;
  gauges.router = &router;
  gauges.pool = &array_pool;
  Status append_status;
  uint64_t shown_accepted = 0, shown_duplicates = 0;
  auto show_counts = [&] {
    const cloud::RouteCounts c = router.counts();
    accepted.Add(c.accepted - shown_accepted);
    duplicates.Add(c.duplicates - shown_duplicates);
    shown_accepted = c.accepted;
    shown_duplicates = c.duplicates;
  };
  const size_t memlog_every = MemLogInterval();
  MemPeaks peaks;
  std::atomic<bool> sampling{memlog_every > 0};
  std::thread sampler([&] {
    while (sampling.load()) {
      SampleMemory(&peaks, gauges);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  std::thread appender([&] {
    EventBatch batch;
    uint64_t batches = 0;
    while (queue.Pop(&batch)) {
      if (memlog_every > 0 && batches++ % memlog_every == 0) {
        LogMemory(batches, router.counts(), router.Memory(), &peaks);
      }
      Status s = router.Route(std::move(batch));
      batch = EventBatch();
      if (!s.ok()) {
        append_status = s;
        queue.Stop();
        return;
      }
      show_counts();
    }
  });

  ParseOptions parse_options;
  parse_options.threads = args.threads;
  // Parsed files waiting to be gathered: enough to keep the parse workers busy while the gathering
  // thread waits for the router; the router's sets hold the bulk of the import's memory.
  parse_options.max_bytes_in_flight = 16 << 20;
  parse_options.bytes_in_flight_gauge = &gauges.parse;
  // Room for a whole batch up front, and a file that would not fit starts the next batch: the
  // array never grows (growing by doubling would leave up to half of it unused).
  const size_t batch_capacity = args.batch_events + 256;
  EventBatch gathered;
  gathered.events = array_pool.Take(batch_capacity);
  uint64_t gathered_bytes = 0;
  auto push_gathered = [&]() -> bool {
    gauges.gathered.store(0);
    if (!queue.Push(std::move(gathered))) return false;
    gathered = EventBatch();
    gathered.events = array_pool.Take(batch_capacity);
    gathered_bytes = 0;
    return true;
  };
  Status st =
      ParseInputs(io_env, args.paths, parse_options, &result.parse, [&](ParsedFile& f) -> Status {
        progress.AddItems(f.batch.size());
        progress.AddBytes(f.summary.bytes_read);
        rejected.Add(f.summary.rejected_total());
        if (gathered.size() > 0 && gathered.size() + f.batch.size() > batch_capacity) {
          if (!push_gathered()) return Status::Aborted("import stopped");
        }
        if (gathered.size() == 0 && f.batch.size() >= args.batch_events) {
          // A file of a batch or more goes as it is, without copying its events.
          if (!queue.Push(std::move(f.batch))) return Status::Aborted("import stopped");
          return Status::OK();
        }
        gathered_bytes += f.memory_bytes - f.batch.events.capacity() * sizeof(Event);
        gathered.Absorb(std::move(f.batch));
        gauges.gathered.store(gathered_bytes + gathered.events.capacity() * sizeof(Event));
        if (gathered.size() >= args.batch_events && !push_gathered()) {
          return Status::Aborted("import stopped");
        }
        return Status::OK();
      });
  if (st.ok() && gathered.size() > 0) push_gathered();
  queue.Close();
  appender.join();
  sampling.store(false);
  sampler.join();
  if (st.ok() || st.code() == StatusCode::kAborted) st = append_status;
  if (st.ok()) st = router.Flush();
  router.Stop();  // no segment write may outlive the stores
  show_counts();
  if (st.ok() && !args.no_flush) st = dir->FlushOpenStores();
  if (memlog_every > 0) {
    std::fprintf(stderr, "memlog at the end, stores still open:\n");
    LogMemory(0, router.counts(), router.Memory(), &peaks);
  }
  if (st.ok()) {
    auto org = dir->OrganizationStore(/*create=*/false);
    result.org_id = org.ok() ? org->id : "";
  }
  if (st.ok()) {
    auto stores = dir->ListStores();
    if (stores.ok()) {
      for (const auto& s : *stores) result.histories += s.kind == cloud::StoreKind::kHistory;
    }
  }
  Status closed = dir->Close();
  if (st.ok()) st = closed;
  result.routed = router.counts();
  result.seconds = static_cast<double>(io_env->NowMicros() - start) / 1e6;
  progress.Finish();

  for (const std::string& e : result.parse.errors)
    std::fprintf(stderr, "cairn: import: %s\n", e.c_str());
  if (result.parse.rejected_total() > result.parse.errors.size()) {
    std::fprintf(stderr, "cairn: import: ... and %" PRIu64 " more rejections\n",
                 result.parse.rejected_total() - result.parse.errors.size());
  }
  if (!st.ok()) {
    // Events acknowledged before the failure are durable; say what was done, then fail.
    std::fputs(ResultTable(result).c_str(), stderr);
    return ReportError(st.code() == StatusCode::kInvalidArgument
                           ? Status(StatusCode::kInternal, st.message())
                           : st);
  }
  const std::string report =
      args.format == OutputFormat::kJson ? ResultJson(args, result) : ResultTable(result);
  std::fputs(report.c_str(), stdout);
  std::fflush(stdout);
  return result.parse.clean() ? kExitOk : kExitFailed;
}

std::function<int()> SetupImport(CLI::App* cmd) {
  auto args = std::make_shared<ImportArgs>();
  cmd->add_option("paths", args->paths,
                  "Files, folders (walked recursively, AWSLogs trees included) or - for stdin")
      ->required();
  AddDataFlags(cmd, &args->data);
  AddFormatOption(cmd, &args->format);
  cmd->add_option("--threads", args->threads, "Files parsed at once (default 2)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--batch-events", args->batch_events,
                  "Events per store append (one WAL fsync each; default 8192)")
      ->check(CLI::Range(1, 1 << 20));
  cmd->add_option("--max-errors", args->max_errors, "Error messages to show (default 20)");
  cmd->add_flag("--via-wal", args->via_wal,
                "Append through the write-ahead logs and memtables (as the API does) instead of "
                "writing segments directly");
  cmd->add_flag("--no-flush", args->no_flush,
                "With --via-wal: leave the last events in the write-ahead logs instead of writing "
                "segments at the end");
  return [args] { return RunImport(*args); };
}

}  // namespace
CAIRN_REGISTER_COMMAND(
    import, "import",
    "Load CloudTrail logs into the organization's event data store and event history", SetupImport)
}  // namespace cairn::cli
