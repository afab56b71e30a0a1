#include "store/memtable.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>

#include "store/key_digest.h"

namespace cairn {
namespace {

bool Insert(MemTable* m, Str id, Str acct) {
  return m->InsertKey(MemTable::KeyHash(id, acct), id, acct);
}
bool Contains(const MemTable& m, Str id, Str acct) {
  return m.ContainsKey(MemTable::KeyHash(id, acct), id, acct);
}

TEST(MemTable, KeySetDistinguishesAccountsAndNullFromEmpty) {
  MemTable m;
  const std::string id = "e-1", a = "111122223333", b = "444455556666", empty;
  EXPECT_TRUE(Insert(&m, id, a));
  EXPECT_FALSE(Insert(&m, id, a));
  EXPECT_TRUE(Contains(m, id, a));
  EXPECT_FALSE(Contains(m, id, b));
  EXPECT_TRUE(Insert(&m, id, b));
  EXPECT_FALSE(Contains(m, id, Str()));
  EXPECT_TRUE(Insert(&m, id, Str()));                 // NULL account
  EXPECT_TRUE(Insert(&m, id, Str(empty.data(), 0)));  // "" is not NULL
  EXPECT_FALSE(Insert(&m, id, Str()));
  EXPECT_TRUE(Insert(&m, Str(), a));  // NULL eventID: never a duplicate
  EXPECT_TRUE(Insert(&m, Str(), a));
  EXPECT_FALSE(Contains(m, Str(), a));
  EXPECT_EQ(m.key_count(), 4u);
}

TEST(MemTable, KeySetGrowsEraseReusesAndMatchesAModel) {
  MemTable m;
  std::vector<std::string> ids;
  for (int i = 0; i < 50000; ++i) ids.push_back("id-" + std::to_string(i * 7919));
  const std::string acct = "111122223333";
  std::set<int> model;
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 50000; ++i) {
      if ((i + round) % 3 == 0) {
        m.EraseKey(MemTable::KeyHash(ids[i], acct), ids[i], acct);
        model.erase(i);
      } else {
        EXPECT_EQ(Insert(&m, ids[i], acct), model.insert(i).second);
      }
    }
  }
  EXPECT_EQ(m.key_count(), model.size());
  for (int i = 0; i < 50000; ++i) EXPECT_EQ(Contains(m, ids[i], acct), model.count(i) > 0) << i;
}

TEST(MemTable, ReadersSeeAPublishedPrefixWhileTheWriterAdds) {
  MemTable m;
  std::atomic<bool> done{false};
  std::thread reader([&] {
    while (!done.load()) {
      size_t n = m.published_batches();
      size_t seen = 0, events = 0;
      m.ForEachBatch(n, [&](const EventBatch& b) {
        ++seen;
        events += b.events.size();
      });
      ASSERT_EQ(seen, n);
      ASSERT_EQ(events, n * 2);
    }
  });
  for (int i = 0; i < 3000; ++i) {  // spans several chunks
    auto b = std::make_shared<EventBatch>();
    b->events.resize(2);
    b->events[0].event_time_us = i;
    b->events[1].event_time_us = -i;
    m.Add(b, 100, 1);
  }
  done = true;
  reader.join();
  EXPECT_EQ(m.event_count(), 6000u);
  EXPECT_EQ(m.bytes(), 300000u);
  EXPECT_EQ(m.min_time_us(), -2999);
  EXPECT_EQ(m.max_time_us(), 2999);
}

TEST(KeyDigest, HoldsExactlyTheMemtableKeys) {
  MemTable m;
  std::vector<std::string> ids;
  for (int i = 0; i < 20000; ++i) ids.push_back("e-" + std::to_string(i));
  const std::string acct = "111122223333";
  for (int i = 0; i < 20000; i += 2) Insert(&m, ids[i], acct);
  KeyDigest d(m.KeyHashes());
  int false_hits = 0;
  for (int i = 0; i < 20000; ++i) {
    const bool in = d.MayContain(MemTable::KeyHash(ids[i], acct));
    if (i % 2 == 0) {
      EXPECT_TRUE(in) << i;
    } else {
      false_hits += in;
    }
  }
  EXPECT_EQ(false_hits, 0);  // a false hit needs a 32-bit fingerprint to match (~4 in 2^32)
  EXPECT_FALSE(d.MayContain(MemTable::KeyHash(ids[0], "444455556666")));
  KeyDigest empty({});
  EXPECT_FALSE(empty.MayContain(12345));
}

}  // namespace
}  // namespace cairn
