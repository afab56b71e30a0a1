#include "event/input_walker.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "common/thread_pool.h"
#include "event/input_reader.h"

namespace cairn {
namespace {

constexpr int kMaxFolderDepth = 64;  // a symlink loop stops here instead of recursing forever
constexpr char kStdinName[] = "<stdin>";
constexpr char kGeneratorManifestName[] = "anomalies.json";

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool IsJsonInputName(std::string_view name) {
  if (EndsWith(name, ".gz")) name.remove_suffix(3);
  return EndsWith(name, ".json") || EndsWith(name, ".jsonl") || EndsWith(name, ".ndjson");
}

// Counts digest and Insight files; returns true if `layout` is one of them.
bool SkipNonEventFile(const KeyLayout& layout, ParseSummary* summary) {
  if (layout.kind == LogFileKind::kDigest) {
    ++summary->digest_files_skipped;
    return true;
  }
  if (layout.kind == LogFileKind::kInsight) {
    ++summary->insight_files_skipped;
    return true;
  }
  return false;
}

void Walk(Env* env, const std::string& dir, int depth, std::vector<InputFile>* out,
          ParseSummary* summary) {
  if (depth > kMaxFolderDepth) {
    summary->Reject(RejectReason::kUnreadable,
                    Status::FailedPrecondition(dir + ": folders nested too deeply (a link loop?)"));
    return;
  }
  // The listing says which entries are folders: no stat per file (48k files in the 1M bench).
  Result<std::vector<Env::DirEntry>> entries = env->GetChildrenWithKinds(dir);
  if (!entries.ok()) {
    summary->Reject(RejectReason::kUnreadable, entries.status());
    return;
  }
  std::sort(entries->begin(), entries->end(),
            [](const Env::DirEntry& a, const Env::DirEntry& b) { return a.name < b.name; });
  const std::string prefix = EndsWith(dir, "/") ? dir : dir + "/";
  for (const Env::DirEntry& entry : *entries) {
    const std::string& name = entry.name;
    const std::string path = prefix + name;
    if (entry.is_directory) {
      Walk(env, path, depth + 1, out, summary);
      continue;
    }
    KeyLayout layout = ParseKeyLayout(path);
    if (SkipNonEventFile(layout, summary)) continue;
    // `cairn generate --anomalies` writes its manifest (doc/format/generator.md §6) beside the
    // AWSLogs tree: ground truth for tests, not CloudTrail records.
    if (!IsJsonInputName(name) || (depth == 0 && name == kGeneratorManifestName)) {
      ++summary->other_files_skipped;
      continue;
    }
    out->push_back(InputFile{path, std::move(layout)});
  }
}

}  // namespace

std::vector<InputFile> ExpandInputs(Env* env, const std::vector<std::string>& inputs,
                                    ParseSummary* summary) {
  std::vector<InputFile> out;
  for (const std::string& input : inputs) {
    if (input == "-") {
      out.push_back(InputFile{input, {}});
    } else if (env->IsDirectory(input)) {
      Walk(env, input, 0, &out, summary);
    } else if (env->FileExists(input)) {
      KeyLayout layout = ParseKeyLayout(input);
      if (!SkipNonEventFile(layout, summary)) out.push_back(InputFile{input, std::move(layout)});
    } else {
      summary->Reject(RejectReason::kUnreadable,
                      Status::NotFound(input + ": no such file or folder"));
    }
  }
  return out;
}

Status ParseInputs(Env* env, const std::vector<std::string>& inputs, const ParseOptions& options,
                   ParseSummary* summary, const std::function<Status(ParsedFile&)>& sink) {
  const std::vector<InputFile> files = ExpandInputs(env, inputs, summary);
  if (files.empty()) return Status::OK();
  size_t threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, files.size());
  // Runs of consecutive files per task: enough files per hand-over to make hand-overs cheap,
  // enough tasks to keep every worker busy.
  constexpr size_t kMaxRun = 32;
  const size_t run = std::clamp<size_t>(files.size() / (threads * 8), 1, kMaxRun);
  constexpr size_t kMaxQueuedParts = 2;  // per streamed file
  // A task hands over its finished files once they hold this much memory (or at its end).
  constexpr uint64_t kPublishBytes = 4 << 20;

  // Parsed files wait in their file's queue until the sink has taken every earlier file: output
  // order is input order whatever the workers' timing. Tasks start in order (the pool is FIFO),
  // so the file the sink waits for always has a worker, and that file is never held back by the
  // byte limit or kept unpublished while its worker waits: no deadlock.
  std::vector<std::deque<std::unique_ptr<ParsedFile>>> queues(files.size());
  std::mutex mu;
  std::condition_variable ready;  // files were queued
  std::condition_variable space;  // files were taken, or the run was cancelled
  size_t next_file = 0;           // the file the sink takes next
  bool cancelled = false;         // mu guards the four above
  std::vector<std::unique_ptr<RecordParser>> idle_parsers;  // one per worker, reused; under mu
  // Memory of the files parsed and not taken by the sink yet, queued or not handed over: a worker
  // waits for room before it parses another file. Lowered under mu (waiters are woken then).
  std::atomic<uint64_t> bytes_in_flight{0};
  const uint64_t max_bytes = options.max_bytes_in_flight;
  auto add_in_flight = [&](uint64_t bytes, bool taken) {
    const uint64_t now =
        taken ? bytes_in_flight.fetch_sub(bytes) - bytes : bytes_in_flight.fetch_add(bytes) + bytes;
    if (options.bytes_in_flight_gauge) options.bytes_in_flight_gauge->store(now);
  };

