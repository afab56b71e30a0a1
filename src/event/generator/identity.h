// src/event/generator/identity.h
//
// Who makes the calls in a generated organization. An Identity is one principal as CloudTrail
// shows it in `userIdentity`: an IAM user with an access key, a role session (application roles,
// Identity Center permission-set roles, OrganizationAccountAccessRole), a web-identity federated
// CI job, an Identity Center user, the root user, or an AWS service acting for the account.
//
// Identities are built once per account (organization.cc) with their userIdentity JSON compiled
// as a Template whose only holes are per-session values (${session_key}, ${session_created}), so
// writing a record pastes a pre-built fragment.
//
// Thread-safety: immutable after the Organization is built.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "event/generator/template.h"

namespace cairn::gen {

enum class IdentityKind : uint8_t {
  kIamUser,       // IAM user, long-term AKIA key (CLI/SDK) or console session
  kSsoSession,    // AssumedRole of an AWSReservedSSO_* role (IAM Identity Center)
  kOrgAccess,     // AssumedRole of OrganizationAccountAccessRole, from the management account
  kRoot,          // the account's root user
  kIdcUser,       // IdentityCenterUser (portal calls), with onBehalfOf
  kAppRole,       // AssumedRole of a workload role (Lambda, EC2, ECS, CI, service-linked)
  kWebIdentity,   // WebIdentityUser (GitHub Actions OIDC), for AssumeRoleWithWebIdentity
  kCrossAccount,  // a management-account session calling into a member account
  kServiceRole,   // AssumedRole of a service-linked role, invokedBy a service (reads only)
  kAwsService,    // {"type":"AWSService","invokedBy"}: a service acting for the account
  kServiceEvent,  // {"accountId","invokedBy"}: AwsServiceEvent records
  kCount
};

constexpr uint32_t KindBit(IdentityKind k) { return 1u << static_cast<uint32_t>(k); }

struct Identity {
  IdentityKind kind = IdentityKind::kIamUser;
  bool human = false;  // follows working hours (human stream) rather than the machine stream
  double weight = 1;   // relative share of its stream's calls within the account
  std::string name;    // ${caller_name}: user name or role session name
  std::string arn;     // ${caller_arn}
  std::string account_id;
  Template user_identity;             // the JSON object, braces included
  Template sign_in_identity;          // for ConsoleLogin records when it differs (no access key)
  std::vector<Template> user_agents;  // one is picked per record; console identities: browser last
  std::vector<std::string> ips;       // source addresses; one is picked per record
  bool console = false;               // console session: sessionCredentialFromConsole "true"
  bool mfa = false;                   // signed in with MFA (ConsoleLogin MFAUsed, mfaAuthenticated)
  bool via_vpce = false;              // calls go through the region's VPC endpoint
  bool service_caller = false;        // an AWS service calls for it: no tlsDetails
  uint64_t key_seed = 0;              // per-session access keys and creation dates derive from it
  int64_t session_seconds = 0;        // > 0: temporary credentials renewed this often
  std::string access_key;             // long-term key (IAM users), else empty
};

}  // namespace cairn::gen
