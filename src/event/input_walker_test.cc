#include "event/input_walker.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"
#include "common/gzip.h"

namespace cairn {
namespace {

std::string Rec(const std::string& id) {
  return R"({"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventID":")" + id +
         R"(","eventName":"GetObject","awsRegion":"us-east-1"})";
}

std::string TrailFile(const std::vector<std::string>& ids) {
  std::string text = R"({"Records":[)";
  for (size_t i = 0; i < ids.size(); ++i) text += (i ? "," : "") + Rec(ids[i]);
  return gzip::Deflate(text + "]}");
}

class InputWalkerTest : public ::testing::Test {
 protected:
  void Write(const std::string& path, const std::string& data) {
    if (path.find('/') != std::string::npos) {
      ASSERT_TRUE(env_->CreateDirs(path.substr(0, path.rfind('/'))).ok());
    }
    ASSERT_TRUE(env_->WriteFileAtomic(path, data).ok());
  }

  // A synced bucket with both key layouts, a digest, an Insights file and a stray file.
  void MakeBucket() {
    Write(
        "bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/01/"
        "111122223333_CloudTrail_us-east-1_20240501T1005Z_aaaaaaaaaaaaaaaa.json.gz",
        TrailFile({"a1", "a2"}));
    Write(
        "bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2024/05/02/"
        "111122223333_CloudTrail_us-east-1_20240502T0000Z_bbbbbbbbbbbbbbbb.json.gz",
        TrailFile({"a3"}));
    Write(
        "bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/"
        "111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240501T100500Z.json.gz",
        gzip::Deflate(
            R"({"awsAccountId":"111122223333","digestStartTime":"2024-05-01T09:05:00Z"})"));
    Write(
        "bucket/AWSLogs/o-abcdefghij/444455556666/CloudTrail/eu-west-1/2024/05/01/"
        "444455556666_CloudTrail_eu-west-1_20240501T1010Z_cccccccccccccccc.json.gz",
        TrailFile({"o1", "o2", "o3"}));
    Write(
        "bucket/AWSLogs/o-abcdefghij/444455556666/CloudTrail-Insight/eu-west-1/2024/05/01/"
        "444455556666_CloudTrail-Insight_eu-west-1_20240501T1030Z_dddddddddddddddd.json.gz",
        TrailFile({"i1"}));
    Write("bucket/README.txt", "not a log");
    Write("bucket/AWSLogs/o-abcdefghij/444455556666/CloudTrail/eu-west-1/2024/05/01/extra.json",
          "[" + Rec("o4") + "]");
  }

  std::unique_ptr<MemEnv> env_ = NewMemEnv();
};

TEST_F(InputWalkerTest, ExpandsBothLayoutsAndSkipsDigestsAndInsights) {
  MakeBucket();
  ParseSummary summary;
  std::vector<InputFile> files = ExpandInputs(env_.get(), {"bucket"}, &summary);
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(summary.digest_files_skipped, 1u);
  EXPECT_EQ(summary.insight_files_skipped, 1u);
  EXPECT_EQ(summary.other_files_skipped, 1u);
  EXPECT_TRUE(
      std::is_sorted(files.begin(), files.end(),
                     [](const InputFile& a, const InputFile& b) { return a.path < b.path; }));
  EXPECT_EQ(files[0].layout.account_id, "111122223333");
  EXPECT_EQ(files[0].layout.region, "us-east-1");
  EXPECT_EQ(files[0].layout.date, "2024-05-01");
  EXPECT_EQ(files[0].layout.kind, LogFileKind::kLog);
  EXPECT_EQ(files[2].layout.org_id, "o-abcdefghij");
  EXPECT_EQ(files[2].layout.account_id, "444455556666");
  EXPECT_EQ(files[2].layout.region, "eu-west-1");
}

TEST_F(InputWalkerTest, SkipsTheGeneratorsAnomalyManifestAtTheTopOnly) {
  MakeBucket();
  Write("bucket/anomalies.json", R"({"anomalies":[{"kind":"delete_bucket_burst"}]})");
  // Deeper down, a file of that name is an input like any other.
  Write("bucket/AWSLogs/111122223333/anomalies.json", "[" + Rec("z1") + "]");
  ParseSummary summary;
  std::vector<InputFile> files = ExpandInputs(env_.get(), {"bucket"}, &summary);
  EXPECT_EQ(files.size(), 5u);
  EXPECT_EQ(summary.other_files_skipped, 2u);  // README.txt and the manifest
  size_t records = 0;
  ParseOptions options;
  ASSERT_TRUE(ParseInputs(env_.get(), {"bucket"}, options, &summary, [&](ParsedFile& f) {
                records += f.batch.size();
                return Status::OK();
              }).ok());
  EXPECT_EQ(records, 8u);
  EXPECT_EQ(summary.rejected_total(), 0u);
}

