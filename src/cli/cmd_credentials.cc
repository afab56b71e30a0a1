// `cairn credentials create --account A --role admin|auditor|member-reader --data DIR`,
// `cairn credentials list --data DIR`, `cairn credentials revoke ACCESS_KEY_ID --data DIR`:
// the access keys of the organization (doc/access.md). `create` prints the secret access key: the
// only time it is shown (it is stored sealed, never in plain text). A running `cairn serve` sees
// new and revoked keys on the next request. --format json prints JSON. Exit 0 on success, 1 when
// the folder or database fails, 2 for usage errors (unknown account or key, a role the account
// cannot have, revoking twice).
#include <cstdio>

#include "cli/command.h"
#include "cli/data_flags.h"
#include "cloud/organization.h"
#include "common/json_writer.h"
#include "event/event_time.h"

namespace cairn::cli {
namespace {

struct CredentialsArgs {
  DataFlags data;
  std::string account, role, access_key_id;
  OutputFormat format = OutputFormat::kTable;
};

int Fail(const Status& s) {
  ReportError(s);
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kDataLoss ||
                 s.code() == StatusCode::kInternal
             ? kExitFailed
             : kExitUsage;
}

Result<std::unique_ptr<cloud::Organization>> OpenOrg(const CredentialsArgs& args, OpenData* data) {
  // Accounts and credentials live in metadata.db only, so this runs beside `cairn serve`.
  cloud::DataDirOptions options;
  options.lock = false;
  ASSIGN_OR_RETURN(*data, OpenDataDir(args.data, /*create=*/false, options));
  return cloud::Organization::Open(data->dir.get());
}

int RunCreate(const CredentialsArgs& args) {
  std::optional<cloud::Role> role = cloud::ParseRole(args.role);
  if (!role) {
    return Fail(Status::InvalidArgument("--role " + args.role +
                                        ": expected admin, auditor or member-reader"));
  }
  OpenData data;
  auto org = OpenOrg(args, &data);
  if (!org.ok()) return Fail(org.status());
  auto c = (*org)->CreateCredential(args.account, *role);
  if (!c.ok()) return Fail(c.status());
  std::string out;
  if (args.format == OutputFormat::kJson) {
    JsonWriter w(&out, 2);
    w.BeginObject()
        .Member("AccessKeyId", c->info.access_key_id)
        .Member("SecretAccessKey", c->secret_access_key)
        .Member("AccountId", c->info.account_id)
        .Member("Role", cloud::RoleName(c->info.role))
        .EndObject();
    out.push_back('\n');
  } else {
    out = "Created " + std::string(cloud::RoleName(c->info.role)) + " credential of account " +
          c->info.account_id +
          " (the secret is shown only now):\n  AWS_ACCESS_KEY_ID=" + c->info.access_key_id +
          "\n  AWS_SECRET_ACCESS_KEY=" + c->secret_access_key + "\n";
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

int RunList(const CredentialsArgs& args) {
  OpenData data;
  auto org = OpenOrg(args, &data);
  if (!org.ok()) return Fail(org.status());
  auto list = (*org)->ListCredentials();
  if (!list.ok()) return Fail(list.status());
  std::string out;
  if (args.format == OutputFormat::kJson) {
    JsonWriter w(&out, 2);
    w.BeginObject().Key("Credentials").BeginArray();
    for (const auto& c : *list) {
      w.BeginObject()
          .Member("AccessKeyId", c.access_key_id)
          .Member("AccountId", c.account_id)
          .Member("Role", cloud::RoleName(c.role))
          .Member("Status", c.revoked_us ? "revoked" : "active")
          .Member("CreatedTime", FormatEventTime(c.created_us));
      if (c.revoked_us) w.Member("RevokedTime", FormatEventTime(*c.revoked_us));
      w.EndObject();
    }
    w.EndArray().EndObject();
    out.push_back('\n');
  } else {
    char line[256];
    std::snprintf(line, sizeof line, "%-20s  %-12s  %-13s  %-7s  %s\n", "ACCESS KEY ID", "ACCOUNT",
                  "ROLE", "STATUS", "CREATED");
    out = line;
    for (const auto& c : *list) {
      std::snprintf(line, sizeof line, "%-20s  %-12s  %-13s  %-7s  %s\n", c.access_key_id.c_str(),
                    c.account_id.c_str(), std::string(cloud::RoleName(c.role)).c_str(),
                    c.revoked_us ? "revoked" : "active", FormatEventTime(c.created_us).c_str());
      out += line;
    }
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

int RunRevoke(const CredentialsArgs& args) {
  OpenData data;
  auto org = OpenOrg(args, &data);
  if (!org.ok()) return Fail(org.status());
  Status s = (*org)->RevokeCredential(args.access_key_id);
  if (!s.ok()) return Fail(s);
  if (args.format == OutputFormat::kJson) {
    std::printf("{\"AccessKeyId\": \"%s\", \"Status\": \"revoked\"}\n", args.access_key_id.c_str());
  } else {
    std::printf("Revoked %s\n", args.access_key_id.c_str());
  }
  return kExitOk;
}

std::function<int()> SetupCredentials(CLI::App* cmd) {
  auto args = std::make_shared<CredentialsArgs>();
  cmd->require_subcommand(1);
  CLI::App* create = cmd->add_subcommand("create", "Create an access key for an account");
  AddDataFlags(create, &args->data);
  create->add_option("--account", args->account, "The account (id or name)")->required();
  create
      ->add_option("--role", args->role,
                   "admin or auditor (management account only), or member-reader")
      ->required();
  AddFormatOption(create, &args->format);
  CLI::App* list = cmd->add_subcommand("list", "List the access keys (never their secrets)");
  AddDataFlags(list, &args->data);
  AddFormatOption(list, &args->format);
  CLI::App* revoke = cmd->add_subcommand("revoke", "Revoke an access key");
  AddDataFlags(revoke, &args->data);
  revoke->add_option("ACCESS_KEY_ID", args->access_key_id, "The key to revoke")->required();
  AddFormatOption(revoke, &args->format);
  return [args, create, list] {
    if (create->parsed()) return RunCreate(*args);
    if (list->parsed()) return RunList(*args);
    return RunRevoke(*args);
  };
}

}  // namespace
CAIRN_REGISTER_COMMAND(credentials, "credentials", "Manage access keys (SigV4 credentials)",
                       SetupCredentials)
}  // namespace cairn::cli
