#include "store/segment_reader.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "store/segment_file.h"
#include "store/segment_test_util.h"
#include "store/segment_writer.h"

namespace cairn {
namespace {

using segment_testing::DiffEvents;
using segment_testing::OverwriteFile;
using segment_testing::RandomEvents;
using segment_testing::RefsOf;

std::string ReadAllBytes(Env* env, const std::string& path) {
  auto r = env->ReadFile(path);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::string();
}

Result<std::unique_ptr<SegmentReader>> WriteAndOpen(Env* env, const EventBatch& batch,
                                                    SegmentWriteOptions opts = {},
                                                    const std::string& path = "seg") {
  auto refs = RefsOf(batch);
  ASSIGN_OR_RETURN(SegmentMeta meta, WriteSegment(env, path, refs, opts));
  EXPECT_EQ(meta.event_count, batch.size());
  EXPECT_EQ(meta.file_bytes, ReadAllBytes(env, path).size());
  return SegmentReader::Open(env, path);
}

void ExpectSameEvents(const EventBatch& want, const SegmentReader& reader) {
  EventBatch got;
  Status s = reader.ReadAll(&got);
  ASSERT_TRUE(s.ok()) << s.ToString();
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_EQ(DiffEvents(want.events[i], want, got.events[i], got), "") << "event " << i;
    ASSERT_EQ(IsNull(got.events[i].raw), IsNull(want.events[i].raw));
    ASSERT_EQ(got.events[i].raw, want.events[i].raw) << "event " << i;
  }
  size_t i = 0;
  s = reader.ForEachEvent([&](const Event& e, const EventBatch& b) {
    EXPECT_EQ(DiffEvents(want.events[i], want, e, b), "") << "event " << i;
    ++i;
    return Status::OK();
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(i, want.size());
  EXPECT_TRUE(reader.Verify().ok());
}

TEST(SegmentRoundTrip, RandomEventsComeBackFieldByFieldAndByteForByte) {
  for (uint32_t block_rows : {1u, 7u, 700u, 0u}) {
    auto env = NewMemEnv();
    EventBatch batch;
    RandomEvents gen(block_rows + 1);
    gen.Make(&batch, block_rows == 1 ? 50 : 3000);
    SegmentWriteOptions opts;
    opts.block_rows = block_rows;
    auto reader = WriteAndOpen(env.get(), batch, opts);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    EXPECT_EQ((*reader)->meta().event_count, batch.size());
    EXPECT_EQ((*reader)->meta().min_event_time_us, batch.events.front().event_time_us);
    EXPECT_EQ((*reader)->meta().max_event_time_us, batch.events.back().event_time_us);
    uint64_t raw = 0;
    for (const Event& e : batch.events) raw += e.raw.size();
    EXPECT_EQ((*reader)->meta().raw_bytes, raw);
    ExpectSameEvents(batch, **reader);
  }
}

TEST(SegmentRoundTrip, BigValuesUseTrainedDictionariesAndManyPages) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(11);
  gen.Make(&batch, 6000);
  // Large, similar request parameters: enough bytes to train a zstd dictionary.
  for (Event& e : batch.events) {
    e.request_parameters_json = batch.Copy(gen.BigRequestParameters());
    // Every eventID a canonical UUID: the 16-byte encoding.
    const std::string id = gen.Uuid();
    e.event_id = gen.rng()() % 10 ? batch.Copy(id) : Str();
  }
  auto reader = WriteAndOpen(env.get(), batch);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& footer = dynamic_cast<const segment::SegmentFile&>(**reader).footer();
  ASSERT_NE(footer.FindColumn(static_cast<uint16_t>(ColumnId::kEventId)), nullptr);
  EXPECT_EQ(footer.FindColumn(static_cast<uint16_t>(ColumnId::kEventId))->encoding,
            segment::Encoding::kUuid);
  EXPECT_GT(footer.FindColumn(static_cast<uint16_t>(ColumnId::kRequestParameters))->zdict.size, 0u);
  ExpectSameEvents(batch, **reader);
  for (size_t i = 0; i < batch.size(); i += 500) {
    const Event& e = batch.events[i];
    if (IsNull(e.event_id) || IsNull(e.raw)) continue;
    auto raw = (*reader)->FetchRawByEventId(e.event_id);
    ASSERT_TRUE(raw.ok() && raw->has_value());
    EXPECT_EQ(**raw, e.raw);
  }
}

TEST(SegmentRoundTrip, SegmentsShareTrainedDictionariesAndTrainAgainAfterReuse) {
  // Four segments of different events with one TrainedDictionaries (reuse 2): the second reuses
  // the first one's requestParameters dictionary (same bytes stored in both files), the third
  // trains a new one, and every segment reads back exactly.
  auto env = NewMemEnv();
  SegmentWriteOptions opts;
  opts.dictionaries = std::make_shared<TrainedDictionaries>(/*reuse=*/2);
  std::vector<std::string> zdicts;
  for (int i = 0; i < 4; ++i) {
    EventBatch batch;
    RandomEvents gen(100 + i);
    gen.Make(&batch, 3000);
    for (Event& e : batch.events)
      e.request_parameters_json = batch.Copy(gen.BigRequestParameters());
    const std::string path = "seg" + std::to_string(i);
    auto reader = WriteAndOpen(env.get(), batch, opts, path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    ExpectSameEvents(batch, **reader);
    const auto& footer = dynamic_cast<const segment::SegmentFile&>(**reader).footer();
    const segment::ColumnInfo* col =
        footer.FindColumn(static_cast<uint16_t>(ColumnId::kRequestParameters));
    ASSERT_NE(col, nullptr);
    ASSERT_GT(col->zdict.size, 0u);
    zdicts.push_back(ReadAllBytes(env.get(), path).substr(col->zdict.offset, col->zdict.size));
  }
  EXPECT_EQ(zdicts[0], zdicts[1]);
  EXPECT_NE(zdicts[1], zdicts[2]);
  EXPECT_EQ(zdicts[2], zdicts[3]);
}

TEST(SegmentRoundTrip, RunsOfRepeatedValuesAndMostlyDistinctStreams) {
  // The writer compares each value with its stream's previous one before hashing it: runs of
  // one value, values alternating, a run broken by NULL and by a value of the same length must
  // all keep their own codes. requestID mixes UUIDs with other strings, eventID is all UUIDs past
  // its first rows of other text: the UUID choice looks at distinct values only.
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(23);
  gen.Make(&batch, 9000);
  const char* names[] = {"GetObject", "PutObject", "GetObjecT"};  // same lengths
  for (size_t i = 0; i < batch.size(); ++i) {
    Event& e = batch.events[i];
    e.event_name = (i / 5) % 4 == 3 ? Str() : Str(names[(i / 5) % 3]);
    e.aws_region = i % 2 ? Str("us-east-1") : Str("us-east-2");
    e.user_agent = Str("agent");
    char id[64];
    snprintf(id, sizeof id, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(i * 2654435761u),
             static_cast<unsigned>(i & 0xFFFF), static_cast<unsigned>(i & 0xFFF),
             static_cast<unsigned>((i >> 3) & 0xFFF), static_cast<unsigned long long>(i));
    e.event_id = batch.Copy(i < 100 ? "not-a-uuid-" + std::to_string(i) : std::string(id));
    e.request_id = batch.Copy(i % 3 ? std::string(id) : "REQ" + std::to_string(i * 7919));
  }
  auto reader = WriteAndOpen(env.get(), batch);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& footer = dynamic_cast<const segment::SegmentFile&>(**reader).footer();
  EXPECT_EQ(footer.FindColumn(static_cast<uint16_t>(ColumnId::kEventName))->encoding,
            segment::Encoding::kDict);
  EXPECT_EQ(footer.FindColumn(static_cast<uint16_t>(ColumnId::kEventId))->encoding,
            segment::Encoding::kUuid);
  EXPECT_EQ(footer.FindColumn(static_cast<uint16_t>(ColumnId::kRequestId))->encoding,
            segment::Encoding::kUuid);
  ExpectSameEvents(batch, **reader);
}

TEST(SegmentRoundTrip, EmptySegment) {
  auto env = NewMemEnv();
  EventBatch batch;
  auto reader = WriteAndOpen(env.get(), batch);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->meta().event_count, 0u);
  EXPECT_EQ((*reader)->meta().block_count, 0u);
  ExpectSameEvents(batch, **reader);
  auto c = (*reader)->ContainsEvent("x", "y");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(*c);
  auto scan = (*reader)->NewScan(ScanSpec{});
  ASSERT_TRUE(scan.ok());
  ColumnBatch b;
  auto more = (*scan)->Next(&b);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
}

TEST(SegmentRoundTrip, OneRow) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(2);
  gen.Make(&batch, 1);
  auto reader = WriteAndOpen(env.get(), batch);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  ExpectSameEvents(batch, **reader);
}

TEST(SegmentRoundTrip, RewritingReadEventsKeepsTheSizeAndTheBytes) {
  // Compaction reads events back and writes them again: the skeletons must stay small (fields of
  // read events point into their rebuilt records, so they are cut out again).
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(3);
  gen.Make(&batch, 2000);
  auto first = WriteAndOpen(env.get(), batch, {}, "a");
  ASSERT_TRUE(first.ok());
  EventBatch read;
  ASSERT_TRUE((*first)->ReadAll(&read).ok());
  auto second = WriteAndOpen(env.get(), read, {}, "b");
  ASSERT_TRUE(second.ok());
  EXPECT_LE((*second)->meta().file_bytes, (*first)->meta().file_bytes * 101 / 100);
  ExpectSameEvents(batch, **second);
}

TEST(SegmentWriter, RejectsUnsortedInput) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(3);
  gen.Make(&batch, 10);
  batch.events[2].event_time_us = batch.events[9].event_time_us + 5000000;
  auto refs = RefsOf(batch);
  auto meta = WriteSegment(env.get(), "seg", refs);
  EXPECT_EQ(meta.status().code(), StatusCode::kInvalidArgument);
}

