// The sqllogictest runner: every tests/sql/**/*.test file is one test case, run against real event
// stores (an EventStore per table, in a MemEnv) through the store scans the Lake queries use.
//
// File format (one command per block; blocks are separated by blank lines; '#' starts a comment):
//
//   store NAME                  an empty CloudTrail event data store; NAME is its table name
//   table NAME FAMILY           an in-memory table of another family (config, evidence, activity,
//                               insight: the store engine keeps CloudTrail events only), filled by
//                               load / records like a store
//   load NAME PATH              appends the records of PATH (relative to the source root; a
//                               {"Records":[...]} envelope, an array or JSON lines)
//   records NAME                appends the records on the following lines (one JSON object a line)
//   generate NAME N [SEGMENTS]  appends N synthetic events (see Synthetic below) in SEGMENTS
//   flushed
//                               segments (default 1); their fields are arithmetic in the index i,
//                               so expected results can be worked out by hand
//   flush NAME                  writes NAME's memtable into a segment
//   restart                     closes and reopens every store (what was acknowledged must stay)
//   account ID | account off    restricts every scan to recipientAccountId = ID (member view)
//   query [rowsort]             SQL lines, then "----", then the expected rows: cells separated by
//                               " | ", NULL as NULL, the empty string as (empty). rowsort sorts
//                               both sides' rows before comparing (for results without ORDER BY).
//   query columns               as query, but the expected lines are the column names, one a line
//   statement ok                SQL that must run (result ignored)
//   statement error [NAME]      SQL that must fail; NAME (optional) is the Lake exception name the
//                               error must carry (or "runtime" for a failure while running); an
//                               optional "----" line is followed by text the message must contain
//
// $NAME in SQL is not special: tables are named by the store command.
#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>

#include "common/env.h"
#include "event/envelope.h"
#include "event/parse_summary.h"
#include "event/record_parser.h"
#include "sql/exec/memory_table.h"
#include "sql/exec/store_scan.h"
#include "sql/query_runner.h"
#include "sql/sql_error.h"
#include "store/event_store.h"

