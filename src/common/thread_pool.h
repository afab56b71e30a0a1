// src/common/thread_pool.h
//
// ThreadPool: a fixed set of worker threads running queued tasks in FIFO order, plus ParallelFor
// helpers that split an index range over the workers and the calling thread. WaitGroup joins a
// group of fire-and-forget tasks.
//
// Thread-safety: every method may be called from any thread, including from inside a task.
// ParallelFor called from a task does not deadlock: the calling thread works through the range
// itself, and helpers that start late find nothing left to do.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include "common/status.h"

namespace cairn {

// Counts outstanding work; Wait blocks until the count returns to zero.
class WaitGroup {
 public:
  void Add(size_t n = 1);
  // REQUIRES: matched by an earlier Add.
  void Done();
  void Wait();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t pending_ = 0;
};

class ThreadPool {
 public:
  // Starts `threads` workers; 0 means one per hardware thread.
  explicit ThreadPool(size_t threads = 0);
  // Runs every task already queued, then joins the workers. Tasks may still Schedule/Submit
  // while the pool drains; those run too.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  size_t size() const { return workers_.size(); }

  // Queues `fn`. It must not throw (cairn reports errors as Status).
  void Schedule(std::function<void()> fn);

  // Queues `fn` and returns a future for its result (or its exception).
  template <typename F>
  auto Submit(F&& fn) -> std::future<std::invoke_result_t<std::decay_t<F>>> {
    using R = std::invoke_result_t<std::decay_t<F>>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(fn));
    std::future<R> result = task->get_future();
    Schedule([task] { (*task)(); });
    return result;
  }

  // Calls fn(i) for every i in [0, n), spread over the workers and the calling thread; returns
  // when all calls have returned. `fn` must not throw and must be safe to call concurrently.
  void ParallelFor(size_t n, const std::function<void(size_t)>& fn);

  // Like ParallelFor for work that can fail: after the first error no new indices are started,
  // and the error of the lowest failing index among those run is returned (OK if none failed).
  Status TryParallelFor(size_t n, const std::function<Status(size_t)>& fn);

 private:
  void WorkerLoop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace cairn
