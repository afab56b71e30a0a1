// Builds each account's identities (identity_builder.h). The userIdentity shapes follow
// spec/cloudtrail-events.md §5; the per-session holes are ${session_key}, ${session_created} and
// ${credential_id}, resolved per record from the identity's key_seed and the event time.
#include <array>
#include <string>
#include <string_view>

#include "event/generator/identity_builder.h"
#include "event/generator/text_util.h"

namespace cairn::gen {
namespace {

using std::string;
using std::string_view;

constexpr std::array<string_view, 5> kCliAgents = {
    "aws-cli/2.9.19 Python/3.9.11 Darwin/22.3.0 exe/x86_64 prompt/off command/${cli_cmd}",
    "aws-cli/2.15.30 md/awscrt#0.19.19 ua/2.0 os/macos#23.4.0 md/arch#arm64 lang/python#3.11.8 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#source md/prompt#off "
    "md/command#${cli_cmd}",
    "aws-cli/2.17.4 md/awscrt#0.20.11 ua/2.0 os/linux#6.5.0-41-generic md/arch#x86_64 "
    "lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe "
    "md/distrib#ubuntu.22 md/prompt#off md/command#${cli_cmd}",
    "aws-cli/2.13.25 Python/3.11.5 Windows/10 exe/AMD64 prompt/off command/${cli_cmd}",
    "aws-cli/1.32.84 md/Botocore#1.34.84 ua/2.0 os/macos#23.4.0 md/arch#x86_64 lang/python#3.12.2 "
    "md/pyimpl#CPython cfg/retry-mode#legacy botocore/1.34.84",
};

constexpr std::array<string_view, 3> kConsoleAgents = {
    "AWS Internal",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
};

constexpr std::array<string_view, 9> kSdkAgents = {
    "Boto3/1.34.84 md/Botocore#1.34.84 ua/2.0 os/linux#5.10.214-202.855.amzn2.x86_64 "
    "md/arch#x86_64 lang/python#3.12.3 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 "
    "cfg/retry-mode#legacy Botocore/1.34.84",
    "aws-sdk-js/3.556.0 ua/2.0 os/linux#5.10.214-225.855.amzn2.x86_64 lang/js md/nodejs#20.12.2 "
    "api/${svc}#3.556.0 exec-env/AWS_Lambda_nodejs20.x",
    "aws-sdk-java/2.25.31 Linux/5.10.214-202.855.amzn2.x86_64 "
    "OpenJDK_64-Bit_Server_VM/17.0.11+9-LTS "
    "Java/17.0.11 vendor/Amazon.com_Inc. md/internal exec-env/AWS_ECS_FARGATE io/sync http/Apache "
    "cfg/retry-mode/legacy",
    "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/${svc}#1.31.0",
    "Boto3/1.28.62 md/Botocore#1.31.62 ua/2.0 os/linux#5.15.0-1055-aws md/arch#x86_64 "
    "lang/python#3.10.12 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.31.62",
    "aws-sdk-go/1.50.38 (go1.21.9; linux; amd64) amazon-ssm-agent/3.3.380.0",
    "aws-sdk-java/1.12.701 Linux/5.10.214-202.855.amzn2.x86_64 "
    "OpenJDK_64-Bit_Server_VM/11.0.23+9-LTS "
    "java/11.0.23 kotlin/1.9.23 vendor/Amazon.com_Inc. exec-env/AWS_ECS_EC2 "
    "cfg/retry-mode/standard",
    "Boto3/1.26.90 Python/3.9.16 Linux/5.10.178-183.725.amzn2.x86_64 exec-env/AWS_Lambda_python3.9 "
    "Botocore/1.29.90",
    "aws-sdk-nodejs/2.1402.0 linux/v18.16.0 exec-env/AWS_Lambda_nodejs18.x promise",
};

constexpr string_view kTerraformAgent =
    "APN/1.0 HashiCorp/1.0 Terraform/1.8.2 (+https://www.terraform.io) "
    "terraform-provider-aws/5.47.0 "
    "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.1 ua/2.0 os/linux "
    "lang/go#1.22.2 md/GOOS#linux md/GOARCH#amd64 api/${svc}#1.31.0";
constexpr string_view kGithubAgent =
    "aws-sdk-js/3.556.0 ua/2.0 os/linux#6.5.0-1018-azure lang/js md/nodejs#20.12.2 "
    "api/${svc}#3.556.0 "
    "configure-aws-credentials-for-github-actions";
constexpr string_view kDatadogAgent =
    "Datadog AWS Integration (aws-sdk-go/1.50.30 (go1.22.1; linux; amd64))";

string RandomText(Rng& rng, string_view alphabet, int n) {
  string s;
  AppendRandom(&s, rng, alphabet, n);
  return s;
}

string HumanIp(Rng& rng) {
  uint32_t k = rng.Below(10);
  if (k < 5) return "203.0.113." + std::to_string(10 + rng.Below(30));   // office egress
  if (k < 9) return "198.51.100." + std::to_string(1 + rng.Below(254));  // home
  return "2001:db8:" + RandomText(rng, kLowerHex, 4) + ":" + RandomText(rng, kLowerHex, 4) +
         "::" + RandomText(rng, kLowerHex, 3);
}

string MachineIp(Rng& rng) { return "192.0.2." + std::to_string(1 + rng.Below(254)); }

class Builder {
 public:
  static constexpr size_t kMaxIdentities = 1024;