namespace cairn::sql {
namespace {

namespace fs = std::filesystem;

const std::string kSourceDir = CAIRN_SOURCE_DIR;

std::vector<std::string> TestFiles() {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(kSourceDir + "/tests/sql", ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_regular_file() && it->path().extension() == ".test") {
      out.push_back(fs::relative(it->path(), kSourceDir).string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string JsonStr(const std::string& s) { return "\"" + s + "\""; }

// Synthetic event i of `generate` (documented in tests/sql/README.md):
//   eventID            gen-<i, 6 digits>
//   eventTime          2025-01-01T00:00:00Z + i minutes
//   eventName          [GetObject, PutObject, ListBuckets, AssumeRole, ConsoleLogin,
//                       DescribeInstances, CreateBucket][i % 7]
//   recipientAccountId [111111111111, 222222222222, 333333333333][i % 3]
//   awsRegion          [us-east-1, eu-west-1][i % 2]
//   readOnly           i % 2 == 0
//   errorCode          AccessDenied when i % 10 == 0, else absent (NULL)
//   sourceIPAddress    10.0.<i / 256 % 256>.<i % 256>
//   userIdentity.arn   arn:aws:iam::<account>:user/user<i % 5>
//   requestParameters  {"bucketName":"bucket<i % 4>","n":<i>}
//   resources          i % 3 == 0: one (arn:aws:s3:::bucket<i % 4>), i % 3 == 1: two (that and
//                      arn:aws:s3:::bucket<i % 4>/key<i>), i % 3 == 2: none
std::string SyntheticRecord(int i) {
  static const char* kNames[] = {"GetObject",    "PutObject",         "ListBuckets", "AssumeRole",
                                 "ConsoleLogin", "DescribeInstances", "CreateBucket"};
  static const char* kSources[] = {"s3.amazonaws.com",  "s3.amazonaws.com",     "s3.amazonaws.com",
                                   "sts.amazonaws.com", "signin.amazonaws.com", "ec2.amazonaws.com",
                                   "s3.amazonaws.com"};
  static const char* kAccounts[] = {"111111111111", "222222222222", "333333333333"};
  const std::string account = kAccounts[i % 3];
  char id[32], ip[32], time[32];
  std::snprintf(id, sizeof(id), "gen-%06d", i);
  std::snprintf(ip, sizeof(ip), "10.0.%d.%d", i / 256 % 256, i % 256);
  int64_t secs = 1735689600LL + int64_t{i} * 60;
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(time, sizeof(time), "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string bucket = "bucket" + std::to_string(i % 4);
  std::string r =
      "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDA" +
      std::to_string(i % 5) + "\",\"arn\":\"arn:aws:iam::" + account + ":user/user" +
      std::to_string(i % 5) + "\",\"accountId\":\"" + account + "\",\"userName\":\"user" +
      std::to_string(i % 5) + "\"},\"eventTime\":\"" + time +
      "\",\"eventSource\":" + JsonStr(kSources[i % 7]) +
      ",\"eventName\":" + JsonStr(kNames[i % 7]) +
      ",\"awsRegion\":" + JsonStr(i % 2 ? "eu-west-1" : "us-east-1") +
      ",\"sourceIPAddress\":" + JsonStr(ip) + ",\"userAgent\":\"test-agent\"";
  if (i % 10 == 0) r += ",\"errorCode\":\"AccessDenied\",\"errorMessage\":\"denied\"";
  r += ",\"requestParameters\":{\"bucketName\":\"" + bucket + "\",\"n\":" + std::to_string(i) + "}";
  r += ",\"responseElements\":null,\"requestID\":\"req-" + std::to_string(i) +
       "\",\"eventID\":" + JsonStr(id);
  r += std::string(",\"readOnly\":") + (i % 2 == 0 ? "true" : "false");
  if (i % 3 != 2) {
    r += ",\"resources\":[{\"accountId\":\"" + account +
         "\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::" + bucket + "\"}";
    if (i % 3 == 1) {
      r += ",{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::" + bucket + "/key" +
           std::to_string(i) + "\"}";
    }
    r += "]";
  }
  r += ",\"eventType\":\"AwsApiCall\",\"managementEvent\":" +
       std::string(i % 7 < 3 ? "false" : "true") + ",\"recipientAccountId\":\"" + account +
       "\",\"eventCategory\":" + JsonStr(i % 7 < 3 ? "Data" : "Management") + "}";
  return r;
}

// Event stores and in-memory tables under one set of names.
class Tables : public TableResolver, public ScanProvider {
 public:
  StoreCatalog stores;
  MemoryCatalog memory;
  std::optional<TableInfo> Resolve(std::string_view name) const override {
    if (auto t = stores.Resolve(name)) return t;
    return memory.Resolve(name);
  }
  Result<std::unique_ptr<Operator>> OpenScan(const PlanNode& scan, ExecContext* ctx) override {
    if (stores.Resolve(scan.table.id)) return stores.OpenScan(scan, ctx);
    return memory.OpenScan(scan, ctx);
  }
  Result<std::unique_ptr<Operator>> OpenAggregate(const PlanNode& agg, ExecContext* ctx) override {
    if (!aggregate_in_scan) return std::unique_ptr<Operator>();
    return stores.OpenAggregate(agg, ctx);
  }
  // Whether aggregates over stores run inside the scan (store_aggregate.h), as in production.
  bool aggregate_in_scan = true;
};

class Runner {
 public:
  // `aggregate_in_scan`: aggregates over stores may run inside the scan (as in production);
  // false runs every aggregate as hash aggregation over the plain scan.
  // `inline_rows`: StoreCatalog::SetInlineAggregateRows (0: in-scan aggregates always on the scan
  // workers; the maximum: always on the query's thread).
  Runner(std::string file, bool aggregate_in_scan, uint64_t inline_rows = 0)
      : file_(std::move(file)),
        env_(NewMemEnv()),
        aggregate_in_scan_(aggregate_in_scan),
        inline_rows_(inline_rows) {}

  ~Runner() {
    for (auto& [name, s] : stores_) {
      if (s) s->Close().IgnoreError();
    }
  }

  void Run() {
    std::ifstream in(kSourceDir + "/" + file_);
    ASSERT_TRUE(in) << "cannot read " << file_;
    std::vector<std::string> lines;
    for (std::string l; std::getline(in, l);) {
      if (!l.empty() && l.back() == '\r') l.pop_back();
      lines.push_back(l);
    }
    size_t i = 0;
    while (i < lines.size()) {
      if (lines[i].empty() || lines[i][0] == '#') {
        ++i;
        continue;
      }
      // A block runs to the next blank line.
      size_t start = i;
      std::vector<std::string> block;
      while (i < lines.size() && !lines[i].empty()) block.push_back(lines[i++]);
      RunBlock(block, static_cast<int>(start) + 1);
      if (::testing::Test::HasFatalFailure()) return;
    }
  }

 private:
  static StoreOptions Options() {
    StoreOptions o;
    o.background_maintenance = false;
    return o;
  }

  std::string Where(int line) const { return file_ + ":" + std::to_string(line); }

  EventStore* Store(const std::string& name, int line) {
    auto it = stores_.find(name);
    EXPECT_TRUE(it != stores_.end()) << Where(line) << ": no store named " << name;
    return it == stores_.end() ? nullptr : it->second.get();
  }

  void Append(const std::string& name, std::string json, int line) {
    if (auto t = tables_.find(name); t != tables_.end()) {
      // An envelope, or JSON lines.
      if (json.find("\"Records\"") != std::string::npos) {
        Status st = t->second->AddRecordsJson(json);
        ASSERT_TRUE(st.ok()) << Where(line) << ": " << st.ToString();
        return;
      }
      std::istringstream lines(json);
      for (std::string l; std::getline(lines, l);) {
        if (l.empty()) continue;
        Status st = t->second->AddRecordJson(l);
        ASSERT_TRUE(st.ok()) << Where(line) << ": " << st.ToString();
      }
      return;
    }
    EventStore* s = Store(name, line);
    if (s == nullptr) return;
    EventBatch batch;
    ParseSummary summary;
    ParseJsonText(std::move(json), file_, &parser_, &batch, &summary);
    ASSERT_TRUE(summary.clean()) << Where(line) << ": "
                                 << (summary.errors.empty() ? "a record was rejected"
                                                            : summary.errors[0]);
    auto r = s->Append(std::move(batch));
    ASSERT_TRUE(r.ok()) << Where(line) << ": " << r.status().ToString();
  }

  void RunBlock(const std::vector<std::string>& block, int line) {
    std::istringstream head(block[0]);
    std::string cmd;
    head >> cmd;
    std::vector<std::string> args;
    for (std::string a; head >> a;) args.push_back(a);
    auto need = [&](size_t n) {
      EXPECT_GE(args.size(), n) << Where(line) << ": " << cmd << " needs " << n << " arguments";
      return args.size() >= n;
    };
    if (cmd == "store") {
      if (!need(1)) return;
      auto s = EventStore::Create(env_.get(), "/" + args[0], Options());
      ASSERT_TRUE(s.ok()) << Where(line) << ": " << s.status().ToString();
      stores_[args[0]] = std::move(*s);
    } else if (cmd == "table") {
      if (!need(2)) return;
      static const std::map<std::string, TableFamily> kFamilies = {
          {"config", TableFamily::kConfig},
          {"evidence", TableFamily::kEvidence},
          {"activity", TableFamily::kActivityLog},
          {"insight", TableFamily::kInsight}};
      auto f = kFamilies.find(args[1]);
      ASSERT_TRUE(f != kFamilies.end()) << Where(line) << ": unknown family " << args[1];
      tables_[args[0]] = std::make_shared<MemoryTable>(&SchemaFor(f->second));
    } else if (cmd == "load") {
      if (!need(2)) return;
      std::ifstream f(kSourceDir + "/" + args[1], std::ios::binary);
      ASSERT_TRUE(f) << Where(line) << ": cannot read " << args[1];
      std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
      Append(args[0], std::move(text), line);
    } else if (cmd == "records") {
      if (!need(1)) return;
      std::string text;
      for (size_t k = 1; k < block.size(); ++k) text += block[k] + "\n";
      Append(args[0], std::move(text), line);
    } else if (cmd == "generate") {
      if (!need(2)) return;
      int n = std::stoi(args[1]);
      int segments = args.size() > 2 ? std::stoi(args[2]) : 1;
      EventStore* s = Store(args[0], line);
      if (s == nullptr) return;
      for (int seg = 0; seg < segments; ++seg) {
        std::string text;
        for (int k = n * seg / segments; k < n * (seg + 1) / segments; ++k)
          text += SyntheticRecord(k) + "\n";
        Append(args[0], std::move(text), line);
        ASSERT_TRUE(s->Flush().ok()) << Where(line);
      }
    } else if (cmd == "flush") {
      if (!need(1)) return;
      if (EventStore* s = Store(args[0], line)) {
        Status st = s->Flush();
        ASSERT_TRUE(st.ok()) << Where(line) << ": " << st.ToString();
      }
    } else if (cmd == "restart") {
      for (auto& [name, s] : stores_) {
        ASSERT_TRUE(s->Close().ok()) << Where(line);
        s.reset();
        auto reopened = EventStore::Open(env_.get(), "/" + name, Options());
        ASSERT_TRUE(reopened.ok()) << Where(line) << ": " << reopened.status().ToString();
        s = std::move(*reopened);
      }
    } else if (cmd == "account") {
      if (!need(1)) return;
      account_ = args[0] == "off" ? std::nullopt : std::optional<std::string>(args[0]);
    } else if (cmd == "query" || cmd == "statement") {
      RunQueryBlock(cmd, args, block, line);
    } else {
      ADD_FAILURE() << Where(line) << ": unknown command '" << cmd << "'";
    }
  }

  Result<QueryResult> Execute(const std::string& sql) {
    Tables catalog;
    catalog.aggregate_in_scan = aggregate_in_scan_;
    catalog.stores.SetInlineAggregateRows(inline_rows_);
    for (auto& [name, s] : stores_) catalog.stores.Add(name, s->GetSnapshot());
    for (auto& [name, t] : tables_) catalog.memory.Add(name, t);
    if (account_) catalog.stores.RestrictToAccount(*account_);
    QueryOptions o;
    o.now_micros = 1736899200LL * 1000000;  // 2025-01-15 00:00:00 UTC
    return RunSql(sql, catalog, &catalog, o);
  }

  static std::string Cell(const std::optional<std::string>& c) {
    if (!c) return "NULL";
    if (c->empty()) return "(empty)";
    return *c;
  }

  void RunQueryBlock(const std::string& cmd, const std::vector<std::string>& args,
                     const std::vector<std::string>& block, int line) {
    size_t sep = 1;
    while (sep < block.size() && block[sep] != "----") ++sep;
    std::string sql;
    for (size_t k = 1; k < sep; ++k) sql += (k > 1 ? "\n" : "") + block[k];
    std::vector<std::string> expected(
        block.begin() + static_cast<long>(std::min(sep + 1, block.size())), block.end());
    ASSERT_FALSE(sql.empty()) << Where(line) << ": no SQL";
    Result<QueryResult> r = Execute(sql);
    if (cmd == "statement") {
      const std::string mode = args.empty() ? "" : args[0];
      if (mode == "ok") {
        EXPECT_TRUE(r.ok()) << Where(line) << ": " << r.status().ToString() << "\n" << sql;
        return;
      }
      ASSERT_EQ(mode, "error") << Where(line) << ": statement ok|error";
      if (r.ok()) {
        ADD_FAILURE() << Where(line) << ": expected an error, the query ran:\n" << sql;
        return;
      }
      std::optional<SqlError> e = SqlError::FromStatus(r.status());
      if (args.size() > 1) {
        if (args[1] == "runtime") {
          EXPECT_FALSE(e.has_value())
              << Where(line) << ": expected a runtime failure, got " << r.status().ToString();
        } else {
          EXPECT_TRUE(e && e->exception == args[1])
              << Where(line) << ": expected " << args[1] << ", got " << r.status().ToString();
        }
      }
      std::string text = e ? e->Text() : r.status().message();
      for (const std::string& want : expected) {
        EXPECT_NE(text.find(want), std::string::npos)
            << Where(line) << ": message lacks '" << want << "': " << text;
      }
      return;
    }
    if (!r.ok()) {
      ADD_FAILURE() << Where(line) << ": " << r.status().ToString() << "\n" << sql;
      return;
    }
    std::vector<std::string> got;
    if (!args.empty() && args[0] == "columns") {
      got = r->column_names;
    } else {
      for (const auto& row : r->Rows()) {
        std::string text;
        for (size_t c = 0; c < row.size(); ++c) text += (c ? " | " : "") + Cell(row[c]);
        got.push_back(std::move(text));
      }
    }
    std::vector<std::string> want = expected;
    if (!args.empty() && args[0] == "rowsort") {
      std::sort(got.begin(), got.end());
      std::sort(want.begin(), want.end());
    }
    if (got != want) {
      std::string g, w;
      for (const auto& s : got) g += "  " + s + "\n";
      for (const auto& s : want) w += "  " + s + "\n";
      ADD_FAILURE() << Where(line) << ": wrong result for\n"
                    << sql << "\nexpected:\n"
                    << w << "got:\n"
                    << g;
    }
  }

  std::string file_;
  std::unique_ptr<MemEnv> env_;
  bool aggregate_in_scan_ = true;
  uint64_t inline_rows_ = 0;
  RecordParser parser_;
  std::map<std::string, std::unique_ptr<EventStore>> stores_;
  std::map<std::string, std::shared_ptr<MemoryTable>> tables_;
  std::optional<std::string> account_;
};

class SqlLogicTest : public ::testing::TestWithParam<std::string> {};

TEST_P(SqlLogicTest, Run) { Runner(GetParam(), true).Run(); }

// The same expectations hold when aggregates do not run inside the store scan.
TEST_P(SqlLogicTest, RunWithoutAggregatesInScan) { Runner(GetParam(), false).Run(); }

// ... and when in-scan aggregates run on the query's thread (small time ranges in production).
TEST_P(SqlLogicTest, RunWithAggregatesOnTheQueryThread) {
  Runner(GetParam(), true, std::numeric_limits<uint64_t>::max()).Run();
}

TEST(SqlLogicTestFiles, Found) { EXPECT_GE(TestFiles().size(), 5u); }

INSTANTIATE_TEST_SUITE_P(Files, SqlLogicTest, ::testing::ValuesIn(TestFiles()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param.substr(std::string("tests/sql/").size());
                           name = name.substr(0, name.size() - 5);
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace cairn::sql
