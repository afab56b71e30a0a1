#include "common/thread_pool.h"

#include <algorithm>
#include <atomic>

namespace cairn {

void WaitGroup::Add(size_t n) {
  std::lock_guard<std::mutex> l(mu_);
  pending_ += n;
}

void WaitGroup::Done() {
  std::lock_guard<std::mutex> l(mu_);
  CAIRN_CHECK(pending_ > 0);
  if (--pending_ == 0) cv_.notify_all();
}

void WaitGroup::Wait() {
  std::unique_lock<std::mutex> l(mu_);
  cv_.wait(l, [&] { return pending_ == 0; });
}

ThreadPool::ThreadPool(size_t threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  workers_.reserve(threads);
  for (size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> l(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void ThreadPool::Schedule(std::function<void()> fn) {
  {
    std::lock_guard<std::mutex> l(mu_);
    queue_.push_back(std::move(fn));
  }
  cv_.notify_one();
}

void ThreadPool::WorkerLoop() {
  while (true) {
    std::function<void()> task;
    {
      std::unique_lock<std::mutex> l(mu_);
      cv_.wait(l, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued has run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

namespace {

// Shared by the caller and the helper tasks of one ParallelFor. Helpers may start after the
// caller returned (they then find no index left), so the state is reference-counted, and `body`
// is only called for claimed indices, all of which complete before the caller returns.
struct ForState {
  size_t n = 0;
  size_t grain = 1;
  const std::function<void(size_t)>* body = nullptr;
  std::atomic<size_t> next{0};
  std::atomic<size_t> finished{0};
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::condition_variable cv;

  void Work() {
    while (true) {
      size_t begin = next.fetch_add(grain);
      if (begin >= n) return;
      size_t end = std::min(n, begin + grain);
      for (size_t i = begin; i < end; ++i) {
        if (!stop.load(std::memory_order_relaxed)) (*body)(i);
      }
      if (finished.fetch_add(end - begin) + (end - begin) == n) {
        std::lock_guard<std::mutex> l(mu);
        cv.notify_all();
      }
    }
  }
};

void RunFor(ThreadPool* pool, size_t n, const std::function<void(size_t)>& body,
            const std::shared_ptr<ForState>& st) {
  if (n == 0) return;
  st->n = n;
  st->body = &body;
  // Blocks of indices amortize the atomic counter for cheap bodies while keeping ~8 blocks per
  // thread for balance.
  st->grain = std::max<size_t>(1, n / ((pool->size() + 1) * 8));
  const size_t blocks = (n + st->grain - 1) / st->grain;
  const size_t helpers = std::min(pool->size(), blocks - 1);
  for (size_t h = 0; h < helpers; ++h) pool->Schedule([st] { st->Work(); });
  st->Work();
  std::unique_lock<std::mutex> l(st->mu);
  st->cv.wait(l, [&] { return st->finished.load() == n; });
}

}  // namespace

void ThreadPool::ParallelFor(size_t n, const std::function<void(size_t)>& fn) {
  RunFor(this, n, fn, std::make_shared<ForState>());
}

Status ThreadPool::TryParallelFor(size_t n, const std::function<Status(size_t)>& fn) {
  auto st = std::make_shared<ForState>();
  std::mutex err_mu;
  size_t err_index = n;
  Status err;
  std::function<void(size_t)> body = [&](size_t i) {
    Status s = fn(i);
    if (s.ok()) return;
    st->stop.store(true, std::memory_order_relaxed);
    std::lock_guard<std::mutex> l(err_mu);
    if (i < err_index) {
      err_index = i;
      err = std::move(s);
    }
  };
  RunFor(this, n, body, st);
  return err;
}

}  // namespace cairn
