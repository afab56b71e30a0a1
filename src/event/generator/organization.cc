#include "event/generator/organization.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <string_view>

#include "event/generator/identity_builder.h"
#include "event/generator/rng.h"
#include "event/generator/text_util.h"

namespace cairn::gen {
namespace {

using std::string;
using std::string_view;

constexpr std::array<string_view, Organization::kMaxRegions> kRegions = {
    "us-east-1",      "eu-west-1",      "us-west-2", "eu-central-1",
    "ap-southeast-2", "ap-northeast-1", "us-east-2", "eu-west-2",
    "ca-central-1",   "ap-south-1",     "sa-east-1", "eu-north-1",
    "ap-southeast-1", "us-west-1",      "eu-west-3", "ap-northeast-2"};

constexpr std::array<string_view, 8> kCompanies = {"acme",  "globex",   "initech", "umbrella",
                                                   "hooli", "vandelay", "wonka",   "tyrell"};

// Member accounts, in the order an organization typically creates them. Beyond the list,
// accounts are sandboxes and workload accounts numbered by index.
constexpr std::array<string_view, 15> kAccountNames = {
    "log-archive",      "security-tooling", "prod-payments",  "shared-services", "prod-web",
    "staging-payments", "dev-payments",     "data-platform",  "staging-web",     "dev-web",
    "prod-search",      "network",          "staging-search", "ml-research",     "dev-sandbox"};

constexpr std::array<string_view, 16> kApps = {
    "payments", "checkout", "orders", "catalog",   "search", "web",     "auth",   "billing",
    "ledger",   "reports",  "ingest", "inventory", "notify", "profile", "images", "analytics"};

constexpr std::array<string_view, 14> kFirstNames = {"alice",   "bob",   "carol",  "dave", "erin",
                                                     "frank",   "grace", "heidi",  "ivan", "judy",
                                                     "mallory", "niaj",  "olivia", "peggy"};
constexpr std::array<string_view, 12> kLastNames = {"martin", "nguyen", "smith", "garcia",
                                                    "kumar",  "okafor", "rossi", "schmidt",
                                                    "tanaka", "silva",  "cohen", "larsen"};

template <size_t N>
string_view Pick(Rng& rng, const std::array<string_view, N>& a) {
  return a[rng.Below(N)];
}

string RandomText(Rng& rng, string_view alphabet, int n) {
  string s;
  AppendRandom(&s, rng, alphabet, n);
  return s;
}

string AccountId(Rng& rng) {
  string s;
  s.push_back(static_cast<char>('1' + rng.Below(9)));
  AppendRandom(&s, rng, "0123456789", 11);
  return s;
}

double AccountWeight(string_view name, bool management) {
  if (management) return 0.6;
  if (name.starts_with("prod-")) return 1.6;
  if (name.starts_with("staging-")) return 0.6;
  if (name.starts_with("dev-")) return 0.45;
  if (name == "log-archive") return 0.35;
  if (name == "security-tooling") return 0.7;
  if (name == "data-platform") return 1.2;
  if (name.starts_with("sandbox")) return 0.2;
  return 0.5;
}

// What a bucket holds decides how its keys look; see ObjectKeyStyle.
constexpr std::array<string_view, 6> kBucketPurposes = {"data",    "artifacts", "uploads",
                                                        "backups", "exports",   "static-assets"};

void BuildRegionPools(const Organization& org, const Account& acct, string_view region, int rindex,
                      Rng& rng, RegionPools* p) {
  const string env = acct.name.substr(0, acct.name.find('-'));
  const int scale = acct.management ? 1 : 2;
  // Numbered accounts share workload names: their buckets carry part of the account id.
  const string account_suffix =
      std::isdigit(static_cast<unsigned char>(acct.name.back())) ? "-" + acct.id.substr(8) : "";
  // "eu-west-1" -> "-euw1"; none for the home region.
  string region_suffix;
  if (rindex > 0) {
    size_t dash = region.find('-');
    region_suffix = "-" + string(region.substr(0, 2)) + region[dash + 1] + region.back();
  }
  for (const string& app : acct.apps) {
    int nb = 1 + static_cast<int>(rng.Below(2));
    for (int i = 0; i < nb; ++i) {
      int purpose = static_cast<int>(rng.Below(kBucketPurposes.size()));
      string name = org.company + "-" + app + "-" + string(kBucketPurposes[purpose]) + "-" + env +
                    account_suffix + region_suffix;
      p->buckets.push_back({name, purpose});
    }
    for (string_view c : {"api-handler", "worker", "scheduler", "stream-consumer", "authorizer"}) {
      if (rng.Chance(0.6)) p->functions.push_back(app + "-" + string(c));
    }
    for (string_view t : {"items", "sessions", "events", "state"}) {
      if (rng.Chance(0.55)) p->tables.push_back(app + "-" + string(t) + "-" + env);
    }
    p->queues.push_back(app + "-jobs-" + env);
    if (rng.Chance(0.5)) p->queues.push_back(app + "-jobs-" + env + "-dlq");
    p->topics.push_back(app + "-events-" + env);
    p->stacks.push_back(app + "-" + env);
    if (rng.Chance(0.5)) p->stacks.push_back(app + "-" + env + "-monitoring");
    p->repos.push_back(org.company + "/" + app);
    p->clusters.push_back(app + "-" + env);
    p->ecs_services.push_back(app + "-svc");
    p->ecs_services.push_back(app + "-worker");
    p->secrets.push_back(env + "/" + app + "/db-credentials-" + RandomText(rng, kMixedAlnum, 6));
    p->secrets.push_back(env + "/" + app + "/api-key-" + RandomText(rng, kMixedAlnum, 6));
    p->params.push_back("/" + env + "/" + app + "/config/endpoint");
    p->params.push_back("/" + env + "/" + app + "/feature-flags");
    p->rules.push_back(app + "-nightly-" + env);
    p->dbs.push_back(app + "-db-" + env);
    p->load_balancers.push_back("app/" + app + "-alb-" + env + "/" +
                                RandomText(rng, kLowerHex, 16));
    p->target_groups.push_back(app + "-tg-" + env + "/" + RandomText(rng, kLowerHex, 16));
    p->asgs.push_back(app + "-asg-" + env);
    p->alarms.push_back(app + "-5xx-rate-" + env);
    p->alarms.push_back(app + "-p99-latency-" + env);
  }
  if (p->functions.empty()) p->functions.push_back(acct.apps[0] + "-worker");
  if (p->tables.empty()) p->tables.push_back(acct.apps[0] + "-items-" + env);
  for (const string& f : p->functions) p->log_groups.push_back("/aws/lambda/" + f);
  p->log_groups.push_back("/aws/ecs/" + acct.apps[0] + "-" + env);
  p->log_groups.push_back("/aws/vpc/flow-logs");
  p->log_bucket = org.company + "-aws-logs-" + acct.id + "-" + string(region);
  int ninst = scale * (3 + static_cast<int>(rng.Below(10)));
  for (int i = 0; i < ninst; ++i) p->instances.push_back("i-0" + RandomText(rng, kLowerHex, 16));
  for (int i = 0; i < 3; ++i) p->amis.push_back("ami-0" + RandomText(rng, kLowerHex, 16));
  p->vpcs.push_back("vpc-0" + RandomText(rng, kLowerHex, 16));
  if (rng.Chance(0.4)) p->vpcs.push_back("vpc-0" + RandomText(rng, kLowerHex, 16));
  for (int i = 0; i < 6; ++i) p->subnets.push_back("subnet-0" + RandomText(rng, kLowerHex, 16));
  for (int i = 0; i < 5; ++i) p->security_groups.push_back("sg-0" + RandomText(rng, kLowerHex, 16));
  for (int i = 0; i < ninst; ++i) p->volumes.push_back("vol-0" + RandomText(rng, kLowerHex, 16));
  for (int i = 0; i < 4; ++i) p->snapshots.push_back("snap-0" + RandomText(rng, kLowerHex, 16));
  for (int i = 0; i < ninst; ++i) p->enis.push_back("eni-0" + RandomText(rng, kLowerHex, 16));
  for (int i = 0; i < 2 + static_cast<int>(rng.Below(4)); ++i) {
    string k;
    AppendUuid(&k, rng);
    p->kms_keys.push_back(k);
  }
  p->detector = RandomText(rng, kLowerHex, 32);
  p->vpce = "vpce-0" + RandomText(rng, kLowerHex, 16);
  p->private_net = "10." + std::to_string(16 + rindex * 8 + static_cast<int>(rng.Below(8))) + ".";
}

}  // namespace

const std::vector<std::string>& KnownRegions() {
  static const std::vector<std::string> regions(kRegions.begin(), kRegions.end());
  return regions;
}

Result<Organization> Organization::Build(uint64_t seed, int accounts, int regions) {
  if (accounts < 1 || accounts > kMaxAccounts) {
    return Status::InvalidArgument("--accounts must be between 1 and " +
                                   std::to_string(kMaxAccounts) + ", got " +
                                   std::to_string(accounts));
  }
  if (regions < 1 || regions > kMaxRegions) {
    return Status::InvalidArgument("--regions must be between 1 and " +
                                   std::to_string(kMaxRegions) + ", got " +
                                   std::to_string(regions));
  }
  Rng rng(DeriveSeed(seed, {0x6f7267 /* "org" */}));
  Organization org;
  org.company = string(Pick(rng, kCompanies));
  org.org_id = "o-" + RandomText(rng, kLowerAlnum, 10);
  org.root_id = "r-" + RandomText(rng, kLowerAlnum, 4);
  org.idc_store = "d-9067" + RandomText(rng, kLowerHex, 6);
  static constexpr int kOffsets[] = {-8, -5, -5, 0, 1, 1, 2, 10};
  org.utc_offset_hours = kOffsets[rng.Below(std::size(kOffsets))];
  org.sso_email_sessions = rng.Chance(0.5);
  static constexpr double kRegionWeights[] = {1.0,  0.55, 0.4,  0.3,  0.22, 0.2,  0.18, 0.15,
                                              0.12, 0.1,  0.08, 0.08, 0.07, 0.06, 0.05, 0.05};
  for (int r = 0; r < regions; ++r) org.regions.push_back({string(kRegions[r]), kRegionWeights[r]});

  // People: about one per account, between 6 and 40, with unique user names.
  int npeople = std::clamp(accounts + 5, 6, 40);
  for (int i = 0; i < npeople; ++i) {
    Person p;
    p.user = string(kFirstNames[i % kFirstNames.size()]) + "." +
             string(kLastNames[(i / kFirstNames.size() + i * 5) % kLastNames.size()]);
    if (i >= static_cast<int>(kFirstNames.size() * kLastNames.size())) p.user += std::to_string(i);
    p.email = p.user + "@" + org.company + ".example.com";
    p.idc_id = "9067" + RandomText(rng, kLowerHex, 6) + "-";
    AppendUuid(&p.idc_id, rng);
    org.people.push_back(std::move(p));
  }

  std::vector<string> used_ids;
  for (int a = 0; a < accounts; ++a) {
    Account acct;
    acct.management = a == 0;
    do {
      acct.id = AccountId(rng);
    } while (std::find(used_ids.begin(), used_ids.end(), acct.id) != used_ids.end() && a < 100000);
    used_ids.push_back(acct.id);
    if (a == 0) {
      acct.name = "management";
    } else if (a - 1 < static_cast<int>(kAccountNames.size())) {
      acct.name = string(kAccountNames[a - 1]);
    } else {
      static constexpr string_view kEnvs[] = {"prod", "staging", "dev", "sandbox"};
      acct.name =
          string(kEnvs[a % 4]) + "-" + string(kApps[a % kApps.size()]) + "-" + std::to_string(a);
    }
    acct.alias = org.company + "-" + acct.name;
    acct.weight = AccountWeight(acct.name, acct.management) * (0.75 + 0.5 * rng.Unit());
    // Workloads: named after the account when it says so, plus one or two more.
    for (string_view app : kApps) {
      if (acct.name.find(app) != string::npos) acct.apps.push_back(string(app));
    }
    while (acct.apps.size() < 2) {
      string app(Pick(rng, kApps));
      if (std::find(acct.apps.begin(), acct.apps.end(), app) == acct.apps.end()) {
        acct.apps.push_back(app);
      }
    }
    const string env = acct.name.substr(0, acct.name.find('-'));
    // Roles: workload roles per app, CI, org access, service-linked roles.
    auto add_role = [&](string name) {
      acct.roles.push_back({std::move(name), "AROA" + RandomText(rng, kBase32, 17)});
    };
    for (const string& app : acct.apps) {
      add_role(app + "-lambda");
      add_role(app + "-task");
      add_role(app + "-ec2");
    }
    acct.workload_roles = acct.roles.size();
    add_role("github-actions-deploy");
    if (!acct.management) add_role("OrganizationAccountAccessRole");
    add_role("AWSServiceRoleForConfig");
    add_role("AWSServiceRoleForSecurityHub");
    add_role("AWSServiceRoleForAutoScaling");
    add_role("AWSServiceRoleForECS");
    add_role("datadog-integration");
    for (const string& app : acct.apps) acct.iam_users.push_back(app + "-legacy-svc");
    acct.iam_users.push_back("terraform");
    acct.iam_users.push_back("break-glass");
    for (const string& app : acct.apps) {
      acct.policies.push_back(app + "-runtime-policy");
      acct.policies.push_back(app + "-deploy-policy");
    }
    acct.hosted_zones.push_back("Z0" + RandomText(rng, kUpperAlnum, 19));
    acct.hosted_zones.push_back("Z0" + RandomText(rng, kUpperAlnum, 19));
    for (const string& app : acct.apps) {
      acct.record_names.push_back(app + "." + env + "." + org.company + ".example.com.");
      acct.record_names.push_back("api." + app + "." + env + "." + org.company + ".example.com.");
    }
    org.accounts.push_back(std::move(acct));
  }
  for (int a = 0; a < accounts; ++a) {
    Account& acct = org.accounts[a];
    Rng prng(DeriveSeed(seed, {0x706f6f6c /* "pool" */, static_cast<uint64_t>(a)}));
    acct.regions.resize(regions);
    for (int r = 0; r < regions; ++r) {
      BuildRegionPools(org, acct, org.regions[r].name, r, prng, &acct.regions[r]);
    }
  }
  for (int a = 0; a < accounts; ++a) {
    Rng irng(DeriveSeed(seed, {0x6964 /* "id" */, static_cast<uint64_t>(a)}));
    BuildIdentities(&org, a, irng);
  }
  return org;
}

}  // namespace cairn::gen
