// EventArrayPool: arrays come back with their capacity and no events, only capacities asked for
// are kept, and the idle arrays never pass the pool's byte bound.
#include "event/event_array_pool.h"

#include <gtest/gtest.h>

#include <thread>

namespace cairn {
namespace {

TEST(EventArrayPoolTest, ReusesArraysOfTheCapacitiesAskedFor) {
  EventArrayPool pool(1 << 20);
  std::vector<Event> a = pool.Take(100);
  EXPECT_EQ(a.capacity(), 100u);
  EXPECT_TRUE(a.empty());
  a.resize(60);
  const Event* memory = a.data();
  pool.Give(std::move(a));
  EXPECT_EQ(pool.idle_bytes(), 100 * sizeof(Event));
  std::vector<Event> b = pool.Take(100);
  EXPECT_EQ(b.data(), memory);  // the same array, emptied
  EXPECT_TRUE(b.empty());
  EXPECT_EQ(b.capacity(), 100u);
  EXPECT_EQ(pool.reused(), 1u);
  EXPECT_EQ(pool.idle_bytes(), 0u);

  // A capacity nobody asked for is freed, not kept.
  std::vector<Event> odd;
  odd.reserve(77);
  pool.Give(std::move(odd));
  EXPECT_EQ(pool.idle_bytes(), 0u);
  // Another class is kept apart.
  pool.Give(std::move(b));
  std::vector<Event> c = pool.Take(50);
  EXPECT_EQ(c.capacity(), 50u);
  EXPECT_EQ(pool.reused(), 1u);
  pool.Give(std::move(c));
  EXPECT_EQ(pool.idle_bytes(), 150 * sizeof(Event));
}

TEST(EventArrayPoolTest, IdleArraysStayWithinTheByteBound) {
  const size_t per_array = 1000 * sizeof(Event);
  EventArrayPool pool(3 * per_array + per_array / 2);  // room for three idle arrays
  std::vector<std::vector<Event>> taken;
  for (int i = 0; i < 10; ++i) taken.push_back(pool.Take(1000));
  for (auto& v : taken) pool.Give(std::move(v));
  EXPECT_EQ(pool.idle_bytes(), 3 * per_array);
  // Batches give their arrays back and keep the rest.
  std::vector<EventBatch> batches(2);
  for (EventBatch& b : batches) {
    b.events = pool.Take(1000);
    b.events.emplace_back();
  }
  EXPECT_EQ(pool.idle_bytes(), 1 * per_array);
  pool.GiveAll(&batches);
  EXPECT_EQ(pool.idle_bytes(), 3 * per_array);
  for (const EventBatch& b : batches) EXPECT_EQ(b.events.capacity(), 0u);
}

TEST(EventArrayPoolTest, TakeAndGiveFromManyThreads) {
  EventArrayPool pool(64 * 256 * sizeof(Event));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&pool] {
      for (int i = 0; i < 500; ++i) {
        std::vector<Event> v = pool.Take(256);
        ASSERT_EQ(v.capacity(), 256u);
        ASSERT_TRUE(v.empty());
        v.emplace_back().event_time_us = i;
        pool.Give(std::move(v));
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_LE(pool.idle_bytes(), 4 * 256 * sizeof(Event));
  EXPECT_GT(pool.reused(), 0u);
}

}  // namespace
}  // namespace cairn
