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

#include "api/dispatcher.h"
#include "cloud/data_dir.h"
#include "cloud/organization.h"
#include "common/env.h"

namespace cairn::api {

struct ApiServices {
  Env* env = nullptr;                 // clock of the data folder
  cloud::DataDir* data = nullptr;     // stores and metadata.db
  cloud::Organization* org = nullptr; // accounts and credentials
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
