// Plans injected anomalies and writes their manifest (anomalies.h).
//
// Manifest grammar (JSON, pretty-printed, keys in this order):
//   { "organizationId": str, "seed": int, "start": time, "end": time,
//     "anomalies": [ { "id": int, "kind": str, "account": str, "accountName": str,
//                      "region": str, "eventSource": str, "eventName": str,
//                      "errorCode": str|null, "errorMessage": str|null,
//                      "userIdentityArn": str, "start": time, "end": time,
//                      "count": int, "baselineCount": number } ... ] }
//   time := "YYYY-MM-DDTHH:MM:SSZ"; intervals are [start, end).
// See doc/format/generator.md.
#include "event/generator/anomalies.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "event/generator/api_catalog.h"
#include "event/generator/rng.h"
#include "event/generator/text_util.h"

namespace cairn::gen {
namespace {

int FindApi(std::string_view source, std::string_view name) {
  for (const Api& a : Catalog()) {
    if (a.source == source && a.name == name) return a.index;
  }
  return -1;
}

int FindError(const Api& api, std::string_view code_prefix) {
  for (size_t i = 0; i < api.error_kinds.size(); ++i) {
    if (api.error_kinds[i].code.starts_with(code_prefix)) return static_cast<int>(i);
  }
  return -1;
}

// An identity of `account` whose kind is in `kinds`, and when `console` is set, with console
// access; -1 if none.
int FindIdentity(const Account& acct, uint32_t kinds, bool console, bool human, Rng& rng) {
  std::vector<int> found;
  for (size_t i = 0; i < acct.identities.size(); ++i) {
    const Identity& id = acct.identities[i];
    if ((kinds & KindBit(id.kind)) == 0 || id.human != human) continue;
    if (console && !id.console) continue;
    found.push_back(static_cast<int>(i));
  }
  if (found.empty()) return -1;
  return found[rng.Below(static_cast<uint32_t>(found.size()))];
}

void AppendJsonString(std::string* out, std::string_view s) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') out->push_back('\\');
    out->push_back(c);
  }
  out->push_back('"');
}

}  // namespace

std::vector<Anomaly> PlanAnomalies(const Organization& org, uint64_t seed, int64_t span_start,
                                   int64_t span_end, const BaselineFn& baseline) {
  Rng rng(DeriveSeed(seed, {0x616e6f6d /* "anom" */}));
  std::vector<Anomaly> out;
  const int naccounts = static_cast<int>(org.accounts.size());
  const int nregions = static_cast<int>(org.regions.size());
  const int64_t span = span_end - span_start;
  // A member account when there is one; a region other than us-east-1 when there is one.
  auto member = [&](int k) { return naccounts == 1 ? 0 : 1 + (k % (naccounts - 1)); };
  auto some_region = [&]() {
    return nregions == 1 ? 0 : 1 + static_cast<int>(rng.Below(nregions - 1));
  };
  auto place = [&](Anomaly& a, int64_t duration) {
    // In the second half of the span, on a minute boundary.
    int64_t latest = span - duration;
    int64_t from = span / 2;
    if (latest < from) latest = from;
    int64_t offset = from + static_cast<int64_t>(rng.Unit() * static_cast<double>(latest - from));
    a.start = span_start + offset - offset % 60;
    a.end = std::min(span_end, a.start + duration);
  };

  constexpr uint32_t kPeople = KindBit(IdentityKind::kIamUser) |
                               KindBit(IdentityKind::kSsoSession) |
                               KindBit(IdentityKind::kOrgAccess);
  const int first = static_cast<int>(rng.Below(std::max(1, naccounts - 1)));

  // 1. Someone deletes buckets at 100x the usual rate.
  {
    Anomaly a;
    a.kind = "call_rate_spike";
    a.account = member(first);
    a.region = some_region();
    a.api = FindApi("s3.amazonaws.com", "DeleteBucket");
    a.identity = FindIdentity(org.accounts[a.account], kPeople, false, true, rng);
    place(a, 30 * 60);
    a.baseline = baseline(a.account, a.region, a.api, a.start, a.end, false);
    a.count = std::max<uint64_t>(60, static_cast<uint64_t>(std::ceil(100 * a.baseline)));
    if (a.identity >= 0) out.push_back(a);
  }
  // 2. Stolen workload credentials hunting for secrets: an AccessDenied storm.
  {
    Anomaly a;
    a.kind = "error_rate_spike";
    a.account = member(first + 1);
    a.region = some_region();
    a.api = FindApi("secretsmanager.amazonaws.com", "GetSecretValue");
    a.error = FindError(Catalog()[a.api], "AccessDenied");
    a.identity =
        FindIdentity(org.accounts[a.account], KindBit(IdentityKind::kAppRole), false, false, rng);
    place(a, 20 * 60);
    a.baseline = baseline(a.account, a.region, a.api, a.start, a.end, true);
    a.count = std::max<uint64_t>(300, static_cast<uint64_t>(std::ceil(100 * a.baseline)));
    if (a.identity >= 0) out.push_back(a);
  }
  // 3. Crypto-mining: instances launched far above the usual rate, in an unusual region.
  {
    Anomaly a;
    a.kind = "call_rate_spike";
    a.account = member(first + 2);
    a.region = nregions == 1 ? 0 : nregions - 1;
    a.api = FindApi("ec2.amazonaws.com", "RunInstances");
    a.identity = FindIdentity(org.accounts[a.account], kPeople, false, true, rng);
    place(a, 15 * 60);
    a.baseline = baseline(a.account, a.region, a.api, a.start, a.end, false);
    a.count = std::max<uint64_t>(80, static_cast<uint64_t>(std::ceil(100 * a.baseline)));
    if (a.identity >= 0) out.push_back(a);
  }
  // 4. Password spraying against an IAM user's console sign-in (global: us-east-1).
  for (int k = 0; k < naccounts; ++k) {
    int acct = (first + k) % naccounts;
    int id = FindIdentity(org.accounts[acct], KindBit(IdentityKind::kIamUser), true, true, rng);
    if (id < 0) continue;
    Anomaly a;
    a.kind = "console_login_failures";
    a.account = acct;
    a.region = 0;
    a.api = FindApi("signin.amazonaws.com", "ConsoleLogin");
    a.error = 0;  // "Failed authentication"
    a.identity = id;
    place(a, 10 * 60);
    a.baseline = baseline(a.account, a.region, a.api, a.start, a.end, true);
    a.count = 40;
    out.push_back(a);
    break;
  }
  return out;
}

