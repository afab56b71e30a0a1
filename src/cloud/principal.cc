#include "cloud/principal.h"

namespace cairn::cloud {

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kAuditor:
      return "auditor";
    case Role::kMemberReader:
      return "member-reader";
  }
  return "member-reader";
}

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "auditor") return Role::kAuditor;
  if (name == "member-reader") return Role::kMemberReader;
  return std::nullopt;
}

}  // namespace cairn::cloud
