// src/api/services.h
//
// What the API handlers work with, and the one place every handler group is registered with the
// Dispatcher. `cairn serve` (src/cli/cmd_serve.cc), the tests and the benchmark build an
// ApiServices over an open data folder and call RegisterHandlers(); each handler group lives in
// src/api/cloudtrail/ (or src/api/<service>/) and exposes one Register...Handlers() function that
// handlers.cc calls. Handlers keep no state of their own beyond what ApiServices points to.
//
// Thread-safety: the pointed-to objects are thread-safe (their headers say so); ApiServices itself
// is not modified after RegisterHandlers().
#pragma once

#include <functional>
#include <map>

#include "api/dispatcher.h"
#include "cloud/data_dir.h"
#include "cloud/organization.h"
#include "cloud/signing_keys.h"
#include "cloud/trails.h"
#include "common/env.h"

namespace cairn::api {

// A kind of resource AddTags / RemoveTags / ListTags reach, by the resource type of its ARN
// ("trail", "eventdatastore", "channel"). The tag operations are implemented once (trail_
// operations.cc): they read the tags with get(), change the list, and write it back with set().
struct TagTarget {
  // The tags of `arn` if the caller sees the resource; otherwise the kind's AWS error
  // (ResourceNotFoundException, EventDataStoreNotFoundException, ...).
  std::function<Result<cloud::Tags>(const RequestContext& ctx, std::string_view arn)> get;
  // Replaces the tags of `arn`; checks that the caller may change the resource.
  std::function<Status(const RequestContext& ctx, std::string_view arn, const cloud::Tags& tags)>
      set;
};

struct ApiServices {
  Env* env = nullptr;                  // clock of the data folder
  cloud::DataDir* data = nullptr;      // stores and metadata.db
  cloud::Organization* org = nullptr;  // accounts and credentials
  std::string management_account;      // the organization's management account id
  cloud::Trails* trails = nullptr;
  cloud::SigningKeys* signing_keys = nullptr;
  // By ARN resource type. "trail" is registered by the trail operations; other groups add theirs
  // (before the first request).
  std::map<std::string, TagTarget, std::less<>> tag_targets;
};

// Registers every operation cairn serves. REQUIRES: `services` (and what it points to) outlives
// `dispatcher`; called before the dispatcher's first Handle().
void RegisterHandlers(Dispatcher* dispatcher, ApiServices* services);

// The account whose data a call reads or changes. By default the caller's own account; a
// management-account admin or auditor may name another account of the organization by sending the
// call to the endpoint path /accounts/<id> (e.g. --endpoint-url http://HOST:PORT/accounts/<id>),
// which every SDK and the aws CLI support. A member-reader naming another account gets
// AccessDeniedException. See doc/access.md.
Result<std::string> TargetAccount(const RequestContext& ctx);

}  // namespace cairn::api