TEST(SegmentWriter, SortedEventRefsMergesBatchesByTime) {
  EventBatch a, b;
  RandomEvents gen(4);
  gen.Make(&a, 100);
  gen.Make(&b, 100, a.events.front().event_time_us);
  const EventBatch* batches[] = {&a, &b};
  auto refs = SortedEventRefs(batches);
  ASSERT_EQ(refs.size(), 200u);
  for (size_t i = 1; i < refs.size(); ++i) {
    EXPECT_LE(refs[i - 1].event->event_time_us, refs[i].event->event_time_us);
  }
}

TEST(SegmentLookup, ContainsAndFetchRaw) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(4);
  gen.Make(&batch, 3000);
  SegmentWriteOptions opts;
  opts.block_rows = 256;
  auto reader = WriteAndOpen(env.get(), batch, opts);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::map<std::pair<std::string, std::string>, int> count;
  for (const Event& e : batch.events) {
    if (!IsNull(e.event_id))
      count[{std::string(e.event_id), std::string(e.recipient_account_id)}]++;
  }
  for (size_t i = 0; i < batch.size(); i += 7) {
    const Event& e = batch.events[i];
    if (IsNull(e.event_id)) continue;
    auto c = (*reader)->ContainsEvent(e.event_id, e.recipient_account_id);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_TRUE(*c) << i;
    c = (*reader)->ContainsEvent(e.event_id, e.recipient_account_id, e.event_time_us);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    EXPECT_TRUE(*c) << i;
    if (e.event_id.starts_with("id-")) {  // unique: not found at another time
      c = (*reader)->ContainsEvent(e.event_id, e.recipient_account_id,
                                   e.event_time_us - 3600000000);
      ASSERT_TRUE(c.ok());
      EXPECT_FALSE(*c) << i;
    }
    if (!IsNull(e.recipient_account_id)) {
      std::string other = std::string(e.recipient_account_id) + "x";
      auto c2 = (*reader)->ContainsEvent(e.event_id, other);
      ASSERT_TRUE(c2.ok());
      EXPECT_EQ(*c2, count.count({std::string(e.event_id), other}) > 0);
    }
    if (e.event_id.starts_with("id-") && !IsNull(e.raw)) {  // unique ids
      auto raw = (*reader)->FetchRawByEventId(e.event_id, e.recipient_account_id);
      ASSERT_TRUE(raw.ok()) << raw.status().ToString();
      ASSERT_TRUE(raw->has_value());
      EXPECT_EQ(**raw, e.raw);
      raw = (*reader)->FetchRawByEventId(e.event_id);
      ASSERT_TRUE(raw.ok());
      ASSERT_TRUE(raw->has_value());
      EXPECT_EQ(**raw, e.raw);
    }
  }
  auto c = (*reader)->ContainsEvent("no-such-event", "123");
  ASSERT_TRUE(c.ok());
  EXPECT_FALSE(*c);
  auto raw = (*reader)->FetchRawByEventId("no-such-event");
  ASSERT_TRUE(raw.ok());
  EXPECT_FALSE(raw->has_value());
}

