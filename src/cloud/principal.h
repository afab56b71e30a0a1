// src/cloud/principal.h
//
// A principal is who calls cairn: one credential (access key) bound to one account of the
// organization, with one role. Roles (doc/access.md):
//   admin          configure (trails, stores, channels) and read; in the management account,
//                  for the whole organization
//   auditor        read-only; in the management account, every account's events and configuration
//   member-reader  read-only, its own account's events and configuration only
//
// Thread-safety: values.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::cloud {

enum class Role { kAdmin, kAuditor, kMemberReader };

// "admin", "auditor", "member-reader".
std::string_view RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

struct Principal {
  std::string access_key_id;
  std::string account_id;  // 12 digits
  Role role = Role::kMemberReader;
  bool in_management_account = false;

  // "arn:aws:iam::<account>:user/<access key id>": how the principal is named in messages and in
  // the management events cairn records of its own API calls.
  std::string Arn() const { return "arn:aws:iam::" + account_id + ":user/" + access_key_id; }
};

}  // namespace cairn::cloud
