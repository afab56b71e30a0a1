// LookupEvents checked against a brute-force filter over the same randomised events, with the
// events held in segments, in the memtable, or both; paging with events appended between pages;
// tampered tokens; every validation error.
#include "store/lookup_events.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "common/env.h"
#include "store/segment_reader.h"
#include "store/segment_writer.h"

namespace cairn {
namespace {

constexpr int64_t kSecond = 1000000;
constexpr int64_t kDay = 24 * 3600 * kSecond;
constexpr int64_t kNow = 1767225600LL * kSecond;  // 2026-01-01

// What the generator meant each event to be, written independently of the code under test.
struct Truth {
  int64_t time_us;
  std::string id;
  std::string category;  // Management, Insight or Data
  std::optional<std::string> name, source, access_key, username;
  OptBool read_only = OptBool::kNull;
  std::vector<std::pair<std::optional<std::string>, std::optional<std::string>>>
      resources;  // type, ARN
  std::string raw;
};

const char* kNames[] = {"ConsoleLogin", "CreateBucket",      "DescribeInstances", "AssumeRole",
                        "PutObject",    "GetCallerIdentity", "Delete_Thing"};
const char* kSources[] = {"iam.amazonaws.com", "s3.amazonaws.com", "ec2.amazonaws.com",
                          "sts.amazonaws.com"};
const char* kKeys[] = {"AKIAAAAAAAAAAAAAAAAA", "AKIABBBBBBBBBBBBBBBB", "ASIACCCCCCCCCCCCCCCC"};
const char* kTypes[] = {"AWS::S3::Bucket", "AWS::IAM::User", "AWS::EC2::Instance"};
const char* kArns[] = {"arn:aws:s3:::logs", "arn:aws:iam::111122223333:user/alice", "i-0123456789",
                       "arn:aws:s3:::data"};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  // Appends `n` events with eventTime in [lo, hi] (whole seconds; many ties) to `batch`.
  void Make(EventBatch* batch, size_t n, int64_t lo, int64_t hi, std::vector<Truth>* truth) {
    for (size_t i = 0; i < n; ++i) {
      Truth t;
      // Times on a grid of at most 300 instants, so that many events share an eventTime.
      const int64_t span = (hi - lo) / kSecond;
      const int64_t step = std::max<int64_t>(1, span / 300);
      t.time_us = lo + static_cast<int64_t>(rng_() % (span / step + 1)) * step * kSecond;
      char id[40];
      std::snprintf(id, sizeof id, "%08x-%04x-4000-8000-%012llx",
                    static_cast<unsigned>(rng_() % 50), static_cast<unsigned>(rng_() & 0xFFFF),
                    static_cast<unsigned long long>(next_id_++));
      t.id = id;
      const uint32_t c = rng_() % 20;
      t.category = c < 16 ? "Management" : c < 18 ? "Insight" : "Data";
      t.name = Pick(kNames, 10);
      t.source = Pick(kSources, 10);
      Event e;
      e.event_time_us = t.time_us;
      e.event_id = batch->Copy(t.id);
      e.event_category = batch->Copy(t.category);
      e.event_name = Copy(batch, t.name);
      e.event_source = Copy(batch, t.source);
      if (t.category == "Insight" && rng_() % 2) {
        // As AWS writes them: eventName and eventSource only inside insightDetails.
        std::string d = "{\"state\":\"Start\"";
        if (t.source) d += ",\"eventSource\":" + Quote(*t.source);
        if (t.name) d += ",\"eventName\":" + Quote(*t.name);
        d += ",\"insightType\":\"ApiCallRateInsight\"}";
        e.insight_details_json = batch->Copy(d);
        e.event_name = Str();
        e.event_source = Str();
      }
      if (t.category != "Insight") {
        e.read_only = static_cast<OptBool>(static_cast<int>(rng_() % 3) - 1);
        t.read_only = e.read_only;
        e.user_identity.present = true;
        t.access_key = Pick(kKeys, 30);
        e.user_identity.access_key_id = Copy(batch, t.access_key);
        switch (rng_() % 6) {
          case 0:
            e.user_identity.type = "Root";
            t.username = "root";
            break;
          case 1:
            e.user_identity.type = "IAMUser";
            t.username = rng_() % 2 ? "alice" : "bob";
            e.user_identity.user_name = batch->Copy(*t.username);
            break;
          case 2: {
            e.user_identity.type = "AssumedRole";
            const std::string session = rng_() % 2 ? "alice" : "deploy-session";
            e.user_identity.principal_id = batch->Copy("AROAEXAMPLE:" + session);
            t.username = session;
            break;
          }
          case 3:
            e.user_identity.type = "AWSService";
            e.user_identity.invoked_by = "ec2.amazonaws.com";
            t.username = "ec2.amazonaws.com";
            break;
          case 4:
            e.user_identity.type = "IdentityCenterUser";
            e.user_identity.on_behalf_of_user_id = "bob";
            t.username = "bob";
            break;
          default:
            e.user_identity.type = "Unknown";
            break;
        }
        const int nres = static_cast<int>(rng_() % 4);
        e.resources_begin = static_cast<uint32_t>(batch->resources.size());
        for (int k = 0; k < nres; ++k) {
          Resource r;
          auto type = Pick(kTypes, 15);
          auto arn = Pick(kArns, 5);
          r.type = Copy(batch, type);
          r.arn = Copy(batch, arn);
          batch->resources.push_back(r);
          t.resources.emplace_back(type, arn);
        }
        e.resources_count = static_cast<uint32_t>(nres);
      }
      t.raw = "{\"eventID\":" + Quote(t.id) + ",\"eventTime\":" + std::to_string(t.time_us) +
              ",\"note\":\"r\\u00e9cord " + std::to_string(rng_() % 1000) + "\"}";
      e.raw = batch->Copy(t.raw);
      batch->events.push_back(e);
      truth->push_back(std::move(t));
    }
  }

