// `cairn lookup --data DIR --account A --region R [--attribute K=V] [--start T] [--end T] [--max N]
// [--category insight] [--next-token T]`: LookupEvents over an account's event history in a region
// (spec/event-history.md), printed as AWS returns it (--format json: {"Events":[...],
// "NextToken":...}) or as a table (time, event name, user, source, event id).
// Exit 0 on success (an account without history has no events), 2 for usage errors including the
// LookupEvents validation errors (named as AWS names them), 1 when the store cannot be read.
#include <cstdio>

#include "cli/command.h"
#include "cli/data_flags.h"
#include "common/json_writer.h"
#include "event/event_time.h"
#include "store/lookup_events.h"

namespace cairn::cli {
namespace {

struct LookupArgs {
  DataFlags data;
  std::string account, region;
  std::vector<std::string> attributes;  // K=V
  std::string start, end, category, next_token;
  int64_t max = 0;
  CLI::Option* max_option = nullptr;
  OutputFormat format = OutputFormat::kTable;
};

std::string Clip(const std::optional<std::string>& s, size_t width) {
  std::string v = s.value_or("-");
  if (v.size() > width) v = v.substr(0, width - 1) + "~";
  return v;
}

std::string Table(const LookupEventsResponse& r) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-20s  %-32s  %-24s  %-28s  %s\n", "TIME", "EVENT NAME",
                "USER", "SOURCE", "EVENT ID");
  out += line;
  for (const LookupEventResult& e : r.events) {
    std::snprintf(line, sizeof(line), "%-20s  %-32s  %-24s  %-28s  %s\n",
                  FormatEventTime(e.event_time_us).c_str(), Clip(e.event_name, 32).c_str(),
                  Clip(e.username, 24).c_str(), Clip(e.event_source, 28).c_str(),
                  e.event_id.c_str());
    out += line;
  }
  out += "(" + std::to_string(r.events.size()) + " events)\n";
  if (!r.next_token.empty()) out += "next token: " + r.next_token + "\n";
  return out;
}

int RunLookup(const LookupArgs& args) {
  LookupEventsRequest req;
  for (const std::string& kv : args.attributes) {
    const size_t eq = kv.find('=');
    if (eq == std::string::npos) {
      return ReportError(
          Status::InvalidArgument("--attribute: expected KEY=VALUE, got '" + kv + "'"));
    }
    req.attributes.push_back({kv.substr(0, eq), kv.substr(eq + 1)});
  }
  auto time_arg = [](const std::string& flag, const std::string& v, std::optional<double>* out) {
    if (v.empty()) return Status::OK();
    std::optional<int64_t> t = ParseTimeArg(v);
    if (!t) return Status::InvalidArgument(flag + ": not a time: '" + v + "'");
    *out = static_cast<double>(*t) / 1e6;
    return Status::OK();
  };
  Status s = time_arg("--start", args.start, &req.start_time);
  if (s.ok()) s = time_arg("--end", args.end, &req.end_time);
  if (!s.ok()) return ReportError(s);
  if (!args.category.empty()) req.event_category = args.category;
  if (args.max_option->count() > 0) req.max_results = args.max;
  if (!args.next_token.empty()) req.next_token = args.next_token;

  cloud::DataDirOptions options;
  options.store_options.background_maintenance = false;
  options.history_options.background_maintenance = false;
  auto data = OpenDataDir(args.data, /*create=*/false, options);
  if (!data.ok()) return ReportError(data.status());

  LookupEventsResponse response;
  auto history = data->dir->History(args.account, args.region, /*create=*/false);
  if (history.ok()) {
    auto r = (*history)->Lookup(req, data->dir->token_key());
    if (!r.ok()) return ReportError(r.status());
    response = std::move(*r);
  } else if (history.status().code() == StatusCode::kNotFound) {
    // No event of this account and region was ever imported: an empty history. The request is
    // still validated, as AWS would.
    LookupContext ctx;
    ctx.now_us = data->env->NowMicros();
    ctx.token_key = data->dir->token_key();
    ctx.scope = args.account + "/" + args.region;
    auto r = LookupEvents(LookupSource{}, req, ctx);
    if (!r.ok()) return ReportError(r.status());
    response = std::move(*r);
  } else {
    return ReportError(history.status());
  }
  Status closed = data->dir->Close();
  if (!closed.ok()) return ReportError(closed);

  std::string out;
  if (args.format == OutputFormat::kJson) {
    JsonWriter w(&out, 2);
    WriteLookupEventsResponse(response, &w);
    out.push_back('\n');
  } else {
    out = Table(response);
  }
  std::fputs(out.c_str(), stdout);
  std::fflush(stdout);
  return kExitOk;
}

std::function<int()> SetupLookup(CLI::App* cmd) {
  auto args = std::make_shared<LookupArgs>();
  AddDataFlags(cmd, &args->data);
  cmd->add_option("--account", args->account, "The account whose event history to search")
      ->required();
  cmd->add_option("--region", args->region, "The region")->required();
  cmd->add_option(
      "--attribute", args->attributes,
      "A lookup attribute KEY=VALUE (EventId, EventName, EventSource, ReadOnly, Username, "
      "ResourceType, ResourceName, AccessKeyId); at most one");
  cmd->add_option("--start", args->start, "StartTime (inclusive): RFC 3339 or epoch seconds");
  cmd->add_option("--end", args->end,
                  "EndTime (inclusive; default now): RFC 3339 or epoch seconds");
  args->max_option =
      cmd->add_option("--max", args->max, "MaxResults: events per page, 1 to 50 (default 50)");
  cmd->add_option("--category", args->category, "EventCategory: 'insight' for Insights events");
  cmd->add_option("--next-token", args->next_token, "NextToken from the previous page");
  AddFormatOption(cmd, &args->format);
  return [args] { return RunLookup(*args); };
}

}  // namespace
CAIRN_REGISTER_COMMAND(lookup, "lookup", "Look up an account's event history (LookupEvents)",
                       SetupLookup)
}  // namespace cairn::cli
