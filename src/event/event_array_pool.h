// src/event/event_array_pool.h
//
// EventArrayPool keeps the event arrays (EventBatch::events) of finished batches for the next
// batches of the same capacity. A bulk import fills ~1,200 arrays of 8K events (8 MB each) per
// million events and frees them after each segment write: taken fresh from the system each time,
// every page of them is faulted in and zeroed again (a quarter of the 1M import's page faults).
// The pool holds at most max_idle_bytes of arrays nobody uses; arrays of a capacity never asked
// for, and arrays beyond that, are freed.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "event/event.h"

namespace cairn {

class EventArrayPool {
 public:
  explicit EventArrayPool(uint64_t max_idle_bytes) : max_idle_bytes_(max_idle_bytes) {}

  // An empty array with room for exactly `capacity` events: a kept one if there is, else a new
  // one. Its capacity becomes one the pool keeps.
  std::vector<Event> Take(size_t capacity) {
    {
      std::lock_guard<std::mutex> l(mu_);
      Class& c = ClassOf(capacity);
      if (!c.idle.empty()) {
        std::vector<Event> v = std::move(c.idle.back());
        c.idle.pop_back();
        idle_bytes_ -= capacity * sizeof(Event);
        ++reused_;
        return v;
      }
    }
    std::vector<Event> v;
    v.reserve(capacity);
    return v;
  }

  // Gives `v` back (its events are dropped). Kept if its capacity is one Take was asked for and the
  // idle arrays stay within max_idle_bytes; freed otherwise.
  void Give(std::vector<Event>&& v) {
    const uint64_t bytes = v.capacity() * sizeof(Event);
    std::vector<Event> drop;  // freed outside the lock
    {
      std::lock_guard<std::mutex> l(mu_);
      Class* c = FindClass(v.capacity());
      if (c == nullptr || idle_bytes_ + bytes > max_idle_bytes_) {
        drop = std::move(v);
      } else {
        v.clear();
        c->idle.push_back(std::move(v));
        idle_bytes_ += bytes;
      }
    }
  }

  // Gives back the event arrays of `batches` (the batches keep everything else).
  void GiveAll(std::vector<EventBatch>* batches) {
    for (EventBatch& b : *batches) Give(std::move(b.events));
  }

  uint64_t idle_bytes() const {
    std::lock_guard<std::mutex> l(mu_);
    return idle_bytes_;
  }
  // Takes answered with a kept array.
  uint64_t reused() const {
    std::lock_guard<std::mutex> l(mu_);
    return reused_;
  }

 private:
  struct Class {
    size_t capacity;
    std::vector<std::vector<Event>> idle;
  };
  Class* FindClass(size_t capacity) {
    for (Class& c : classes_) {
      if (c.capacity == capacity) return &c;
    }
    return nullptr;
  }
  Class& ClassOf(size_t capacity) {
    if (Class* c = FindClass(capacity)) return *c;
    return classes_.emplace_back(Class{capacity, {}});
  }

  const uint64_t max_idle_bytes_;
  mutable std::mutex mu_;
  std::vector<Class> classes_;  // few: one per capacity asked for
  uint64_t idle_bytes_ = 0;
  uint64_t reused_ = 0;
};

}  // namespace cairn
