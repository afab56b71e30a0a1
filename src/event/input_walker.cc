#include "event/input_walker.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
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

// Reads all of stdin through the Env (so tests can substitute it).
Result<std::string> ReadStdin(Env* env) {
  ASSIGN_OR_RETURN(std::unique_ptr<SequentialFile> in, env->NewSequentialFile("/dev/stdin"));
  std::string data;
  std::string scratch(1 << 20, '\0');
  while (true) {
    ASSIGN_OR_RETURN(std::string_view got, in->Read(scratch.size(), scratch.data()));
    if (got.empty()) break;
    data.append(got);
  }
  return data;
}

void ParseOne(Env* env, const InputFile& file, RecordParser* parser, ParsedFile* out) {
  out->file = file;
  if (file.path == "-") {
    Result<std::string> data = ReadStdin(env);
    if (!data.ok()) {
      ++out->summary.files_read;
      out->summary.Reject(RejectReason::kUnreadable, data.status().WithPrefix(kStdinName));
      return;
    }
    out->envelope = ParseInputBytes(std::move(*data), kStdinName, parser, &out->batch, &out->summary);
    return;
  }
  out->envelope = ParseInputFile(env, file.path, parser, &out->batch, &out->summary);
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

  // Results wait in their slot until the sink has taken every earlier file: output order is
  // input order whatever the workers' timing.
  std::vector<std::unique_ptr<ParsedFile>> slots(files.size());
  std::mutex mu;
  std::condition_variable ready;
  std::vector<std::unique_ptr<RecordParser>> idle_parsers;  // one per worker, reused
  std::atomic<bool> cancelled{false};
  ThreadPool pool(threads);  // declared last: its destructor drains the tasks before the above go

  auto schedule = [&](size_t i) {
    pool.Schedule([&, i] {
      auto result = std::make_unique<ParsedFile>();
      if (!cancelled.load(std::memory_order_relaxed)) {
        std::unique_ptr<RecordParser> parser;
        {
          std::lock_guard<std::mutex> lock(mu);
          if (!idle_parsers.empty()) {
            parser = std::move(idle_parsers.back());
            idle_parsers.pop_back();
          }
        }
        if (!parser) parser = std::make_unique<RecordParser>(options.record);
        ParseOne(env, files[i], parser.get(), result.get());
        std::lock_guard<std::mutex> lock(mu);
        idle_parsers.push_back(std::move(parser));
      }
      std::lock_guard<std::mutex> lock(mu);
      slots[i] = std::move(result);
      ready.notify_all();
    });
  };

  Status status;
  size_t scheduled = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    while (scheduled < files.size() && scheduled < i + window) schedule(scheduled++);
    std::unique_ptr<ParsedFile> parsed;
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return slots[i] != nullptr; });
      parsed = std::move(slots[i]);
    }
    summary->Merge(parsed->summary);
    status = sink(*parsed);
    if (!status.ok()) {
      cancelled = true;
      break;
    }
  }
  return status;
}

}  // namespace cairn
