// `cairn generate`: writes a synthetic organization's CloudTrail log files (see
// src/event/generator/generator.h and doc/format/generator.md).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/command.h"
#include "common/env.h"
#include "event/generator/generator.h"
#include "event/generator/text_util.h"

namespace cairn::cli {
namespace {

struct GenerateArgs {
  gen::GenerateOptions options;
  std::string end;  // YYYY-MM-DD, empty: today (UTC)
  OutputFormat format = OutputFormat::kTable;
};

// Parses --end: "YYYY-MM-DD" (midnight UTC), "YYYY-MM-DDTHH:MMZ" or "YYYY-MM-DDTHH:MM:SSZ", into
// seconds since the epoch.
Result<int64_t> ParseEnd(const std::string& s) {
  auto bad = [&] {
    return Status::InvalidArgument(
        "--end: expected YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS]Z (UTC), got '" + s + "'");
  };
  auto digits = [&](size_t at, size_t n, int* v) {
    if (at + n > s.size()) return false;
    *v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      *v = *v * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, mo, d, h = 0, mi = 0, se = 0;
  if (!digits(0, 4, &y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, &mo) || s[7] != '-' ||
      !digits(8, 2, &d)) {
    return bad();
  }
  if (s.size() > 10) {
    const bool with_seconds = s.size() == 20;
    if ((s.size() != 17 && !with_seconds) || s[10] != 'T' || !digits(11, 2, &h) || s[13] != ':' ||
        !digits(14, 2, &mi) || (with_seconds && (s[16] != ':' || !digits(17, 2, &se))) ||
        s.back() != 'Z' || h > 23 || mi > 59 || se > 59) {
      return bad();
    }
  }
  if (y < 1971 || mo < 1 || mo > 12 || d < 1 || d > 31) return bad();
  const int64_t days = gen::DaysFromCivil(y, mo, d);
  if (gen::ToCivil(days * gen::kSecondsPerDay).day != d) {
    return Status::InvalidArgument("--end: no such date: " + s);
  }
  return days * gen::kSecondsPerDay + h * 3600 + mi * 60 + se;
}

std::string IsoTime(int64_t t) {
  std::string s;
  gen::AppendIsoTime(&s, t);
  return s;
}

std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

std::string JsonCounts(const std::map<std::string, uint64_t>& m) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : m) {
    if (!first) out += ",";
    first = false;
    out += JsonString(k) + ":" + std::to_string(v);
  }
  return out + "}";
}

void PrintJson(const GenerateArgs& args, const gen::GenerateSummary& s, double seconds) {
  const double n = s.records > 0 ? static_cast<double>(s.records) : 1.0;
  std::string out = "{\"out\":" + JsonString(args.options.out_dir) +
                    ",\"organizationId\":" + JsonString(s.organization_id) + ",\"accounts\":[";
  for (size_t i = 0; i < s.accounts.size(); ++i) {
    if (i > 0) out += ",";
    out += "{\"id\":" + JsonString(s.accounts[i].first) +
           ",\"name\":" + JsonString(s.accounts[i].second) +
           ",\"management\":" + (i == 0 ? "true" : "false") + "}";
  }
  out += "],\"regions\":[";
  for (size_t i = 0; i < s.regions.size(); ++i)
    out += (i > 0 ? "," : "") + JsonString(s.regions[i]);
  char buf[256];
  std::snprintf(
      buf, sizeof(buf),
      "],\"start\":\"%s\",\"end\":\"%s\",\"days\":%d,\"seed\":%llu,\"files\":%llu,"
      "\"events\":%llu,\"errors\":%llu,\"anomalyEvents\":%llu,",
      IsoTime(s.start).c_str(), IsoTime(s.end).c_str(), args.options.days,
      static_cast<unsigned long long>(args.options.seed), static_cast<unsigned long long>(s.files),
      static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.errors),
      static_cast<unsigned long long>(s.anomaly_records));
  out += buf;
  std::snprintf(buf, sizeof(buf),
                "\"jsonBytes\":%llu,\"gzipBytes\":%llu,\"jsonBytesPerEvent\":%.1f,"
                "\"gzipBytesPerEvent\":%.1f,\"seconds\":%.3f,\"eventsPerSecond\":%.0f,",
                static_cast<unsigned long long>(s.json_bytes),
                static_cast<unsigned long long>(s.gzip_bytes), s.json_bytes / n, s.gzip_bytes / n,
                seconds, seconds > 0 ? s.records / seconds : 0.0);
  out += buf;
  out += "\"byCategory\":" + JsonCounts(s.by_category) + ",\"byType\":" + JsonCounts(s.by_type) +
         ",\"bySource\":" + JsonCounts(s.by_source) + ",\"anomalies\":[";
  for (size_t i = 0; i < s.anomalies.size(); ++i) {
    const gen::Anomaly& a = s.anomalies[i];
    if (i > 0) out += ",";
    out += "{\"kind\":" + JsonString(a.kind) +
           ",\"account\":" + JsonString(s.accounts[a.account].first) +
           ",\"region\":" + JsonString(s.regions[a.region]) + ",\"start\":\"" + IsoTime(a.start) +
           "\",\"end\":\"" + IsoTime(a.end) + "\",\"count\":" + std::to_string(a.count) + "}";
  }
  out += "]}\n";
  std::fputs(out.c_str(), stdout);
}

