#include "store/scan.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <numeric>
#include <random>
#include <set>

#include "store/segment_file.h"
#include "store/segment_reader.h"
#include "store/segment_test_util.h"

namespace cairn {
namespace {

using segment_testing::RandomEvents;
using segment_testing::RefsOf;

constexpr uint32_t kBlockRows = 300;

// A kMatch test: values containing `ch` (and NULL when `nulls`); counts the values asked.
class ContainsMatcher final : public ValueMatcher {
 public:
  ContainsMatcher(char ch, bool nulls) : ch_(ch), nulls_(nulls) {}
  Status Match(std::span<const Str> values, bool* out) const override {
    asked_ += values.size();
    for (size_t i = 0; i < values.size(); ++i) out[i] = Test(values[i]);
    return Status::OK();
  }
  bool Test(Str v) const { return IsNull(v) ? nulls_ : v.find(ch_) != Str::npos; }
  size_t asked() const { return asked_; }

 private:
  char ch_;
  bool nulls_;
  mutable std::atomic<size_t> asked_{0};
};

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_ = NewMemEnv();
    RandomEvents gen(77);
    gen.Make(&batch_, 3000);
    SegmentWriteOptions opts;
    opts.block_rows = kBlockRows;
    ASSERT_TRUE(WriteSegment(env_.get(), "seg", RefsOf(batch_), opts).ok());
    auto r = SegmentReader::Open(env_.get(), "seg");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    reader_ = std::move(*r);
  }

  // Runs `spec` and returns the selected rows as indexes into batch_, checking the projected
  // values of each selected row against the original event.
  std::vector<size_t> Run(const ScanSpec& spec, ScanStats* stats = nullptr) {
    std::vector<size_t> rows;
    auto scan = reader_->NewScan(spec);
    EXPECT_TRUE(scan.ok()) << scan.status().ToString();
    if (!scan.ok()) return rows;
    ColumnBatch b;
    while (true) {
      auto more = (*scan)->Next(&b);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      EXPECT_FALSE(b.sel.empty());
      EXPECT_EQ(b.columns.size(), spec.projection.size());
      for (uint32_t r : b.sel) {
        EXPECT_LT(r, b.row_count);
        const size_t index = static_cast<size_t>(b.block) * kBlockRows + b.first_row + r;
        rows.push_back(index);
        for (const ColumnVector& v : b.columns) CheckValue(v, r, batch_.events[index]);
      }
    }
    if (stats) *stats = (*scan)->stats();
    return rows;
  }

  void CheckValue(const ColumnVector& v, uint32_t r, const Event& e) {
    const ColumnDef& def = GetColumn(v.id);
    const std::string name(def.name);
    if (def.list_child) {
      auto res = batch_.ResourcesOf(e);
      ASSERT_EQ(v.offsets[r + 1] - v.offsets[r], res.size()) << name;
      for (size_t k = 0; k < res.size(); ++k) {
        Str got = v.StringAt(v.offsets[r] + k), want = *ResourceField(res[k], v.id);
        EXPECT_TRUE(segment_testing::SameStr(got, want)) << name;
      }
      return;
    }
    switch (def.type) {
      case ColumnType::kString:
      case ColumnType::kMap:
        EXPECT_TRUE(segment_testing::SameStr(v.StringAt(r), StringValue(e, v.id)))
            << name << ": '" << v.StringAt(r) << "' vs '" << StringValue(e, v.id) << "'";
        break;
      case ColumnType::kTimestamp:
        ASSERT_EQ(v.kind, VectorKind::kInt64);
        EXPECT_EQ(v.i64[r], TimestampField(e, v.id)) << name;
        break;
      case ColumnType::kBool:
        ASSERT_EQ(v.kind, VectorKind::kBool);
        EXPECT_EQ(v.bools[r], BoolField(e, v.id)) << name;
        break;
    }
  }

  static bool Matches(const ScanPredicate& p, Str v) {
    switch (p.op) {
      case PredicateOp::kEq:
      case PredicateOp::kIn:
        if (IsNull(v)) return false;
        for (const std::string& w : p.values) {
          if (v == w) return true;
        }
        return false;
      case PredicateOp::kPrefix:
        return !IsNull(v) && v.starts_with(p.values[0]);
      case PredicateOp::kIsNull:
        return IsNull(v);
      case PredicateOp::kIsNotNull:
        return !IsNull(v);
      case PredicateOp::kBoolEq:
        return false;
      case PredicateOp::kMatch: {
        bool out = false;
        EXPECT_TRUE(p.matcher->Match(std::span<const Str>(&v, 1), &out).ok());
        return out;
      }
    }
    return false;
  }

