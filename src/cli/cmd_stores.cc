// `cairn stores --data DIR`: the stores of a data folder: the event data stores and each
// account's event history per region, with their event counts, eventTime span and bytes on disk.
// Exit 0, or 1 when the registry or a store cannot be read.
#include <cstdio>

#include "cli/command.h"
#include "cli/data_flags.h"
#include "common/json_writer.h"
#include "event/event_time.h"

namespace cairn::cli {
namespace {

struct StoresArgs {
  DataFlags data;
  OutputFormat format = OutputFormat::kTable;
};

struct Row {
  cloud::StoreRecord record;
  StoreStats stats;
};

std::string Span(const StoreStats& s) {
  if (s.event_count == 0) return "-";
  return FormatEventTime(s.min_time_us) + " .. " + FormatEventTime(s.max_time_us);
}

int RunStores(const StoresArgs& args) {
  cloud::DataDirOptions options;
  options.store_options.background_maintenance = false;
  options.history_options.background_maintenance = false;
  auto data = OpenDataDir(args.data, /*create=*/false, options);
  if (!data.ok()) return ReportError(data.status());
  cloud::DataDir* dir = data->dir.get();
  auto records = dir->ListStores();
  if (!records.ok()) return ReportError(records.status());
  std::vector<Row> rows;
  for (const cloud::StoreRecord& r : *records) {
    Row row{r, {}};
    if (r.kind == cloud::StoreKind::kHistory) {
      auto h = dir->History(r.account, r.region, /*create=*/false);
      if (!h.ok()) return ReportError(h.status().WithPrefix(r.id));
      row.stats = (*h)->store()->Stats();
    } else {
      auto s = dir->OpenEventDataStore(r);
      if (!s.ok()) return ReportError(s.status().WithPrefix(r.id));
      row.stats = (*s)->Stats();
    }
    rows.push_back(std::move(row));
  }
  Status closed = dir->Close();
  if (!closed.ok()) return ReportError(closed);

  std::string out;
  if (args.format == OutputFormat::kJson) {
    JsonWriter w(&out, 2);
    w.BeginObject().Key("stores").BeginArray();
    for (const Row& r : rows) {
      w.BeginObject();
      w.Member("id", r.record.id);
      w.Member("kind", cloud::StoreKindName(r.record.kind));
      if (!r.record.name.empty()) w.Member("name", r.record.name);
      if (r.record.kind == cloud::StoreKind::kHistory) {
        w.Member("account", r.record.account);
        w.Member("region", r.record.region);
      }
      w.Member("path", r.record.path);
      w.Member("created", FormatEventTime(r.record.created_us));
      w.Member("retention_days", static_cast<uint64_t>(r.record.retention_days));
      w.Member("events", r.stats.event_count);
      if (r.stats.event_count > 0) {
        w.Member("first_event_time", FormatEventTime(r.stats.min_time_us));
        w.Member("last_event_time", FormatEventTime(r.stats.max_time_us));
      }
      w.Member("segments", r.stats.segment_count);
      w.Member("bytes_on_disk", r.stats.bytes_on_disk);
      if (!r.stats.bad_segments.empty()) {
        w.Key("bad_segments").BeginArray();
        for (const std::string& b : r.stats.bad_segments) w.String(b);
        w.EndArray();
      }
      w.EndObject();
    }
    w.EndArray().EndObject();
    out.push_back('\n');
  } else {
    char line[512];
    std::snprintf(line, sizeof(line), "%-38s  %-16s  %-14s  %-14s  %12s  %-44s  %14s\n", "ID",
                  "KIND", "ACCOUNT", "REGION", "EVENTS", "TIME SPAN", "BYTES");
    out += line;
    for (const Row& r : rows) {
      const bool h = r.record.kind == cloud::StoreKind::kHistory;
      std::snprintf(line, sizeof(line), "%-38s  %-16s  %-14s  %-14s  %12s  %-44s  %14s\n",
                    r.record.id.c_str(), std::string(cloud::StoreKindName(r.record.kind)).c_str(),
                    h ? r.record.account.c_str() : "-", h ? r.record.region.c_str() : "-",
                    WithCommas(r.stats.event_count).c_str(), Span(r.stats).c_str(),
                    WithCommas(r.stats.bytes_on_disk).c_str());
      out += line;
      for (const std::string& b : r.stats.bad_segments) out += "  bad segment: " + b + "\n";
    }
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return kExitOk;
}

std::function<int()> SetupStores(CLI::App* cmd) {
  auto args = std::make_shared<StoresArgs>();
  AddDataFlags(cmd, &args->data);
  AddFormatOption(cmd, &args->format);
  return [args] { return RunStores(*args); };
}

}  // namespace
CAIRN_REGISTER_COMMAND(stores, "stores",
                       "List the stores of a data folder: event data stores and event histories",
                       SetupStores)
}  // namespace cairn::cli
