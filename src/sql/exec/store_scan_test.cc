#include "sql/exec/store_scan.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/env.h"
#include "event/envelope.h"
#include "event/record_parser.h"
#include "sql/sql_test_util.h"
#include "store/event_store.h"

namespace cairn::sql {
namespace {

// The same 310 real records in an event store (half flushed into a segment, half still in the
// memtable) and in a MemoryTable: every query must give the same rows through both scan paths.
class StoreScanTest : public ::testing::Test, public testing::SqlFixture {
 protected:
  void SetUp() override {
    ASSERT_TRUE(LoadStratus("ct").ok());
    env_ = NewMemEnv();
    StoreOptions options;
    options.background_maintenance = false;
    auto store = EventStore::Create(env_.get(), "/eds", options);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    std::string dir =
        std::string(CAIRN_SHARED_DATA) + "/cloudtrail-real/stratus-red-team/detonation-logs";
    Env* disk = Env::Default();
    auto files = disk->GetChildren(dir);
    ASSERT_TRUE(files.ok());
    std::sort(files->begin(), files->end());
    RecordParser parser;
    size_t i = 0;
    for (const std::string& f : *files) {
      if (f.size() < 5 || f.substr(f.size() - 5) != ".json") continue;
      auto text = disk->ReadFile(dir + "/" + f);
      ASSERT_TRUE(text.ok());
      EventBatch batch;
      ParseSummary summary;
      ParseJsonText(std::move(*text), f, &parser, &batch, &summary);
      auto appended = store_->Append(std::move(batch));
      ASSERT_TRUE(appended.ok()) << appended.status().ToString();
      if (++i == files->size() / 2) {
        ASSERT_TRUE(store_->Flush().ok());
      }
    }
    snapshot_ = store_->GetSnapshot();
    ASSERT_FALSE(snapshot_->segments().empty());
    ASSERT_GT(snapshot_->memtable_event_count(), 0u);
    stores_.Add("ct", snapshot_);
  }

  void TearDown() override {
    if (store_) {
      ASSERT_TRUE(store_->Close().ok());
    }
  }

  std::string OnStore(std::string_view sql, bool optimize = true) {
    QueryOptions o = options();
    o.optimize = optimize;
    auto r = RunSql(sql, stores_, &stores_, o);
    if (!r.ok()) return "ERROR " + r.status().ToString();
    std::vector<std::string> lines;
    for (const auto& row : r->Rows()) {
      std::string line;
      for (size_t c = 0; c < row.size(); ++c)
        line += (c ? "|" : "") + (row[c] ? *row[c] : std::string("NULL"));
      lines.push_back(line);
    }
    std::string out;
    for (size_t k = 0; k < lines.size(); ++k) out += (k ? "\n" : "") + lines[k];
    return out;
  }

