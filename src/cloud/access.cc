#include "cloud/access.h"

#include <fmt/format.h>

namespace cairn::cloud {

std::string_view ActionName(Action action) {
  switch (action) {
    case Action::kReadConfig:
      return "read-config";
    case Action::kReadEvents:
      return "read-events";
    case Action::kWriteConfig:
      return "write-config";
    case Action::kWriteEvents:
      return "write-events";
  }
  return "unknown";
}

Status Authorize(const Principal& principal, Action action, std::string_view operation) {
  bool allowed = false;
  switch (principal.role) {
    case Role::kAdmin:
      allowed = true;
      break;
    case Role::kAuditor:
    case Role::kMemberReader:
      allowed = action == Action::kReadConfig || action == Action::kReadEvents;
      break;
  }
  if (allowed) return Status::OK();
  return Status::PermissionDenied(
             fmt::format("User: {} is not authorized to perform: {} (role {} may "
                         "not {})",
                         principal.Arn(), operation, RoleName(principal.role), ActionName(action)))
      .WithAwsError("AccessDeniedException");
}

ReadScope ReadScopeOf(const Principal& principal) {
  ReadScope scope;
  scope.all_accounts = principal.in_management_account &&
                       (principal.role == Role::kAdmin || principal.role == Role::kAuditor);
  if (!scope.all_accounts) scope.account_id = principal.account_id;
  return scope;
}

}  // namespace cairn::cloud