  bool BruteForce(const ScanSpec& spec, const Event& e) {
    if (e.event_time_us < spec.min_time_us || e.event_time_us > spec.max_time_us) return false;
    for (const ScanPredicate& p : spec.predicates) {
      const ColumnDef& def = GetColumn(p.column);
      if (def.list_child) {
        auto res = batch_.ResourcesOf(e);
        bool any = false;
        if (p.op == PredicateOp::kIsNull) any = res.empty();
        for (const Resource& r : res) any |= Matches(p, *ResourceField(r, p.column));
        if (!any) return false;
      } else if (def.type == ColumnType::kBool) {
        OptBool b = BoolField(e, p.column);
        bool ok = p.op == PredicateOp::kIsNull      ? b == OptBool::kNull
                  : p.op == PredicateOp::kIsNotNull ? b != OptBool::kNull
                                                    : b == p.bool_value;
        if (!ok) return false;
      } else if (def.type == ColumnType::kTimestamp) {
        bool null = TimestampField(e, p.column) == INT64_MIN;
        if (p.op == PredicateOp::kIsNull ? !null : null) return false;
      } else if (!Matches(p, StringValue(e, p.column))) {
        return false;
      }
    }
    return true;
  }

  std::unique_ptr<MemEnv> env_;
  EventBatch batch_;
  std::unique_ptr<SegmentReader> reader_;
};

TEST_F(ScanTest, RandomPredicatesMatchBruteForce) {
  std::mt19937_64 rng(5);
  const ColumnId kStringColumns[] = {
      ColumnId::kEventName,         ColumnId::kEventId,           ColumnId::kUserAgent,
      ColumnId::kRequestParameters, ColumnId::kResourcesArn,      ColumnId::kResourcesType,
      ColumnId::kUsername,          ColumnId::kErrorCode,         ColumnId::kSourceIpAddress,
      ColumnId::kUserIdentityArn,   ColumnId::kRecipientAccountId};
  const ColumnId kProjectable[] = {ColumnId::kEventTime,         ColumnId::kEventName,
                                   ColumnId::kEventId,           ColumnId::kEventJson,
                                   ColumnId::kResourcesArn,      ColumnId::kReadOnly,
                                   ColumnId::kUsername,          ColumnId::kSessionCreationDate,
                                   ColumnId::kRequestParameters, ColumnId::kResourcesType,
                                   ColumnId::kAwsRegion};
  auto some_value = [&](ColumnId c) -> std::string {
    for (int tries = 0; tries < 20; ++tries) {
      const Event& e = batch_.events[rng() % batch_.size()];
      Str v;
      if (GetColumn(c).list_child) {
        auto res = batch_.ResourcesOf(e);
        if (res.empty()) continue;
        v = *ResourceField(res[rng() % res.size()], c);
      } else {
        v = StringValue(e, c);
      }
      if (!IsNull(v)) return std::string(v);
    }
    return "absent-value";
  };
  size_t total_selected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    ScanSpec spec;
    spec.batch_rows = 1 + rng() % 400;
    spec.reverse = rng() % 2;
    if (rng() % 2) {
      const int64_t t0 = batch_.events.front().event_time_us,
                    t1 = batch_.events.back().event_time_us;
      spec.min_time_us = t0 + static_cast<int64_t>(rng() % static_cast<uint64_t>(t1 - t0 + 1));
      spec.max_time_us = spec.min_time_us + static_cast<int64_t>(rng() % 2000) * 1000000;
    }
    const int npred = rng() % 3;
    for (int k = 0; k < npred; ++k) {
      const int kind = rng() % 10;
      if (kind == 0) {
        spec.predicates.push_back(ScanPredicate::BoolEq(
            rng() % 2 ? ColumnId::kReadOnly : ColumnId::kManagementEvent, rng() % 2));
        continue;
      }
      if (kind == 1) {
        spec.predicates.push_back(rng() % 2 ? ScanPredicate::IsNull(ColumnId::kSessionCreationDate)
                                            : ScanPredicate::IsNotNull(ColumnId::kReadOnly));
        continue;
      }
      const ColumnId c = kStringColumns[rng() % std::size(kStringColumns)];
      if (kind == 2) {
        const char chars[] = {'a', '1', '{', 'e'};
        spec.predicates.push_back(
            ScanPredicate::Match(GetColumn(c).list_child ? ColumnId::kRequestParameters : c,
                                 std::make_shared<ContainsMatcher>(chars[rng() % 4], rng() % 2)));
        continue;
      }
      switch (rng() % 5) {
        case 0:
          spec.predicates.push_back(ScanPredicate::Eq(c, some_value(c)));
          break;
        case 1:
          spec.predicates.push_back(
              ScanPredicate::In(c, {some_value(c), some_value(c), "absent-value"}));
          break;
        case 2: {
          std::string v = some_value(c);
          spec.predicates.push_back(ScanPredicate::Prefix(c, v.substr(0, rng() % 5)));
          break;
        }
        case 3:
          spec.predicates.push_back(ScanPredicate::IsNull(c));
          break;
        case 4:
          spec.predicates.push_back(ScanPredicate::IsNotNull(c));
          break;
      }
    }
    const int nproj = rng() % 4;
    for (int k = 0; k < nproj; ++k) {
      spec.projection.push_back(kProjectable[rng() % std::size(kProjectable)]);
    }
    std::vector<size_t> want;
    for (size_t i = 0; i < batch_.size(); ++i) {
      if (BruteForce(spec, batch_.events[i])) want.push_back(i);
    }
    if (rng() % 4 == 0) spec.limit = rng() % 40;
    if (spec.reverse) std::reverse(want.begin(), want.end());
    if (want.size() > spec.limit) want.resize(spec.limit);
    std::vector<size_t> got = Run(spec);  // in scan order
    ASSERT_EQ(got, want) << "trial " << trial;
    total_selected += want.size();
  }
  EXPECT_GT(total_selected, 1000u);  // the trials are not all empty
}

