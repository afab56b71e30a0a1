#include "cloud/organization.h"

#include <fmt/format.h>

#include "cloud/ids.h"

namespace cairn::cloud {
namespace {

constexpr const char* kAccountColumns = "id, name, management, created_us";
constexpr const char* kCredentialColumns =
    "access_key_id, account_id, role, created_us, revoked_us";

Account AccountOf(const Statement& s) {
  Account a;
  a.id = s.Text(0).value_or("");
  a.name = s.Text(1).value_or("");
  a.management = s.Int(2) != 0;
  a.created_us = s.Int(3);
  return a;
}

CredentialInfo CredentialOf(const Statement& s) {
  CredentialInfo c;
  c.access_key_id = s.Text(0).value_or("");
  c.account_id = s.Text(1).value_or("");
  c.role = ParseRole(s.Text(2).value_or("")).value_or(Role::kMemberReader);
  c.created_us = s.Int(3);
  if (!s.IsNull(4)) c.revoked_us = s.Int(4);
  return c;
}

Status NotBootstrapped(const std::string& dir) {
  return Status::FailedPrecondition(
      dir + ": the organization does not exist yet (start `cairn serve --data " + dir +
      "` once to create it)");
}

}  // namespace

bool IsAccountName(std::string_view name) {
  if (name.empty() || name.size() > 50) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::unique_ptr<Organization>> Organization::Open(DataDir* dir) {
  ASSIGN_OR_RETURN(std::string key,
                   LoadOrCreateKeyFile(dir->dir() + "/" + std::string(kKeyFileName)));
  std::unique_ptr<Organization> org(new Organization(dir, std::move(key)));
  org->db_ = dir->metadata();
  return org;
}

Result<std::string> Organization::organization_id() {
  ASSIGN_OR_RETURN(Statement s,
                   db_->Prepare("SELECT value FROM settings WHERE key = 'organization_id'"));
  ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return NotBootstrapped(dir_->dir());
  return s.Text(0).value_or("");
}

Result<bool> Organization::bootstrapped() {
  auto id = organization_id();
  if (id.ok()) return true;
  if (id.status().code() == StatusCode::kFailedPrecondition) return false;
  return id.status();
}

Result<std::optional<Account>> Organization::ManagementAccount() {
  ASSIGN_OR_RETURN(
      Statement s,
      db_->Prepare(fmt::format("SELECT {} FROM accounts WHERE management = 1", kAccountColumns)));
  ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<Account>();
  return std::optional<Account>(AccountOf(s));
}

Result<BootstrapResult> Organization::Bootstrap(const std::string& management_id,
                                                const std::string& management_name) {
  if (!management_id.empty() && !IsAccountId(management_id)) {
    return Status::InvalidArgument("management account id '" + management_id +
                                   "': expected 12 digits");
  }
  if (!IsAccountName(management_name)) {
    return Status::InvalidArgument("management account name '" + management_name +
                                   "': expected 1-50 of A-Z a-z 0-9 . _ -");
  }
  BootstrapResult out;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(bool done, bootstrapped());
    if (done) return Status::AlreadyExists(dir_->dir() + ": the organization already exists");
    out.organization_id = NewOrganizationId();
    ASSIGN_OR_RETURN(Statement put, db_->Prepare("INSERT INTO settings (key, value) VALUES "
                                                 "('organization_id', ?)"));
    RETURN_IF_ERROR(put.Bind(1, out.organization_id).Run());
    out.management.id = management_id.empty() ? NewAccountId() : management_id;
    out.management.name = management_name;
    out.management.management = true;
    out.management.created_us = dir_->env()->NowMicros();
    ASSIGN_OR_RETURN(Statement acc, db_->Prepare("INSERT INTO accounts (id, name, management, "
                                                 "created_us) VALUES (?, ?, 1, ?)"));
    RETURN_IF_ERROR(acc.Bind(1, out.management.id)
                        .Bind(2, out.management.name)
                        .Bind(3, out.management.created_us)
                        .Run());
    ASSIGN_OR_RETURN(out.admin, InsertCredential(out.management, Role::kAdmin));
    return Status::OK();
  }));
  return out;
}

Result<std::string> Organization::ManagementAccountId() {
  ASSIGN_OR_RETURN(std::optional<Account> a, ManagementAccount());
  if (!a) return NotBootstrapped(dir_->dir());
  return a->id;
}

