// src/event/generator/organization.h
//
// The synthetic AWS organization that `cairn generate` writes logs for: an Organizations id, a
// management account and member accounts, the regions in use, the people (Identity Center
// users), each account's identities (identity.h) and the resources its calls touch (buckets,
// functions, tables, instances, keys...), per region.
//
// Everything is derived from the master seed alone, so the same seed builds the same
// organization; the builder uses no clock and iterates nothing unordered.
//
// Thread-safety: immutable once built; share it freely between generator threads.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/status.h"
#include "event/generator/identity.h"

namespace cairn::gen {

struct RegionInfo {
  std::string name;
  double weight;  // share of an account's activity in this region, relative
};

// The resources of one account in one region.
struct RegionPools {
  struct Bucket {
    std::string name;
    int purpose;  // how its object keys look (see ObjectKeyStyle in organization.cc)
  };
  std::vector<Bucket> buckets;
  std::string log_bucket;  // where services deliver logs (CloudTrail, Config, ELB)
  std::vector<std::string> functions, tables, instances, amis, vpcs, subnets, security_groups,
      volumes, snapshots, enis, kms_keys, secrets, params, queues, topics, log_groups, stacks,
      clusters, ecs_services, repos, rules, dbs, load_balancers, target_groups, asgs, alarms;
  std::string detector;     // GuardDuty detector id
  std::string vpce;         // the VPC endpoint data calls go through
  std::string private_net;  // "10.N." prefix of the region's VPC addresses
};

struct Role {
  std::string name, id;  // id: "AROA..." unique id
};

struct Account {
  std::string id;     // 12 digits
  std::string name;   // "prod-payments"
  std::string alias;  // IAM account alias
  bool management = false;
  double weight = 1;              // share of the organization's activity, relative
  std::vector<std::string> apps;  // workload names its resources are named after
  std::vector<Role> roles;        // the first workload_roles are the apps' Lambda/ECS/EC2 roles
  size_t workload_roles = 0;
  std::vector<std::string> iam_users, policies, hosted_zones, record_names;
  std::vector<Identity> identities;
  std::vector<RegionPools> regions;  // parallel to Organization::regions
};

struct Person {
  std::string user;    // "alice.martin"
  std::string email;   // "alice.martin@example.com"
  std::string idc_id;  // Identity Center user id
};

struct Organization {
  std::string company;              // prefix of bucket names and such
  std::string org_id;               // "o-" + 10 characters
  std::string root_id;              // "r-" + 4 characters
  std::string idc_store;            // Identity Center identity store id "d-..."
  bool sso_email_sessions = false;  // Identity Center user names are emails (else short names)
  int utc_offset_hours = 0;         // where most of its people work: shapes the working-hours curve
  std::vector<RegionInfo> regions;  // regions[0] is always us-east-1 (global service events)
  std::vector<Person> people;
  std::vector<Account> accounts;  // accounts[0] is the management account

  static constexpr int kMaxRegions = 16;
  static constexpr int kMaxAccounts = 10000;

  // Builds the organization of `accounts` accounts (>= 1) in the first `regions` regions of
  // cairn's region list (1..kMaxRegions). kInvalidArgument outside those ranges.
  static Result<Organization> Build(uint64_t seed, int accounts, int regions);
};

// The region list, in the order --regions takes them.
const std::vector<std::string>& KnownRegions();

}  // namespace cairn::gen