// A match on a dictionary column asks about each distinct value of the segment once, however many
// rows and blocks hold it; an all-NULL column matches every row when NULL matches.
TEST_F(ScanTest, MatchAsksOncePerDictionaryValue) {
  auto m = std::make_shared<ContainsMatcher>('e', false);
  ScanSpec spec;
  spec.projection = {ColumnId::kEventName};
  spec.predicates.push_back(ScanPredicate::Match(ColumnId::kEventName, m));
  std::vector<size_t> got = Run(spec);
  std::set<std::string> distinct;
  size_t want = 0;
  for (const Event& e : batch_.events) {
    distinct.insert(std::string(e.event_name));
    want += m->Test(e.event_name);
  }
  EXPECT_EQ(got.size(), want);
  EXPECT_GT(want, 0u);
  EXPECT_LE(m->asked(), distinct.size() + 1);  // + the NULL value, asked when the scan starts

  auto nulls = std::make_shared<ContainsMatcher>('x', true);
  ScanSpec absent;
  absent.predicates.push_back(ScanPredicate::Match(ColumnId::kVpcEndpointAccountId, nulls));
  size_t null_rows = 0;
  for (const Event& e : batch_.events)
    null_rows += nulls->Test(StringValue(e, ColumnId::kVpcEndpointAccountId));
  EXPECT_EQ(Run(absent).size(), null_rows);
}

TEST_F(ScanTest, ZoneMapsSkipBlocksOutsideTheTimeRange) {
  // Rows [900, 1200) are block 3; ask for the time range strictly inside it.
  ScanSpec spec;
  spec.min_time_us = batch_.events[950].event_time_us;
  spec.max_time_us = batch_.events[1100].event_time_us;
  spec.projection = {ColumnId::kEventTime};
  ScanStats stats;
  std::vector<size_t> got = Run(spec, &stats);
  EXPECT_EQ(stats.blocks_total, 10u);
  EXPECT_LE(stats.blocks_read, 2u);  // equal times may straddle a block boundary
  EXPECT_GE(stats.blocks_skipped, 8u);
  ASSERT_FALSE(got.empty());
  EXPECT_LE(got.front(), 950u);
  EXPECT_GE(got.back(), 1100u);
}

