// `cairn accounts create NAME [--id ID] --data DIR` and `cairn accounts list --data DIR`: the
// member accounts of the organization (doc/access.md). The organization itself (its management
// account) is created by the first `cairn serve`. --format json prints the account(s) as JSON.
// Exit 0 on success, 1 when the folder or database fails, 2 for usage errors (bad name or id,
// a name or id already taken, no organization yet).
#include <cstdio>

#include "cli/command.h"
#include "cli/data_flags.h"
#include "cloud/organization.h"
#include "common/json_writer.h"
#include "event/event_time.h"

namespace cairn::cli {
namespace {

struct AccountsArgs {
  DataFlags data;
  std::string name, id;
  OutputFormat format = OutputFormat::kTable;
};

void WriteAccount(const cloud::Account& a, JsonWriter* w) {
  w->BeginObject()
      .Member("Id", a.id)
      .Member("Name", a.name)
      .Member("Type", a.management ? "management" : "member")
      .Member("CreatedTime", FormatEventTime(a.created_us))
      .EndObject();
}

std::string AccountLine(const cloud::Account& a) {
  char line[256];
  std::snprintf(line, sizeof line, "%-12s  %-10s  %-24s  %s\n", a.id.c_str(),
                a.management ? "management" : "member", a.name.c_str(),
                FormatEventTime(a.created_us).c_str());
  return line;
}

Result<std::unique_ptr<cloud::Organization>> OpenOrg(const AccountsArgs& args, OpenData* data) {
  // Accounts and credentials live in metadata.db only, so this runs beside `cairn serve`.
  cloud::DataDirOptions options;
  options.lock = false;
  ASSIGN_OR_RETURN(*data, OpenDataDir(args.data, /*create=*/false, options));
  return cloud::Organization::Open(data->dir.get());
}

int RunCreate(const AccountsArgs& args) {
  OpenData data;
  auto org = OpenOrg(args, &data);
  if (!org.ok()) return ReportError(org.status());
  auto a = (*org)->CreateAccount(args.name, args.id);
  if (!a.ok()) {
    ReportError(a.status());
    return a.status().code() == StatusCode::kUnavailable ? kExitFailed : kExitUsage;
  }
  std::string out;
  if (args.format == OutputFormat::kJson) {
    JsonWriter w(&out, 2);
    WriteAccount(*a, &w);
    out.push_back('\n');
  } else {
    out = "Created member account " + a->id + " (" + a->name + ")\n";
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

int RunList(const AccountsArgs& args) {
  OpenData data;
  auto org = OpenOrg(args, &data);
  if (!org.ok()) return ReportError(org.status());
  auto list = (*org)->ListAccounts();
  if (!list.ok()) return ReportError(list.status());
  std::string out;
  if (args.format == OutputFormat::kJson) {
    JsonWriter w(&out, 2);
    w.BeginObject().Key("Accounts").BeginArray();
    for (const auto& a : *list) WriteAccount(a, &w);
    w.EndArray().EndObject();
    out.push_back('\n');
  } else {
    char line[256];
    std::snprintf(line, sizeof line, "%-12s  %-10s  %-24s  %s\n", "ID", "TYPE", "NAME", "CREATED");
    out = line;
    for (const auto& a : *list) out += AccountLine(a);
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

std::function<int()> SetupAccounts(CLI::App* cmd) {
  auto args = std::make_shared<AccountsArgs>();
  cmd->require_subcommand(1);
  CLI::App* create = cmd->add_subcommand("create", "Add a member account to the organization");
  AddDataFlags(create, &args->data);
  create->add_option("NAME", args->name, "The account's name (1-50 of A-Z a-z 0-9 . _ -)")
      ->required();
  create->add_option("--id", args->id,
                     "The account's 12-digit id (default: a random one); use the id the "
                     "account's events carry (recipientAccountId)");
  AddFormatOption(create, &args->format);
  CLI::App* list = cmd->add_subcommand("list", "List the organization's accounts");
  AddDataFlags(list, &args->data);
  AddFormatOption(list, &args->format);
  return [args, create] { return create->parsed() ? RunCreate(*args) : RunList(*args); };
}

}  // namespace
CAIRN_REGISTER_COMMAND(accounts, "accounts", "Manage the organization's accounts", SetupAccounts)
}  // namespace cairn::cli