  auto task = [&](size_t first, size_t last) {
    std::unique_ptr<RecordParser> parser;
    {
      std::lock_guard<std::mutex> lock(mu);
      if (cancelled) return;
      if (!idle_parsers.empty()) {
        parser = std::move(idle_parsers.back());
        idle_parsers.pop_back();
      }
    }
    if (!parser) parser = std::make_unique<RecordParser>(options.record);
    // Whole files finished by this task and not handed over yet, in file order.
    std::vector<std::pair<size_t, std::unique_ptr<ParsedFile>>> pending;
    uint64_t pending_bytes = 0;
    // Queues the pending files. REQUIRES: `lock` holds mu.
    auto publish = [&](std::unique_lock<std::mutex>&) {
      if (pending.empty()) return;
      for (auto& [index, parsed] : pending) queues[index].push_back(std::move(parsed));
      pending.clear();
      pending_bytes = 0;
      ready.notify_all();
    };
    for (size_t i = first; i < last; ++i) {
      if (bytes_in_flight.load() >= max_bytes) {
        std::unique_lock<std::mutex> lock(mu);
        publish(lock);  // the sink may be waiting for one of them
        space.wait(lock, [&] {
          return cancelled || bytes_in_flight.load() < max_bytes || i == next_file;
        });
        if (cancelled) break;
      }
      const std::string name = files[i].path == "-" ? kStdinName : files[i].path;
      Status s = ReadInput(
          env, files[i].path, name, parser.get(), options.read, [&](InputPart& part) -> Status {
            auto parsed = std::make_unique<ParsedFile>();
            parsed->file = files[i];
            parsed->envelope = part.envelope;
            parsed->batch = std::move(part.batch);
            parsed->summary = std::move(part.summary);
            parsed->part = part.index;
            parsed->last_part = part.last;
            const uint64_t bytes = parsed->memory_bytes = parsed->batch.MemoryBytes();
            add_in_flight(bytes, /*taken=*/false);
            if (part.index == 0 && part.last) {  // a whole file: hand it over with the task's next
              pending_bytes += bytes;
              pending.emplace_back(i, std::move(parsed));
              if (pending_bytes < kPublishBytes) return Status::OK();
              std::unique_lock<std::mutex> lock(mu);
              publish(lock);
              return cancelled ? Status::Cancelled("parse cancelled") : Status::OK();
            }
            // A part of a streamed file: everything before it goes first, then the part itself.
            std::unique_lock<std::mutex> lock(mu);
            publish(lock);
            space.wait(lock, [&] {
              return cancelled || (queues[i].size() < kMaxQueuedParts &&
                                   (bytes_in_flight.load() - bytes < max_bytes || i == next_file));
            });
            if (cancelled) return Status::Cancelled("parse cancelled");
            queues[i].push_back(std::move(parsed));
            ready.notify_all();
            return Status::OK();
          });
      if (!s.ok()) break;  // only a cancellation: the sink's own error is what gets reported
    }
    std::unique_lock<std::mutex> lock(mu);
    publish(lock);
    idle_parsers.push_back(std::move(parser));
  };
  ThreadPool pool(threads);  // declared last: its destructor drains the tasks before the above go

  Status status;
  size_t scheduled = 0;  // files given to tasks so far
  const size_t ahead = 2 * threads * run;
  for (size_t i = 0; i < files.size() && status.ok(); ++i) {
    while (scheduled < files.size() && scheduled < i + ahead) {
      const size_t first = scheduled;
      const size_t last = std::min(files.size(), first + run);
      scheduled = last;
      pool.Schedule([&task, first, last] { task(first, last); });
    }
    bool last_part = false;
    while (!last_part && status.ok()) {
      std::unique_ptr<ParsedFile> parsed;
      {
        std::unique_lock<std::mutex> lock(mu);
        next_file = i;
        space.notify_all();  // the file the sink waits for may pass the byte limit
        ready.wait(lock, [&] { return !queues[i].empty(); });
        parsed = std::move(queues[i].front());
        queues[i].pop_front();
        add_in_flight(parsed->memory_bytes, /*taken=*/true);
        space.notify_all();
      }
      last_part = parsed->last_part;
      summary->Merge(parsed->summary);
      status = sink(*parsed);
    }
  }
  if (!status.ok()) {
    std::lock_guard<std::mutex> lock(mu);
    cancelled = true;
    space.notify_all();
  }
  return status;
}

}  // namespace cairn