TEST_F(ScanTest, AbsentDictionaryValueReadsNoBlock) {
  ScanSpec spec;
  spec.predicates.push_back(ScanPredicate::Eq(ColumnId::kEventName, "NoSuchEventName"));
  ScanStats stats;
  EXPECT_TRUE(Run(spec, &stats).empty());
  EXPECT_EQ(stats.blocks_read, 0u);
  EXPECT_EQ(stats.blocks_skipped, 10u);
}

TEST_F(ScanTest, EventIdNeedleReadsOneBlock) {
  size_t checked = 0;
  for (size_t i = 0; i < batch_.size(); i += 101) {
    const Event& e = batch_.events[i];
    if (IsNull(e.event_id) || !e.event_id.starts_with("id-")) continue;
    ScanSpec spec;
    spec.predicates.push_back(ScanPredicate::Eq(ColumnId::kEventId, std::string(e.event_id)));
    spec.projection = {ColumnId::kEventJson, ColumnId::kEventId};
    ScanStats stats;
    std::vector<size_t> got = Run(spec, &stats);
    ASSERT_EQ(got, std::vector<size_t>{i});
    EXPECT_LE(stats.blocks_read, 2u);
    ++checked;
  }
  EXPECT_GT(checked, 5u);
}

// A code group member decoded for a whole block is kept in the page cache as narrow codes (one
// entry per block and member); later scans read the codes from there instead of the group pages.
// The cached codes are the events' values, NULLs included, and scans over them (whole blocks,
// blocks partly inside a time window, predicates on the member) select the same rows.
TEST_F(ScanTest, GroupCodesOfWholeBlocksAreCachedAndReadBack) {
  const auto* file = static_cast<const segment::SegmentFile*>(reader_.get());
  const ColumnId kMembers[] = {ColumnId::kEventName, ColumnId::kErrorCode};
  for (ColumnId c : kMembers) {
    const segment::ColumnInfo* info = file->column_info(static_cast<uint16_t>(c));
    ASSERT_TRUE(info != nullptr && info->grouped) << GetColumn(c).name;
    EXPECT_EQ(file->LookupMemberCodes(0, static_cast<uint16_t>(c)), nullptr);  // not yet
  }
  ScanSpec whole;
  whole.projection = {ColumnId::kEventName, ColumnId::kErrorCode};
  std::vector<size_t> all(batch_.size());
  std::iota(all.begin(), all.end(), size_t{0});
  EXPECT_EQ(Run(whole), all);  // from the group pages; Run checks every value
  size_t nulls = 0;
  for (ColumnId c : kMembers) {
    const uint16_t id = static_cast<uint16_t>(c);
    const segment::ColumnInfo* info = file->column_info(id);
    auto dict = file->Dict(id);
    ASSERT_TRUE(dict.ok());
    for (uint32_t b = 0; b < file->block_count(); ++b) {
      std::shared_ptr<const std::string> narrow = file->LookupMemberCodes(b, id);
      ASSERT_NE(narrow, nullptr) << "block " << b;
      const uint32_t rows = file->block_range(b).rows;
      ASSERT_EQ(narrow->size(), size_t{rows} * info->code_width);
      for (uint32_t r = 0; r < rows; ++r) {
        uint32_t v = 0;
        for (uint8_t k = 0; k < info->code_width; ++k)
          v |= uint32_t{static_cast<uint8_t>((*narrow)[size_t{r} * info->code_width + k])}
               << (8 * k);
        const Str want = StringValue(batch_.events[size_t{b} * kBlockRows + r], c);
        if (v == 0) {
          EXPECT_TRUE(IsNull(want));
          ++nulls;
          continue;
        }
        auto got = (*dict)->Value(v - 1);
        ASSERT_TRUE(got.ok());
        EXPECT_TRUE(segment_testing::SameStr(*got, want));
      }
    }
  }
  EXPECT_GT(nulls, 0u);        // errorCode is mostly NULL
  EXPECT_EQ(Run(whole), all);  // from the cache
  // Blocks partly inside a window, with a predicate on a member, newest first, in small batches.
  ScanSpec part;
  part.projection = {ColumnId::kErrorCode, ColumnId::kEventName, ColumnId::kEventTime};
  part.min_time_us = batch_.events[450].event_time_us;
  part.max_time_us = batch_.events[2000].event_time_us;
  part.predicates.push_back(ScanPredicate::IsNull(ColumnId::kErrorCode));
  part.reverse = true;
  part.batch_rows = 77;
  std::vector<size_t> want;
  for (size_t i = 0; i < batch_.size(); ++i) {
    if (BruteForce(part, batch_.events[i])) want.push_back(i);
  }
  std::reverse(want.begin(), want.end());
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(Run(part), want);
}

