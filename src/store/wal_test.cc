#include <gtest/gtest.h>

#include <random>

#include "common/env.h"
#include "store/wal_batch.h"
#include "store/wal_format.h"
#include "store/wal_reader.h"
#include "store/wal_writer.h"
#include "store/wire.h"

namespace cairn {
namespace {

std::vector<std::string> ReadAll(Env* env, const std::string& path, bool* torn = nullptr) {
  auto r = WalReader::Open(env, path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<std::string> out;
  WalRecord rec;
  while (true) {
    auto more = (*r)->Next(&rec);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    out.emplace_back(rec.payload);
  }
  if (torn) *torn = (*r)->torn_tail();
  return out;
}

std::string Frame(std::string_view payload) {
  std::string s;
  wal::AppendRecord(&s, wal::RecordType::kBatch, payload);
  return s;
}

class WalTest : public ::testing::Test {
 protected:
  std::unique_ptr<MemEnv> env_ = NewMemEnv();
  const std::string dir_ = "/s/wal";
  const std::string path_ = "/s/wal/000003.log";
  void SetUp() override { ASSERT_TRUE(env_->CreateDirs(dir_).ok()); }
};

TEST_F(WalTest, RoundTripsRecordsOfManySizes) {
  auto w = WalWriter::Create(env_.get(), dir_, path_, 3);
  ASSERT_TRUE(w.ok());
  std::vector<std::string> written;
  std::mt19937 rng(7);
  for (int group = 0; group < 20; ++group) {
    std::string buf;
    for (int i = 0; i < group % 4 + 1; ++i) {
      std::string p(rng() % (group == 7 ? 300000 : 2000), '\0');
      for (char& c : p) c = static_cast<char>(rng());
      wal::AppendRecord(&buf, wal::RecordType::kBatch, p);
      written.push_back(p);
    }
    ASSERT_TRUE((*w)->Write(buf).ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  bool torn = true;
  EXPECT_EQ(ReadAll(env_.get(), path_, &torn), written);
  EXPECT_FALSE(torn);
  auto r = WalReader::Open(env_.get(), path_);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->file_number(), 3u);
}

TEST_F(WalTest, SurvivesPowerCutOnceWritten) {
  auto w = WalWriter::Create(env_.get(), dir_, path_, 3);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(Frame("one")).ok());
  env_->DropUnsyncedData();
  EXPECT_EQ(ReadAll(env_.get(), path_), std::vector<std::string>{"one"});
}

TEST_F(WalTest, TornTailAtEveryCutIsIgnored) {
  std::string file;
  {
    auto w = WalWriter::Create(env_.get(), dir_, path_, 3);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Write(Frame("first record")).ok());
    ASSERT_TRUE((*w)->Write(Frame(std::string(100, 'x'))).ok());
    ASSERT_TRUE((*w)->Close().ok());
    file = *env_->ReadFile(path_);
  }
  const size_t second_start = file.size() - (wal::kHeaderSize + 100);
  for (size_t cut = 0; cut < file.size(); ++cut) {
    ASSERT_TRUE(env_->WriteFileAtomic(path_, file.substr(0, cut)).ok());
    bool torn = false;
    auto recs = ReadAll(env_.get(), path_, &torn);
    if (cut >= second_start) {
      EXPECT_EQ(recs, std::vector<std::string>{"first record"}) << cut;
    } else {
      EXPECT_TRUE(recs.empty()) << cut;
    }
    EXPECT_EQ(torn, cut != second_start && cut != second_start - wal::kHeaderSize - 12 && cut != 0)
        << cut;
  }
}

TEST_F(WalTest, ZeroFilledTailIsTorn) {
  auto w = WalWriter::Create(env_.get(), dir_, path_, 3);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(Frame("kept")).ok());
  ASSERT_TRUE((*w)->Write(std::string(4096, '\0')).ok());
  bool torn = false;
  EXPECT_EQ(ReadAll(env_.get(), path_, &torn), std::vector<std::string>{"kept"});
  EXPECT_TRUE(torn);
}

TEST_F(WalTest, BadRecordInTheMiddleIsDataLoss) {
  auto w = WalWriter::Create(env_.get(), dir_, path_, 3);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(Frame("aaaa") + Frame("bbbb") + Frame("cccc")).ok());
  ASSERT_TRUE((*w)->Close().ok());
  std::string file = *env_->ReadFile(path_);
  const size_t second_payload = file.size() - (wal::kHeaderSize + 4) - 4;
  ASSERT_EQ(file.substr(second_payload, 4), "bbbb");
  file[second_payload + 1] = 'X';
  ASSERT_TRUE(env_->WriteFileAtomic(path_, file).ok());
  auto r = WalReader::Open(env_.get(), path_);
  ASSERT_TRUE(r.ok());
  WalRecord rec;
  auto first = (*r)->Next(&rec);
  ASSERT_TRUE(first.ok() && *first);
  EXPECT_EQ(rec.payload, "aaaa");
  auto second = (*r)->Next(&rec);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(second.status().message().find("000003.log: record 2 at offset"), std::string::npos)
      << second.status().ToString();
}

TEST_F(WalTest, NotAWalFileIsDataLoss) {
  std::string junk;
  wal::AppendRecord(&junk, wal::RecordType::kBatch, "no header first");
  ASSERT_TRUE(env_->WriteFileAtomic(path_, junk).ok());
  auto r = WalReader::Open(env_.get(), path_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kDataLoss);
}