TEST(SegmentLookup, NeedleLookupsReadFewBlocks) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(5);
  gen.Make(&batch, 6000);
  SegmentWriteOptions opts;
  opts.block_rows = 150;
  auto reader = WriteAndOpen(env.get(), batch, opts);
  ASSERT_TRUE(reader.ok());
  uint64_t total_read = 0, lookups = 0;
  for (size_t i = 0; i < batch.size(); i += 29) {
    const Event& e = batch.events[i];
    if (IsNull(e.event_id) || !e.event_id.starts_with("id-")) continue;
    ScanSpec spec;
    spec.predicates.push_back(ScanPredicate::Eq(ColumnId::kEventId, std::string(e.event_id)));
    auto scan = (*reader)->NewScan(spec);
    ASSERT_TRUE(scan.ok());
    ColumnBatch b;
    while (true) {
      auto more = (*scan)->Next(&b);
      ASSERT_TRUE(more.ok());
      if (!*more) break;
    }
    total_read += (*scan)->stats().blocks_read;
    ++lookups;
    EXPECT_EQ((*scan)->stats().blocks_total, 40u);
  }
  ASSERT_GT(lookups, 50u);
  // One block holds the event; bloom false positives (~0.1% per block) add almost nothing.
  EXPECT_LT(static_cast<double>(total_read) / lookups, 1.2);
}