Result<Account> Organization::CreateAccount(const std::string& name, const std::string& id) {
  if (!IsAccountName(name)) {
    return Status::InvalidArgument("account name '" + name +
                                   "': expected 1-50 of A-Z a-z 0-9 . _ -");
  }
  if (!id.empty() && !IsAccountId(id)) {
    return Status::InvalidArgument("account id '" + id + "': expected 12 digits");
  }
  Account a;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(bool done, bootstrapped());
    if (!done) return NotBootstrapped(dir_->dir());
    ASSIGN_OR_RETURN(Statement taken,
                     db_->Prepare("SELECT id, name FROM accounts WHERE id = ? OR name = ?"));
    taken.Bind(1, id).Bind(2, name);
    ASSIGN_OR_RETURN(bool exists, taken.Step());
    if (exists) {
      if (taken.Text(1).value_or("") == name) {
        return Status::AlreadyExists("account name '" + name + "' is taken (account " +
                                     taken.Text(0).value_or("") + ")");
      }
      return Status::AlreadyExists("account id " + id + " exists");
    }
    a.id = id;
    if (a.id.empty()) {
      // Draw until free: 9e11 ids, so a second draw is already rare.
      for (int attempt = 0; attempt < 8 && a.id.empty(); ++attempt) {
        std::string candidate = NewAccountId();
        ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT 1 FROM accounts WHERE id = ?"));
        q.Bind(1, candidate);
        ASSIGN_OR_RETURN(bool used, q.Step());
        if (!used) a.id = candidate;
      }
      if (a.id.empty()) return Status::Internal("cannot draw a free account id");
    }
    a.name = name;
    a.created_us = dir_->env()->NowMicros();
    ASSIGN_OR_RETURN(Statement ins, db_->Prepare("INSERT INTO accounts (id, name, management, "
                                                 "created_us) VALUES (?, ?, 0, ?)"));
    return ins.Bind(1, a.id).Bind(2, a.name).Bind(3, a.created_us).Run();
  }));
  return a;
}

Result<std::vector<Account>> Organization::ListAccounts() {
  ASSIGN_OR_RETURN(Statement s,
                   db_->Prepare(fmt::format(
                       "SELECT {} FROM accounts ORDER BY management DESC, name", kAccountColumns)));
  std::vector<Account> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(AccountOf(s));
  }
  return out;
}

Result<std::optional<Account>> Organization::FindAccount(std::string_view id_or_name) {
  ASSIGN_OR_RETURN(Statement s,
                   db_->Prepare(fmt::format("SELECT {} FROM accounts WHERE id = ?1 OR name = ?1 "
                                            "ORDER BY id = ?1 DESC LIMIT 1",
                                            kAccountColumns)));
  s.Bind(1, id_or_name);
  ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<Account>();
  return std::optional<Account>(AccountOf(s));
}

Result<NewCredential> Organization::InsertCredential(const Account& account, Role role) {
  NewCredential c;
  c.info.account_id = account.id;
  c.info.role = role;
  c.info.created_us = dir_->env()->NowMicros();
  c.secret_access_key = NewSecretAccessKey();
  for (int attempt = 0; attempt < 8 && c.info.access_key_id.empty(); ++attempt) {
    std::string candidate = NewAccessKeyId();
    ASSIGN_OR_RETURN(Statement q,
                     db_->Prepare("SELECT 1 FROM credentials WHERE access_key_id = ?"));
    q.Bind(1, candidate);
    ASSIGN_OR_RETURN(bool used, q.Step());
    if (!used) c.info.access_key_id = candidate;
  }
  if (c.info.access_key_id.empty()) return Status::Internal("cannot draw a free access key id");
  ASSIGN_OR_RETURN(Statement ins,
                   db_->Prepare("INSERT INTO credentials (access_key_id, account_id, role, "
                                "secret_sealed, created_us) VALUES (?, ?, ?, ?, ?)"));
  RETURN_IF_ERROR(ins.Bind(1, c.info.access_key_id)
                      .Bind(2, c.info.account_id)
                      .Bind(3, RoleName(role))
                      .BindBlob(4, box_.Seal(c.secret_access_key, c.info.access_key_id))
                      .Bind(5, c.info.created_us)
                      .Run());
  return c;
}

Result<NewCredential> Organization::CreateCredential(std::string_view account, Role role) {
  NewCredential out;
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(std::optional<Account> a, FindAccount(account));
    if (!a) return Status::NotFound("no account '" + std::string(account) + "'");
    if (role != Role::kMemberReader && !a->management) {
      return Status::InvalidArgument(fmt::format(
          "role {} belongs to the management account; account {} ({}) is a member account: give "
          "it member-reader credentials",
          RoleName(role), a->id, a->name));
    }
    ASSIGN_OR_RETURN(out, InsertCredential(*a, role));
    return Status::OK();
  }));
  return out;
}

