// Writes one generated CloudTrail record (record_writer.h).
//
// Record grammar (compact JSON, keys in this order, [] = only when it applies):
//   { "eventVersion", "userIdentity", "eventTime", "eventSource", "eventName", "awsRegion",
//     "sourceIPAddress", "userAgent", ["errorCode"], ["errorMessage"], "requestParameters",
//     "responseElements", ["additionalEventData"], ["requestID"], "eventID", "readOnly",
//     ["resources"], "eventType", ["apiVersion"], "managementEvent", "recipientAccountId",
//     ["vpcEndpointId"], ["vpcEndpointAccountId" (1.09+)], "eventCategory", ["tlsDetails"],
//     ["sessionCredentialFromConsole"] }
// See doc/format/generator.md.
#include "event/generator/record_writer.h"

#include "event/generator/text_util.h"

namespace cairn::gen {
namespace {

constexpr std::string_view kInstanceTypes[] = {"t3.micro",   "t3.medium",   "m6i.large",
                                               "m7g.xlarge", "c6i.2xlarge", "r6g.large"};
constexpr std::string_view kPermissionSets[] = {"AdministratorAccess", "ReadOnlyAccess",
                                                "PowerUserAccess", "DeveloperAccess"};
constexpr std::string_view kMetrics[] = {"Errors", "Invocations", "Duration", "Throttles"};
constexpr std::string_view kGlueDbs[] = {"analytics", "raw_events", "curated"};
constexpr std::string_view kGlueTables[] = {"page_views", "orders_daily", "cloudtrail_logs",
                                            "clickstream", "invoices"};
constexpr std::string_view kWorkgroups[] = {"primary", "analysts", "etl"};
constexpr std::string_view kExtensions[] = {"json.gz", "parquet", "csv", "avro"};

template <typename T>
const T& PickFrom(Rng& rng, const std::vector<T>& v) {
  return v[rng.Skewed(static_cast<uint32_t>(v.size()))];
}
template <size_t N>
std::string_view PickFrom(Rng& rng, const std::string_view (&a)[N]) {
  return a[rng.Below(N)];
}

// Session boundaries for identities with temporary credentials: sessions of `len` seconds,
// offset by a per-identity phase, so consecutive calls share a key until it is renewed.
struct Session {
  int64_t index;
  int64_t start;
};
Session SessionAt(const Identity& id, int64_t t) {
  const int64_t len = id.session_seconds;
  const int64_t phase = static_cast<int64_t>(id.key_seed % static_cast<uint64_t>(len));
  int64_t index = (t + phase) / len;
  return {index, index * len - phase};
}

void AppendString(std::string* out, std::string_view key, std::string_view value) {
  out->push_back(',');
  out->push_back('"');
  out->append(key);
  out->append("\":\"");
  out->append(value);
  out->push_back('"');
}

}  // namespace

void RecordWriter::PickRole() {
  const auto& roles = acct_->roles;
  // Services assume workload roles (listed first); people and tools assume any role.
  const size_t n = spec_->invoked_by.empty() ? roles.size() : acct_->workload_roles;
  const Role& r = roles[rng_->Below(static_cast<uint32_t>(n))];
  const int kr = static_cast<int>(Var::kRole), ki = static_cast<int>(Var::kRoleId);
  values_[kr] = r.name;
  values_[ki] = r.id;
  stamps_[kr] = stamps_[ki] = stamp_;
}

void RecordWriter::PickBucket() {
  const std::string_view by = spec_->invoked_by;
  log_bucket_ =
      spec_->api->source == "s3.amazonaws.com" &&
      (by.starts_with("cloudtrail") || by.starts_with("config") || by.starts_with("delivery"));
  bucket_index_ = log_bucket_ ? 0 : rng_->Skewed(static_cast<uint32_t>(pools_->buckets.size()));
  const int k = static_cast<int>(Var::kBucket);
  values_[k] = log_bucket_ ? std::string_view(pools_->log_bucket)
                           : std::string_view(pools_->buckets[bucket_index_].name);
  stamps_[k] = stamp_;
}

std::string_view RecordWriter::Resolve(Var v) {
  const int k = static_cast<int>(v);
  if (stamps_[k] != stamp_) {
    std::string* b = &buffers_[k];
    b->clear();
    values_[k] = Compute(v, b);
    stamps_[k] = stamp_;
  }
  return values_[k];
}

std::string_view RecordWriter::Compute(Var v, std::string* b) {
  const RecordSpec& s = *spec_;
  const Identity& id = *s.identity;
  Rng& rng = *rng_;
  const RegionPools& p = *pools_;
  switch (v) {
    case Var::kAccount:
      return acct_->id;
    case Var::kRegion:
      return org_.regions[s.region].name;
    case Var::kOrgId:
      return org_.org_id;
    case Var::kOrgRoot:
      return org_.root_id;
    case Var::kMemberAccount:
      return org_.accounts[rng.Below(static_cast<uint32_t>(org_.accounts.size()))].id;
    case Var::kAz:
      b->append(org_.regions[s.region].name);
      b->push_back(static_cast<char>('a' + rng.Below(3)));
      return *b;
    case Var::kSvc:
      return s.api->svc;
    case Var::kCliCommand:
      return s.api->cli_command;
    case Var::kCallerArn:
      return id.arn;
    case Var::kCallerName:
      return id.name;
    case Var::kCallerAccount:
      return id.account_id;
    case Var::kSessionKey:
      if (id.session_seconds <= 0) return id.access_key;
      b->append("ASIA");
      AppendHashed(b,
                   id.key_seed ^
                       (static_cast<uint64_t>(SessionAt(id, s.time).index) * 0x9e3779b97f4a7c15ULL),
                   kBase32, 16);
      return *b;
    case Var::kSessionCreated:
      AppendIsoTime(b, id.session_seconds > 0 ? SessionAt(id, s.time).start : s.time - 3600);
      return *b;
    case Var::kCredentialId:
      AppendHashed(b, id.key_seed + static_cast<uint64_t>(SessionAt(id, s.time).index), kMixedAlnum,
                   48);
      return *b;
    case Var::kMfaUsed:
      return id.mfa ? "Yes" : "No";
    case Var::kInvokedBy:
      return s.invoked_by;
    case Var::kTime:
      AppendIsoTime(b, s.time);
      return *b;
    case Var::kTimeMs:
      AppendIsoTime(b, s.time);
      b->pop_back();
      b->push_back('.');
      Append2(b, static_cast<int>(rng.Below(10)));
      b->push_back(static_cast<char>('0' + rng.Below(10)));
      b->append("+0000");
      return *b;
    case Var::kExpiration:
      AppendJavaTime(b, s.time + 3600);
      return *b;
    case Var::kJavaTime:
      AppendJavaTime(b, s.time);
      return *b;
    case Var::kEpochMs:
      AppendUint(b, static_cast<uint64_t>(s.time) * 1000 + rng.Below(1000));
      return *b;
    case Var::kYmd: {
      CivilTime c = ToCivil(s.time);
      Append4(b, c.year);
      b->push_back('/');
      Append2(b, c.month);
      b->push_back('/');
      Append2(b, c.day);
      return *b;
    }
    case Var::kDateCompact: {
      CivilTime c = ToCivil(s.time);
      Append4(b, c.year);
      Append2(b, c.month);
      Append2(b, c.day);
      return *b;
    }
    case Var::kUuid:
    case Var::kUuidB:
      AppendUuid(b, rng);
      return *b;
    case Var::kHex8:
      AppendRandom(b, rng, kLowerHex, 8);
      return *b;
    case Var::kHex16:
      AppendRandom(b, rng, kLowerHex, 16);
      return *b;
    case Var::kHex32:
    case Var::kTaskId:
      AppendRandom(b, rng, kLowerHex, 32);
      return *b;
    case Var::kHex64:
      AppendRandom(b, rng, kLowerHex, 64);
      return *b;
    case Var::kVersionId:
      AppendRandom(b, rng, kMixedAlnum, 32);
      return *b;
    case Var::kAmzId2:
      AppendRandom(b, rng, kBase64, 76);
      return *b;
    case Var::kAsiaKey:
      b->append("ASIA");
      AppendRandom(b, rng, kBase32, 16);
      return *b;
    case Var::kAkiaKey:
      b->append("AKIA");
      AppendRandom(b, rng, kBase32, 16);
      return *b;
    case Var::kId17:
      AppendRandom(b, rng, kBase32, 17);
      return *b;
    case Var::kSessionToken:
      // Real tokens start with this prefix; the rest is opaque.
      b->append("IQoJb3JpZ2luX2Vj");
      AppendRandom(b, rng, kBase64, 160);
      b->append("==");
      return *b;
    case Var::kEncodedMessage:
      AppendRandom(b, rng, kMixedAlnum, 180);
      return *b;
    case Var::kN:
      AppendUint(b, 1 + rng.Below(20));
      return *b;
    case Var::kSessionName:
      if (id.human && !id.name.empty() && id.kind != IdentityKind::kWebIdentity) return id.name;
      b->append(s.invoked_by.empty() ? "botocore-session-" : "");
      AppendUint(b, static_cast<uint64_t>(s.time) * 1000 + rng.Below(1000));
      return *b;
    case Var::kBucket:
      PickBucket();
      return values_[static_cast<int>(Var::kBucket)];
    case Var::kObjectKey: {
      Resolve(Var::kBucket);
      if (log_bucket_) {
        std::string_view svc = s.invoked_by.starts_with("cloudtrail") ? "CloudTrail"
                               : s.invoked_by.starts_with("config")   ? "Config"
                                                                      : "vpcflowlogs";
        CivilTime c = ToCivil(s.time);
        b->append("AWSLogs/");
        b->append(acct_->id);
        b->push_back('/');
        b->append(svc);
        b->push_back('/');
        b->append(org_.regions[s.region].name);
        b->push_back('/');
        b->append(Resolve(Var::kYmd));
        b->push_back('/');
        b->append(acct_->id);
        b->push_back('_');
        b->append(svc);
        b->push_back('_');
        b->append(org_.regions[s.region].name);
        b->push_back('_');
        b->append(Resolve(Var::kDateCompact));
        b->push_back('T');
        Append2(b, c.hour);
        Append2(b, c.minute);
        b->append("Z_");
        AppendRandom(b, rng, kMixedAlnum, 16);
        b->append(".json.gz");
        return *b;
      }
      const auto& app = acct_->apps[rng.Below(static_cast<uint32_t>(acct_->apps.size()))];
      switch (p.buckets[bucket_index_].purpose) {
        case 0: {  // data lake partitions
          CivilTime c = ToCivil(s.time);
          b->append("raw/");
          b->append(app);
          b->append("/year=");
          Append4(b, c.year);
          b->append("/month=");
          Append2(b, c.month);
          b->append("/day=");
          Append2(b, c.day);
          b->append("/part-");
          AppendRandom(b, rng, kLowerHex, 5);
          b->push_back('-');
          AppendUuid(b, rng);
          b->push_back('.');
          b->append(PickFrom(rng, kExtensions));
          return *b;
        }
        case 1:  // build artifacts
          b->append("builds/");
          b->append(app);
          b->push_back('/');
          AppendUint(b, 1000 + rng.Skewed(4000));
          b->push_back('/');
          AppendRandom(b, rng, kLowerHex, 12);
          b->append("/bundle.zip");
          return *b;
        case 2:  // user uploads
          b->append("users/");
          AppendUint(b, 10000 + rng.Skewed(90000));
          b->append("/uploads/");
          AppendUuid(b, rng);
          b->append(rng.Chance(0.7) ? ".jpg" : ".pdf");
          return *b;
        case 3:  // backups
          b->append("db/");
          b->append(app);
          b->push_back('/');
          b->append(Resolve(Var::kDateCompact));
          b->push_back('/');
          AppendRandom(b, rng, kLowerHex, 8);
          b->append(".dump.gz");
          return *b;
        case 4:  // exports
          b->append("exports/");
          b->append(Resolve(Var::kYmd));
          b->append("/report-");
          AppendRandom(b, rng, kLowerHex, 8);
          b->append(".csv");
          return *b;
        default:  // static assets: few, hot keys
          b->append("assets/");
          b->append(rng.Chance(0.5) ? "js/main." : "css/site.");
          AppendHashed(b, rng.Skewed(40), kLowerHex, 8);
          b->append(rng.Chance(0.5) ? ".js" : ".css");
          return *b;
      }
    }
    case Var::kObjectSize: {
      // Log-normal-ish sizes: mostly kilobytes, sometimes megabytes.
      double u = rng.Unit();
      uint64_t size = static_cast<uint64_t>(200.0 * std::exp(u * u * 13.0));
      AppendUint(b, size);
      return *b;
    }
    case Var::kFunction:
      return PickFrom(rng, p.functions);
    case Var::kTable:
      return PickFrom(rng, p.tables);
    case Var::kItemId:
      b->append(rng.Chance(0.5) ? "USER#" : "ORDER#");
      AppendUint(b, rng.Skewed(2000000));
      return *b;
    case Var::kInstance:
      return PickFrom(rng, p.instances);
    case Var::kInstanceType:
      return PickFrom(rng, kInstanceTypes);
    case Var::kAmi:
      return PickFrom(rng, p.amis);
    case Var::kVpc:
      return PickFrom(rng, p.vpcs);
    case Var::kSubnet:
      return PickFrom(rng, p.subnets);
    case Var::kSecurityGroup:
      return PickFrom(rng, p.security_groups);
    case Var::kVolume:
      return PickFrom(rng, p.volumes);
    case Var::kSnapshot:
      return PickFrom(rng, p.snapshots);
    case Var::kEni:
      return PickFrom(rng, p.enis);
    case Var::kPrivateIp:
      b->append(p.private_net);
      AppendUint(b, rng.Below(32));
      b->push_back('.');
      AppendUint(b, 4 + rng.Below(250));
      return *b;
    case Var::kKmsKey:
      return PickFrom(rng, p.kms_keys);
    case Var::kSecret:
      return PickFrom(rng, p.secrets);
    case Var::kParam:
      return PickFrom(rng, p.params);
    case Var::kQueue:
      return PickFrom(rng, p.queues);
    case Var::kTopic:
      return PickFrom(rng, p.topics);
    case Var::kLogGroup:
      return PickFrom(rng, p.log_groups);
    case Var::kRole:
    case Var::kRoleId:
      PickRole();
      return values_[static_cast<int>(v)];
    case Var::kIamUser:
      return PickFrom(rng, acct_->iam_users);
    case Var::kPolicy:
      return PickFrom(rng, acct_->policies);
    case Var::kStack:
      return PickFrom(rng, p.stacks);
    case Var::kCluster:
      return PickFrom(rng, p.clusters);
    case Var::kEcsService:
      return PickFrom(rng, p.ecs_services);
    case Var::kRepo:
      return PickFrom(rng, p.repos);
    case Var::kRule:
      return PickFrom(rng, p.rules);
    case Var::kDb:
      return PickFrom(rng, p.dbs);
    case Var::kHostedZone:
      return PickFrom(rng, acct_->hosted_zones);
    case Var::kRecordName:
      return PickFrom(rng, acct_->record_names);
    case Var::kLoadBalancer:
      return PickFrom(rng, p.load_balancers);
    case Var::kTargetGroup:
      return PickFrom(rng, p.target_groups);
    case Var::kAsg:
      return PickFrom(rng, p.asgs);
    case Var::kDetector:
      return p.detector;
    case Var::kPermissionSet:
      return PickFrom(rng, kPermissionSets);
    case Var::kGlueDb:
      return PickFrom(rng, kGlueDbs);
    case Var::kGlueTable:
      return PickFrom(rng, kGlueTables);
    case Var::kWorkgroup:
      return PickFrom(rng, kWorkgroups);
    case Var::kMetric:
      return PickFrom(rng, kMetrics);
    case Var::kAlarm:
      return PickFrom(rng, p.alarms);
    case Var::kCount:
      break;
  }
  return {};
}

void RecordWriter::Write(const RecordSpec& spec, Rng& rng, std::string* out, RecordFacts* facts) {
  spec_ = &spec;
  acct_ = &org_.accounts[spec.account];
  pools_ = &acct_->regions[spec.region];
  rng_ = &rng;
  if (++stamp_ == 0) {  // wrapped: forget every cached value
    stamps_.fill(0);
    stamp_ = 1;
  }
  const Api& api = *spec.api;
  const Identity& id = *spec.identity;
  const bool global = api.scope != ApiScope::kRegional;
  const bool vpce = id.via_vpce && !global;

  // The caller's address.
  if (id.kind == IdentityKind::kAwsService || id.kind == IdentityKind::kServiceEvent) {
    ip_ = spec.invoked_by;
  } else if (vpce) {
    ip_ = Resolve(Var::kPrivateIp);
  } else if (!id.ips.empty()) {
    ip_ = id.ips[id.ips.size() == 1 ? 0 : rng.Below(static_cast<uint32_t>(id.ips.size()))];
  } else {
    ip_ = "AWS Internal";
  }

  const bool sign_in = api.kind == ApiKind::kConsoleSignIn;
  // AWS services acting for the account do not fail in these logs, and sign-in failures (wrong
  // password) happen to IAM users and root; Identity Center users fail at the portal instead.
  const bool may_fail = !id.service_caller && (!sign_in || id.kind == IdentityKind::kIamUser ||
                                               id.kind == IdentityKind::kRoot);
  int error = spec.error;
  if (error == -2) {
    error = -1;
    if (may_fail && !api.error_kinds.empty() && rng.Chance(api.error_rate)) {
      double u = rng.Unit();
      error = 0;
      for (size_t i = 0; i < api.error_kinds.size(); ++i) {
        error = static_cast<int>(i);
        if ((u -= api.error_kinds[i].weight) < 0) break;
      }
    }
  }
  facts->error = error >= 0;

  out->append("{\"eventVersion\":\"");
  out->append(api.version);
  out->append("\",\"userIdentity\":");
  Render(sign_in && !id.sign_in_identity.empty() ? id.sign_in_identity : id.user_identity, out);
  out->append(",\"eventTime\":\"");
  AppendIsoTime(out, spec.time);
  out->push_back('"');
  AppendString(out, "eventSource", api.source);
  AppendString(out, "eventName", api.name);
  AppendString(out, "awsRegion", org_.regions[spec.region].name);
  AppendString(out, "sourceIPAddress", ip_);
  out->append(",\"userAgent\":\"");
  const auto& agents = id.user_agents;
  // Sign-in pages see the browser, which console identities list last.
  Render(agents[sign_in || agents.size() == 1 ? agents.size() - 1
                                              : rng.Below(static_cast<uint32_t>(agents.size()))],
         out);
  out->push_back('"');
  if (error >= 0) {
    const ApiError& e = api.error_kinds[error];
    if (!e.code.empty()) AppendString(out, "errorCode", e.code);
    out->append(",\"errorMessage\":\"");
    Render(e.message, out);
    out->push_back('"');
  }
  out->append(",\"requestParameters\":");
  if (api.has_request) {
    Render(api.request, out);
  } else {
    out->append("null");
  }
  out->append(",\"responseElements\":");
  if (error >= 0) {
    if (api.has_error_response) {
      Render(api.error_response, out);
    } else {
      out->append("null");
    }
  } else if (api.has_response) {
    Render(api.response, out);
  } else {
    out->append("null");
  }
  if (api.has_additional) {
    out->append(",\"additionalEventData\":");
    Render(api.additional, out);
  }
  if (api.request_id == RequestIdStyle::kUuid) {
    out->append(",\"requestID\":\"");
    AppendUuid(out, rng);
    out->push_back('"');
  } else if (api.request_id == RequestIdStyle::kS3) {
    out->append(",\"requestID\":\"");
    AppendRandom(out, rng, kUpperAlnum, 16);
    out->push_back('"');
  }
  out->append(",\"eventID\":\"");
  AppendUuid(out, rng);
  out->append(api.read_only ? "\",\"readOnly\":true" : "\",\"readOnly\":false");
  if (api.has_resources) {
    out->append(",\"resources\":");
    Render(api.resources, out);
  }
  AppendString(out, "eventType", api.event_type);
  if (!api.api_version.empty()) AppendString(out, "apiVersion", api.api_version);
  out->append(api.data ? ",\"managementEvent\":false" : ",\"managementEvent\":true");
  AppendString(out, "recipientAccountId", acct_->id);
  if (vpce) {
    AppendString(out, "vpcEndpointId", pools_->vpce);
    if (api.version != "1.08") AppendString(out, "vpcEndpointAccountId", acct_->id);
  }
  AppendString(out, "eventCategory", api.event_category);
  if (!id.service_caller) {
    // TLS: most clients negotiate 1.3; older SDKs and agents 1.2 (fixed per identity).
    const bool tls12 = (id.key_seed & 7) == 0;
    out->append(tls12 ? ",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.2\",\"cipherSuite\":\"ECDHE-RSA-"
                        "AES128-GCM-SHA256\",\"clientProvidedHostHeader\":\""
                      : ",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_"
                        "128_GCM_SHA256\",\"clientProvidedHostHeader\":\"");
    Render(api.host, out);
    out->push_back('"');
    if (api.version == "1.11") out->append(",\"keyExchange\":\"x25519\"");
    out->push_back('}');
  }
  if (id.console && !sign_in) out->append(",\"sessionCredentialFromConsole\":\"true\"");
  out->push_back('}');
}

}  // namespace cairn::gen