  Builder(Organization* org, size_t index, Rng& rng)
      : org_(*org), acct_(org->accounts[index]), rng_(rng) {}

  void Build();

 private:
  // The returned reference stays valid while the account has fewer than kMaxIdentities.
  Identity& Add(IdentityKind kind, bool human, double weight) {
    CAIRN_CHECK(acct_.identities.size() < kMaxIdentities);
    acct_.identities.emplace_back();
    Identity& id = acct_.identities.back();
    id.kind = kind;
    id.human = human;
    id.weight = weight;
    id.account_id = acct_.id;
    id.key_seed = rng_.Next();
    return id;
  }
  void Agents(Identity& id, std::initializer_list<string_view> agents) {
    for (string_view a : agents) id.user_agents.push_back(Template::MustCompile(a));
  }
  const Role* FindRole(string_view name) const {
    for (const Role& r : acct_.roles) {
      if (r.name == name) return &r;
    }
    return nullptr;
  }
  // userIdentity of a role session: AssumedRole with sessionIssuer and session attributes.
  static string AssumedRoleJson(const string& account, const string& role_path, const Role& role,
                                const string& session, const char* mfa, string_view extra_context,
                                string_view invoked_by) {
    string j = "{\"type\":\"AssumedRole\",\"principalId\":\"" + role.id + ":" + session +
               "\",\"arn\":\"arn:aws:sts::" + account + ":assumed-role/" + role.name + "/" +
               session + "\",\"accountId\":\"" + account +
               "\",\"accessKeyId\":\"${session_key}\",\"sessionContext\":{\"sessionIssuer\":{"
               "\"type\":\"Role\",\"principalId\":\"" +
               role.id + "\",\"arn\":\"arn:aws:iam::" + account + ":role/" + role_path + role.name +
               "\",\"accountId\":\"" + account + "\",\"userName\":\"" + role.name +
               "\"},\"webIdFederationData\":{},\"attributes\":{\"creationDate\":\"${session_"
               "created}\",\"mfaAuthenticated\":\"" +
               mfa + "\"}" + string(extra_context) + "}";
    if (!invoked_by.empty()) j += ",\"invokedBy\":\"" + string(invoked_by) + "\"";
    return j + "}";
  }
  void SetRoleSession(Identity& id, const string& account, const string& role_path,
                      const Role& role, const string& session, bool mfa, string_view extra = "",
                      string_view invoked_by = "") {
    id.name = session;
    id.arn = "arn:aws:sts::" + account + ":assumed-role/" + role.name + "/" + session;
    id.account_id = account;
    id.user_identity = Template::MustCompile(AssumedRoleJson(
        account, role_path, role, session, mfa ? "true" : "false", extra, invoked_by));
  }

  void AddRoot();
  void AddPeople();
  void AddIamUsers();
  void AddWorkloads();
  void AddServices();