  std::mt19937_64& rng() { return rng_; }

 private:
  template <size_t N>
  std::optional<std::string> Pick(const char* (&pool)[N], int null_percent) {
    if (static_cast<int>(rng_() % 100) < null_percent) return std::nullopt;
    return std::string(pool[rng_() % N]);
  }
  static Str Copy(EventBatch* b, const std::optional<std::string>& s) {
    return s ? b->Copy(*s) : Str();
  }
  std::mt19937_64 rng_;
  uint64_t next_id_ = 0;
};

// The brute force: filter, sort by (time desc, id desc).
std::vector<const Truth*> Expected(const std::vector<Truth>& all, const LookupEventsRequest& req,
                                   int64_t floor_us = INT64_MIN) {
  std::vector<const Truth*> out;
  const bool insight = req.event_category.has_value();
  const int64_t lo =
      std::max({req.start_time ? static_cast<int64_t>(*req.start_time * 1e6) : INT64_MIN,
                kNow - 90 * kDay, floor_us});
  const int64_t hi = req.end_time ? static_cast<int64_t>(*req.end_time * 1e6) : kNow;
  for (const Truth& t : all) {
    if (t.time_us < lo || t.time_us > hi) continue;
    if (t.category != (insight ? "Insight" : "Management")) continue;
    if (!req.attributes.empty()) {
      const std::string& k = req.attributes[0].key;
      const std::string& v = req.attributes[0].value;
      bool ok = false;
      if (k == "EventId") ok = t.id == v;
      if (k == "EventName") ok = t.name == v;
      if (k == "EventSource") ok = t.source == v;
      if (k == "AccessKeyId") ok = t.access_key == v;
      if (k == "Username") ok = t.username == v;
      if (k == "ReadOnly") ok = t.read_only == (v == "true" ? OptBool::kTrue : OptBool::kFalse);
      for (const auto& [type, arn] : t.resources) {
        if (k == "ResourceType" && type == v) ok = true;
        if (k == "ResourceName" && arn == v) ok = true;
      }
      if (!ok) continue;
    }
    out.push_back(&t);
  }
  std::sort(out.begin(), out.end(), [](const Truth* a, const Truth* b) {
    return a->time_us != b->time_us ? a->time_us > b->time_us : a->id > b->id;
  });
  return out;
}

void ExpectSameEvent(const Truth& t, const LookupEventResult& r) {
  EXPECT_EQ(r.event_id, t.id);
  EXPECT_EQ(r.event_time_us, t.time_us);
  EXPECT_EQ(r.event_name, t.name);
  EXPECT_EQ(r.event_source, t.source);
  EXPECT_EQ(r.access_key_id, t.access_key);
  EXPECT_EQ(r.username, t.username);
  std::optional<std::string> ro;
  if (t.read_only != OptBool::kNull) ro = t.read_only == OptBool::kTrue ? "true" : "false";
  EXPECT_EQ(r.read_only, ro);
  ASSERT_EQ(r.resources.size(), t.resources.size()) << t.id;
  for (size_t i = 0; i < t.resources.size(); ++i) {
    EXPECT_EQ(r.resources[i].resource_type, t.resources[i].first);
    EXPECT_EQ(r.resources[i].resource_name, t.resources[i].second);
  }
  EXPECT_EQ(r.cloud_trail_event, t.raw);
}

enum class Layout { kMemtable, kOneSegment, kSegmentsAndMemtable };

// Holds events as a store snapshot would: segments written through the real writer, and batches.
class Fixture {
 public:
  explicit Fixture(uint64_t seed) : gen_(seed), env_(NewMemEnv(kNow)) {}

