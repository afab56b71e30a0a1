// src/common/progress.h
//
// Progress reports the advance of long CLI work (an import, a rebuild) on stderr:
//   - while running, when the output is a terminal, a one-line status redrawn in place by a
//     background thread at most 10 times a second:
//       import: 1234 files 37% | 56.7 MB | accepted 1200 | rejected 34 | 410 files/s 18.9 MB/s
//       | 3.0 s
//   - when the output is not a terminal (a pipe, a log file, CI), nothing while running;
//   - always, at Finish(), one final line with the counts, elapsed time and rates:
//       import: 1234 files, 56.7 MB, accepted 1200, rejected 34 in 3.0 s (410 files/s, 18.9 MB/s)
// Time comes from the Env's clock (a MemEnv makes the final line deterministic in tests); the
// redraw pacing uses real time.
//
// Thread-safety: the counting methods (AddItems, AddBytes, Counter::Add) are lock-free atomics
// and may be called from any number of threads. AddCounter, Finish and the destructor are called
// from the owning thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/env.h"

namespace cairn {

class Progress {
 public:
  struct Options {
    // What an item is, plural ("files", "events").
    std::string item_unit = "items";
    // Known totals, shown as a percentage; 0 means unknown.
    uint64_t total_items = 0;
    // Where to write; stderr by default.
    int fd = 2;
    // Overrides isatty(fd), for tests.
    std::optional<bool> is_tty;
    // Prints nothing at all, not even the final line (--quiet).
    bool quiet = false;
    // Minimum time between redraws on a terminal.
    std::chrono::milliseconds redraw_interval{100};
  };

  // A named counter shown after the items and bytes ("accepted 1200").
  class Counter {
   public:
    void Add(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
    uint64_t value() const { return value_.load(std::memory_order_relaxed); }

   private:
    friend class Progress;
    explicit Counter(std::string name) : name_(std::move(name)) {}
    std::string name_;
    std::atomic<uint64_t> value_{0};
  };

  // REQUIRES: `env` outlives the Progress. `label` starts every line ("import").
  Progress(std::string label, Env* env);
  Progress(std::string label, Env* env, Options options);
  // Calls Finish() if it was not called.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  // Registers a counter; the returned reference lives as long as the Progress. Counters are shown
  // in registration order.
  Counter& AddCounter(std::string name);

  void AddItems(uint64_t n = 1) { items_.fetch_add(n, std::memory_order_relaxed); }
  void AddBytes(uint64_t n) { bytes_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t items() const { return items_.load(std::memory_order_relaxed); }
  uint64_t bytes() const { return bytes_.load(std::memory_order_relaxed); }

  // Stops redrawing, clears the live line and prints the final line (unless quiet). Later calls
  // do nothing. Returns the final line (without newline) so callers may also log it.
  std::string Finish();

  // The live status line as it would be drawn now (without terminal control characters).
  std::string StatusLine() const;

 private:
  void DrawLoop();
  void Write(std::string_view s) const;
  std::string Line(bool final) const;

  const std::string label_;
  Env* const env_;
  const Options options_;
  const bool draw_;
  const int64_t start_micros_;

  std::atomic<uint64_t> items_{0};
  std::atomic<uint64_t> bytes_{0};
  mutable std::mutex mu_;  // guards counters_ (the list, not the values), finished_
  std::vector<std::unique_ptr<Counter>> counters_;
  bool finished_ = false;
  std::string final_line_;

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread drawer_;
};

}  // namespace cairn
