// src/cloud/access.h
//
// The one place that decides what a principal may do (DESIGN §5). Every API operation declares the
// Action it performs; the dispatcher asks Authorize() before running the handler. What a principal
// may *read* (which accounts' events) is ReadScope(): the store scan enforces it, so a member
// account's principal can never see another account's events.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "cloud/principal.h"
#include "common/status.h"

namespace cairn::cloud {

enum class Action {
  kReadConfig,   // describe/get/list trails, stores, channels, tags
  kReadEvents,   // LookupEvents, Lake queries, exports
  kWriteConfig,  // create/update/delete trails, stores, channels; start/stop logging; tags
  kWriteEvents,  // PutAuditEvents, imports
};

std::string_view ActionName(Action action);

// OK, or kPermissionDenied as AccessDeniedException naming the principal and `operation`
// ("cloudtrail:CreateTrail").
Status Authorize(const Principal& principal, Action action, std::string_view operation);

// Which accounts' data a principal reads: every account of the organization, or only its own.
struct ReadScope {
  bool all_accounts = false;
  std::string account_id;  // when !all_accounts
};
ReadScope ReadScopeOf(const Principal& principal);

}  // namespace cairn::cloud