// Opens and fully verifies `bytes` as a segment: either all is well, or the problem is kDataLoss
// naming the file and an offset.
Status OpenAndVerify(Env* env, const std::string& bytes) {
  OverwriteFile(env, "bad", bytes);
  auto reader = SegmentReader::Open(env, "bad");
  Status s = reader.ok() ? (*reader)->Verify() : reader.status();
  if (!s.ok()) {
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << s.ToString();
    EXPECT_NE(s.message().find("bad"), std::string::npos) << s.ToString();
    EXPECT_NE(s.message().find("offset"), std::string::npos) << s.ToString();
  }
  return s;
}

class SegmentCorruption : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv();
    RandomEvents gen(5);
    gen.Make(&batch_, 600);
    for (Event& e : batch_.events) {  // enough similar bytes for trained zstd dictionaries
      e.request_parameters_json = batch_.Copy(
          "{\"key\":\"" + std::string(450 + gen.rng()() % 200, 'a' + gen.rng()() % 3) + "\"}");
    }
    SegmentWriteOptions opts;
    opts.block_rows = 120;
    ASSERT_TRUE(WriteSegment(env_.get(), "seg", RefsOf(batch_), opts).ok());
    good_ = ReadAllBytes(env_.get(), "seg");
    auto r = SegmentReader::Open(env_.get(), "seg");
    ASSERT_TRUE(r.ok());
    reader_ = std::move(*r);
    footer_ = &dynamic_cast<const segment::SegmentFile&>(*reader_).footer();
  }

  std::unique_ptr<MemEnv> env_;
  EventBatch batch_;
  std::string good_;
  std::unique_ptr<SegmentReader> reader_;
  const segment::Footer* footer_ = nullptr;
};

TEST_F(SegmentCorruption, EveryRegionIsCheckedAndADamagedBlockSparesTheOthers) {
  // One byte in each kind of region.
  struct Region {
    std::string name;
    uint64_t offset;
    int block;  // the block whose data it is, -1 for shared parts
  };
  std::vector<Region> regions = {{"header", 3, -1},
                                 {"tail", good_.size() - 5, -1},
                                 {"footer", good_.size() - segment::kTailSize - 10, -1}};
  bool dict = false, zdict = false;
  for (const segment::ColumnInfo& c : footer_->columns) {
    if (c.dict.size && !dict) {
      regions.push_back({"dictionary", c.dict.offset + c.dict.size / 2, -1});
      dict = true;
    }
    if (c.zdict.size && !zdict) {
      regions.push_back({"zstd dictionary", c.zdict.offset + c.zdict.size / 2, -1});
      zdict = true;
    }
  }
  EXPECT_TRUE(dict);
  EXPECT_TRUE(zdict);
  ASSERT_NE(footer_->FindColumn(segment::kCodeGroupId), nullptr);
  for (int b = 0; b < 5; b += 2) {
    const segment::BlockInfo& info = footer_->blocks[b];
    regions.push_back({"bloom", info.bloom.offset + info.bloom.size / 2, -2});
    for (const segment::ChunkInfo& c : info.chunks) {
      if (c.size > 0 && (c.id == static_cast<uint16_t>(ColumnId::kEventName) ||
                         c.id == static_cast<uint16_t>(ColumnId::kRequestParameters) ||
                         c.id == segment::kRawSkeletonId || c.id == segment::kCodeGroupId)) {
        regions.push_back({"chunk directory", c.offset, b});
        regions.push_back({"chunk page", c.offset + c.size - 3, b});
      }
    }
  }
  for (const Region& r : regions) {
    std::string bad = good_;
    bad[r.offset] ^= 0x20;
    Status s = OpenAndVerify(env_.get(), bad);
    EXPECT_EQ(s.code(), StatusCode::kDataLoss) << r.name;
    if (r.block == -1) continue;
    auto reader = SegmentReader::Open(env_.get(), "bad");
    ASSERT_TRUE(reader.ok()) << r.name;
    for (uint32_t b = 0; b < footer_->blocks.size(); ++b) {
      EventBatch out;
      Status rs = (*reader)->ReadBlock(b, &out);
      if (static_cast<int>(b) == r.block) {
        EXPECT_EQ(rs.code(), StatusCode::kDataLoss) << r.name;
      } else {
        EXPECT_TRUE(rs.ok()) << r.name << " spoiled block " << b << ": " << rs.ToString();
      }
    }
  }
}