uint64_t AnomalyRecordsIn(const Anomaly& a, int64_t t0, int64_t t1) {
  auto cumulative = [&](int64_t t) -> uint64_t {
    if (t <= a.start) return 0;
    if (t >= a.end) return a.count;
    // count * (t - start) / (end - start), in integers so every platform agrees.
    return static_cast<uint64_t>((static_cast<__int128>(a.count) * (t - a.start)) /
                                 (a.end - a.start));
  };
  return cumulative(t1) - cumulative(t0);
}

std::string AnomalyManifestJson(const Organization& org, uint64_t seed, int64_t span_start,
                                int64_t span_end, const std::vector<Anomaly>& anomalies) {
  std::string out = "{\n  \"organizationId\": ";
  AppendJsonString(&out, org.org_id);
  out += ",\n  \"seed\": " + std::to_string(seed) + ",\n  \"start\": \"";
  AppendIsoTime(&out, span_start);
  out += "\",\n  \"end\": \"";
  AppendIsoTime(&out, span_end);
  out += "\",\n  \"anomalies\": [";
  for (size_t i = 0; i < anomalies.size(); ++i) {
    const Anomaly& a = anomalies[i];
    const Api& api = Catalog()[a.api];
    const Account& acct = org.accounts[a.account];
    const Identity& id = acct.identities[a.identity];
    out += i == 0 ? "\n    {" : ",\n    {";
    out += "\"id\": " + std::to_string(i + 1) + ", \"kind\": ";
    AppendJsonString(&out, a.kind);
    out += ", \"account\": ";
    AppendJsonString(&out, acct.id);
    out += ", \"accountName\": ";
    AppendJsonString(&out, acct.name);
    out += ", \"region\": ";
    AppendJsonString(&out, org.regions[a.region].name);
    out += ",\n     \"eventSource\": ";
    AppendJsonString(&out, api.source);
    out += ", \"eventName\": ";
    AppendJsonString(&out, api.name);
    out += ", \"errorCode\": ";
    const ApiError* err = a.error >= 0 ? &api.error_kinds[a.error] : nullptr;
    if (err != nullptr && !err->code.empty()) {
      AppendJsonString(&out, err->code);
    } else {
      out += "null";
    }
    out += ", \"errorMessage\": ";
    if (err != nullptr && err->code.empty()) {
      AppendJsonString(&out, err->message.source());
    } else {
      out += "null";
    }
    out += ",\n     \"userIdentityArn\": ";
    AppendJsonString(&out, id.arn);
    out += ", \"start\": \"";
    AppendIsoTime(&out, a.start);
    out += "\", \"end\": \"";
    AppendIsoTime(&out, a.end);
    out += "\", \"count\": " + std::to_string(a.count);
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.4f", a.baseline);
    out += ", \"baselineCount\": ";
    out += buf;
    out += "}";
  }
  out += anomalies.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

}  // namespace cairn::gen
