// KeyDigest (compact fingerprints) and KeyDigestCache (LRU within a byte budget): the memory the
// ingest path's dedupe shortcut may hold, and that a digest answers exactly for misses.
#include "store/key_digest_cache.h"

#include <gtest/gtest.h>

#include <random>

#include "store/key_digest.h"

namespace cairn {
namespace {

std::vector<uint64_t> RandomHashes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> out(n);
  for (uint64_t& h : out) h = rng();
  return out;
}

TEST(KeyDigest, HoldsEveryKeyInAboutFiveBytesEach) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{3}, size_t{1000}, size_t{100000}}) {
    SCOPED_TRACE(n);
    std::vector<uint64_t> keys = RandomHashes(n, 7);
    std::vector<uint64_t> with_dups = keys;
    with_dups.insert(with_dups.end(), keys.begin(), keys.begin() + n / 2);
    KeyDigest d(with_dups);
    EXPECT_EQ(d.key_count(), n);
    for (uint64_t k : keys) ASSERT_TRUE(d.MayContain(k)) << k;
    // Keys not in the set: a false hit needs a bucket's fingerprint to match (~4 in 2^32).
    int false_hits = 0;
    for (uint64_t k : RandomHashes(100000, 8)) false_hits += d.MayContain(k);
    EXPECT_EQ(false_hits, 0);
    EXPECT_LE(d.memory_bytes(), 5 * n + 128);
    EXPECT_EQ(d.memory_bytes(), KeyDigest::MemoryBytesFor(n));
  }
}

TEST(KeyDigest, HashesDifferingOnlyInTheirHighOrLowHalfAreTold) {
  // Same fingerprint (low 32 bits), other buckets; and same bucket, other fingerprints.
  const uint64_t base = 0x123456789abcdef0ull;
  std::vector<uint64_t> keys;
  for (uint64_t i = 0; i < 64; ++i) keys.push_back(base + (i << 40));
  KeyDigest d(keys);
  for (uint64_t k : keys) EXPECT_TRUE(d.MayContain(k));
  EXPECT_FALSE(d.MayContain(base + 1));
  EXPECT_FALSE(d.MayContain(base ^ (uint64_t{1} << 63) ^ (uint64_t{1} << 62)));
}

TEST(KeyAccounts, ListsFewAccountsAndNullAndGivesUpOnMany) {
  KeyAccounts a, b, none;
  a.Add("111122223333");
  a.Add("111122223333");
  a.Add("444455556666");
  a.Add("111122223333");
  EXPECT_EQ(a.size(), 2u);
  b.Add("777788889999");
  EXPECT_FALSE(a.Intersects(b));
  EXPECT_FALSE(b.Intersects(a));
  EXPECT_FALSE(a.Intersects(none));
  b.Add(Str());  // NULL is a value of its own, distinct from ""
  EXPECT_FALSE(a.Intersects(b));
  a.Add("");
  EXPECT_FALSE(a.Intersects(b));
  a.Add(Str());
  EXPECT_TRUE(a.Intersects(b));
  b = KeyAccounts();
  b.Add("444455556666");
  EXPECT_TRUE(a.Intersects(b));
  KeyAccounts many;
  for (int i = 0; i < 40; ++i) many.Add(std::to_string(100000 + i));
  EXPECT_TRUE(many.all());
  EXPECT_TRUE(many.Intersects(none));
  EXPECT_TRUE(none.Intersects(many));
}

TEST(KeyDigestCache, EvictsLeastRecentlyUsedWithinItsBudget) {
  auto digest = [](uint64_t seed) {
    return std::make_shared<const KeyDigest>(RandomHashes(1000, seed));
  };
  const uint64_t one = digest(0)->memory_bytes();
  KeyDigestCache cache(2 * one + one / 2);  // room for two
  cache.Insert(1, digest(1));
  cache.Insert(2, digest(2));
  EXPECT_EQ(cache.entries(), 2u);
  ASSERT_NE(cache.Lookup(1), nullptr);  // 1 is now the most recently used
  cache.Insert(3, digest(3));
  EXPECT_EQ(cache.entries(), 2u);
  EXPECT_EQ(cache.Lookup(2), nullptr);
  EXPECT_NE(cache.Lookup(1), nullptr);
  EXPECT_NE(cache.Lookup(3), nullptr);
  EXPECT_LE(cache.bytes(), cache.capacity());
  EXPECT_EQ(cache.bytes(), 2 * one);
  // A digest handed out outlives its eviction.
  std::shared_ptr<const KeyDigest> held = cache.Lookup(1);
  cache.Erase(1);
  EXPECT_EQ(cache.Lookup(1), nullptr);
  EXPECT_EQ(held->key_count(), 1000u);
  EXPECT_EQ(cache.bytes(), one);
  // Replacing an entry counts it once.
  cache.Insert(3, digest(4));
  EXPECT_EQ(cache.bytes(), one);
  // Too big for the whole budget: not kept, and nothing else is evicted for it.
  cache.Insert(5, std::make_shared<const KeyDigest>(RandomHashes(10000, 5)));
  EXPECT_EQ(cache.Lookup(5), nullptr);
  EXPECT_NE(cache.Lookup(3), nullptr);
  KeyDigestCache none(0);
  none.Insert(1, digest(1));
  EXPECT_EQ(none.entries(), 0u);
  EXPECT_EQ(none.bytes(), 0u);
}

}  // namespace
}  // namespace cairn