void PrintTable(const GenerateArgs& args, const gen::GenerateSummary& s, double seconds) {
  const double n = s.records > 0 ? static_cast<double>(s.records) : 1.0;
  std::printf("organization  %s: %zu accounts, %zu regions\n", s.organization_id.c_str(),
              s.accounts.size(), s.regions.size());
  std::printf("span          %s .. %s (%d days)\n", IsoTime(s.start).c_str(),
              IsoTime(s.end).c_str(), args.options.days);
  std::printf("output        %s/AWSLogs/%s/\n", args.options.out_dir.c_str(),
              s.organization_id.c_str());
  std::printf("files         %llu\n", static_cast<unsigned long long>(s.files));
  std::printf("events        %llu (errors %llu = %.1f%%, anomaly events %llu)\n",
              static_cast<unsigned long long>(s.records), static_cast<unsigned long long>(s.errors),
              100.0 * s.errors / n, static_cast<unsigned long long>(s.anomaly_records));
  std::printf("bytes         %.1f MB JSON (%.0f B/event), %.1f MB gzip (%.0f B/event)\n",
              s.json_bytes / 1e6, s.json_bytes / n, s.gzip_bytes / 1e6, s.gzip_bytes / n);
  std::printf("time          %.2f s (%.0f events/s)\n", seconds,
              seconds > 0 ? s.records / seconds : 0.0);
  std::printf("by category  ");
  for (const auto& [k, v] : s.by_category)
    std::printf(" %s %llu", k.c_str(), static_cast<unsigned long long>(v));
  std::printf("\nby type      ");
  for (const auto& [k, v] : s.by_type)
    std::printf(" %s %llu", k.c_str(), static_cast<unsigned long long>(v));
  std::printf("\nby source (%zu services)\n", s.by_source.size());
  for (const auto& [k, v] : s.by_source) {
    std::printf("  %-36s %10llu\n", k.c_str(), static_cast<unsigned long long>(v));
  }
  if (!s.anomalies.empty()) {
    std::printf("anomalies (%s/anomalies.json)\n", args.options.out_dir.c_str());
    for (const gen::Anomaly& a : s.anomalies) {
      std::printf("  %-24s %s %-14s %s..%s %llu events\n", a.kind.c_str(),
                  s.accounts[a.account].first.c_str(), s.regions[a.region].c_str(),
                  IsoTime(a.start).c_str(), IsoTime(a.end).c_str(),
                  static_cast<unsigned long long>(a.count));
    }
  }
}

std::function<int()> SetupGenerate(CLI::App* cmd) {
  auto args = std::make_shared<GenerateArgs>();
  gen::GenerateOptions& o = args->options;
  cmd->add_option("--out", o.out_dir, "Output folder (files go under OUT/AWSLogs/)")->required();
  cmd->add_option("--accounts", o.accounts, "Accounts: the management account and N-1 members")
      ->capture_default_str();
  cmd->add_option("--regions", o.regions, "Regions (us-east-1 first), 1..16")
      ->capture_default_str();
  cmd->add_option("--days", o.days, "Days of activity, ending at --end")->capture_default_str();
  cmd->add_option("--events", o.events, "Expected number of events (anomalies excluded)")
      ->capture_default_str();
  cmd->add_option("--seed", o.seed, "Random seed: same seed and --end, same bytes")
      ->capture_default_str();
  cmd->add_flag("--anomalies", o.anomalies, "Inject anomalies and write OUT/anomalies.json");
  cmd->add_option("--end", args->end,
                  "End of the span (exclusive, UTC): YYYY-MM-DD (midnight) or "
                  "YYYY-MM-DDTHH:MM[:SS]Z, rounded down to 5 minutes; default: today's midnight");
  cmd->add_option("--threads", o.threads, "Worker threads (output does not depend on it)")
      ->capture_default_str();
  cmd->add_option("--gzip-level", o.gzip_level,
                  "gzip level: 0 = fastest (ISA-L igzip), 1..9 = libdeflate")
      ->capture_default_str();
  AddFormatOption(cmd, &args->format);
  return [args] {
    Env* env = Env::Default();
    gen::GenerateOptions& o = args->options;
    if (args->end.empty()) {
      const int64_t now = env->NowMicros() / 1000000;
      o.end = now - now % gen::kSecondsPerDay;
    } else {
      Result<int64_t> end = ParseEnd(args->end);
      if (!end.ok()) return ReportError(end.status());
      o.end = *end;
    }
    int last_decile = -1;
    o.progress = [&last_decile](uint64_t done, uint64_t total, uint64_t records) {
      int decile = static_cast<int>(done * 10 / total);
      if (decile == last_decile) return;
      last_decile = decile;
      std::fprintf(stderr, "generate: %3d%%  %llu/%llu account-region-days, %llu events\n",
                   static_cast<int>(done * 100 / total), static_cast<unsigned long long>(done),
                   static_cast<unsigned long long>(total),
                   static_cast<unsigned long long>(records));
    };
    const int64_t t0 = env->NowMicros();
    Result<gen::GenerateSummary> summary = gen::Generate(env, o);
    const double seconds = static_cast<double>(env->NowMicros() - t0) / 1e6;
    if (!summary.ok()) return ReportError(summary.status());
    if (args->format == OutputFormat::kJson) {
      PrintJson(*args, *summary, seconds);
    } else {
      PrintTable(*args, *summary, seconds);
    }
    return kExitOk;
  };
}

}  // namespace
CAIRN_REGISTER_COMMAND(generate, "generate",
                       "Generate a synthetic organization's CloudTrail log files", SetupGenerate)
}  // namespace cairn::cli
