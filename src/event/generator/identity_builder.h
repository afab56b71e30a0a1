// src/event/generator/identity_builder.h
//
// Builds the identities of one account of a generated organization: who works there (IAM users,
// Identity Center sessions, admins coming from the management account, root), which workloads
// call AWS (application roles, CI via OIDC) and how each of them looks in userIdentity, which
// user agents and source addresses they use.
//
// Thread-safety: call while building an Organization, from one thread.
#pragma once

#include "event/generator/organization.h"
#include "event/generator/rng.h"

namespace cairn::gen {

// Fills `org->accounts[index].identities`. REQUIRES: accounts, roles, people and region pools of
// the organization are built.
void BuildIdentities(Organization* org, size_t index, Rng& rng);

}  // namespace cairn::gen
