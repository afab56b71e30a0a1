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
  Result<std::vector<std::string>> names = env->GetChildren(dir);
  if (!names.ok()) {
    summary->Reject(RejectReason::kUnreadable, names.status());
    return;
  }
  std::sort(names->begin(), names->end());
  const std::string prefix = EndsWith(dir, "/") ? dir : dir + "/";
  for (const std::string& name : *names) {
    const std::string path = prefix + name;
    if (env->IsDirectory(path)) {
      Walk(env, path, depth + 1, out, summary);
      continue;
    }
    KeyLayout layout = ParseKeyLayout(path);
    if (SkipNonEventFile(layout, summary)) continue;
    if (!IsJsonInputName(name)) {
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
  const size_t window = options.max_in_flight ? options.max_in_flight : 2 * threads;
  constexpr size_t kMaxQueuedParts = 2;

  // Parts wait in their file's queue until the sink has taken every earlier file: output order is
  // input order whatever the workers' timing. Tasks start in file order (the pool is FIFO), so the
  // file the sink waits for always has a worker.
  std::vector<std::deque<std::unique_ptr<ParsedFile>>> queues(files.size());
  std::mutex mu;
  std::condition_variable ready;  // a part was queued
  std::condition_variable space;  // a part was taken, or the run was cancelled
  std::vector<std::unique_ptr<RecordParser>> idle_parsers;  // one per worker, reused
  bool cancelled = false;  // guarded by mu

  auto task = [&](size_t i) {
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
    const std::string name = files[i].path == "-" ? kStdinName : files[i].path;
    Status s = ReadInput(env, files[i].path, name, parser.get(), options.read,
                         [&](InputPart& part) -> Status {
      auto parsed = std::make_unique<ParsedFile>();
      parsed->file = files[i];
      parsed->envelope = part.envelope;
      parsed->batch = std::move(part.batch);
      parsed->summary = std::move(part.summary);
      parsed->part = part.index;
      parsed->last_part = part.last;
      std::unique_lock<std::mutex> lock(mu);
      space.wait(lock, [&] { return cancelled || queues[i].size() < kMaxQueuedParts; });
      if (cancelled) return Status::Cancelled("parse cancelled");
      queues[i].push_back(std::move(parsed));
      ready.notify_all();
      return Status::OK();
    });
    s.IgnoreError();  // only the cancellation above, which the sink's error already reports
    std::lock_guard<std::mutex> lock(mu);
    idle_parsers.push_back(std::move(parser));
  };
  ThreadPool pool(threads);  // declared last: its destructor drains the tasks before the above go

  Status status;
  size_t scheduled = 0;
  for (size_t i = 0; i < files.size() && status.ok(); ++i) {
    while (scheduled < files.size() && scheduled < i + window) {
      const size_t j = scheduled++;
      pool.Schedule([&task, j] { task(j); });
    }
    bool last = false;
    while (!last && status.ok()) {
      std::unique_ptr<ParsedFile> parsed;
      {
        std::unique_lock<std::mutex> lock(mu);
        ready.wait(lock, [&] { return !queues[i].empty(); });
        parsed = std::move(queues[i].front());
        queues[i].pop_front();
        space.notify_all();
      }
      last = parsed->last_part;
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
