// `cairn parse PATH... [--records] [--format table|json] [--threads N]`: parses CloudTrail inputs
// (files, folders, "-" for stdin; any envelope of doc/format/input.md) and reports what was
// accepted and rejected. With --records the parsed records go to stdout as NDJSON, one compact
// record per line, and the summary goes to stderr.
// Exit 0 when nothing was rejected, 1 when some input was rejected, 2 for usage errors.
#include <malloc.h>
#include <simdjson.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/command.h"
#include "common/env.h"
#include "common/json_writer.h"
#include "common/progress.h"
#include "event/input_walker.h"
#include "event/parse_summary.h"

namespace cairn::cli {
namespace {

struct ParseArgs {
  std::vector<std::string> paths;
  bool records = false;
  OutputFormat format = OutputFormat::kTable;
  size_t threads = 0;
  size_t max_record_bytes = RecordParserOptions().max_record_bytes;
  size_t max_errors = ParseSummary::kDefaultMaxErrors;
};

std::string WithCommas(uint64_t v) {
  std::string s = std::to_string(v);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

std::string SummaryJson(const ParseSummary& s, double seconds) {
  std::string out;
  JsonWriter w(&out, 2);
  w.BeginObject();
  w.Member("events", s.accepted);
  w.Member("accepted", s.accepted);
  w.Member("rejected", s.rejected_total());
  w.Key("rejected_by_reason").BeginObject();
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    w.Member(RejectReasonName(static_cast<RejectReason>(i)), s.rejected[i]);
  }
  w.EndObject();
  w.Member("files_read", s.files_read);
  w.Member("digest_files_skipped", s.digest_files_skipped);
  w.Member("insight_files_skipped", s.insight_files_skipped);
  w.Member("other_files_skipped", s.other_files_skipped);
  w.Member("bytes_read", s.bytes_read);
  w.Member("bytes_json", s.bytes_json);
  w.Member("seconds", seconds);
  w.Key("errors").BeginArray();
  for (const std::string& e : s.errors) w.String(e);
  w.EndArray();
  w.Member("errors_truncated", s.rejected_total() > s.errors.size());
  w.EndObject();
  out.push_back('\n');
  return out;
}

std::string SummaryTable(const ParseSummary& s, double seconds) {
  std::string out;
  auto row = [&](const std::string& label, const std::string& value) {
    char line[160];
    std::snprintf(line, sizeof(line), "%-26s %16s\n", label.c_str(), value.c_str());
    out += line;
  };
  row("files read", WithCommas(s.files_read));
  if (s.digest_files_skipped) row("digest files skipped", WithCommas(s.digest_files_skipped));
  if (s.insight_files_skipped) row("insight files skipped", WithCommas(s.insight_files_skipped));
  if (s.other_files_skipped) row("other files skipped", WithCommas(s.other_files_skipped));
  row("bytes read", WithCommas(s.bytes_read));
  row("bytes of JSON", WithCommas(s.bytes_json));
  row("records accepted", WithCommas(s.accepted));
  row("records rejected", WithCommas(s.rejected_total()));
  for (size_t i = 0; i < kRejectReasonCount; ++i) {
    if (s.rejected[i] == 0) continue;
    row("  " + std::string(RejectReasonLabel(static_cast<RejectReason>(i))),
        WithCommas(s.rejected[i]));
  }
  char rate[96];
  std::snprintf(rate, sizeof(rate), "%.3f s", seconds);
  row("elapsed", rate);
  if (seconds > 0) {
    std::snprintf(rate, sizeof(rate), "%.0f MB/s",
                  static_cast<double>(s.bytes_json) / seconds / 1e6);
    row("JSON throughput", rate);
    std::snprintf(rate, sizeof(rate), "%.0f/s", static_cast<double>(s.accepted) / seconds);
    row("records throughput", rate);
  }
  return out;
}

// Appends each accepted record of `f`, compact, one per line.
Status WriteRecords(const ParsedFile& f, std::string* buffer) {
  buffer->clear();
  for (const Event& e : f.batch.events) {
    const size_t at = buffer->size();
    buffer->resize(at + e.raw.size() + 1);
    size_t len = 0;
    if (simdjson::minify(e.raw.data(), e.raw.size(), buffer->data() + at, len) !=
        simdjson::SUCCESS) {
      std::memcpy(buffer->data() + at, e.raw.data(),
                  e.raw.size());  // parsed, so valid: not reached
      len = e.raw.size();
    }
    buffer->resize(at + len);
    buffer->push_back('\n');
  }
  if (!buffer->empty() &&
      std::fwrite(buffer->data(), 1, buffer->size(), stdout) != buffer->size()) {
    return Status::Unavailable("stdout: write failed");
  }
  return Status::OK();
}

int RunParse(const ParseArgs& args) {
  // Each file's batch is allocated and freed whole; without this glibc hands the memory back to
  // the kernel after every file and faults it in again for the next (measured: ~2x slower).
  mallopt(M_MMAP_THRESHOLD, 256 << 20);
  mallopt(M_TRIM_THRESHOLD, 512 << 20);

  Env* env = Env::Default();
  ParseOptions options;
  options.threads = args.threads;
  options.record.max_record_bytes = args.max_record_bytes;
  ParseSummary summary;
  summary.max_errors = args.max_errors;

  Progress::Options progress_options;
  progress_options.item_unit = "files";
  progress_options.quiet = !isatty(2);
  Progress progress("parse", env, progress_options);
  Progress::Counter& accepted = progress.AddCounter("accepted");
  Progress::Counter& rejected = progress.AddCounter("rejected");

  const int64_t start = env->NowMicros();
  std::string buffer;
  Status st = ParseInputs(env, args.paths, options, &summary, [&](ParsedFile& f) -> Status {
    if (f.last_part) progress.AddItems();
    progress.AddBytes(f.summary.bytes_read);
    accepted.Add(f.summary.accepted);
    rejected.Add(f.summary.rejected_total());
    if (args.records) return WriteRecords(f, &buffer);
    return Status::OK();
  });
  if (args.records) std::fflush(stdout);
  const double seconds = static_cast<double>(env->NowMicros() - start) / 1e6;
  progress.Finish();

  for (const std::string& e : summary.errors) std::fprintf(stderr, "cairn: parse: %s\n", e.c_str());
  if (summary.rejected_total() > summary.errors.size()) {
    std::fprintf(stderr, "cairn: parse: ... and %" PRIu64 " more rejections\n",
                 summary.rejected_total() - summary.errors.size());
  }
  std::string report = args.format == OutputFormat::kJson ? SummaryJson(summary, seconds)
                                                          : SummaryTable(summary, seconds);
  std::fputs(report.c_str(), args.records ? stderr : stdout);
  std::fflush(stdout);
  if (!st.ok()) return ReportError(Status(StatusCode::kUnavailable, st.message()));
  return summary.clean() ? kExitOk : kExitFailed;
}

std::function<int()> SetupParse(CLI::App* cmd) {
  auto args = std::make_shared<ParseArgs>();
  cmd->add_option("paths", args->paths,
                  "Files, folders (walked recursively) or - for stdin; gzip or plain JSON")
      ->required();
  cmd->add_flag("--records", args->records,
                "Print the parsed records to stdout as NDJSON (summary goes to stderr)");
  AddFormatOption(cmd, &args->format);
  cmd->add_option("--threads", args->threads, "Files parsed at once (default: one per core)")
      ->check(CLI::Range(0, 1024));
  cmd->add_option("--max-record-bytes", args->max_record_bytes,
                  "Reject records larger than this (default 1048576)")
      ->check(CLI::Range(1024, 1 << 30));
  cmd->add_option("--max-errors", args->max_errors, "Error messages to show (default 20)");
  return [args] { return RunParse(*args); };
}

}  // namespace
CAIRN_REGISTER_COMMAND(parse, "parse", "Parse CloudTrail log files and report what was accepted",
                       SetupParse)
}  // namespace cairn::cli
