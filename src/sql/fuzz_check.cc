#include "sql/fuzz_check.h"

#include "sql/exec/memory_table.h"
#include "sql/parser.h"
#include "sql/query_runner.h"
#include "sql/sql_error.h"

namespace cairn::sql {
namespace {

// A few rows per family, shared by all checks (scans only read it).
MemoryCatalog* Catalog() {
  static MemoryCatalog* const catalog = [] {
    auto* c = new MemoryCatalog();
    auto ct = std::make_shared<MemoryTable>(&CloudTrailSchema());
    const char* records[] = {
        R"({"eventVersion":"1.09","eventTime":"2024-01-02T03:04:05Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",
            "awsRegion":"us-east-1","readOnly":true,"eventID":"e1","eventCategory":"Data","recipientAccountId":"111122223333",
            "userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/r/s","accountId":"111122223333",
              "sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/r"}}},
            "requestParameters":{"bucketName":"b","key":"k","nested":{"a":[1,2]}},
            "resources":[{"ARN":"arn:aws:s3:::b","type":"AWS::S3::Bucket"},{"ARN":"arn:aws:s3:::b/k","type":"AWS::S3::Object"}]})",
        R"({"eventVersion":"1.08","eventTime":"2024-01-03T00:00:00Z","eventSource":"iam.amazonaws.com","eventName":"CreateUser",
            "awsRegion":"us-west-2","readOnly":false,"eventID":"e2","errorCode":"AccessDenied","eventCategory":"Management",
            "userIdentity":{"type":"IAMUser","userName":"bob"},"additionalEventData":{"MFAUsed":"No"}})",
        R"({"eventTime":"2023-12-31T23:59:59Z","eventName":"ConsoleLogin","eventID":"e3"})",
    };
    for (const char* r : records) (void)ct->AddRecordJson(r);
    for (const char* name :
         {"ct_eds", "ct_eds2", "ct_eds3", "EXAMPLEf852-4e8f-8bd1-bcf6cEXAMPLE", "t"})
      c->Add(name, ct);
    auto cfg = std::make_shared<MemoryTable>(&ConfigSchema());
    (void)cfg->AddRecordJson(
        R"({"eventTime":"2024-01-01T00:00:00Z","eventData":{"resourceType":"AWS::SSM::PatchCompliance",
        "resourceId":"AWS::SSM::ManagedInstanceInventory/i-1","configuration":{"complianceType":"NON_COMPLIANT"}}})");
    c->Add("cfg_eds", cfg);
    for (TableFamily f :
         {TableFamily::kEvidence, TableFamily::kActivityLog, TableFamily::kInsight}) {
      c->Add(std::string(SchemaFor(f).name()), std::make_shared<MemoryTable>(&SchemaFor(f)));
    }
    return c;
  }();
  return catalog;
}

bool Fail(std::string* why, std::string message) {
  if (why) *why = std::move(message);
  return false;
}

}  // namespace

bool FuzzCheck(std::string_view sql, std::string* why) {
  auto parsed = ParseStatement(sql);
  if (!parsed.ok()) {
    if (!SqlError::FromStatus(parsed.status()))
      return Fail(why, "parse error is not a SqlError: " + parsed.status().ToString());
    return true;
  }
  std::string once = ast::ToSql(**parsed);
  auto again = ParseStatement(once);
  if (!again.ok())
    return Fail(why, "canonical text does not parse: " + once + "\n" + again.status().ToString());
  std::string twice = ast::ToSql(**again);
  if (twice != once) return Fail(why, "canonical text is not stable:\n" + once + "\n" + twice);
  QueryOptions options;
  options.now_micros = 1700000000LL * 1000000;
  options.limits.max_memory_bytes = 8 << 20;
  BindOptions bind;
  bind.tables = Catalog();
  bind.now_micros = options.now_micros;
  auto bound = Bind(**parsed, bind);
  if (!bound.ok()) {
    if (!SqlError::FromStatus(bound.status()))
      return Fail(why, "bind error is not a SqlError: " + bound.status().ToString());
    return true;
  }
  auto result = RunBound(std::move(*bound), Catalog(), options);
  if (!result.ok()) {
    StatusCode c = result.status().code();
    if (c == StatusCode::kInternal)
      return Fail(why, "internal error: " + result.status().ToString());
    return true;
  }
  for (const auto& row : result->Rows()) {
    if (row.size() != result->column_names.size())
      return Fail(why, "row width differs from the column count");
  }
  return true;
}

}  // namespace cairn::sql
