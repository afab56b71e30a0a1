// bench/lookup: LookupEvents latency per lookup attribute, in process, over an imported data
// folder.
//
//   build/bench/lookup --data DIR --as-of TIME [--lookups N] [--seed S] [--miss-percent P]
//                      [--range-percent P] [--out FILE] [--attributes A,B,...] [--slowest N]
//
// Opens the data folder (its clock set to --as-of, as `cairn import --as-of` was), samples lookup
// values from the event histories themselves (each history's own events, by reservoir), and then,
// for EACH of the eight lookup attributes, runs --lookups lookups on randomly chosen histories:
// (100 - P)% with a value the history holds (a hit), P% with one it does not (a miss), and
// --range-percent of them with a random StartTime/EndTime window inside the history's span (the
// rest use the default window, the last 90 days). Every lookup is one EventHistory::Lookup call
// (MaxResults 50, the first page), timed with a steady clock: validation, the scan, rebuilding the
// original records of the page and the paging token.
//
// Prints (stdout, JSON) p50/p90/p99/max per attribute and writes every lookup with its result
// count and latency to --out, so a peer (bench/lookup.py runs DuckDB) can replay the same lookups
// and check it returns the same number of events.
//
// For profiling: --attributes runs only the named attributes (the lookups of the others are still
// drawn, so each attribute sees the same lookups as in a full run), and --slowest N prints the N
// slowest lookups of each attribute to stderr.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "cloud/as_of_env.h"
#include "cloud/data_dir.h"
#include "common/env.h"
#include "common/json_writer.h"
#include "event/event_time.h"
#include "store/columns.h"
#include "store/event_history.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kAttributes[] = {"EventId",  "EventName",    "EventSource",  "ReadOnly",
                                       "Username", "ResourceType", "ResourceName", "AccessKeyId"};
constexpr size_t kAttributeCount = 8;
constexpr size_t kReservoir = 4096;  // sampled values per attribute per history

struct Args {
  std::string data;
  std::string as_of;
  size_t lookups = 1000;
  uint64_t seed = 1;
  int miss_percent = 20;
  int range_percent = 50;
  std::string out;
  std::vector<std::string> attributes;  // empty: all
  size_t slowest = 0;
};

[[noreturn]] void Usage(const std::string& msg) {
  std::fprintf(stderr,
               "lookup: %s\nusage: lookup --data DIR --as-of TIME [--lookups N] [--seed S] "
               "[--miss-percent P] [--range-percent P] [--out FILE] [--attributes A,B,...] "
               "[--slowest N]\n",
               msg.c_str());
  std::exit(2);
}

Args ParseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) Usage(k + " needs a value");
      return argv[++i];
    };
    auto number = [&](const std::string& v) -> long long {
      char* end = nullptr;
      long long n = std::strtoll(v.c_str(), &end, 10);
      if (v.empty() || *end != '\0' || n < 0) Usage(k + ": not a count: " + v);
      return n;
    };
    if (k == "--data")
      a.data = next();
    else if (k == "--as-of")
      a.as_of = next();
    else if (k == "--lookups")
      a.lookups = static_cast<size_t>(number(next()));
    else if (k == "--seed")
      a.seed = static_cast<uint64_t>(number(next()));
    else if (k == "--miss-percent")
      a.miss_percent = static_cast<int>(number(next()));
    else if (k == "--range-percent")
      a.range_percent = static_cast<int>(number(next()));
    else if (k == "--out")
      a.out = next();
    else if (k == "--slowest")
      a.slowest = static_cast<size_t>(number(next()));
    else if (k == "--attributes") {
      const std::string list = next();
      size_t at = 0;
      while (at <= list.size()) {
        const size_t comma = std::min(list.find(',', at), list.size());
        const std::string name = list.substr(at, comma - at);
        if (std::find(std::begin(kAttributes), std::end(kAttributes), name) ==
            std::end(kAttributes)) {
          Usage("--attributes: unknown attribute '" + name + "'");
        }
        a.attributes.push_back(name);
        at = comma + 1;
      }
    } else
      Usage("unknown argument " + k);
  }
  if (a.data.empty()) Usage("--data is required");
  if (a.as_of.empty()) Usage("--as-of is required");
  if (a.lookups == 0) Usage("--lookups must be at least 1");
  if (a.miss_percent > 100 || a.range_percent > 100) Usage("a percentage is 0..100");
  return a;
}