// eventTime decoded for a whole block is kept in the page cache; later scans (time windows, time
// projections) copy it from there, and select and return the same rows and times.
TEST_F(ScanTest, BlockTimesAreCachedAndReadBack) {
  const auto* file = static_cast<const segment::SegmentFile*>(reader_.get());
  const uint16_t id = static_cast<uint16_t>(ColumnId::kEventTime);
  EXPECT_EQ(file->LookupBlockTimes(0, id), nullptr);
  ScanSpec spec;
  spec.projection = {ColumnId::kEventTime, ColumnId::kSessionCreationDate};
  spec.min_time_us = batch_.events[450].event_time_us;
  spec.max_time_us = batch_.events[2000].event_time_us;
  std::vector<size_t> want;
  for (size_t i = 0; i < batch_.size(); ++i) {
    if (BruteForce(spec, batch_.events[i])) want.push_back(i);
  }
  EXPECT_EQ(Run(spec), want);  // decoded; Run checks every projected value
  size_t cached = 0;
  for (uint32_t b = 0; b < file->block_count(); ++b) {
    std::shared_ptr<const std::string> times = file->LookupBlockTimes(b, id);
    if (!times) continue;  // blocks outside the window are not read
    ++cached;
    const uint32_t rows = file->block_range(b).rows;
    ASSERT_EQ(times->size(), size_t{rows} * sizeof(int64_t));
    for (uint32_t r = 0; r < rows; ++r) {
      int64_t t;
      std::memcpy(&t, times->data() + size_t{r} * sizeof(int64_t), sizeof(t));
      EXPECT_EQ(t, batch_.events[size_t{b} * kBlockRows + r].event_time_us);
    }
  }
  EXPECT_GE(cached, 5u);
  EXPECT_EQ(Run(spec), want);  // from the cache
  spec.reverse = true;
  std::reverse(want.begin(), want.end());
  EXPECT_EQ(Run(spec), want);
}

TEST_F(ScanTest, RejectsBadSpecs) {
  ScanSpec spec;
  spec.predicates.push_back(ScanPredicate::Eq(ColumnId::kEventTime, "2024"));
  EXPECT_EQ(reader_->NewScan(spec).status().code(), StatusCode::kInvalidArgument);
  spec.predicates = {ScanPredicate::BoolEq(ColumnId::kEventName, true)};
  EXPECT_EQ(reader_->NewScan(spec).status().code(), StatusCode::kInvalidArgument);
  spec.predicates.clear();
  spec.projection = {ColumnId::kEventJsonChecksum};
  EXPECT_EQ(reader_->NewScan(spec).status().code(), StatusCode::kInvalidArgument);
}