TEST_F(InputWalkerTest, ParsesEverythingInOrder) {
  MakeBucket();
  for (size_t threads : {1, 2, 4}) {
    ParseOptions options;
    options.threads = threads;
    options.max_bytes_in_flight = threads == 4 ? 1 : options.max_bytes_in_flight;
    ParseSummary summary;
    std::vector<std::string> ids;
    std::vector<std::string> paths;
    Status s = ParseInputs(env_.get(), {"bucket"}, options, &summary, [&](ParsedFile& f) {
      paths.push_back(f.file.path);
      for (const Event& e : f.batch.events) ids.emplace_back(e.event_id);
      return Status::OK();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(ids, (std::vector<std::string>{"a1", "a2", "a3", "o1", "o2", "o3", "o4"}));
    EXPECT_EQ(paths.size(), 4u);
    EXPECT_EQ(summary.accepted, 7u);
    EXPECT_TRUE(summary.clean());
    EXPECT_EQ(summary.files_read, 4u);
    EXPECT_EQ(summary.digest_files_skipped, 1u);
    EXPECT_EQ(summary.insight_files_skipped, 1u);
    EXPECT_GT(summary.bytes_json, summary.bytes_read / 2);
  }
}

TEST_F(InputWalkerTest, ExplicitFilesMissingInputsAndSinkErrors) {
  MakeBucket();
  Write("one.json", Rec("x") + "\n" + "[1]\n");
  ParseSummary summary;
  size_t calls = 0;
  Status s =
      ParseInputs(env_.get(),
                  {"one.json", "no/such/file.json",
                   "bucket/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/2024/05/01/"
                   "111122223333_CloudTrail-Digest_us-east-1_t_us-east-1_20240501T100500Z.json.gz"},
                  ParseOptions{}, &summary, [&](ParsedFile& f) {
                    ++calls;
                    EXPECT_EQ(f.envelope, Envelope::kLines);
                    return Status::OK();
                  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls, 1u);
  EXPECT_EQ(summary.accepted, 1u);
  EXPECT_EQ(summary.rejected[static_cast<size_t>(RejectReason::kNotObject)], 1u);
  EXPECT_EQ(summary.rejected[static_cast<size_t>(RejectReason::kUnreadable)], 1u);
  EXPECT_EQ(summary.digest_files_skipped, 1u);
  ASSERT_EQ(summary.errors.size(), 2u);
  EXPECT_EQ(summary.errors[0], "no/such/file.json: no such file or folder");
  EXPECT_EQ(summary.errors[1].rfind("one.json: line 2 (record 1): ", 0), 0u) << summary.errors[1];

  // The sink's error stops the walk and is returned.
  size_t seen = 0;
  ParseSummary s2;
  Status stop = ParseInputs(env_.get(), {"bucket"}, ParseOptions{}, &s2, [&](ParsedFile&) {
    return ++seen == 2 ? Status::Aborted("enough") : Status::OK();
  });
  EXPECT_EQ(stop.code(), StatusCode::kAborted);
  EXPECT_EQ(seen, 2u);
}

TEST_F(InputWalkerTest, ParsedFilesWaitingForTheSinkStayWithinTheirMemoryBound) {
  // Files of very different sizes (the 10M dataset's files are ten times the 1M's): the bound is
  // on the memory of the parsed batches, whatever their number.
  std::vector<std::string> all;
  for (int f = 0; f < 120; ++f) {
    std::vector<std::string> ids;
    for (int i = 0; i < 5 + (f * 37) % 200; ++i) {
      ids.push_back("f" + std::to_string(f) + "-" + std::to_string(i));
    }
    all.insert(all.end(), ids.begin(), ids.end());
    char name[64];
    std::snprintf(name, sizeof name, "many/f%03d.json.gz", f);
    Write(name, TrailFile(ids));
  }
  for (uint64_t limit : {uint64_t{256} << 10, uint64_t{1} << 30}) {
    std::atomic<uint64_t> gauge{0};
    ParseOptions options;
    options.threads = 2;
    options.max_bytes_in_flight = limit;
    options.bytes_in_flight_gauge = &gauge;
    std::atomic<bool> done{false};
    std::atomic<uint64_t> seen_max{0};
    std::thread watcher([&] {
      while (!done.load()) {
        seen_max.store(std::max(seen_max.load(), gauge.load()));
        std::this_thread::yield();
      }
    });
    ParseSummary summary;
    std::vector<std::string> ids;
    uint64_t largest = 0, total = 0;
    Status s = ParseInputs(env_.get(), {"many"}, options, &summary, [&](ParsedFile& f) {
      EXPECT_EQ(f.memory_bytes, f.batch.MemoryBytes());
      largest = std::max(largest, f.memory_bytes);
      total += f.memory_bytes;
      for (const Event& e : f.batch.events) ids.emplace_back(e.event_id);
      std::this_thread::sleep_for(std::chrono::microseconds(300));  // a sink slower than parsing
      return Status::OK();
    });
    done = true;
    watcher.join();
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(ids, all);
    EXPECT_EQ(summary.accepted, all.size());
    EXPECT_EQ(gauge.load(), 0u);  // everything was taken
    if (limit < total / 4) {
      // Over the bound by at most a file per worker and the one the sink waits for.
      EXPECT_LE(seen_max.load(), limit + 3 * largest) << "largest file " << largest;
      EXPECT_GT(seen_max.load(), 0u);
    }
  }
}

TEST_F(InputWalkerTest, LargeInputsAreStreamedInParts) {
  std::vector<std::string> all;
  for (int f = 0; f < 3; ++f) {
    std::vector<std::string> ids;
    for (int i = 0; i < 300; ++i) ids.push_back("f" + std::to_string(f) + "-" + std::to_string(i));
    all.insert(all.end(), ids.begin(), ids.end());
    std::string gz = TrailFile(ids);
    Write("big/f" + std::to_string(f) + ".json.gz", gz);
  }
  // A plain NDJSON file and stdin (MemEnv's /dev/stdin), each larger than a part.
  std::string ndjson;
  for (int i = 0; i < 300; ++i) {
    all.push_back("n" + std::to_string(i));
    ndjson += Rec(all.back()) + "\n";
  }
  Write("big/g.ndjson", ndjson);
  std::string stdin_text = "[";
  for (int i = 0; i < 300; ++i) {
    all.push_back("s" + std::to_string(i));
    stdin_text += (i ? ",\n" : "") + Rec(all.back());
  }
  Write("/dev/stdin", gzip::Deflate(stdin_text + "]"));

  ParseOptions options;
  options.read.part_bytes = 4096;
  options.threads = 2;
  for (size_t limit : {size_t{1} << 30, size_t{1}}) {  // 1: only the file the sink waits for
    options.max_bytes_in_flight = limit;
    ParseSummary summary;
    std::vector<std::string> ids;
    std::map<std::string, size_t> parts;
    Status s = ParseInputs(env_.get(), {"big", "-"}, options, &summary, [&](ParsedFile& f) {
      EXPECT_EQ(f.part, parts[f.file.path]++);
      for (const Event& e : f.batch.events) ids.emplace_back(e.event_id);
      return Status::OK();
    });
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_EQ(ids, all);
    EXPECT_TRUE(summary.clean()) << summary.errors[0];
    EXPECT_EQ(summary.files_read, 5u);
    EXPECT_EQ(summary.accepted, all.size());
    for (const auto& [path, n] : parts) EXPECT_GT(n, 5u) << path;
  }

  // A broken gzip stream: the records decoded before the break, then one truncated error.
  std::string gz = TrailFile(std::vector<std::string>(all.begin(), all.begin() + 300));
  Write("cut/f.json.gz", gz.substr(0, gz.size() * 2 / 3));
  ParseSummary cut;
  size_t accepted = 0;
  ASSERT_TRUE(ParseInputs(env_.get(), {"cut"}, options, &cut, [&](ParsedFile& f) {
                accepted += f.batch.size();
                return Status::OK();
              }).ok());
  EXPECT_GT(accepted, 100u);
  EXPECT_LT(accepted, 300u);
  EXPECT_EQ(cut.rejected_total(), 1u);
  EXPECT_EQ(cut.rejected[static_cast<size_t>(RejectReason::kTruncated)], 1u) << cut.errors[0];
}

}  // namespace
}  // namespace cairn
