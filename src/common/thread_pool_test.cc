#include "common/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>

namespace cairn {
namespace {

TEST(ThreadPoolTest, SubmitReturnsResults) {
  ThreadPool pool(3);
  EXPECT_EQ(pool.size(), 3u);
  std::vector<std::future<int>> futures;
  for (int i = 0; i < 100; ++i) futures.push_back(pool.Submit([i] { return i * i; }));
  for (int i = 0; i < 100; ++i) EXPECT_EQ(futures[i].get(), i * i);
  auto f = pool.Submit([]() -> std::string { throw std::runtime_error("boom"); });
  EXPECT_THROW(f.get(), std::runtime_error);
  std::future<void> v = pool.Submit([] {});
  v.get();
}

TEST(ThreadPoolTest, RunsOnSeveralThreads) {
  ThreadPool pool(4);
  std::mutex mu;
  std::set<std::thread::id> ids;
  std::atomic<int> inside{0};
  WaitGroup wg;
  for (int i = 0; i < 4; ++i) {
    wg.Add();
    pool.Schedule([&] {
      ++inside;
      // Wait until all four run at once: proves four workers exist (bounded, to never hang).
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (inside.load() < 4 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::yield();
      {
        std::lock_guard<std::mutex> l(mu);
        ids.insert(std::this_thread::get_id());
      }
      wg.Done();
    });
  }
  wg.Wait();
  EXPECT_EQ(ids.size(), 4u);
}

TEST(ThreadPoolTest, DestructorDrainsQueue) {
  std::atomic<int> ran{0};
  {
    ThreadPool pool(2);
    for (int i = 0; i < 1000; ++i) {
      pool.Schedule([&, i] {
        ++ran;
        if (i == 0) pool.Schedule([&] { ++ran; });  // scheduled while draining: still runs
      });
    }
  }
  EXPECT_EQ(ran.load(), 1001);
}

TEST(ThreadPoolTest, ParallelForCoversEveryIndexOnce) {
  ThreadPool pool(3);
  for (size_t n : {0, 1, 2, 7, 1000, 100000}) {
    std::vector<std::atomic<int>> hits(n);
    pool.ParallelFor(n, [&](size_t i) { hits[i].fetch_add(1); });
    for (size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << n << " " << i;
  }
}

TEST(ThreadPoolTest, NestedParallelForDoesNotDeadlock) {
  ThreadPool pool(2);
  std::atomic<int> total{0};
  pool.ParallelFor(8, [&](size_t) { pool.ParallelFor(50, [&](size_t) { total.fetch_add(1); }); });
  EXPECT_EQ(total.load(), 400);
  // From inside a plain task too, with every worker busy.
  auto f1 = pool.Submit([&] { pool.ParallelFor(10, [&](size_t) { total.fetch_add(1); }); });
  auto f2 = pool.Submit([&] { pool.ParallelFor(10, [&](size_t) { total.fetch_add(1); }); });
  f1.get();
  f2.get();
  EXPECT_EQ(total.load(), 420);
}

TEST(ThreadPoolTest, TryParallelForReturnsLowestError) {
  ThreadPool pool(3);
  std::atomic<int> calls{0};
  Status s = pool.TryParallelFor(10, [&](size_t) -> Status {
    ++calls;
    return Status::OK();
  });
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(calls.load(), 10);

  // A single failure always runs (nothing stops before it), so it is the one returned.
  s = pool.TryParallelFor(1000, [&](size_t i) -> Status {
    if (i == 700) return Status::DataLoss("file " + std::to_string(i));
    return Status::OK();
  });
  EXPECT_EQ(s.code(), StatusCode::kDataLoss);
  EXPECT_EQ(s.message(), "file 700");

  // With several failures, the lowest among those that ran.
  s = pool.TryParallelFor(1000, [&](size_t i) -> Status {
    if (i == 3 || i == 500) return Status::DataLoss("file " + std::to_string(i));
    return Status::OK();
  });
  EXPECT_TRUE(s.message() == "file 3" || s.message() == "file 500") << s.message();

  s = pool.TryParallelFor(1, [](size_t) { return Status::NotFound("only"); });
  EXPECT_EQ(s.message(), "only");
}

TEST(WaitGroupTest, WaitsForAll) {
  ThreadPool pool(2);
  WaitGroup wg;
  std::atomic<int> n{0};
  wg.Add(50);
  for (int i = 0; i < 50; ++i)
    pool.Schedule([&] {
      n.fetch_add(1);
      wg.Done();
    });
  wg.Wait();
  EXPECT_EQ(n.load(), 50);
  WaitGroup empty;
  empty.Wait();  // nothing pending: returns at once
}

}  // namespace
}  // namespace cairn
