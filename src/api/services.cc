#include "api/services.h"

#include <fmt/format.h>

#include "api/cloudtrail/lookup_events.h"
#include "api/cloudtrail/trail_operations.h"
#include "api/errors.h"
#include "cloud/access.h"

namespace cairn::api {

void RegisterHandlers(Dispatcher* dispatcher, ApiServices* services) {
  cloudtrail::RegisterLookupEvents(dispatcher, services);
  cloudtrail::RegisterTrailOperations(dispatcher, services);
}

Result<std::string> TargetAccount(const RequestContext& ctx) {
  if (ctx.path_account.empty() || ctx.path_account == ctx.principal.account_id) {
    return ctx.principal.account_id;
  }
  cloud::ReadScope scope = cloud::ReadScopeOf(ctx.principal);
  if (!scope.all_accounts) {
    return AwsError(StatusCode::kPermissionDenied, "AccessDeniedException",
                    fmt::format("User: {} is not authorized to access account {}: a member "
                                "account's credentials see only their own account ({})",
                                ctx.principal.Arn(), ctx.path_account, ctx.principal.account_id));
  }
  return ctx.path_account;
}

}  // namespace cairn::api