Result<std::vector<CredentialInfo>> Organization::ListCredentials() {
  ASSIGN_OR_RETURN(Statement s, db_->Prepare(fmt::format(
                                    "SELECT {} FROM credentials ORDER BY account_id, created_us, "
                                    "access_key_id",
                                    kCredentialColumns)));
  std::vector<CredentialInfo> out;
  while (true) {
    ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(CredentialOf(s));
  }
  return out;
}

Status Organization::RevokeCredential(std::string_view access_key_id) {
  RETURN_IF_ERROR(db_->Transaction([&]() -> Status {
    ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT revoked_us FROM credentials WHERE "
                                               "access_key_id = ?"));
    q.Bind(1, access_key_id);
    ASSIGN_OR_RETURN(bool found, q.Step());
    if (!found)
      return Status::NotFound("no credential with access key id '" + std::string(access_key_id) +
                              "'");
    if (!q.IsNull(0)) {
      return Status::FailedPrecondition("credential " + std::string(access_key_id) +
                                        " is already revoked");
    }
    ASSIGN_OR_RETURN(Statement u, db_->Prepare("UPDATE credentials SET revoked_us = ? WHERE "
                                               "access_key_id = ?"));
    return u.Bind(1, dir_->env()->NowMicros()).Bind(2, access_key_id).Run();
  }));
  ForgetCache();
  return Status::OK();
}

void Organization::ForgetCache() {
  std::lock_guard<std::mutex> l(cache_mu_);
  cache_.clear();
  cache_version_ = -1;
}

Result<std::optional<Organization::ActiveKey>> Organization::Active(
    std::string_view access_key_id) {
  std::lock_guard<std::mutex> l(cache_mu_);
  if (!data_version_) {
    ASSIGN_OR_RETURN(Statement st, db_->Prepare("PRAGMA data_version"));
    data_version_.emplace(std::move(st));
  }
  data_version_->Reset();
  ASSIGN_OR_RETURN(bool row, data_version_->Step());
  const int64_t version = row ? data_version_->Int(0) : -2;
  if (version != cache_version_) {
    cache_.clear();
    cache_version_ = version;
  }
  if (auto it = cache_.find(access_key_id); it != cache_.end()) {
    return std::optional<ActiveKey>(it->second);
  }
  ASSIGN_OR_RETURN(std::optional<ActiveKey> key, LoadActive(access_key_id));
  // Only active keys are cached: unknown ones cannot grow the cache.
  if (key && cache_.size() < 100000) cache_.emplace(std::string(access_key_id), *key);
  return key;
}

Result<std::optional<Organization::ActiveKey>> Organization::LoadActive(
    std::string_view access_key_id) {
  ASSIGN_OR_RETURN(Statement s, db_->Prepare("SELECT c.account_id, c.role, a.management, "
                                             "c.secret_sealed FROM credentials c JOIN accounts a "
                                             "ON a.id = c.account_id WHERE c.access_key_id = ? "
                                             "AND c.revoked_us IS NULL"));
  s.Bind(1, access_key_id);
  ASSIGN_OR_RETURN(bool found, s.Step());
  if (!found) return std::optional<ActiveKey>();
  ActiveKey k;
  k.principal.access_key_id = std::string(access_key_id);
  k.principal.account_id = s.Text(0).value_or("");
  k.principal.role = ParseRole(s.Text(1).value_or("")).value_or(Role::kMemberReader);
  k.principal.in_management_account = s.Int(2) != 0;
  ASSIGN_OR_RETURN(k.secret, box_.Open(s.Text(3).value_or(""), access_key_id,
                                       db_->path() + ": credential " + std::string(access_key_id)));
  return std::optional<ActiveKey>(std::move(k));
}

Result<std::optional<std::string>> Organization::SecretFor(std::string_view access_key_id) {
  ASSIGN_OR_RETURN(std::optional<ActiveKey> k, Active(access_key_id));
  if (!k) return std::optional<std::string>();
  return std::optional<std::string>(std::move(k->secret));
}

Result<std::optional<Principal>> Organization::PrincipalFor(std::string_view access_key_id) {
  ASSIGN_OR_RETURN(std::optional<ActiveKey> k, Active(access_key_id));
  if (!k) return std::optional<Principal>();
  return std::optional<Principal>(std::move(k->principal));
}

}  // namespace cairn::cloud