TEST_F(SegmentCorruption, RandomFlipsAndTruncationsAreDataLossNeverACrash) {
  std::mt19937_64 rng(9);
  int detected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    std::string bad = good_;
    if (trial % 10 == 9) {
      bad.resize(rng() % bad.size());
    } else {
      size_t at = rng() % bad.size();
      bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
    }
    Status s = OpenAndVerify(env_.get(), bad);
    detected += !s.ok();
    // Whatever the damage, lookups and scans answer or fail cleanly.
    auto reader = SegmentReader::Open(env_.get(), "bad");
    if (reader.ok()) {
      (*reader)
          ->ContainsEvent(batch_.events[300].event_id, batch_.events[300].recipient_account_id)
          .status()
          .IgnoreError();
      ScanSpec spec;
      spec.projection = {ColumnId::kEventJson, ColumnId::kEventName, ColumnId::kResourcesArn};
      auto scan = (*reader)->NewScan(spec);
      if (scan.ok()) {
        ColumnBatch b;
        while (true) {
          auto more = (*scan)->Next(&b);
          if (!more.ok()) {
            EXPECT_EQ(more.status().code(), StatusCode::kDataLoss);
            break;
          }
          if (!*more) break;
        }
      }
    }
  }
  EXPECT_EQ(detected, 300);  // every byte of the file is covered by a check
}

// A value whose dictionary code lies inside every block's min/max code range: zone maps cannot
// skip any block, but once a scan has decoded the blocks' codes, later scans skip the blocks
// that do not hold it (SegmentFile::NoteBlockCodes / BlockLacksCodes) and still find every row.
TEST(SegmentScanLearnedCodes, SecondScanSkipsBlocksWithoutTheValue) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(21);
  gen.Make(&batch, 500);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch.events[i].event_name = i == 250 || i == 260 ? Str("Mike") : Str(i % 2 ? "Alpha" : "Zulu");
    batch.events[i].resources_count = 0;
  }
  SegmentWriteOptions opts;
  opts.block_rows = 100;
  auto reader = WriteAndOpen(env.get(), batch, opts);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  auto scan_for = [&](const std::string& name, ScanStats* stats) {
    ScanSpec spec;
    spec.projection = {ColumnId::kEventName};
    spec.predicates = {ScanPredicate::Eq(ColumnId::kEventName, name)};
    auto scan = (*reader)->NewScan(spec);
    EXPECT_TRUE(scan.ok());
    size_t rows = 0;
    ColumnBatch b;
    while (true) {
      auto more = (*scan)->Next(&b);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      for (uint32_t r : b.sel) {
        EXPECT_EQ(b.columns[0].StringAt(r), name);
        ++rows;
      }
    }
    *stats = (*scan)->stats();
    return rows;
  };
  ScanStats first, second, other;
  EXPECT_EQ(scan_for("Mike", &first), 2u);
  EXPECT_EQ(first.blocks_read, 5u);  // Mike's code is between Alpha's and Zulu's everywhere
  EXPECT_EQ(scan_for("Mike", &second), 2u);
  EXPECT_LE(second.blocks_read, 2u);  // the writer orders by time: the two may share a block
  EXPECT_GE(second.blocks_skipped, 3u);
  // Values present everywhere are still found everywhere.
  EXPECT_EQ(scan_for("Alpha", &other), 250u);
  EXPECT_EQ(other.blocks_read, 5u);
}

}  // namespace
}  // namespace cairn
