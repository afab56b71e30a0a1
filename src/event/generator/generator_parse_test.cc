// cairn's own parser (src/event/input_walker.h) must accept every generated record, with the
// fields the generator meant: the generator feeds tests and benchmarks of everything downstream.
#include <gtest/gtest.h>

#include <set>

#include "event/generator/generator.h"
#include "event/generator/text_util.h"
#include "event/input_walker.h"

namespace cairn::gen {
namespace {

TEST(GeneratorParse, CairnParserAcceptsEveryRecord) {
  auto env = NewMemEnv();
  GenerateOptions o;
  o.out_dir = "/out";
  o.end = 20156 * kSecondsPerDay;
  o.anomalies = true;
  auto sum = Generate(env.get(), o);
  ASSERT_TRUE(sum.ok()) << sum.status().ToString();

  ParseSummary parsed;
  ParseOptions popts;
  popts.threads = 2;
  uint64_t events = 0, data = 0, with_identity = 0, errors = 0;
  std::set<std::string> accounts;
  Status s = ParseInputs(env.get(), {"/out/AWSLogs"}, popts, &parsed, [&](ParsedFile& f) {
    EXPECT_EQ(f.envelope, Envelope::kRecords) << f.file.path;
    for (const Event& e : f.batch.events) {
      ++events;
      data += e.event_category == "Data";
      with_identity += e.user_identity.present;
      errors +=
          !IsNull(e.error_code) || !IsNull(e.error_message);  // sign-in failures: message only
      accounts.insert(std::string(e.recipient_account_id));
      EXPECT_EQ(e.management_event == OptBool::kFalse, e.event_category == "Data");
      EXPECT_FALSE(IsNull(e.event_source));
      EXPECT_GE(e.event_time_us, sum->start * 1000000);
      EXPECT_LT(e.event_time_us, sum->end * 1000000);
    }
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(parsed.rejected_total(), 0u);
  EXPECT_EQ(parsed.accepted, sum->records);
  EXPECT_EQ(parsed.files_read, sum->files);
  EXPECT_EQ(events, sum->records);
  EXPECT_EQ(with_identity, sum->records);
  EXPECT_EQ(data, sum->by_category["Data"]);
  EXPECT_EQ(errors, sum->errors);
  EXPECT_EQ(accounts.size(), 3u);
}

}  // namespace
}  // namespace cairn::gen