TEST_F(WalTest, EmptyFileReadsAsEmpty) {
  ASSERT_TRUE(env_->WriteFileAtomic(path_, "").ok());
  EXPECT_TRUE(ReadAll(env_.get(), path_).empty());
}

TEST_F(WalTest, FailedSyncBreaksTheWriter) {
  auto fault = NewFaultInjectionEnv(env_.get());
  auto w = WalWriter::Create(fault.get(), dir_, path_, 3);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(Frame("acked")).ok());
  fault->SetFailSync(true);
  Status s = (*w)->Write(Frame("not acked"));
  EXPECT_FALSE(s.ok());
  fault->SetFailSync(false);
  EXPECT_TRUE((*w)->broken());
  EXPECT_EQ((*w)->Write(Frame("later")), s);  // broken for good
  env_->DropUnsyncedData();
  EXPECT_EQ(ReadAll(env_.get(), path_), std::vector<std::string>{"acked"});
}

TEST_F(WalTest, DiskFullLeavesATornTail) {
  auto fault = NewFaultInjectionEnv(env_.get());
  auto w = WalWriter::Create(fault.get(), dir_, path_, 3);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Write(Frame("acked")).ok());
  fault->SetDiskLimit(static_cast<int64_t>((*w)->size()) + 20);
  Status s = (*w)->Write(Frame(std::string(1000, 'z')));
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  bool torn = false;
  EXPECT_EQ(ReadAll(env_.get(), path_, &torn), std::vector<std::string>{"acked"});
  EXPECT_TRUE(torn);
}

TEST(WalFileName, RoundTrips) {
  uint64_t n = 0;
  EXPECT_EQ(wal::FileName(12), "000012.log");
  EXPECT_TRUE(wal::ParseFileName("000012.log", &n));
  EXPECT_EQ(n, 12u);
  EXPECT_TRUE(wal::ParseFileName("12345678.log", &n));
  EXPECT_EQ(n, 12345678u);
  EXPECT_FALSE(wal::ParseFileName("000012.log.tmp-1-2", &n));
  EXPECT_FALSE(wal::ParseFileName(".log", &n));
  EXPECT_FALSE(wal::ParseFileName("x12.log", &n));
}

TEST(WalBatch, RoundTripsEventsAndTheFieldsTheParserMayInvent) {
  EventBatch batch;
  Str raw1 = batch.Own(R"({"eventID":"id-1","eventTime":"2025-01-01T00:00:00Z"})");
  Str raw2 = batch.Own(R"({"eventTime":"2025-01-01T00:00:01Z"})");
  Str raw3 = batch.Own(R"({"no":"id"})");
  std::vector<Event> events(3);
  Event& e1 = events[0];
  Event& e2 = events[1];
  Event& e3 = events[2];
  e1.raw = raw1;
  e1.event_id = raw1.substr(raw1.find("id-1"), 4);  // a slice of raw: not stored
  e1.event_time_us = 1735689600000000;
  e2.raw = raw2;
  e2.event_id = batch.Copy("synthesised-id");  // not in raw: stored
  e2.event_time_us = -5;
  e3.raw = raw3;  // NULL eventID
  e3.event_time_us = 0;
  std::string payload;
  wal::EncodeBatch(events, &payload);

  std::vector<wal::WalEvent> got;
  ASSERT_TRUE(wal::DecodeBatch(payload, "w", [&](const wal::WalEvent& e) {
                got.push_back(e);
                return Status::OK();
              }).ok());
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0].raw, raw1);
  EXPECT_FALSE(got[0].has_event_id);
  EXPECT_EQ(got[0].event_time_us, 1735689600000000);
  EXPECT_EQ(got[1].raw, raw2);
  EXPECT_TRUE(got[1].has_event_id);
  EXPECT_EQ(got[1].event_id, "synthesised-id");
  EXPECT_EQ(got[1].event_time_us, -5);
  EXPECT_TRUE(got[2].has_event_id);
  EXPECT_TRUE(IsNull(got[2].event_id));

  // Every truncation is reported, never read past.
  for (size_t cut = 0; cut < payload.size(); ++cut) {
    Status s = wal::DecodeBatch(payload.substr(0, cut), "w",
                                [](const wal::WalEvent&) { return Status::OK(); });
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << cut;
  }
}

TEST(Wire, VarintsAndZigzagRoundTrip) {
  std::string s;
  const std::vector<int64_t> values = {0, 1, -1, 127, 128, -129, INT64_MAX, INT64_MIN, 1LL << 40};
  for (int64_t v : values) {
    wire::PutZigzag64(&s, v);
    wire::PutVarint64(&s, static_cast<uint64_t>(v));
  }
  wire::WireReader in(s);
  for (int64_t v : values) {
    EXPECT_EQ(in.Zigzag64(), v);
    EXPECT_EQ(in.Varint64(), static_cast<uint64_t>(v));
  }
  EXPECT_TRUE(in.ok());
  EXPECT_TRUE(in.done());
  const std::string ff(11, '\xff');
  wire::WireReader overlong(ff);
  overlong.Varint64();
  EXPECT_FALSE(overlong.ok());
}

}  // namespace
}  // namespace cairn