  // Generates `n` events spread over 100 days before now (and a few in the future).
  void Build(Layout layout, size_t n) {
    const int parts = layout == Layout::kSegmentsAndMemtable ? 4 : 1;
    for (int p = 0; p < parts; ++p) {
      auto batch = std::make_unique<EventBatch>();
      // Overlapping time ranges, so that segments interleave.
      const int64_t lo = kNow - 100 * kDay + p * 10 * kDay;
      gen_.Make(batch.get(), n / parts, lo, kNow + kDay / 2, &truth_);
      const bool in_segment = layout == Layout::kOneSegment ||
                              (layout == Layout::kSegmentsAndMemtable && p < parts - 1);
      if (in_segment) {
        AddSegment(*batch);
      } else {
        for (const Event& e : batch->events) source_.memtable.push_back({&e, batch.get()});
      }
      batches_.push_back(std::move(batch));
    }
  }

  void AddSegment(const EventBatch& batch) {
    const EventBatch* one[] = {&batch};
    std::vector<EventRef> refs = SortedEventRefs(one);
    const std::string path = "seg" + std::to_string(readers_.size());
    SegmentWriteOptions opts;
    opts.block_rows = 64;  // many blocks, to exercise skipping
    auto meta = WriteSegment(env_.get(), path, refs, opts);
    ASSERT_TRUE(meta.ok()) << meta.status().ToString();
    auto reader = SegmentReader::Open(env_.get(), path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    source_.segments.push_back(reader->get());
    readers_.push_back(std::move(*reader));
  }

  // Appends `n` more events to the memtable with times in [lo, hi].
  void AddToMemtable(size_t n, int64_t lo, int64_t hi) {
    auto batch = std::make_unique<EventBatch>();
    gen_.Make(batch.get(), n, lo, hi, &truth_);
    for (const Event& e : batch->events) source_.memtable.push_back({&e, batch.get()});
    batches_.push_back(std::move(batch));
  }

  const std::vector<Truth>& truth() const { return truth_; }
  LookupSource& source() { return source_; }
  Generator& gen() { return gen_; }

 private:
  Generator gen_;
  std::unique_ptr<MemEnv> env_;
  std::vector<std::unique_ptr<EventBatch>> batches_;
  std::vector<std::unique_ptr<SegmentReader>> readers_;
  std::vector<Truth> truth_;
  LookupSource source_;
};

LookupContext Context() {
  LookupContext ctx;
  ctx.now_us = kNow;
  ctx.token_key = "test-key";
  ctx.scope = "111122223333/us-east-1";
  return ctx;
}

// Every request shape the brute force is compared on: no attribute, and each attribute with a value
// that matches often, rarely, or never.
std::vector<LookupEventsRequest> Requests(const std::vector<Truth>& truth, std::mt19937_64& rng) {
  std::vector<LookupEventsRequest> reqs;
  auto with = [&](std::string k, std::string v) {
    LookupEventsRequest r;
    r.attributes.push_back({std::move(k), std::move(v)});
    reqs.push_back(r);
  };
  reqs.emplace_back();
  for (const char* v : kNames) with("EventName", v);
  for (const char* v : kSources) with("EventSource", v);
  for (const char* v : kKeys) with("AccessKeyId", v);
  for (const char* v : kTypes) with("ResourceType", v);
  for (const char* v : kArns) with("ResourceName", v);
  for (const char* v : {"root", "alice", "bob", "deploy-session", "ec2.amazonaws.com", "nobody"}) {
    with("Username", v);
  }
  with("ReadOnly", "true");
  with("ReadOnly", "false");
  with("EventName", "NoSuchEvent");
  for (int i = 0; i < 5; ++i) with("EventId", truth[rng() % truth.size()].id);
  with("EventId", "00000000-0000-4000-8000-000000000000");
  // Time ranges, alone and with an attribute.
  const size_t n = reqs.size();
  for (size_t i = 0; i < n; i += 3) {
    LookupEventsRequest r = reqs[i];
    const int64_t a = kNow - static_cast<int64_t>(rng() % 100) * kDay;
    const int64_t b =
        a + static_cast<int64_t>(rng() % 20) * kDay + static_cast<int64_t>(rng() % 1000) * kSecond;
    r.start_time = static_cast<double>(a / kSecond);
    r.end_time = static_cast<double>(b / kSecond);
    reqs.push_back(r);
  }
  LookupEventsRequest future;
  future.end_time = static_cast<double>((kNow + kDay) / kSecond);
  reqs.push_back(future);
  // Insights.
  LookupEventsRequest insight;
  insight.event_category = "insight";
  reqs.push_back(insight);
  for (const char* v : kNames) {
    LookupEventsRequest r = insight;
    r.attributes.push_back({"EventName", v});
    reqs.push_back(r);
  }
  LookupEventsRequest insight_source = insight;
  insight_source.attributes.push_back({"EventSource", kSources[0]});
  reqs.push_back(insight_source);
  return reqs;
}

std::string Describe(const LookupEventsRequest& r) {
  std::string s;
  for (const auto& a : r.attributes) s += a.key + "=" + a.value + " ";
  if (r.start_time) s += "start=" + std::to_string(*r.start_time) + " ";
  if (r.end_time) s += "end=" + std::to_string(*r.end_time) + " ";
  if (r.event_category) s += "category=" + *r.event_category;
  return s;
}

// Pages through all results of `req` and returns them.
std::vector<LookupEventResult> PageAll(const LookupSource& source, LookupEventsRequest req,
                                       const LookupContext& ctx, size_t* pages = nullptr) {
  std::vector<LookupEventResult> all;
  for (int guard = 0; guard < 100000; ++guard) {
    auto page = LookupEvents(source, req, ctx);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (!page.ok()) break;
    EXPECT_LE(page->events.size(), static_cast<size_t>(req.max_results.value_or(50)));
    if (pages) ++*pages;
    for (auto& e : page->events) all.push_back(std::move(e));
    if (page->next_token.empty()) break;
    EXPECT_FALSE(page->events.empty());
    req.next_token = page->next_token;
  }
  return all;
}

// How the lookups of a test use the block cache (lookup_cache.h).
enum class CacheMode {
  kNone,      // no cache: every block is scanned
  kEager,     // every block is cached on first use (one per lookup), nothing evicted
  kSqueezed,  // cached after one use, in a cache that holds about two blocks: evictions
};

struct CacheFixture {
  explicit CacheFixture(CacheMode mode) {
    if (mode == CacheMode::kNone) return;
    LookupBlockCache::Options o;
    o.admit_after = mode == CacheMode::kEager ? 0 : 1;
    o.build_budget_us = 0;  // every lookup may build (on a loaded machine too)
    o.capacity_bytes = mode == CacheMode::kEager ? (size_t{64} << 20) : (size_t{160} << 10);
    cache = std::make_unique<LookupBlockCache>(o);
  }
  LookupContext Context() const {
    LookupContext ctx = ::cairn::Context();
    ctx.cache = cache.get();
    return ctx;
  }
  std::unique_ptr<LookupBlockCache> cache;
};

class LookupBruteForceTest
    : public ::testing::TestWithParam<std::tuple<Layout, uint64_t, CacheMode>> {};

TEST_P(LookupBruteForceTest, EveryAttributeAndRangeMatchesBruteForce) {
  const auto [layout, seed, mode] = GetParam();
  Fixture f(seed);
  f.Build(layout, 1200);
  const CacheFixture cache(mode);
  const LookupContext ctx = cache.Context();
  std::vector<LookupEventsRequest> reqs = Requests(f.truth(), f.gen().rng());
  // With a cache, the second round reads the blocks and renderings that the first one cached.
  for (int round = 0; round < (mode == CacheMode::kNone ? 1 : 2); ++round) {
    for (LookupEventsRequest req : reqs) {
      SCOPED_TRACE(Describe(req) + " round " + std::to_string(round));
      const std::vector<const Truth*> want = Expected(f.truth(), req);
      req.max_results = 1 + static_cast<int64_t>(f.gen().rng()() % 50);
      size_t pages = 0;
      const std::vector<LookupEventResult> got = PageAll(f.source(), req, ctx, &pages);
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < want.size(); ++i) ExpectSameEvent(*want[i], got[i]);
      const size_t per_page = static_cast<size_t>(*req.max_results);
      EXPECT_EQ(pages, std::max<size_t>(1, (want.size() + per_page - 1) / per_page));
    }
  }
  if (mode == CacheMode::kEager && layout != Layout::kMemtable) {
    EXPECT_GT(cache.cache->blocks(), 0u);
  }
}

TEST_P(LookupBruteForceTest, DefaultPageIsFiftyNewestFirst) {
  const auto [layout, seed, mode] = GetParam();
  Fixture f(seed);
  f.Build(layout, 600);
  const CacheFixture cache(mode);
  const auto want = Expected(f.truth(), {});
  ASSERT_GT(want.size(), 50u);
  for (int round = 0; round < 3; ++round) {
    auto page = LookupEvents(f.source(), {}, cache.Context());
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    ASSERT_EQ(page->events.size(), 50u);
    EXPECT_FALSE(page->next_token.empty());
    for (size_t i = 0; i < 50; ++i) ExpectSameEvent(*want[i], page->events[i]);
    // The response document is the same whether the events were rendered now or kept.
    std::string doc, fresh;
    JsonWriter w(&doc);
    WriteLookupEventsResponse(*page, &w);
    LookupEventsResponse plain = *page;
    for (LookupEventResult& e : plain.events) e.rendered = nullptr;
    JsonWriter w2(&fresh);
    WriteLookupEventsResponse(plain, &w2);
    EXPECT_EQ(doc, fresh);
    // What the API asks for: the same document, from renderings only where the cache has them.
    LookupContext api = cache.Context();
    api.rendered_only = true;
    auto lean = LookupEvents(f.source(), {}, api);
    ASSERT_TRUE(lean.ok()) << lean.status().ToString();
    std::string lean_doc;
    JsonWriter w3(&lean_doc);
    WriteLookupEventsResponse(*lean, &w3);
    EXPECT_EQ(lean_doc, doc);
    EXPECT_EQ(lean->next_token, page->next_token);
  }
}

TEST_P(LookupBruteForceTest, PagingStaysStableWhileEventsArrive) {
  const auto [layout, seed, mode] = GetParam();
  Fixture f(seed);
  f.Build(layout, 900);
  const CacheFixture cache(mode);
  const LookupContext ctx = cache.Context();
  for (const char* attr : {"", "EventSource", "Username"}) {
    LookupEventsRequest req;
    if (*attr) req.attributes.push_back({attr, *attr == 'E' ? kSources[1] : "alice"});
    req.end_time = static_cast<double>(kNow / kSecond);
    req.max_results = 7;
    SCOPED_TRACE(Describe(req));
    const auto before = Expected(f.truth(), req);
    std::set<std::string> original;
    for (const Truth* t : before) original.insert(t->id);
    std::set<std::string> seen;
    std::set<std::string> seen_original;
    int64_t last_t = INT64_MAX;
    std::string last_id;
    for (int guard = 0; guard < 10000; ++guard) {
      auto page = LookupEvents(f.source(), req, ctx);
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      for (const LookupEventResult& e : page->events) {
        // Strictly after the previous event in (time desc, id desc): no repeats, no going back.
        EXPECT_TRUE(e.event_time_us < last_t || (e.event_time_us == last_t && e.event_id < last_id))
            << e.event_id;
        last_t = e.event_time_us;
        last_id = e.event_id;
        EXPECT_TRUE(seen.insert(e.event_id).second) << "repeated " << e.event_id;
        if (original.count(e.event_id)) seen_original.insert(e.event_id);
      }
      if (page->next_token.empty()) break;
      req.next_token = page->next_token;
      // New events between pages: most newer than anything seen so far, some in the past.
      f.AddToMemtable(20, kNow - kDay, kNow);
      f.AddToMemtable(5, kNow - 80 * kDay, kNow);
    }
    // Nothing that was there at the first call was skipped.
    EXPECT_EQ(seen_original, original);
  }
}

INSTANTIATE_TEST_SUITE_P(Layouts, LookupBruteForceTest,
                         ::testing::Combine(::testing::Values(Layout::kMemtable,
                                                              Layout::kOneSegment,
                                                              Layout::kSegmentsAndMemtable),
                                            ::testing::Values(1u, 2u, 3u),
                                            ::testing::Values(CacheMode::kNone, CacheMode::kEager,
                                                              CacheMode::kSqueezed)));

TEST(LookupEventsTest, WindowAndRetentionFloorHideOldEvents) {
  Fixture f(7);
  f.Build(Layout::kSegmentsAndMemtable, 800);
  LookupEventsRequest req;
  req.start_time = 0;  // asks for everything; the 90-day window still applies
  req.end_time = static_cast<double>(kNow / kSecond);
  auto all = PageAll(f.source(), req, Context());
  auto want = Expected(f.truth(), req);
  ASSERT_EQ(all.size(), want.size());
  for (const auto& e : all) EXPECT_GE(e.event_time_us, kNow - 90 * kDay);
  bool any_older = false;
  for (const Truth& t : f.truth()) any_older |= t.time_us < kNow - 90 * kDay;
  EXPECT_TRUE(any_older);

  f.source().min_time_us = kNow - 30 * kDay;
  all = PageAll(f.source(), req, Context());
  want = Expected(f.truth(), req, kNow - 30 * kDay);
  ASSERT_EQ(all.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(all[i].event_id, want[i]->id);
}

TEST(LookupEventsTest, TamperedOrMismatchedTokenIsInvalid) {
  Fixture f(11);
  f.Build(Layout::kSegmentsAndMemtable, 400);
  const LookupContext ctx = Context();
  LookupEventsRequest req;
  req.attributes.push_back({"EventSource", kSources[0]});
  req.start_time = static_cast<double>((kNow - 60 * kDay) / kSecond);
  req.max_results = 3;
  auto first = LookupEvents(f.source(), req, ctx);
  ASSERT_TRUE(first.ok());
  ASSERT_FALSE(first->next_token.empty());
  const std::string token = first->next_token;

  auto expect_invalid = [&](LookupEventsRequest r, const LookupContext& c, const std::string& why) {
    auto res = LookupEvents(f.source(), r, c);
    ASSERT_FALSE(res.ok()) << why;
    EXPECT_EQ(LookupExceptionName(res.status()), "InvalidNextTokenException") << why;
  };
  // Every single-character change of the token.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
  for (size_t i = 0; i < token.size(); ++i) {
    LookupEventsRequest r = req;
    r.next_token = token;
    char& c = (*r.next_token)[i];
    c = alphabet[(alphabet.find(c) + 1 + i) % alphabet.size()];
    if (*r.next_token == token) continue;
    expect_invalid(r, ctx, "changed char " + std::to_string(i));
  }
  for (std::string bad : {std::string(""), std::string("abc"), token.substr(0, token.size() - 4),
                          token + "AAAA", std::string("!!!!")}) {
    LookupEventsRequest r = req;
    r.next_token = bad;
    expect_invalid(r, ctx, "token '" + bad + "'");
  }
  // The same token with other parameters, another scope or another key.
  LookupEventsRequest other = req;
  other.next_token = token;
  other.attributes[0].value = kSources[1];
  expect_invalid(other, ctx, "attribute value");
  other = req;
  other.next_token = token;
  other.attributes[0].key = "EventName";
  expect_invalid(other, ctx, "attribute key");
  other = req;
  other.next_token = token;
  other.start_time = *req.start_time + 1;
  expect_invalid(other, ctx, "start time");
  other = req;
  other.next_token = token;
  other.end_time = static_cast<double>(kNow / kSecond);
  expect_invalid(other, ctx, "end time");
  other = req;
  other.next_token = token;
  other.attributes.clear();
  expect_invalid(other, ctx, "no attribute");
  LookupContext other_ctx = ctx;
  other_ctx.scope = "444455556666/us-east-1";
  LookupEventsRequest same = req;
  same.next_token = token;
  expect_invalid(same, other_ctx, "scope");
  other_ctx = ctx;
  other_ctx.token_key = "another-key";
  expect_invalid(same, other_ctx, "key");
  // MaxResults may change between pages.
  same.max_results = 50;
  auto ok = LookupEvents(f.source(), same, ctx);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  auto want = Expected(f.truth(), req);
  ASSERT_GT(want.size(), 3u);
  EXPECT_EQ(ok->events.front().event_id, want[3]->id);
}

std::string_view ErrorOf(const LookupEventsRequest& req) {
  auto plan = PlanLookup(req, Context());
  static std::string name;
  name = plan.ok() ? "OK" : std::string(LookupExceptionName(plan.status()));
  return name;
}

TEST(LookupEventsTest, ValidationErrorsHaveTheSpecNames) {
  LookupEventsRequest r;
  EXPECT_EQ(ErrorOf(r), "OK");

  r.attributes = {{"EventName", "A"}, {"EventSource", "B"}};
  EXPECT_EQ(ErrorOf(r), "InvalidLookupAttributesException");
  r.attributes = {{"eventname", "A"}};
  EXPECT_EQ(ErrorOf(r), "InvalidLookupAttributesException");
  r.attributes = {{"EventName", ""}};
  EXPECT_EQ(ErrorOf(r), "InvalidLookupAttributesException");
  r.attributes = {{"EventName", std::string(2000, 'a')}};
  EXPECT_EQ(ErrorOf(r), "OK");
  r.attributes = {{"EventName", std::string(2001, 'a')}};
  EXPECT_EQ(ErrorOf(r), "InvalidLookupAttributesException");
  r.attributes = {{"EventName", std::string(1000, '_')}};
  EXPECT_EQ(ErrorOf(r), "OK");
  r.attributes = {{"EventName", std::string(1000, ' ') + "x"}};
  EXPECT_EQ(ErrorOf(r), "InvalidLookupAttributesException");
  r.attributes = {{"ReadOnly", "yes"}};
  EXPECT_EQ(ErrorOf(r), "InvalidLookupAttributesException");
  r.attributes = {{"ReadOnly", "false"}};
  EXPECT_EQ(ErrorOf(r), "OK");
  r.event_category = "insight";
  EXPECT_EQ(ErrorOf(r), "InvalidLookupAttributesException");
  for (const char* k : {"Username", "AccessKeyId", "ResourceType", "ResourceName"}) {
    r.attributes = {{k, "x"}};
    EXPECT_EQ(ErrorOf(r), "InvalidLookupAttributesException") << k;
  }
  for (const char* k : {"EventId", "EventName", "EventSource"}) {
    r.attributes = {{k, "x"}};
    EXPECT_EQ(ErrorOf(r), "OK") << k;
  }

  r = {};
  r.event_category = "Insight";
  EXPECT_EQ(ErrorOf(r), "InvalidEventCategoryException");
  r.event_category = "management";
  EXPECT_EQ(ErrorOf(r), "InvalidEventCategoryException");

  r = {};
  r.start_time = 200;
  r.end_time = 100;
  EXPECT_EQ(ErrorOf(r), "InvalidTimeRangeException");
  r.end_time = 200;
  EXPECT_EQ(ErrorOf(r), "OK");
  r.end_time = std::nan("");
  EXPECT_EQ(ErrorOf(r), "InvalidTimeRangeException");

  r = {};
  for (int64_t bad : {0, -1, 51, 1000}) {
    r.max_results = bad;
    EXPECT_EQ(ErrorOf(r), "InvalidMaxResultsException") << bad;
  }
  for (int64_t good : {1, 10, 50}) {
    r.max_results = good;
    EXPECT_EQ(ErrorOf(r), "OK") << good;
  }

  r = {};
  r.next_token = "not a token";
  EXPECT_EQ(ErrorOf(r), "InvalidNextTokenException");

  EXPECT_EQ(LookupExceptionName(Status::InvalidArgument("x: y")), "");
  EXPECT_EQ(LookupExceptionName(Status::DataLoss("InvalidNextTokenException: y")), "");
  EXPECT_EQ(LookupAttributeLength("a_b c,d\n"), 12u);
  EXPECT_EQ(LookupAttributeLength("日本"), 2u);
}

TEST(LookupEventsTest, FractionalTimesAreInclusiveBounds) {
  Fixture f(5);
  EventBatch batch;
  std::vector<Truth> truth;
  f.gen().Make(&batch, 1, kNow - kDay, kNow - kDay, &truth);
  batch.events[0].event_category = "Management";
  LookupSource source;
  source.memtable.push_back({&batch.events[0], &batch});
  const double t = static_cast<double>((kNow - kDay) / kSecond);
  auto count = [&](std::optional<double> start, std::optional<double> end) {
    LookupEventsRequest r;
    r.start_time = start;
    r.end_time = end;
    auto res = LookupEvents(source, r, Context());
    EXPECT_TRUE(res.ok());
    return res.ok() ? res->events.size() : 99;
  };
  EXPECT_EQ(count(t, t), 1u);
  EXPECT_EQ(count(t + 0.5, std::nullopt), 0u);
  EXPECT_EQ(count(std::nullopt, t - 0.5), 0u);
  EXPECT_EQ(count(t - 0.5, t + 0.5), 1u);
}

}  // namespace
}  // namespace cairn