// Values seen in one history, per attribute, sampled uniformly (reservoir).
struct HistorySample {
  cairn::EventHistory* history = nullptr;
  int64_t min_us = INT64_MAX, max_us = INT64_MIN;
  uint64_t events = 0;
  std::vector<std::string> values[kAttributeCount];
  uint64_t seen[kAttributeCount] = {};
};

void Offer(HistorySample* h, size_t attr, cairn::Str v, std::mt19937_64* rng) {
  if (cairn::IsNull(v) || v.empty()) return;
  std::vector<std::string>& vals = h->values[attr];
  const uint64_t n = ++h->seen[attr];
  if (vals.size() < kReservoir) {
    vals.emplace_back(v);
  } else {
    const uint64_t j = (*rng)() % n;
    if (j < kReservoir) vals[j] = std::string(v);
  }
}

cairn::Status Sample(HistorySample* h, std::mt19937_64* rng) {
  auto snap = h->history->store()->GetSnapshot();
  return snap->ForEachEvent([&](const cairn::Event& e, const cairn::EventBatch& b) {
    ++h->events;
    h->min_us = std::min(h->min_us, e.event_time_us);
    h->max_us = std::max(h->max_us, e.event_time_us);
    Offer(h, 0, e.event_id, rng);
    Offer(h, 1, e.event_name, rng);
    Offer(h, 2, e.event_source, rng);
    if (e.read_only != cairn::OptBool::kNull) {
      Offer(h, 3, e.read_only == cairn::OptBool::kTrue ? "true" : "false", rng);
    }
    Offer(h, 4, cairn::DerivedUsername(e), rng);
    for (const cairn::Resource& r : b.ResourcesOf(e)) {
      Offer(h, 5, r.type, rng);
      Offer(h, 6, r.arn, rng);
    }
    Offer(h, 7, e.user_identity.access_key_id, rng);
    return cairn::Status::OK();
  });
}

// CPU time of the calling thread, in milliseconds: on a loaded machine, wall-time tails are mostly
// waiting for a core; the CPU-time percentiles show what the lookups themselves cost.
double ThreadCpuMs() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(i, v.size() - 1)];
}

