// src/cloud/organization.h
//
// Organization is the control plane's record of who may call cairn (doc/access.md): the
// organization (id), its accounts (one management account, any number of member accounts) and
// the credentials (access keys) bound to an account with a role. It lives in metadata.db (tables
// `accounts` and `credentials`, schema in data_dir.cc); secret access keys are sealed with
// AES-256-GCM (secret_box.h) under DIR/secrets.key and never stored in plain text.
//
// The organization is created by Bootstrap(), on `cairn serve`'s first start: a management account
// and an admin credential, whose secret is returned once (and written to DIR/admin-credentials by
// the caller).
//
// Several processes may use one data folder's organization at a time (`cairn serve` running while
// `cairn credentials create` adds a key). Active keys are cached in memory (SigV4 needs one lookup
// per request); the cache is dropped whenever the database changed (SQLite's PRAGMA data_version
// for other processes' commits, and this object's own writes), so a new or revoked key takes
// effect on the next request.
//
// Thread-safety: every method may be called from many threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cloud/data_dir.h"
#include "cloud/principal.h"
#include "cloud/secret_box.h"
#include "common/status.h"

namespace cairn::cloud {

struct Account {
  std::string id;    // 12 digits
  std::string name;  // unique in the organization
  bool management = false;
  int64_t created_us = 0;
};

struct CredentialInfo {
  std::string access_key_id;
  std::string account_id;
  Role role = Role::kMemberReader;
  int64_t created_us = 0;
  std::optional<int64_t> revoked_us;
};

// A credential just made: the only time its secret is available in plain text.
struct NewCredential {
  CredentialInfo info;
  std::string secret_access_key;
};

struct BootstrapResult {
  std::string organization_id;
  Account management;
  NewCredential admin;
};

class Organization {
 public:
  // The key file that seals secrets, in the data folder.
  static constexpr std::string_view kKeyFileName = "secrets.key";

  // Opens the organization records of `dir` (which must outlive it), creating the key file when
  // missing. Works on a data folder without an organization yet (see bootstrapped()).
  static Result<std::unique_ptr<Organization>> Open(DataDir* dir);

  // Whether Bootstrap() has run on this data folder.
  Result<bool> bootstrapped();
  // Creates the organization: its id, a management account (`management_id`, or a random id when
  // empty; named `management_name`) and an admin credential of that account. kAlreadyExists when
  // the organization exists.
  Result<BootstrapResult> Bootstrap(const std::string& management_id,
                                    const std::string& management_name);
  // The management account's id; kFailedPrecondition before Bootstrap().
  Result<std::string> ManagementAccountId();
  // The organization id ("o-..."); kFailedPrecondition before Bootstrap().
  Result<std::string> organization_id();

  // Adds a member account. `id` empty: a random 12-digit id. Errors: kInvalidArgument for a bad
  // name (1-50 of [A-Za-z0-9._-]) or id (12 digits), kAlreadyExists when the name or id is taken,
  // kFailedPrecondition before Bootstrap().
  Result<Account> CreateAccount(const std::string& name, const std::string& id);
  // All accounts, the management account first, then by name.
  Result<std::vector<Account>> ListAccounts();
  // The account with this id or (else) this name.
  Result<std::optional<Account>> FindAccount(std::string_view id_or_name);

  // Makes a credential of `account` (id or name) with `role`. An admin or auditor credential can
  // only belong to the management account, a member-reader to any account (kInvalidArgument
  // otherwise); kNotFound when the account does not exist.
  Result<NewCredential> CreateCredential(std::string_view account, Role role);
  // All credentials (revoked ones included), by account then creation time.
  Result<std::vector<CredentialInfo>> ListCredentials();
  // Revokes a key: it is refused from the next request on. kNotFound for an unknown key; revoking
  // twice is kFailedPrecondition.
  Status RevokeCredential(std::string_view access_key_id);

  // For SigV4: the secret of an active key, nullopt when the key is unknown or revoked.
  Result<std::optional<std::string>> SecretFor(std::string_view access_key_id);
  // The principal behind an active key, nullopt when unknown or revoked.
  Result<std::optional<Principal>> PrincipalFor(std::string_view access_key_id);

  // The data folder's sealing key (also seals the digest signing keys).
  const SecretBox& box() const { return box_; }

 private:
  Organization(DataDir* dir, std::string key) : dir_(dir), box_(std::move(key)) {}
  Result<std::optional<Account>> ManagementAccount();
  Result<NewCredential> InsertCredential(const Account& account, Role role);
  struct ActiveKey {
    std::string secret;
    Principal principal;
  };
  // The active key `access_key_id` (cached), nullopt when unknown or revoked.
  Result<std::optional<ActiveKey>> Active(std::string_view access_key_id);
  Result<std::optional<ActiveKey>> LoadActive(std::string_view access_key_id);
  void ForgetCache();

  DataDir* dir_;
  MetadataDb* db_ = nullptr;
  SecretBox box_;

  std::mutex cache_mu_;
  std::optional<Statement> data_version_;  // PRAGMA data_version, prepared once
  int64_t cache_version_ = -1;
  std::map<std::string, ActiveKey, std::less<>> cache_;
};

// 1-50 characters of [A-Za-z0-9._-]: an account name.
bool IsAccountName(std::string_view name);

}  // namespace cairn::cloud
