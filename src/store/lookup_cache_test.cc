#include "store/lookup_cache.h"

#include <gtest/gtest.h>

#include "store/segment_test_util.h"
#include "store/segment_writer.h"

namespace cairn {
namespace {

using segment_testing::RandomEvents;
using segment_testing::RefsOf;

struct Segment {
  std::unique_ptr<Env> env = NewMemEnv();
  EventBatch written;
  EventBatch read;  // the segment's events as the reader returns them, in block order
  std::unique_ptr<SegmentReader> reader;
};

void Make(Segment* s, size_t events, uint32_t block_rows, uint64_t seed) {
  RandomEvents gen(seed);
  gen.Make(&s->written, events);
  SegmentWriteOptions opts;
  opts.block_rows = block_rows;
  auto refs = RefsOf(s->written);
  ASSERT_TRUE(WriteSegment(s->env.get(), "seg", refs, opts).ok());
  auto r = SegmentReader::Open(s->env.get(), "seg");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  s->reader = std::move(*r);
  ASSERT_TRUE(s->reader->ReadAll(&s->read).ok());
}

bool Same(Str a, Str b) { return IsNull(a) == IsNull(b) && a == b; }

TEST(LookupBlockTest, EveryRowOfEveryBlockMatchesTheSegmentsEvents) {
  Segment s;
  Make(&s, 2500, 300, 11);
  const SegmentReader& reader = *s.reader;
  ASSERT_EQ(reader.block_count(), 9u);
  size_t first = 0;
  for (uint32_t b = 0; b < reader.block_count(); ++b) {
    SCOPED_TRACE("block " + std::to_string(b));
    const SegmentReader::BlockRange range = reader.block_range(b);
    auto built = LookupBlock::Build(reader, b);
    ASSERT_TRUE(built.ok()) << built.status().ToString();
    const LookupBlock& lb = **built;
    ASSERT_EQ(lb.rows, range.rows);
    EXPECT_GT(lb.bytes(), 0u);
    EXPECT_EQ(lb.name.Find("no such name"), LookupBlock::Coded::kAbsent);
    std::vector<uint32_t> every_third;
    for (uint32_t r = 0; r < lb.rows; ++r) {
      const Event& e = s.read.events[first + r];
      EXPECT_EQ(lb.time[r], e.event_time_us);
      EXPECT_GE(lb.time[r], range.min_time_us);
      EXPECT_LE(lb.time[r], range.max_time_us);
      EXPECT_TRUE(Same(lb.id[r], e.event_id)) << r;
      EXPECT_TRUE(Same(lb.name.at(r), e.event_name)) << r;
      EXPECT_TRUE(Same(lb.source.at(r), e.event_source)) << r;
      EXPECT_TRUE(Same(lb.category.at(r), e.event_category)) << r;
      EXPECT_TRUE(Same(lb.access_key.at(r), e.user_identity.access_key_id)) << r;
      EXPECT_EQ(lb.read_only[r], e.read_only) << r;
      if (!IsNull(e.event_name)) {
        EXPECT_EQ(lb.name.Find(e.event_name), lb.name.codes[r]);
      }
      auto res = s.read.ResourcesOf(e);
      ASSERT_EQ(lb.resource_offsets[r + 1] - lb.resource_offsets[r], res.size()) << r;
      for (size_t k = 0; k < res.size(); ++k) {
        EXPECT_TRUE(Same(lb.resource_type.at(lb.resource_offsets[r] + k), res[k].type));
        EXPECT_TRUE(Same(lb.resource_arn.at(lb.resource_offsets[r] + k), res[k].arn));
      }
      if (r % 3 == 0) every_third.push_back(r);
    }
    size_t calls = 0;
    Status st = reader.ReadRecords(b, every_third, [&](uint32_t row, Str raw) {
      EXPECT_EQ(row, every_third[calls++]);
      EXPECT_TRUE(Same(raw, s.read.events[first + row].raw)) << row;
      return Status::OK();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(calls, every_third.size());
    first += lb.rows;
  }
  EXPECT_EQ(first, s.read.size());
}

TEST(LookupBlockTest, BadBlockOrRowIsAnErrorNotACrash) {
  Segment s;
  Make(&s, 100, 64, 3);
  EXPECT_FALSE(LookupBlock::Build(*s.reader, 2).ok());
  const uint32_t rows[] = {0, 500};
  Status st = s.reader->ReadRecords(0, rows, [](uint32_t, Str) { return Status::OK(); });
  EXPECT_EQ(st.code(), StatusCode::kOutOfRange) << st.ToString();
  const ColumnId json[] = {ColumnId::kEventJson};
  st = s.reader->ReadBlockColumns(0, json, [](const ColumnBatch&) { return Status::OK(); });
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
}

TEST(LookupBlockTest, RenderingIsKeptOnce) {
  Segment s;
  Make(&s, 50, 64, 5);
  auto built = LookupBlock::Build(*s.reader, 0);
  ASSERT_TRUE(built.ok());
  const LookupBlock& lb = **built;
  EXPECT_EQ(lb.rendered(3), nullptr);
  auto a = std::make_shared<LookupBlock::Rendered>(LookupBlock::Rendered{"r", "a"});
  auto b = std::make_shared<LookupBlock::Rendered>(LookupBlock::Rendered{"r", "b"});
  EXPECT_EQ(lb.SetRendered(3, a), a);
  EXPECT_EQ(lb.SetRendered(3, b), a);  // the first one stays
  EXPECT_EQ(lb.rendered(3), a);
}

TEST(LookupBlockCacheTest, AdmitsAfterUsesAndEvictsLeastRecentlyUsedByBytes) {
  Segment s;
  Make(&s, 1200, 300, 7);
  std::vector<std::shared_ptr<const LookupBlock>> blocks;
  for (uint32_t b = 0; b < 4; ++b) {
    auto built = LookupBlock::Build(*s.reader, b);
    ASSERT_TRUE(built.ok());
    blocks.push_back(std::move(*built));
  }
  const size_t one = blocks[0]->bytes();
  LookupBlockCache::Options o;
  o.admit_after = 2;
  o.capacity_bytes = one * 2 + one / 2;  // two blocks fit, three do not
  LookupBlockCache cache(o);
  const uint64_t id = s.reader->cache_id();

  EXPECT_FALSE(cache.Ready(id, 0));
  cache.NoteUse(id, 0);
  EXPECT_FALSE(cache.Ready(id, 0));
  cache.NoteUse(id, 0);
  EXPECT_TRUE(cache.Ready(id, 0));
  EXPECT_FALSE(cache.Ready(id + 1, 0));  // another reader's block 0

  EXPECT_EQ(cache.Find(id, 0), nullptr);
  EXPECT_EQ(cache.Insert(id, 0, blocks[0]), blocks[0]);
  EXPECT_FALSE(cache.Ready(id, 0));                      // uses are forgotten once cached
  EXPECT_EQ(cache.Insert(id, 0, blocks[1]), blocks[0]);  // the first insert wins
  EXPECT_EQ(cache.Find(id, 0), blocks[0]);
  cache.Insert(id, 1, blocks[1]);
  EXPECT_EQ(cache.blocks(), 2u);
  EXPECT_EQ(cache.Find(id, 0), blocks[0]);  // 0 is now the most recent
  cache.Insert(id, 2, blocks[2]);           // evicts 1, the least recently used
  EXPECT_EQ(cache.Find(id, 1), nullptr);
  EXPECT_NE(cache.Find(id, 0), nullptr);
  EXPECT_NE(cache.Find(id, 2), nullptr);
  EXPECT_LE(cache.bytes(), o.capacity_bytes);
  // Rendered rows count: charging block 0 (least recent after the Find of 2) past the capacity
  // evicts it.
  cache.Find(id, 2);
  cache.Charge(id, 0, one);
  EXPECT_EQ(cache.Find(id, 0), nullptr);
  EXPECT_NE(cache.Find(id, 2), nullptr);
  // An evicted block stays usable by whoever holds it.
  EXPECT_EQ(blocks[0]->rows, 300u);
}

TEST(LookupBlockCacheTest, OnlyQuickLookupsBuildBlocks) {
  LookupBlockCache::Options o;
  EXPECT_EQ(o.build_budget_us, 1000u);
  LookupBlockCache budgeted(o);
  EXPECT_TRUE(budgeted.MayBuild(0));
  EXPECT_TRUE(budgeted.MayBuild(999));
  EXPECT_FALSE(budgeted.MayBuild(1000));
  EXPECT_FALSE(budgeted.MayBuild(50000));
  o.build_budget_us = 0;  // no limit
  LookupBlockCache unlimited(o);
  EXPECT_TRUE(unlimited.MayBuild(uint64_t{1} << 40));
}

}  // namespace
}  // namespace cairn