int Run(const Args& args) {
  auto as_of = cairn::ParseTimestampMicros(args.as_of);
  if (!as_of) Usage("--as-of " + args.as_of + ": not an RFC 3339 time");
  cairn::cloud::AsOfEnv env(cairn::Env::Default(), *as_of);
  cairn::cloud::DataDirOptions options;
  options.create_if_missing = false;
  options.history_options.background_maintenance = false;
  options.store_options.background_maintenance = false;
  auto dir = cairn::cloud::DataDir::Open(&env, args.data, options);
  if (!dir.ok()) {
    std::fprintf(stderr, "lookup: %s\n", dir.status().ToString().c_str());
    return 1;
  }
  auto records = (*dir)->ListStores();
  if (!records.ok()) {
    std::fprintf(stderr, "lookup: %s\n", records.status().ToString().c_str());
    return 1;
  }
  std::mt19937_64 rng(args.seed);
  std::vector<HistorySample> histories;
  const auto sample_start = Clock::now();
  for (const auto& r : *records) {
    if (r.kind != cairn::cloud::StoreKind::kHistory) continue;
    auto h = (*dir)->History(r.account, r.region, /*create=*/false);
    if (!h.ok()) {
      std::fprintf(stderr, "lookup: %s: %s\n", r.id.c_str(), h.status().ToString().c_str());
      return 1;
    }
    HistorySample s;
    s.history = *h;
    cairn::Status st = Sample(&s, &rng);
    if (!st.ok()) {
      std::fprintf(stderr, "lookup: %s: %s\n", r.id.c_str(), st.ToString().c_str());
      return 1;
    }
    if (s.events > 0) histories.push_back(std::move(s));
  }
  const double sample_s = std::chrono::duration<double>(Clock::now() - sample_start).count();
  if (histories.empty()) {
    std::fprintf(stderr, "lookup: %s has no event history with events\n", args.data.c_str());
    return 1;
  }

  std::string lookups_json;
  cairn::JsonWriter lw(&lookups_json, 0);
  lw.BeginObject().Member("as_of", args.as_of).Key("lookups").BeginArray();
  std::string out;
  cairn::JsonWriter w(&out, 2);
  w.BeginObject();
  w.Member("histories", static_cast<uint64_t>(histories.size()));
  w.Member("sample_seconds", sample_s);
  w.Key("attributes").BeginArray();
  const std::string& token_key = (*dir)->token_key();
  for (size_t attr = 0; attr < kAttributeCount; ++attr) {
    const bool run = args.attributes.empty() ||
                     std::find(args.attributes.begin(), args.attributes.end(), kAttributes[attr]) !=
                         args.attributes.end();
    std::vector<double> ms, cpu_ms;
    std::vector<std::pair<double, std::string>> slow;  // --slowest: (ms, description)
    cairn::LookupStats total;
    uint64_t hits = 0, misses = 0, ranged = 0, events_returned = 0;
    for (size_t i = 0; i < args.lookups; ++i) {
      HistorySample& h = histories[rng() % histories.size()];
      const std::vector<std::string>& vals = h.values[attr];
      cairn::LookupEventsRequest req;
      std::string value;
      const bool miss =
          vals.empty() || (attr != 3 && static_cast<int>(rng() % 100) < args.miss_percent);
      if (attr == 3) {
        value = rng() % 2 ? "true" : "false";
      } else if (vals.empty()) {
        value = "no-such-value";
      } else {
        value = vals[rng() % vals.size()];
        if (miss) value += "-nomatch";
      }
      req.attributes.push_back({kAttributes[attr], value});
      const bool range = static_cast<int>(rng() % 100) < args.range_percent;
      double start = 0, end = 0;
      if (range) {
        // A window of 1 hour to 3 days, whole seconds, inside the history's span.
        const int64_t span_s = std::max<int64_t>(1, (h.max_us - h.min_us) / 1000000);
        const int64_t len_s = 3600 + static_cast<int64_t>(rng() % (3 * 86400 - 3600));
        start = static_cast<double>(h.min_us / 1000000 + static_cast<int64_t>(rng() % span_s));
        end = start + static_cast<double>(len_s);
        req.start_time = start;
        req.end_time = end;
      }
      if (!run) continue;  // the same draws as a full run, so the other attributes' lookups match
      const double cpu0 = ThreadCpuMs();
      const auto t0 = Clock::now();
      cairn::LookupStats stats;
      auto resp = h.history->Lookup(req, token_key, /*rendered_only=*/false, &stats);
      const double took = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
      const double cpu = ThreadCpuMs() - cpu0;
      if (!resp.ok()) {
        std::fprintf(stderr, "lookup: %s %s=%s: %s\n", h.history->account().c_str(),
                     kAttributes[attr], value.c_str(), resp.status().ToString().c_str());
        return 1;
      }
      ms.push_back(took);
      cpu_ms.push_back(cpu);
      const size_t n = resp->events.size();
      events_returned += n;
      (n > 0 ? hits : misses)++;
      ranged += range;
      total += stats;
      if (args.slowest > 0) {
        char line[256];
        std::snprintf(
            line, sizeof line,
            "%9.3f ms (cpu %.3f)  %2zu events  %s/%s  segments %llu, blocks scanned %llu, "
            "skipped %llu, cached %llu, built %llu; records rebuilt %llu",
            took, cpu, n, h.history->account().c_str(), h.history->region().c_str(),
            static_cast<unsigned long long>(stats.segments),
            static_cast<unsigned long long>(stats.blocks_scanned),
            static_cast<unsigned long long>(stats.blocks_skipped),
            static_cast<unsigned long long>(stats.blocks_cached),
            static_cast<unsigned long long>(stats.blocks_built),
            static_cast<unsigned long long>(stats.records_rebuilt));
        std::string d = line;
        if (range)
          d += "  " + std::to_string(static_cast<int64_t>(start)) + ".." +
               std::to_string(static_cast<int64_t>(end));
        slow.emplace_back(took, d + "  " + value);
      }
      lw.BeginObject()
          .Member("attribute", kAttributes[attr])
          .Member("account", h.history->account())
          .Member("region", h.history->region())
          .Member("value", value);
      if (range) {
        lw.Member("start", static_cast<int64_t>(start)).Member("end", static_cast<int64_t>(end));
      }
      lw.Member("events", static_cast<uint64_t>(n))
          .Member("first_event_id", n ? resp->events.front().event_id : std::string())
          .Member("ms", took)
          .EndObject();
    }
    if (!run) continue;
    if (args.slowest > 0) {
      std::sort(slow.begin(), slow.end(),
                [](const auto& a, const auto& b) { return a.first > b.first; });
      std::fprintf(stderr, "%s: the %zu slowest lookups\n", kAttributes[attr],
                   std::min(args.slowest, slow.size()));
      for (size_t k = 0; k < slow.size() && k < args.slowest; ++k) {
        std::fprintf(stderr, "  %s\n", slow[k].second.c_str());
      }
    }
    double sum = 0;
    for (double x : ms) sum += x;
    w.BeginObject()
        .Member("attribute", kAttributes[attr])
        .Member("lookups", static_cast<uint64_t>(ms.size()))
        .Member("with_results", hits)
        .Member("empty", misses)
        .Member("with_time_range", ranged)
        .Member("events_returned", events_returned)
        .Member("mean_ms", sum / static_cast<double>(ms.size()))
        .Member("p50_ms", Percentile(ms, 50))
        .Member("p90_ms", Percentile(ms, 90))
        .Member("p99_ms", Percentile(ms, 99))
        .Member("max_ms", Percentile(ms, 100))
        .Member("cpu_p50_ms", Percentile(cpu_ms, 50))
        .Member("cpu_p99_ms", Percentile(cpu_ms, 99))
        .Member("cpu_max_ms", Percentile(cpu_ms, 100));
    const double count = static_cast<double>(ms.size());
    w.Key("per_lookup")
        .BeginObject()
        .Member("segments", static_cast<double>(total.segments) / count)
        .Member("blocks_scanned", static_cast<double>(total.blocks_scanned) / count)
        .Member("blocks_skipped", static_cast<double>(total.blocks_skipped) / count)
        .Member("blocks_cached", static_cast<double>(total.blocks_cached) / count)
        .Member("blocks_built", static_cast<double>(total.blocks_built) / count)
        .Member("records_rebuilt", static_cast<double>(total.records_rebuilt) / count)
        .EndObject();
    w.EndObject();
  }
  w.EndArray();
  uint64_t history_events = 0;
  for (const HistorySample& h : histories) history_events += h.events;
  w.Member("history_events", history_events);
  w.EndObject();
  lw.EndArray().EndObject();
  cairn::Status closed = (*dir)->Close();
  if (!closed.ok()) {
    std::fprintf(stderr, "lookup: %s\n", closed.ToString().c_str());
    return 1;
  }
  if (!args.out.empty()) {
    FILE* f = std::fopen(args.out.c_str(), "w");
    if (f == nullptr ||
        std::fwrite(lookups_json.data(), 1, lookups_json.size(), f) != lookups_json.size() ||
        std::fclose(f) != 0) {
      std::fprintf(stderr, "lookup: cannot write %s\n", args.out.c_str());
      return 1;
    }
  }
  out.push_back('\n');
  std::fputs(out.c_str(), stdout);
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(ParseArgs(argc, argv)); }
