// src/event/batch_queue.h
//
// EventBatchQueue hands EventBatches from one stage of a pipeline to the next (cairn import: from
// the gathering thread to the router), bounded in bytes of memory (EventBatch::MemoryBytes), not
// in batches: a batch's size follows its input files', and a bound in items would let the memory
// grow with them.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <utility>

#include "event/event.h"

namespace cairn {

class EventBatchQueue {
 public:
  // A batch that would take the queue past `max_bytes` waits, unless the queue is empty (so a
  // batch larger than the bound still passes, alone).
  explicit EventBatchQueue(uint64_t max_bytes) : max_bytes_(max_bytes) {}

  // Blocks while the batch does not fit. Returns false (dropping the batch) once Stop was called.
  bool Push(EventBatch&& b) {
    const uint64_t bytes = b.MemoryBytes();
    std::unique_lock<std::mutex> l(mu_);
    not_full_.wait(l, [&] { return q_.empty() || bytes_ + bytes <= max_bytes_ || stopped_; });
    if (stopped_) return false;
    q_.emplace_back(std::move(b), bytes);
    bytes_ += bytes;
    held_.store(bytes_);
    not_empty_.notify_one();
    return true;
  }
  // No more pushes: Pop returns false once the queue is drained.
  void Close() {
    std::lock_guard<std::mutex> l(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }
  // The consumer gives up (after an error): the queued batches are dropped and producers stop
  // blocking.
  void Stop() {
    std::lock_guard<std::mutex> l(mu_);
    stopped_ = true;
    q_.clear();
    bytes_ = 0;
    held_.store(0);
    not_full_.notify_all();
  }
  // Blocks until a batch is queued (moved to `out`: true) or the queue is closed and drained
  // (false).
  bool Pop(EventBatch* out) {
    std::unique_lock<std::mutex> l(mu_);
    not_empty_.wait(l, [&] { return !q_.empty() || closed_; });
    if (q_.empty()) return false;
    *out = std::move(q_.front().first);
    bytes_ -= q_.front().second;
    held_.store(bytes_);
    q_.pop_front();
    not_full_.notify_one();
    return true;
  }
  // The memory of the batches queued (as measured when pushed).
  uint64_t held_bytes() const { return held_.load(); }

 private:
  const uint64_t max_bytes_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::pair<EventBatch, uint64_t>> q_;  // batches and their MemoryBytes
  uint64_t bytes_ = 0;
  std::atomic<uint64_t> held_{0};
  bool closed_ = false;
  bool stopped_ = false;
};

}  // namespace cairn
