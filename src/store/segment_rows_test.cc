// BlockRows (segment_rows.cc) against the whole-block decoder (ReadBlockColumns, ReadRecords) and
// the events written: every stored column of sampled rows, and their records byte for byte.
#include <gtest/gtest.h>

#include <random>

#include "store/block_rows.h"
#include "store/segment_file.h"
#include "store/segment_reader.h"
#include "store/segment_test_util.h"
#include "store/segment_writer.h"

namespace cairn {
namespace {

using segment_testing::OverwriteFile;
using segment_testing::RandomEvents;
using segment_testing::RefsOf;

std::vector<ColumnId> StoredColumns() {
  std::vector<ColumnId> out;
  for (const ColumnDef& c : AllColumns()) {
    if (c.stored && c.id != ColumnId::kEventJson) out.push_back(c.id);
  }
  return out;
}

std::string Show(Str s) { return IsNull(s) ? "NULL" : "'" + std::string(s) + "'"; }

// Checks every `step`-th row of every block (and each block's last row) of `reader`: each stored
// column against ReadBlockColumns, the record against ReadRecords and the event written.
void ExpectRowsMatch(const SegmentReader& reader, const EventBatch& batch, uint32_t step) {
  const std::vector<ColumnId> columns = StoredColumns();
  size_t first_event = 0;
  for (uint32_t b = 0; b < reader.block_count(); ++b) {
    const uint32_t rows = reader.block_range(b).rows;
    std::vector<uint32_t> sample;
    for (uint32_t r = b % step; r < rows; r += step) sample.push_back(r);
    if (sample.empty() || sample.back() != rows - 1) sample.push_back(rows - 1);
    auto block_rows = reader.NewBlockRows(b);
    ASSERT_TRUE(block_rows.ok()) << block_rows.status().ToString();
    BlockRows& br = **block_rows;
    ASSERT_EQ(br.rows(), rows);
    // Rows in a scrambled order: each value is found wherever the previous one was.
    std::vector<uint32_t> order = sample;
    std::mt19937 rng(b);
    std::shuffle(order.begin(), order.end(), rng);
    Status st = reader.ReadBlockColumns(b, columns, [&](const ColumnBatch& cb) {
      for (uint32_t r : order) {
        for (size_t i = 0; i < columns.size(); ++i) {
          const ColumnId c = columns[i];
          const ColumnDef& def = GetColumn(c);
          const ColumnVector& v = cb.columns[i];
          if (def.list_child) {
            std::vector<Str> got;
            Status es = br.Elements(c, r, &got);
            EXPECT_TRUE(es.ok()) << es.ToString();
            std::vector<Str> want;
            for (uint32_t k = v.offsets[r]; k < v.offsets[r + 1]; ++k)
              want.push_back(v.StringAt(k));
            EXPECT_EQ(got.size(), want.size()) << def.name << " block " << b << " row " << r;
            for (size_t k = 0; k < std::min(got.size(), want.size()); ++k) {
              EXPECT_EQ(Show(got[k]), Show(want[k])) << def.name << " row " << r << " el " << k;
            }
          } else if (def.type == ColumnType::kBool) {
            auto got = br.Bool(c, r);
            EXPECT_TRUE(got.ok()) << got.status().ToString();
            if (got.ok()) {
              EXPECT_EQ(*got, v.bools[r]) << def.name << " block " << b << " row " << r;
            }
          } else if (def.type == ColumnType::kString || def.type == ColumnType::kMap) {
            auto got = br.String(c, r);
            EXPECT_TRUE(got.ok()) << got.status().ToString();
            if (got.ok()) {
              EXPECT_EQ(Show(*got), Show(v.StringAt(r)))
                  << def.name << " block " << b << " row " << r;
            }
          }
        }
      }
      return Status::OK();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    for (uint32_t r : order) {
      const Event& e = batch.events[first_event + r];
      std::string got = "prefix:";
      auto has = br.Record(r, &got);
      ASSERT_TRUE(has.ok()) << has.status().ToString();
      EXPECT_EQ(*has, !IsNull(e.raw)) << "block " << b << " row " << r;
      const std::string want = *has ? "prefix:" + std::string(e.raw) : "prefix:";
      EXPECT_EQ(got, want) << "block " << b << " row " << r;
    }
    first_event += rows;
  }
}

Result<std::unique_ptr<SegmentReader>> Write(Env* env, const EventBatch& batch, uint32_t block_rows,
                                             const std::string& path = "seg") {
  SegmentWriteOptions opts;
  opts.block_rows = block_rows;
  RETURN_IF_ERROR(WriteSegment(env, path, RefsOf(batch), opts).status());
  return SegmentReader::Open(env, path);
}

TEST(BlockRows, RandomEventsMatchTheBlockDecoderAndTheRecords) {
  for (uint32_t block_rows : {1u, 7u, 700u, 0u}) {
    auto env = NewMemEnv();
    EventBatch batch;
    RandomEvents gen(block_rows + 3);
    gen.Make(&batch, block_rows == 1 ? 40 : 3000);
    auto reader = Write(env.get(), batch, block_rows);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    ExpectRowsMatch(**reader, batch, block_rows == 0 ? 13 : 3);
  }
}

TEST(BlockRows, UuidsTrainedDictionariesAndManyPagesWithAndWithoutThePageCache) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(17);
  gen.Make(&batch, 9000);
  for (Event& e : batch.events) {
    e.request_parameters_json = batch.Copy(gen.BigRequestParameters());
    const std::string id = gen.Uuid();
    // Mostly UUIDs, some NULL, some other strings: every tag of the UUID encoding.
    const uint64_t pick = gen.rng()() % 20;
    e.event_id = pick == 0   ? Str()
                 : pick == 1 ? batch.Copy("not-a-uuid-" + std::to_string(pick))
                             : batch.Copy(id);
  }
  auto reader = Write(env.get(), batch, 0);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const auto& footer = dynamic_cast<const segment::SegmentFile&>(**reader).footer();
  ASSERT_EQ(footer.FindColumn(static_cast<uint16_t>(ColumnId::kEventId))->encoding,
            segment::Encoding::kUuid);
  ASSERT_GT(footer.FindColumn(static_cast<uint16_t>(ColumnId::kRequestParameters))->zdict.size, 0u);
  // First records alone, on a reader nothing was decoded from: BlockRows decompresses every page
  // it reads itself (a new reader's pages are not in the PageCache).
  size_t first = 0;
  for (uint32_t b = 0; b < (*reader)->block_count(); ++b) {
    auto br = (*reader)->NewBlockRows(b);
    ASSERT_TRUE(br.ok());
    for (uint32_t r = b; r < (*br)->rows(); r += 101) {
      std::string rec;
      auto has = (*br)->Record(r, &rec);
      ASSERT_TRUE(has.ok()) << has.status().ToString();
      const Event& e = batch.events[first + r];
      EXPECT_EQ(*has, !IsNull(e.raw));
      if (*has) {
        EXPECT_EQ(rec, std::string(e.raw));
      }
    }
    first += (*br)->rows();
  }
  ExpectRowsMatch(**reader, batch, 89);  // pages now also from the cache
  // Every eventID: each page's first NULL, UUID and other string included.
  first = 0;
  for (uint32_t b = 0; b < (*reader)->block_count(); ++b) {
    auto br = (*reader)->NewBlockRows(b);
    ASSERT_TRUE(br.ok());
    for (uint32_t r = 0; r < (*br)->rows(); ++r) {
      auto id = (*br)->String(ColumnId::kEventId, r);
      ASSERT_TRUE(id.ok()) << id.status().ToString();
      ASSERT_EQ(Show(*id), Show(batch.events[first + r].event_id)) << "block " << b << " row " << r;
    }
    first += (*br)->rows();
  }
}

TEST(BlockRows, BadArgumentsAreErrorsNotCrashes) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(4);
  gen.Make(&batch, 50);
  auto reader = Write(env.get(), batch, 20);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->NewBlockRows(3).status().code(), StatusCode::kOutOfRange);
  auto br = (*reader)->NewBlockRows(2);
  ASSERT_TRUE(br.ok());
  EXPECT_EQ((*br)->rows(), 10u);
  std::string out;
  EXPECT_EQ((*br)->Record(10, &out).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ((*br)->String(ColumnId::kEventName, 10).status().code(), StatusCode::kOutOfRange);
  EXPECT_EQ((*br)->String(ColumnId::kReadOnly, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*br)->String(ColumnId::kResourcesArn, 0).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ((*br)->String(ColumnId::kEventJson, 0).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*br)->Bool(ColumnId::kEventName, 0).status().code(), StatusCode::kInvalidArgument);
  std::vector<Str> els;
  EXPECT_EQ((*br)->Elements(ColumnId::kEventName, 0, &els).code(), StatusCode::kInvalidArgument);
}

// Every byte of a segment is covered by a checksum: whatever is damaged, BlockRows gives the
// right values or kDataLoss naming the file, and never crashes.
TEST(BlockRows, DamagedSegmentsAreDataLossNeverACrash) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(8);
  gen.Make(&batch, 400);
  ASSERT_TRUE(Write(env.get(), batch, 90).ok());
  auto good = env->ReadFile("seg");
  ASSERT_TRUE(good.ok());
  // (Each opened copy is a new file to the PageCache: nothing of `good` is served for it.)
  std::mt19937_64 rng(3);
  int failed = 0;
  for (int trial = 0; trial < 200; ++trial) {
    std::string bad = *good;
    const size_t at = rng() % (bad.size() - segment::kTailSize - 200);  // data, not the footer
    bad[at] = static_cast<char>(bad[at] ^ (1 + rng() % 255));
    OverwriteFile(env.get(), "bad", bad);
    auto reader = SegmentReader::Open(env.get(), "bad");
    if (!reader.ok()) continue;
    bool damaged = false;
    size_t first = 0;
    for (uint32_t b = 0; b < (*reader)->block_count(); ++b) {
      auto br = (*reader)->NewBlockRows(b);
      ASSERT_TRUE(br.ok());
      const uint32_t rows = (*br)->rows();
      for (uint32_t r = 0; r < rows; r += 7) {
        std::string rec;
        auto has = (*br)->Record(r, &rec);
        if (!has.ok()) {
          EXPECT_EQ(has.status().code(), StatusCode::kDataLoss) << has.status().ToString();
          EXPECT_NE(has.status().message().find("bad"), std::string::npos);
          damaged = true;
          continue;
        }
        const Event& e = batch.events[first + r];
        EXPECT_EQ(*has, !IsNull(e.raw));
        if (*has) {
          EXPECT_EQ(rec, std::string(e.raw));
        }
      }
      first += rows;
    }
    failed += damaged;
  }
  EXPECT_GT(failed, 20);
}

}  // namespace
}  // namespace cairn
