// EventBatch: Own/Copy views, and Absorb keeping every view valid after the source is gone.
#include <gtest/gtest.h>

#include <memory>

#include "event/event.h"

namespace cairn {
namespace {

// A batch of `n` events whose fields point into an owned buffer, the arena, or static memory.
std::unique_ptr<EventBatch> MakeBatch(int n, const std::string& tag) {
  auto b = std::make_unique<EventBatch>();
  std::string text;
  for (int i = 0; i < n; ++i) text += "{\"eventID\":\"" + tag + std::to_string(i) + "\"}";
  Str owned = b->Own(text);
  size_t at = 0;
  for (int i = 0; i < n; ++i) {
    Event e;
    const size_t len = 14 + tag.size() + std::to_string(i).size();
    e.raw = owned.substr(at, len);
    e.event_id = owned.substr(at + 12, tag.size() + std::to_string(i).size());
    at += len;
    e.event_name = b->Copy("Name-" + tag + "-" + std::to_string(i));
    e.event_source = "static.amazonaws.com";
    e.resources_begin = static_cast<uint32_t>(b->resources.size());
    e.resources_count = static_cast<uint32_t>(i % 3);
    for (int k = 0; k < i % 3; ++k) {
      Resource r;
      r.arn = b->Copy("arn:" + tag + ":" + std::to_string(i) + ":" + std::to_string(k));
      b->resources.push_back(r);
    }
    b->events.push_back(e);
  }
  return b;
}

void ExpectEvent(const EventBatch& b, const Event& e, const std::string& tag, int i) {
  EXPECT_EQ(e.event_id, tag + std::to_string(i));
  EXPECT_EQ(e.raw, "{\"eventID\":\"" + tag + std::to_string(i) + "\"}");
  EXPECT_EQ(e.event_name, "Name-" + tag + "-" + std::to_string(i));
  EXPECT_EQ(e.event_source, "static.amazonaws.com");
  auto res = b.ResourcesOf(e);
  ASSERT_EQ(res.size(), static_cast<size_t>(i % 3));
  for (int k = 0; k < i % 3; ++k) {
    EXPECT_EQ(res[k].arn, "arn:" + tag + ":" + std::to_string(i) + ":" + std::to_string(k));
  }
}

TEST(EventBatchTest, AbsorbKeepsViewsValidAfterTheSourceIsGone) {
  auto dst = MakeBatch(5, "a");
  for (int round = 0; round < 3; ++round) {
    auto src = MakeBatch(4000, "b" + std::to_string(round));  // several arena blocks
    dst->Absorb(std::move(*src));
    EXPECT_EQ(src->size(), 0u);
    EXPECT_TRUE(src->resources.empty());
    src.reset();
  }
  // Copies after an Absorb still land in memory the batch owns.
  Str later = dst->Copy("copied after absorb");
  ASSERT_EQ(dst->size(), 5u + 3 * 4000u);
  for (int i = 0; i < 5; ++i) ExpectEvent(*dst, dst->events[i], "a", i);
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 4000; ++i) {
      ExpectEvent(*dst, dst->events[5 + round * 4000 + i], "b" + std::to_string(round), i);
    }
  }
  EXPECT_EQ(later, "copied after absorb");
  // Moving the whole batch keeps the views too.
  EventBatch moved = std::move(*dst);
  dst.reset();
  ExpectEvent(moved, moved.events[7], "b0", 2);
}

TEST(EventBatchTest, AbsorbIntoEmptyBatch) {
  EventBatch dst;
  auto src = MakeBatch(10, "c");
  dst.Absorb(std::move(*src));
  src.reset();
  ASSERT_EQ(dst.size(), 10u);
  for (int i = 0; i < 10; ++i) ExpectEvent(dst, dst.events[i], "c", i);
}

TEST(EventBatchTest, MemoryBytesCountsArraysBuffersAndArena) {
  EventBatch b;
  EXPECT_EQ(b.MemoryBytes(), 0u);
  b.Own(std::string(100000, 'j'));
  EXPECT_GE(b.MemoryBytes(), 100000u);
  const uint64_t with_buffer = b.MemoryBytes();
  b.Copy("in the arena");  // a whole arena block is held
  EXPECT_GE(b.MemoryBytes(), with_buffer + 4096);
  b.events.reserve(1000);
  b.resources.reserve(10);
  EXPECT_GE(b.MemoryBytes(), with_buffer + 1000 * sizeof(Event) + 10 * sizeof(Resource));
  // Absorbing moves the buffers and arena blocks along: the batch holds them afterwards.
  EventBatch dst;
  auto src = MakeBatch(50, "m");
  auto arrays = [](const EventBatch& x) {
    return x.events.capacity() * sizeof(Event) + x.resources.capacity() * sizeof(Resource);
  };
  const uint64_t src_owned = src->MemoryBytes() - arrays(*src);
  ASSERT_GT(src_owned, 0u);
  dst.Absorb(std::move(*src));
  EXPECT_EQ(src->MemoryBytes(), arrays(*src));
  EXPECT_EQ(dst.MemoryBytes(), arrays(dst) + src_owned);
  b.Clear();
  EXPECT_EQ(b.MemoryBytes(),
            b.events.capacity() * sizeof(Event) + b.resources.capacity() * sizeof(Resource));
}

}  // namespace
}  // namespace cairn