// Large dictionaries (paged, looked up lazily) and mostly-UUID streams (16-byte encoding with
// binary predicates) against brute force.
TEST(ScanEncodings, LargeDictionaryAndUuidStreams) {
  auto env = NewMemEnv();
  EventBatch batch;
  RandomEvents gen(99);
  gen.Make(&batch, 4000);
  std::mt19937_64& rng = gen.rng();
  std::vector<std::string> pool;
  for (int i = 0; i < 1500; ++i) {  // 1500 distinct values of ~900 bytes: a dictionary > 1 MB
    pool.push_back("{\"key\":\"" + std::to_string(i) + std::string(880, 'a' + i % 26) + "\"}");
  }
  for (Event& e : batch.events) {
    e.request_parameters_json = rng() % 10 ? batch.Copy(pool[rng() % pool.size()]) : Str();
    if (rng() % 5 == 0) {
      e.request_id = batch.Copy("S3ID" + std::to_string(rng() % 100000));
    } else if (rng() % 10) {
      char id[40];
      snprintf(id, sizeof id, "%08x-%04x-4%03x-a%03x-%012llx", static_cast<unsigned>(rng()),
               static_cast<unsigned>(rng() & 0xFFFF), static_cast<unsigned>(rng() & 0xFFF),
               static_cast<unsigned>(rng() & 0xFFF),
               static_cast<unsigned long long>(rng() & 0xFFFFFFFFFFFFull));
      e.request_id = batch.Copy(id);
    } else {
      e.request_id = Str();
    }
  }
  SegmentWriteOptions opts;
  opts.block_rows = 1000;
  ASSERT_TRUE(WriteSegment(env.get(), "seg", RefsOf(batch), opts).ok());
  auto reader = SegmentReader::Open(env.get(), "seg");
  ASSERT_TRUE(reader.ok());
  const auto& file = dynamic_cast<const segment::SegmentFile&>(**reader);
  const auto* rp_col = file.column_info(static_cast<uint16_t>(ColumnId::kRequestParameters));
  ASSERT_TRUE(rp_col && rp_col->encoding == segment::Encoding::kDict);
  auto dict = file.Dict(rp_col->id);
  ASSERT_TRUE(dict.ok());
  EXPECT_FALSE((*dict)->small());
  const auto* rid_col = file.column_info(static_cast<uint16_t>(ColumnId::kRequestId));
  ASSERT_TRUE(rid_col && rid_col->encoding == segment::Encoding::kUuid);
  for (int trial = 0; trial < 30; ++trial) {
    ScanSpec spec;
    const Event& probe = batch.events[rng() % batch.size()];
    std::string rp = IsNull(probe.request_parameters_json)
                         ? "absent"
                         : std::string(probe.request_parameters_json);
    std::string rid = IsNull(probe.request_id) ? "absent" : std::string(probe.request_id);
    switch (trial % 5) {
      case 0:
        spec.predicates = {ScanPredicate::Eq(ColumnId::kRequestParameters, rp)};
        break;
      case 1:
        spec.predicates = {ScanPredicate::Prefix(ColumnId::kRequestParameters, rp.substr(0, 10))};
        break;
      case 2:
        spec.predicates = {ScanPredicate::Eq(ColumnId::kRequestId, rid)};
        break;
      case 3:
        spec.predicates = {ScanPredicate::In(
            ColumnId::kRequestId,
            {rid, std::string(batch.events[rng() % batch.size()].request_id), "S3ID7"})};
        break;
      case 4:
        spec.predicates = {ScanPredicate::IsNull(ColumnId::kRequestId)};
        break;
    }
    spec.projection = {ColumnId::kRequestParameters, ColumnId::kRequestId, ColumnId::kEventJson};
    std::vector<size_t> want;
    const ScanPredicate& p = spec.predicates[0];
    for (size_t i = 0; i < batch.size(); ++i) {
      Str v = StringValue(batch.events[i], p.column);
      bool match = false;
      if (p.op == PredicateOp::kIsNull) {
        match = IsNull(v);
      } else if (!IsNull(v)) {
        for (const std::string& w : p.values) {
          match |= p.op == PredicateOp::kPrefix ? v.starts_with(w) : v == w;
        }
      }
      if (match) want.push_back(i);
    }
    std::vector<size_t> got;
    auto scan = (*reader)->NewScan(spec);
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    ColumnBatch b;
    while (true) {
      auto more = (*scan)->Next(&b);
      ASSERT_TRUE(more.ok()) << more.status().ToString();
      if (!*more) break;
      for (uint32_t r : b.sel) {
        const size_t index = b.block * 1000 + b.first_row + r;
        got.push_back(index);
        const Event& e = batch.events[index];
        EXPECT_TRUE(segment_testing::SameStr(b.columns[0].StringAt(r), e.request_parameters_json));
        EXPECT_TRUE(segment_testing::SameStr(b.columns[1].StringAt(r), e.request_id));
        EXPECT_TRUE(segment_testing::SameStr(b.columns[2].StringAt(r), e.raw));
      }
    }
    ASSERT_EQ(got, want) << "trial " << trial;
  }
  EventBatch all;
  ASSERT_TRUE((*reader)->ReadAll(&all).ok());
  ASSERT_EQ(all.size(), batch.size());
  for (size_t i = 0; i < batch.size(); ++i) {
    ASSERT_EQ(segment_testing::DiffEvents(batch.events[i], batch, all.events[i], all), "") << i;
  }
  EXPECT_TRUE((*reader)->Verify().ok());
}

}  // namespace
}  // namespace cairn
