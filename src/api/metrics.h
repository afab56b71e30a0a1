// src/api/metrics.h
//
// A small metrics registry rendered in the Prometheus text format (version 0.0.4) at `/metrics`.
// Three kinds: counters (monotonic), gauges (set/add, or a callback read at scrape time) and
// histograms (fixed buckets). A metric is a family (name, help, type) of series told apart by
// labels. The HTTP server counts requests by operation and status and observes latency; other
// components register their own (events ingested, store bytes, queries running):
//
//   MetricsRegistry::Default()->GetGauge("cairn_queries_running", "Lake queries running
//   now")->Add(1);
//
// Thread-safety: every method may be called from many threads at once. Get*() takes a lock (look a
// series up once and keep the pointer); updating a Counter, Gauge or Histogram is lock-free.
// Pointers returned stay valid for the registry's lifetime.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::api {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Increment(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double d);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  // `bounds`: the upper bounds of the buckets, ascending (+Inf is implied).
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);

  const std::vector<double>& bounds() const { return bounds_; }
  // Non-cumulative count of bucket `i` (i == bounds().size() is the +Inf bucket).
  uint64_t bucket_count(size_t i) const { return counts_[i].load(std::memory_order_relaxed); }
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> counts_;
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

// Latency buckets in seconds, 1 ms to 60 s.
std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
 public:
  // The process-wide registry `/metrics` renders.
  static MetricsRegistry* Default();

  // Returns the series of family `name` with `labels`, creating family and series on first use.
  // REQUIRES: `name` is a valid Prometheus name and is not already registered with another type.
  // (A mismatch is a programmer error: the existing family's series of the requested type is not
  // created, and the call returns a detached metric that is never rendered.)
  Counter* GetCounter(std::string_view name, std::string_view help,
                      const MetricLabels& labels = {});
  Gauge* GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels = {});
  Histogram* GetHistogram(std::string_view name, std::string_view help,
                          const MetricLabels& labels = {},
                          std::vector<double> bounds = DefaultLatencyBuckets());

  // A gauge whose value is read from `read` at each scrape (e.g. bytes on disk). The callback is
  // removed when the returned handle is destroyed; `read` must stay callable until then and must
  // not call back into the registry.
  class CallbackHandle {
   public:
    ~CallbackHandle();
    CallbackHandle(const CallbackHandle&) = delete;
    CallbackHandle& operator=(const CallbackHandle&) = delete;

   private:
    friend class MetricsRegistry;
    CallbackHandle(MetricsRegistry* r, uint64_t id) : registry_(r), id_(id) {}
    MetricsRegistry* registry_;
    uint64_t id_;
  };
  [[nodiscard]] std::unique_ptr<CallbackHandle> AddGaugeCallback(std::string_view name,
                                                                 std::string_view help,
                                                                 const MetricLabels& labels,
                                                                 std::function<double()> read);

  // Every family, sorted by name, series sorted by labels, in the Prometheus text format.
  std::string RenderPrometheus() const;

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    // Keyed by the rendered label set ("{a=\"1\",b=\"2\"}" or "").
    std::map<std::string, std::unique_ptr<Counter>> counters;
    std::map<std::string, std::unique_ptr<Gauge>> gauges;
    std::map<std::string, std::unique_ptr<Histogram>> histograms;
    std::map<std::string, std::pair<uint64_t, std::function<double()>>> callbacks;
  };
  Family* FamilyLocked(std::string_view name, std::string_view help, Type type);
  void RemoveCallback(uint64_t id);

  mutable std::mutex mu_;
  std::map<std::string, Family, std::less<>> families_;
  uint64_t next_callback_id_ = 1;
  // Metrics handed out on a type mismatch, kept alive but never rendered.
  std::vector<std::unique_ptr<Counter>> detached_counters_;
  std::vector<std::unique_ptr<Gauge>> detached_gauges_;
  std::vector<std::unique_ptr<Histogram>> detached_histograms_;
};

}  // namespace cairn::api