  Organization& org_;
  Account& acct_;
  Rng& rng_;
};

void Builder::AddRoot() {
  Identity& id = Add(IdentityKind::kRoot, true, 0.4);
  id.name = acct_.alias;
  id.arn = "arn:aws:iam::" + acct_.id + ":root";
  id.mfa = rng_.Chance(0.85);
  id.console = true;
  id.user_identity =
      Template::MustCompile("{\"type\":\"Root\",\"principalId\":\"" + acct_.id + "\",\"arn\":\"" +
                            id.arn + "\",\"accountId\":\"" + acct_.id + "\",\"accessKeyId\":\"\"}");
  Agents(id, {kConsoleAgents[1]});
  id.ips = {HumanIp(rng_)};
}

void Builder::AddPeople() {
  static constexpr string_view kSets[] = {"AdministratorAccess", "ReadOnlyAccess",
                                          "PowerUserAccess", "DeveloperAccess", "ViewOnlyAccess"};
  const Account& mgmt = org_.accounts[0];
  size_t npeople = org_.people.size();
  // Everybody may sign in to the portal (management account, IdentityCenterUser records), and a
  // subset works in each account through permission-set roles.
  size_t start = rng_.Below(static_cast<uint32_t>(npeople));
  size_t count = acct_.management ? std::min<size_t>(npeople, 5) : 3 + rng_.Below(6);
  count = std::min(count, npeople);
  string set_suffix[std::size(kSets)];
  for (auto& s : set_suffix) s = RandomText(rng_, kLowerHex, 16);
  for (size_t k = 0; k < count; ++k) {
    const Person& p = org_.people[(start + k) % npeople];
    size_t set = acct_.management ? (k < 3 ? 0 : 1) : rng_.Below(std::size(kSets));
    Role role{"AWSReservedSSO_" + string(kSets[set]) + "_" + set_suffix[set],
              "AROA" + RandomText(rng_, kBase32, 17)};
    bool console = rng_.Chance(0.55);
    Identity& id = Add(IdentityKind::kSsoSession, true, set == 0 ? 1.2 : 1.0);
    SetRoleSession(id, acct_.id, "aws-reserved/sso.amazonaws.com/", role,
                   org_.sso_email_sessions ? p.email : p.user, false);
    id.console = console;
    id.session_seconds = console ? 8 * 3600 : 3600;
    if (console) {
      Agents(id, {kConsoleAgents[0], kConsoleAgents[0], kConsoleAgents[1 + rng_.Below(2)]});
    } else {
      Agents(id, {kCliAgents[rng_.Below(kCliAgents.size())]});
      if (rng_.Chance(0.4)) Agents(id, {kTerraformAgent});
    }
    id.ips = {HumanIp(rng_), HumanIp(rng_)};
  }
  if (acct_.management) {
    for (const Person& p : org_.people) {
      Identity& id = Add(IdentityKind::kIdcUser, true, 1.0);
      id.name = p.user;
      id.arn = "";
      id.session_seconds = 8 * 3600;
      id.user_identity = Template::MustCompile(
          "{\"type\":\"IdentityCenterUser\",\"accountId\":\"" + acct_.id +
          "\",\"onBehalfOf\":{\"userId\":\"" + p.idc_id +
          "\",\"identityStoreArn\":\"arn:aws:identitystore::" + acct_.id + ":identitystore/" +
          org_.idc_store + "\"},\"credentialId\":\"${credential_id}\"}");
      Agents(id, {kConsoleAgents[1 + rng_.Below(2)]});
      id.ips = {HumanIp(rng_)};
    }
    return;
  }
  // Platform admins reach member accounts through OrganizationAccountAccessRole; their
  // AssumeRole calls come from a management-account session (cross-account).
  const Role* org_role = FindRole("OrganizationAccountAccessRole");
  for (int k = 0; k < 2; ++k) {
    const Person& p = org_.people[(start + count + k) % npeople];
    Identity& id = Add(IdentityKind::kOrgAccess, true, 0.5);
    SetRoleSession(id, acct_.id, "", *org_role, p.user, true);
    id.session_seconds = 3600;
    Agents(id, {kCliAgents[rng_.Below(kCliAgents.size())]});
    id.ips = {HumanIp(rng_)};

    Identity& from = Add(IdentityKind::kCrossAccount, true, 0.5);
    Role admin{"AWSReservedSSO_AdministratorAccess_" + RandomText(rng_, kLowerHex, 16),
               "AROA" + RandomText(rng_, kBase32, 17)};
    SetRoleSession(from, mgmt.id, "aws-reserved/sso.amazonaws.com/", admin,
                   org_.sso_email_sessions ? p.email : p.user, false);
    from.session_seconds = 3600;
    from.user_agents = id.user_agents;
    from.ips = id.ips;
  }
}

void Builder::AddIamUsers() {
  auto add_user = [&](const string& name, bool human, double weight, bool console, bool mfa) {
    Identity& id = Add(IdentityKind::kIamUser, human, weight);
    id.name = name;
    id.arn = "arn:aws:iam::" + acct_.id + ":user/" + name;
    id.console = console;
    id.mfa = mfa;
    string pid = "AIDA" + RandomText(rng_, kBase32, 17);
    string head = "{\"type\":\"IAMUser\",\"principalId\":\"" + pid + "\",\"arn\":\"" + id.arn +
                  "\",\"accountId\":\"" + acct_.id + "\",\"accessKeyId\":\"";
    if (console) {
      id.sign_in_identity = Template::MustCompile("{\"type\":\"IAMUser\",\"principalId\":\"" + pid +
                                                  "\",\"arn\":\"" + id.arn + "\",\"accountId\":\"" +
                                                  acct_.id + "\",\"userName\":\"" + name + "\"}");
      // Console sessions use temporary keys and carry session attributes.
      id.session_seconds = 12 * 3600;
      id.user_identity = Template::MustCompile(
          head + "${session_key}\",\"userName\":\"" + name +
          "\",\"sessionContext\":{\"attributes\":{\"creationDate\":\"${session_created}\","
          "\"mfaAuthenticated\":\"" +
          (mfa ? "true" : "false") + "\"}}}");
    } else {
      id.access_key = "AKIA" + RandomText(rng_, kBase32, 16);
      id.user_identity =
          Template::MustCompile(head + id.access_key + "\",\"userName\":\"" + name + "\"}");
    }
    return &id;
  };
  if (acct_.management) {
    Identity* bg = add_user("break-glass", true, 0.1, true, true);
    Agents(*bg, {kConsoleAgents[0], kConsoleAgents[1]});
    bg->ips = {HumanIp(rng_)};
  }
  Identity* tf = add_user("terraform", true, 0.8, false, false);
  Agents(*tf, {kTerraformAgent});
  tf->ips = {HumanIp(rng_), MachineIp(rng_)};
  // A long-lived key in a legacy workload: machine traffic from a fixed address.
  for (const string& app : acct_.apps) {
    if (!rng_.Chance(0.7)) continue;
    Identity* svc = add_user(app + "-legacy-svc", false, 1.5, false, false);
    Agents(*svc, {kSdkAgents[4]});
    svc->ips = {MachineIp(rng_)};
  }
  // Now and then a person who still has an IAM user with console access, with or without MFA.
  if (rng_.Chance(0.6)) {
    const Person& p = org_.people[rng_.Below(static_cast<uint32_t>(org_.people.size()))];
    Identity* u = add_user(p.user, true, 0.5, true, rng_.Chance(0.5));
    Agents(*u, {kConsoleAgents[0], kConsoleAgents[1 + rng_.Below(2)]});
    u->ips = {HumanIp(rng_)};
  }
}

void Builder::AddWorkloads() {
  const string env = acct_.name.substr(0, acct_.name.find('-'));
  for (const string& app : acct_.apps) {
    // Lambda functions: the session name is the function name.
    if (const Role* r = FindRole(app + "-lambda")) {
      for (string_view c : {"api-handler", "worker", "stream-consumer"}) {
        Identity& id = Add(IdentityKind::kAppRole, false, 1.5);
        SetRoleSession(id, acct_.id, "service-role/", *r, app + "-" + string(c), false);
        id.session_seconds = 3600 * (1 + rng_.Below(6));
        static constexpr int kLambdaAgents[] = {1, 7, 8, 7};
        Agents(id, {kSdkAgents[kLambdaAgents[rng_.Below(4)]]});
        id.ips = {MachineIp(rng_), MachineIp(rng_)};
        id.via_vpce = rng_.Chance(0.3);
      }
    }
    // EC2 instances: the session name is the instance id.
    if (const Role* r = FindRole(app + "-ec2")) {
      int n = 1 + rng_.Below(3);
      for (int i = 0; i < n; ++i) {
        Identity& id = Add(IdentityKind::kAppRole, false, 1.0);
        SetRoleSession(id, acct_.id, "", *r, "i-0" + RandomText(rng_, kLowerHex, 16), false,
                       ",\"ec2RoleDelivery\":\"2.0\"");
        id.session_seconds = 6 * 3600;
        Agents(id, {kSdkAgents[5], kSdkAgents[6]});
        id.ips = {MachineIp(rng_)};
        id.via_vpce = rng_.Chance(0.5);
      }
    }
    // ECS tasks: the session name is the task id.
    if (const Role* r = FindRole(app + "-task")) {
      Identity& id = Add(IdentityKind::kAppRole, false, 1.2);
      SetRoleSession(id, acct_.id, "", *r, RandomText(rng_, kLowerHex, 32), false);
      id.session_seconds = 3600;
      Agents(id, {kSdkAgents[2], kSdkAgents[3]});
      id.ips = {MachineIp(rng_)};
      id.via_vpce = rng_.Chance(0.4);
    }
  }
  // CI: GitHub Actions deploys during working hours through OIDC.
  if (const Role* r = FindRole("github-actions-deploy")) {
    Identity& id = Add(IdentityKind::kAppRole, true, 0.8);
    SetRoleSession(id, acct_.id, "", *r, "GitHubActions", false);
    id.session_seconds = 1800;
    Agents(id, {kGithubAgent, kTerraformAgent});
    id.ips = {MachineIp(rng_), MachineIp(rng_), MachineIp(rng_)};

    Identity& web = Add(IdentityKind::kWebIdentity, true, 1.0);
    string provider =
        "arn:aws:iam::" + acct_.id + ":oidc-provider/token.actions.githubusercontent.com";
    string subject = "repo:" + org_.company + "/" + acct_.apps[0] + ":ref:refs/heads/main";
    web.name = subject;
    web.arn = "";
    web.user_identity =
        Template::MustCompile("{\"type\":\"WebIdentityUser\",\"principalId\":\"" + provider +
                              ":sts.amazonaws.com:" + subject + "\",\"userName\":\"" + subject +
                              "\",\"identityProvider\":\"" + provider + "\"}");
    Agents(web, {kGithubAgent});
    web.ips = id.ips;
  }
  if (const Role* r = FindRole("datadog-integration")) {
    Identity& id = Add(IdentityKind::kAppRole, false, 1.0);
    SetRoleSession(id, acct_.id, "", *r, "DatadogAWSIntegration", false);
    id.session_seconds = 3600;
    Agents(id, {kDatadogAgent});
    id.ips = {MachineIp(rng_)};
  }
}

void Builder::AddServices() {
  struct Linked {
    const char* role;
    const char* session;
    const char* service;
    double weight;
  };
  static constexpr Linked kLinked[] = {
      {"AWSServiceRoleForConfig", "AWSConfig-Describe", "config.amazonaws.com", 2.0},
      {"AWSServiceRoleForSecurityHub", "securityhub", "securityhub.amazonaws.com", 1.0},
      {"AWSServiceRoleForAutoScaling", "AutoScaling", "autoscaling.amazonaws.com", 0.8},
      {"AWSServiceRoleForECS", "ecs-service-scheduler", "ecs.amazonaws.com", 0.6},
  };
  for (const Linked& l : kLinked) {
    const Role* r = FindRole(l.role);
    if (r == nullptr) continue;
    Identity& id = Add(IdentityKind::kServiceRole, false, l.weight);
    SetRoleSession(id, acct_.id, "aws-service-role/" + string(l.service) + "/", *r, l.session,
                   false, "", l.service);
    id.session_seconds = 3600;
    id.service_caller = true;
    Agents(id, {l.service});
    id.ips = {l.service};
  }
  Identity& svc = Add(IdentityKind::kAwsService, false, 1.0);
  svc.name = "";
  svc.service_caller = true;
  svc.user_identity =
      Template::MustCompile("{\"type\":\"AWSService\",\"invokedBy\":\"${invoked_by}\"}");
  Agents(svc, {"${invoked_by}"});
  svc.ips = {};  // the invoking service's name, per record

  Identity& ev = Add(IdentityKind::kServiceEvent, false, 1.0);
  ev.service_caller = true;
  ev.user_identity =
      Template::MustCompile("{\"accountId\":\"" + acct_.id + "\",\"invokedBy\":\"${invoked_by}\"}");
  Agents(ev, {"${invoked_by}"});
}

void Builder::Build() {
  acct_.identities.reserve(kMaxIdentities);
  AddRoot();
  AddPeople();
  AddIamUsers();
  AddWorkloads();
  AddServices();
}

}  // namespace

void BuildIdentities(Organization* org, size_t index, Rng& rng) {
  Builder(org, index, rng).Build();
}

}  // namespace cairn::gen
