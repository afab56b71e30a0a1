// EventBatchQueue: bounded in bytes of memory, whatever the number of batches; a batch larger than
// the bound passes alone; Stop releases a blocked producer; Close drains in order.
#include "event/batch_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace cairn {
namespace {

// A batch of `n` events owning a buffer of `bytes`.
EventBatch Batch(size_t n, size_t bytes) {
  EventBatch b;
  Str text = b.Own(std::string(bytes, 'x'));
  for (size_t i = 0; i < n; ++i) {
    Event& e = b.events.emplace_back();
    e.raw = text.substr(0, 1);
  }
  return b;
}

TEST(EventBatchQueueTest, ProducerWaitsWhileTheNextBatchWouldPassTheByteBound) {
  EventBatch first = Batch(10, 600 << 10);
  const uint64_t one = first.MemoryBytes();
  ASSERT_GE(one, 600u << 10);
  EventBatchQueue q(one + one / 2);  // room for one such batch, not two
  ASSERT_TRUE(q.Push(std::move(first)));
  EXPECT_EQ(q.held_bytes(), one);

  std::atomic<bool> pushed{false};
  std::thread producer([&] {
    EXPECT_TRUE(q.Push(Batch(10, 600 << 10)));
    pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(pushed.load()) << "the queue grew past its byte bound";
  EXPECT_EQ(q.held_bytes(), one);

  EventBatch out;
  ASSERT_TRUE(q.Pop(&out));
  EXPECT_EQ(out.size(), 10u);
  producer.join();
  EXPECT_TRUE(pushed.load());
  EXPECT_LE(q.held_bytes(), one + one / 2);

  // Many small batches fit together: the bound is in bytes, not in batches.
  ASSERT_TRUE(q.Pop(&out));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(q.Push(Batch(1, 1 << 10)));
  EXPECT_LE(q.held_bytes(), one + one / 2);
  q.Close();
  int popped = 0;
  while (q.Pop(&out)) ++popped;
  EXPECT_EQ(popped, 20);
  EXPECT_EQ(q.held_bytes(), 0u);
}

TEST(EventBatchQueueTest, ABatchLargerThanTheBoundPassesAlone) {
  EventBatchQueue q(1 << 10);
  ASSERT_TRUE(q.Push(Batch(5, 64 << 10)));
  EventBatch out;
  ASSERT_TRUE(q.Pop(&out));
  EXPECT_EQ(out.size(), 5u);
  EXPECT_EQ(out.events[0].raw, "x");  // the views survive the hand-over
}

TEST(EventBatchQueueTest, StopReleasesABlockedProducerAndDropsTheQueue) {
  EventBatchQueue q(1);
  ASSERT_TRUE(q.Push(Batch(1, 100)));
  std::atomic<int> result{-1};
  std::thread producer([&] { result = q.Push(Batch(1, 100)) ? 1 : 0; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(result.load(), -1);
  q.Stop();
  producer.join();
  EXPECT_EQ(result.load(), 0);
  EXPECT_EQ(q.held_bytes(), 0u);
  EXPECT_FALSE(q.Push(Batch(1, 1)));
}

}  // namespace
}  // namespace cairn
