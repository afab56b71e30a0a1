// Tests of `cairn generate`'s output: determinism, the S3 layout, record shapes, the mix, the
// rhythm and the anomalies. Records are parsed with simdjson directly (not with cairn's parser).
#include "event/generator/generator.h"

#include <gtest/gtest.h>
#include <simdjson.h>
#include <zlib.h>

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include "common/gzip.h"
#include "event/generator/text_util.h"

namespace cairn::gen {
namespace {

constexpr int64_t kEndDay = 20156;  // 2025-03-10

std::vector<std::string> ListFiles(Env* env, const std::string& dir) {
  std::vector<std::string> out;
  auto children = env->GetChildren(dir);
  if (!children.ok()) return out;
  for (const std::string& c : *children) {
    std::string path = dir + "/" + c;
    if (env->IsDirectory(path)) {
      for (std::string& f : ListFiles(env, path)) out.push_back(std::move(f));
    } else {
      out.push_back(path);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

GenerateOptions SmallOptions() {
  GenerateOptions o;
  o.out_dir = "/out";
  o.end = kEndDay * kSecondsPerDay;
  return o;
}

std::map<std::string, std::string> Snapshot(Env* env) {
  std::map<std::string, std::string> files;
  for (const std::string& f : ListFiles(env, "/out")) files[f] = *env->ReadFile(f);
  return files;
}

// One parsed record, the fields the tests look at.
struct Rec {
  std::string file, account, region, source, name, type, category, error_code, event_id,
      identity_type, identity_arn, time_text;
  int64_t time = 0;
  bool management = false, read_only = false, has_read_only = false;
  std::vector<std::string> keys;
};

int64_t ParseIso(std::string_view s) {
  int y = std::stoi(std::string(s.substr(0, 4))), mo = std::stoi(std::string(s.substr(5, 2))),
      d = std::stoi(std::string(s.substr(8, 2))), h = std::stoi(std::string(s.substr(11, 2))),
      mi = std::stoi(std::string(s.substr(14, 2))), se = std::stoi(std::string(s.substr(17, 2)));
  return DaysFromCivil(y, mo, d) * kSecondsPerDay + h * 3600 + mi * 60 + se;
}

std::string Str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get_string().get(v) != simdjson::SUCCESS) return "";
  return std::string(v);
}

// Parses every log file, checking the envelope and that each record sits in the right file.
std::vector<Rec> ParseAll(const std::map<std::string, std::string>& files,
                          const std::string& org_id) {
  static const std::regex kName(
      R"(/out/AWSLogs/(o-[a-z0-9]{10})/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/)"
      R"((\d{12})_CloudTrail_([a-z0-9-]+)_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_([A-Za-z0-9]{16})\.json\.gz)");
  std::vector<Rec> recs;
  simdjson::dom::parser parser;
  for (const auto& [path, bytes] : files) {
    if (path == "/out/anomalies.json") continue;
    std::smatch m;
    EXPECT_TRUE(std::regex_match(path, m, kName)) << path;
    if (m.empty()) continue;
    EXPECT_EQ(m[1], org_id);
    EXPECT_EQ(m[2], m[7]) << path;
    EXPECT_EQ(m[3], m[8]) << path;
    EXPECT_EQ(m.str(4) + m.str(5) + m.str(6), m.str(9) + m.str(10) + m.str(11)) << path;
    const int64_t delivery =
        DaysFromCivil(std::stoi(m.str(9)), std::stoi(m.str(10)), std::stoi(m.str(11))) *
            kSecondsPerDay +
        std::stoi(m.str(12)) * 3600 + std::stoi(m.str(13)) * 60;
    EXPECT_TRUE(gzip::IsGzip(bytes)) << path;
    auto json = gzip::Inflate(bytes, path);
    EXPECT_TRUE(json.ok()) << json.status().ToString();
    if (!json.ok()) continue;
    simdjson::dom::element doc;
    auto err = parser.parse(*json).get(doc);
    EXPECT_EQ(err, simdjson::SUCCESS) << path;
    if (err) continue;
    simdjson::dom::array records;
    EXPECT_EQ(doc["Records"].get_array().get(records), simdjson::SUCCESS) << path;
    EXPECT_GT(records.size(), 0u) << "empty log file " << path;
    for (simdjson::dom::element r : records) {
      Rec rec;
      rec.file = path;
      for (auto field : r.get_object()) rec.keys.emplace_back(field.key);
      rec.account = Str(r, "recipientAccountId");
      rec.region = Str(r, "awsRegion");
      rec.source = Str(r, "eventSource");
      rec.name = Str(r, "eventName");
      rec.type = Str(r, "eventType");
      rec.category = Str(r, "eventCategory");
      rec.error_code = Str(r, "errorCode");
      rec.event_id = Str(r, "eventID");
      rec.time_text = Str(r, "eventTime");
      rec.identity_type = Str(r["userIdentity"], "type");
      rec.identity_arn = Str(r["userIdentity"], "arn");
      rec.time = ParseIso(rec.time_text);
      bool b = false;
      EXPECT_EQ(r["managementEvent"].get_bool().get(b), simdjson::SUCCESS);
      rec.management = b;
      rec.has_read_only = r["readOnly"].get_bool().get(b) == simdjson::SUCCESS;
      rec.read_only = b;
      EXPECT_EQ(rec.account, m[2]) << path;
      EXPECT_EQ(rec.region, m[3]) << path;
      // Delivered a few minutes after the event, never before.
      EXPECT_LT(rec.time, delivery) << path;
      EXPECT_GE(rec.time, delivery - 16 * 60) << path;
      recs.push_back(std::move(rec));
    }
  }
  return recs;
}

TEST(Generator, SameSeedSameBytesWhateverTheThreadCount) {
  auto env1 = NewMemEnv();
  auto env2 = NewMemEnv();
  GenerateOptions o = SmallOptions();
  o.anomalies = true;
  o.threads = 1;
  ASSERT_TRUE(Generate(env1.get(), o).ok());
  o.threads = 3;
  ASSERT_TRUE(Generate(env2.get(), o).ok());
  auto a = Snapshot(env1.get());
  auto b = Snapshot(env2.get());
  ASSERT_GT(a.size(), 100u);
  EXPECT_TRUE(a == b);
}

// zlib, an inflater independent of the compressors under test.
std::string ZlibInflate(const std::string& gz) {
  z_stream z{};
  EXPECT_EQ(inflateInit2(&z, 16 + MAX_WBITS), Z_OK);
  std::string out;
  char buf[1 << 16];
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof(buf);
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buf, sizeof(buf) - z.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&z);
  return out;
}

// The compressor changes only the gzip bytes: the default (igzip with codes built once from a
// sample of the run's records) and libdeflate level 6 write the same files with the same JSON,
// and the shared codes cost little size.
TEST(Generator, GzipLevelChangesOnlyTheCompressedBytes) {
  auto fast_env = NewMemEnv();
  auto small_env = NewMemEnv();
  GenerateOptions o = SmallOptions();
  o.events = 20000;
  ASSERT_TRUE(Generate(fast_env.get(), o).ok());
  o.gzip_level = 6;
  ASSERT_TRUE(Generate(small_env.get(), o).ok());
  auto fast = Snapshot(fast_env.get());
  auto small = Snapshot(small_env.get());
  ASSERT_EQ(fast.size(), small.size());
  size_t fast_bytes = 0, small_bytes = 0;
  for (const auto& [path, gz] : fast) {
    ASSERT_TRUE(small.count(path)) << path;
    EXPECT_EQ(ZlibInflate(gz), ZlibInflate(small[path])) << path;
    fast_bytes += gz.size();
    small_bytes += small[path].size();
  }
  EXPECT_LT(fast_bytes, small_bytes * 13 / 10);
}

TEST(Generator, DifferentSeedDifferentData) {
  auto env1 = NewMemEnv();
  auto env2 = NewMemEnv();
  GenerateOptions o = SmallOptions();
  ASSERT_TRUE(Generate(env1.get(), o).ok());
  o.seed = 2;
  ASSERT_TRUE(Generate(env2.get(), o).ok());
  auto a = Snapshot(env1.get());
  auto b = Snapshot(env2.get());
  std::set<std::string> names_a, names_b;
  for (auto& [k, v] : a) names_a.insert(k);
  for (auto& [k, v] : b) names_b.insert(k);
  std::vector<std::string> common;
  std::set_intersection(names_a.begin(), names_a.end(), names_b.begin(), names_b.end(),
                        std::back_inserter(common));
  EXPECT_TRUE(common.empty());  // other org id, accounts and unique suffixes
}

TEST(Generator, FilesRecordsAndMix) {
  auto env = NewMemEnv();
  GenerateOptions o = SmallOptions();
  auto sum = Generate(env.get(), o);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();
  auto files = Snapshot(env.get());
  std::vector<Rec> recs = ParseAll(files, sum->organization_id);
  EXPECT_EQ(recs.size(), sum->records);
  EXPECT_EQ(files.size(), sum->files);
  EXPECT_NEAR(static_cast<double>(recs.size()), 5000.0, 5000 * 0.06);

  std::set<std::string> sources, accounts, regions, event_ids, identity_types;
  std::map<std::string, int> categories;
  int errors = 0;
  static const std::regex kUuid4(
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  const std::vector<std::string> kOrder = {
      "eventVersion",        "userIdentity",  "eventTime",         "eventSource",
      "eventName",           "awsRegion",     "sourceIPAddress",   "userAgent",
      "errorCode",           "errorMessage",  "requestParameters", "responseElements",
      "additionalEventData", "requestID",     "eventID",           "readOnly",
      "resources",           "eventType",     "apiVersion",        "managementEvent",
      "recipientAccountId",  "sharedEventID", "vpcEndpointId",     "vpcEndpointAccountId",
      "serviceEventDetails", "eventCategory", "tlsDetails",        "sessionCredentialFromConsole"};
  for (const Rec& r : recs) {
    sources.insert(r.source);
    accounts.insert(r.account);
    regions.insert(r.region);
    identity_types.insert(r.identity_type);
    categories[r.category]++;
    errors += !r.error_code.empty();
    EXPECT_TRUE(event_ids.insert(r.event_id).second) << "duplicate eventID " << r.event_id;
    EXPECT_TRUE(std::regex_match(r.event_id, kUuid4)) << r.event_id;
    EXPECT_GE(r.time, sum->start);
    EXPECT_LT(r.time, sum->end);
    // spec §6: category, managementEvent and eventType agree.
    if (r.category == "Data") {
      EXPECT_FALSE(r.management) << r.name;
      EXPECT_EQ(r.type, "AwsApiCall");
    } else {
      EXPECT_EQ(r.category, "Management");
      EXPECT_TRUE(r.management) << r.name;
    }
    if (r.name == "ConsoleLogin") {
      EXPECT_EQ(r.type, "AwsConsoleSignIn");
    }
    if (r.name.starts_with("Describe") || r.name.starts_with("List") || r.name == "GetObject") {
      EXPECT_TRUE(r.has_read_only && r.read_only) << r.name;
    }
    if (r.name.starts_with("Delete") || r.name.starts_with("Create") || r.name == "PutObject") {
      EXPECT_TRUE(r.has_read_only && !r.read_only) << r.name;
    }
    // Global services are logged in us-east-1.
    if (r.source == "iam.amazonaws.com" || r.source == "signin.amazonaws.com" ||
        r.source == "organizations.amazonaws.com") {
      EXPECT_EQ(r.region, "us-east-1") << r.name;
    }
    // Keys appear in the order of AWS samples.
    size_t at = 0;
    for (const std::string& k : r.keys) {
      auto it = std::find(kOrder.begin() + at, kOrder.end(), k);
      ASSERT_NE(it, kOrder.end()) << "key " << k << " out of order in " << r.name;
      at = it - kOrder.begin();
    }
  }
  EXPECT_GE(sources.size(), 20u);
  EXPECT_EQ(accounts.size(), 3u);
  EXPECT_EQ(regions.size(), 2u);
  EXPECT_GT(categories["Data"], static_cast<int>(recs.size() / 5));
  EXPECT_GT(categories["Management"], static_cast<int>(recs.size() / 3));
  const double error_rate = static_cast<double>(errors) / recs.size();
  EXPECT_GT(error_rate, 0.01);
  EXPECT_LT(error_rate, 0.06);
  for (const char* t : {"IAMUser", "AssumedRole", "AWSService", "IdentityCenterUser"}) {
    EXPECT_TRUE(identity_types.count(t)) << t;
  }
}

TEST(Generator, WorkingHoursAndWeekdaysAreBusier) {
  auto env = NewMemEnv();
  GenerateOptions o = SmallOptions();
  o.days = 7;
  o.events = 20000;
  o.accounts = 2;
  o.regions = 1;
  auto sum = Generate(env.get(), o);
  ASSERT_TRUE(sum.ok());
  std::vector<Rec> recs = ParseAll(Snapshot(env.get()), sum->organization_id);
  // Human activity (console and CLI users) by hour of the week, in UTC: the busiest weekday
  // hour must beat the quietest night hour many times over, and weekdays beat weekends.
  std::map<int, int> by_hour;
  int weekday = 0, weekend = 0, root = 0;
  for (const Rec& r : recs) {
    root += r.identity_type == "Root";
    // People: Identity Center sessions and IAM users.
    if (r.identity_arn.find("AWSReservedSSO_") == std::string::npos &&
        r.identity_type != "IAMUser") {
      continue;
    }
    CivilTime c = ToCivil(r.time);
    by_hour[c.hour]++;
    (c.weekday >= 5 ? weekend : weekday)++;
  }
  int hi = 0, lo = INT32_MAX;
  for (auto& [h, n] : by_hour) {
    hi = std::max(hi, n);
    lo = std::min(lo, n);
  }
  EXPECT_GT(hi, lo * 4);
  EXPECT_GT(weekday / 5.0, weekend / 2.0 * 1.2);
  EXPECT_GT(root, 0);  // root signs in now and then
}

TEST(Generator, AnomaliesAreWhereTheManifestSays) {
  auto env = NewMemEnv();
  GenerateOptions o = SmallOptions();
  o.anomalies = true;
  auto sum = Generate(env.get(), o);
  ASSERT_TRUE(sum.ok());
  ASSERT_GE(sum->anomalies.size(), 3u);
  auto files = Snapshot(env.get());
  ASSERT_TRUE(files.count("/out/anomalies.json"));
  simdjson::dom::parser parser;
  simdjson::dom::element manifest;
  ASSERT_EQ(parser.parse(files["/out/anomalies.json"]).get(manifest), simdjson::SUCCESS);
  EXPECT_EQ(Str(manifest, "organizationId"), sum->organization_id);
  simdjson::dom::array list;
  ASSERT_EQ(manifest["anomalies"].get_array().get(list), simdjson::SUCCESS);
  ASSERT_EQ(list.size(), sum->anomalies.size());

  std::vector<Rec> recs = ParseAll(files, sum->organization_id);
  uint64_t total_anomaly = 0;
  for (simdjson::dom::element a : list) {
    const std::string account = Str(a, "account"), region = Str(a, "region"),
                      name = Str(a, "eventName"), source = Str(a, "eventSource"),
                      code = Str(a, "errorCode"), arn = Str(a, "userIdentityArn");
    const int64_t start = ParseIso(Str(a, "start")), end = ParseIso(Str(a, "end"));
    uint64_t count = 0;
    ASSERT_EQ(a["count"].get_uint64().get(count), simdjson::SUCCESS);
    total_anomaly += count;
    uint64_t inside = 0, outside = 0;
    for (const Rec& r : recs) {
      if (r.account != account || r.region != region || r.name != name || r.source != source) {
        continue;
      }
      if (!code.empty() && r.error_code != code) continue;
      if (r.time >= start && r.time < end) {
        inside++;
      } else {
        outside++;
      }
    }
    // Everything injected is inside, and the burst rate dwarfs the rate elsewhere.
    EXPECT_GE(inside, count) << Str(a, "kind") << " " << name;
    const double in_rate = static_cast<double>(inside) / (end - start);
    const double out_rate = static_cast<double>(outside) / (sum->end - sum->start - (end - start));
    EXPECT_GT(in_rate, 20 * out_rate) << Str(a, "kind") << " " << name;
  }
  EXPECT_EQ(total_anomaly, sum->anomaly_records);
}

TEST(Generator, RejectsBadOptions) {
  auto env = NewMemEnv();
  GenerateOptions o = SmallOptions();
  o.accounts = 0;
  EXPECT_EQ(Generate(env.get(), o).status().code(), StatusCode::kInvalidArgument);
  o = SmallOptions();
  o.regions = 17;
  EXPECT_EQ(Generate(env.get(), o).status().code(), StatusCode::kInvalidArgument);
  o = SmallOptions();
  o.days = 0;
  EXPECT_EQ(Generate(env.get(), o).status().code(), StatusCode::kInvalidArgument);
  o = SmallOptions();
  o.out_dir = "";
  EXPECT_EQ(Generate(env.get(), o).status().code(), StatusCode::kInvalidArgument);
}

TEST(Generator, WriteFailureIsReportedWithThePath) {
  auto mem = NewMemEnv();
  auto env = NewFaultInjectionEnv(mem.get());
  env->SetDiskLimit(100000);
  GenerateOptions o = SmallOptions();
  auto sum = Generate(env.get(), o);
  ASSERT_FALSE(sum.ok());
  EXPECT_EQ(sum.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(sum.status().message().find("/out/AWSLogs/"), std::string::npos)
      << sum.status().ToString();
}

}  // namespace
}  // namespace cairn::gen