  std::unique_ptr<MemEnv> env_;
  std::unique_ptr<EventStore> store_;
  std::shared_ptr<const Snapshot> snapshot_;
  StoreCatalog stores_;
};

TEST_F(StoreScanTest, SameRowsAsMemoryTables) {
  const char* queries[] = {
      "SELECT count(*) FROM ct",
      "SELECT eventID, eventTime, eventName, eventSource, awsRegion, readOnly, managementEvent, "
      "errorCode, "
      "eventCategory, recipientAccountId FROM ct ORDER BY eventID",
      "SELECT eventID, userIdentity, tlsDetails, resources FROM ct ORDER BY eventID",
      "SELECT eventID, requestParameters, responseElements, additionalEventData, "
      "serviceEventDetails FROM ct ORDER BY eventID",
      "SELECT eventID, userIdentity.arn, userIdentity.sessionContext.sessionIssuer.userName, "
      "userIdentity.sessionContext.attributes.creationDate FROM ct ORDER BY eventID",
      "SELECT eventID, eventjson FROM ct ORDER BY eventID",
      "SELECT eventName, count(*) FROM ct WHERE eventTime > '2024-07-30' AND errorCode IS NULL "
      "GROUP BY eventName ORDER BY 1",
      "SELECT eventID FROM ct WHERE eventName IN ('GetPasswordData', 'StopLogging') AND readOnly "
      "ORDER BY 1",
      "SELECT eventID FROM ct WHERE eventSource LIKE 'cloudtrail%' OR eventName = 'x' ORDER BY 1",
      "SELECT eventID FROM ct WHERE userIdentity.type = 'AssumedRole' AND NOT readOnly ORDER BY 1",
      "SELECT eventID, r.arn, r.type, r.accountid FROM ct CROSS JOIN UNNEST(resources) AS t(r) "
      "ORDER BY 1, 2",
      "SELECT count(*) FROM ct WHERE eventTime BETWEEN '2024-07-30 21:00:00' AND '2024-07-30 "
      "22:00:00'",
      "SELECT count(*) FROM ct WHERE eventTime > '2099-01-01'",
      "SELECT element_at(requestParameters, 'instanceId'), count(*) FROM ct GROUP BY 1 ORDER BY 2 "
      "DESC, 1 LIMIT 5",
      // Terms on one map or string column are also pre-filtered by the store (kMatch).
      "SELECT eventID FROM ct WHERE element_at(requestParameters, 'instanceId') IS NOT NULL ORDER "
      "BY 1",
      "SELECT eventID FROM ct WHERE requestParameters['roleArn'] LIKE '%stratus%' ORDER BY 1",
      "SELECT eventName, count(*) FROM ct WHERE element_at(requestParameters, 'instanceId') IS "
      "NULL "
      "AND readOnly GROUP BY 1 ORDER BY 2 DESC, 1",
      "SELECT eventID FROM ct WHERE lower(userAgent) LIKE '%boto%' AND NOT (userAgent LIKE 'x%') "
      "ORDER BY 1",
      "SELECT eventID FROM ct WHERE coalesce(errorCode, 'none') = 'none' AND length(eventName) > "
      "20 ORDER BY 1",
  };
  for (const char* q : queries) {
    std::string memory = Sql(q);
    EXPECT_EQ(memory.find("ERROR"), std::string::npos) << q << "\n" << memory.substr(0, 300);
    EXPECT_EQ(OnStore(q), memory) << q;
    EXPECT_EQ(OnStore(q, /*optimize=*/false), memory) << q;
  }
}

// GROUP BY with counts runs inside the store scan (store_aggregate.cc): on codes of dictionary
// columns, on plain strings, on timestamps and on expressions, with NULL keys and NULL arguments,
// over the segment and the memtable. The memory tables run the ordinary hash aggregation.
TEST_F(StoreScanTest, AggregatesInScanMatchMemoryTables) {
  const char* queries[] = {
      "SELECT eventName, count(*) FROM ct GROUP BY eventName ORDER BY 2 DESC, 1",
      "SELECT errorCode, eventSource, count(*) FROM ct GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2",
      "SELECT errorCode, count(*), count(errorCode), count(DISTINCT errorMessage) FROM ct GROUP BY "
      "1 ORDER BY 1 NULLS FIRST",
      "SELECT userIdentity.arn, count(DISTINCT sourceIPAddress) AS ips, count(sourceIPAddress) "
      "FROM ct GROUP BY 1 ORDER BY ips DESC, 1 NULLS FIRST",
      "SELECT recipientAccountId, date_trunc('day', eventTime) AS d, count(*) FROM ct GROUP BY 1, "
      "2 ORDER BY 1, 2",
      "SELECT date_trunc('hour', eventTime), count(DISTINCT eventID) FROM ct GROUP BY 1 ORDER BY 1",
      "SELECT date_trunc('month', eventTime), lower(eventSource), count(*) FROM ct GROUP BY 1, 2 "
      "ORDER BY 1, 2",
      "SELECT eventTime, count(*) FROM ct WHERE eventName LIKE 'Get%' GROUP BY 1 ORDER BY 1",
      "SELECT count(*), count(DISTINCT eventName), count(userIdentity.userName) FROM ct",
      "SELECT count(*), count(DISTINCT eventName) FROM ct WHERE eventTime > '2099-01-01'",
      "SELECT eventName, count(*) FROM ct WHERE eventTime > '2099-01-01' GROUP BY 1",
      "SELECT userIdentity.sessionContext.sessionIssuer.userName, eventName, count(*) FROM ct "
      "WHERE eventName IN ('GetPasswordData', 'StopLogging', 'ListBuckets') GROUP BY 1, 2 ORDER "
      "BY 1 NULLS FIRST, 2",
      "SELECT substr(sourceIPAddress, 1, 3) AS p, count(DISTINCT userAgent) FROM ct GROUP BY 1 "
      "ORDER BY 1 NULLS FIRST",
      "SELECT awsRegion, count(*) FROM ct GROUP BY 1 HAVING count(*) > 5 ORDER BY 1",
  };
  for (const char* q : queries) {
    std::string memory = Sql(q);
    EXPECT_EQ(memory.find("ERROR"), std::string::npos) << q << "\n" << memory.substr(0, 300);
    EXPECT_EQ(OnStore(q), memory) << q;
  }
}

TEST_F(StoreScanTest, ChecksumAndUnknownTables) {
  std::string r = OnStore(
      "SELECT eventjsonchecksum = to_base64_sha256, length(eventjsonchecksum) FROM "
      "(SELECT eventjsonchecksum, 'x' AS to_base64_sha256 FROM ct) LIMIT 1");
  EXPECT_EQ(r, "false|44");
  EXPECT_EQ(EventJsonChecksum(""), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_NE(OnStore("SELECT 1 FROM nosuch").find("EventDataStoreNotFoundException"),
            std::string::npos);
}

}  // namespace
}  // namespace cairn::sql
