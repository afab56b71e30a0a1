#include "api/metrics.h"

#include <gtest/gtest.h>

#include <thread>

namespace cairn::api {
namespace {

TEST(MetricsTest, RendersPrometheusText) {
  MetricsRegistry r;
  r.GetCounter("cairn_requests_total", "Requests", {{"operation", "GetTrail"}, {"status", "200"}})
      ->Increment(3);
  r.GetCounter("cairn_requests_total", "Requests", {{"status", "400"}, {"operation", "GetTrail"}})
      ->Increment();
  r.GetGauge("cairn_queries_running", "Queries running")->Set(2);
  Histogram* h = r.GetHistogram("cairn_latency_seconds", "Latency", {{"operation", "X"}}, {0.1, 1});
  h->Observe(0.05);
  h->Observe(0.1);
  h->Observe(0.5);
  h->Observe(7);
  EXPECT_EQ(r.RenderPrometheus(),
            "# HELP cairn_latency_seconds Latency\n"
            "# TYPE cairn_latency_seconds histogram\n"
            "cairn_latency_seconds_bucket{operation=\"X\",le=\"0.1\"} 2\n"
            "cairn_latency_seconds_bucket{operation=\"X\",le=\"1\"} 3\n"
            "cairn_latency_seconds_bucket{operation=\"X\",le=\"+Inf\"} 4\n"
            "cairn_latency_seconds_sum{operation=\"X\"} 7.65\n"
            "cairn_latency_seconds_count{operation=\"X\"} 4\n"
            "# HELP cairn_queries_running Queries running\n"
            "# TYPE cairn_queries_running gauge\n"
            "cairn_queries_running 2\n"
            "# HELP cairn_requests_total Requests\n"
            "# TYPE cairn_requests_total counter\n"
            "cairn_requests_total{operation=\"GetTrail\",status=\"200\"} 3\n"
            "cairn_requests_total{operation=\"GetTrail\",status=\"400\"} 1\n");
}

TEST(MetricsTest, SameSeriesSamePointer) {
  MetricsRegistry r;
  Counter* a = r.GetCounter("c", "h", {{"x", "1"}});
  EXPECT_EQ(a, r.GetCounter("c", "h", {{"x", "1"}}));
  EXPECT_NE(a, r.GetCounter("c", "h", {{"x", "2"}}));
  // A type clash is a programmer error: a detached metric that never renders.
  Gauge* g = r.GetGauge("c", "h");
  g->Set(5);
  EXPECT_EQ(r.RenderPrometheus().find("gauge"), std::string::npos);
}

TEST(MetricsTest, CallbackGaugesAreReadAtScrapeAndRemovedWithHandle) {
  MetricsRegistry r;
  double bytes = 10;
  {
    auto handle =
        r.AddGaugeCallback("cairn_store_bytes", "Bytes", {{"store", "s1"}}, [&] { return bytes; });
    bytes = 1234567;
    EXPECT_NE(r.RenderPrometheus().find("cairn_store_bytes{store=\"s1\"} 1234567\n"),
              std::string::npos);
  }
  EXPECT_EQ(r.RenderPrometheus().find("store=\"s1\""), std::string::npos);
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  MetricsRegistry r;
  r.GetCounter("c", "h", {{"op", "a\"b\\c\nd"}})->Increment();
  EXPECT_NE(r.RenderPrometheus().find(R"(c{op="a\"b\\c\nd"} 1)"), std::string::npos);
}

TEST(MetricsTest, ConcurrentUpdates) {
  MetricsRegistry r;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&r] {
      for (int i = 0; i < 10000; ++i) {
        r.GetCounter("n", "h")->Increment();
        r.GetGauge("g", "h")->Add(1);
        r.GetHistogram("l", "h")->Observe(0.002);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(r.GetCounter("n", "h")->value(), 40000u);
  EXPECT_EQ(r.GetGauge("g", "h")->value(), 40000);
  EXPECT_EQ(r.GetHistogram("l", "h")->count(), 40000u);
}

}  // namespace
}  // namespace cairn::api
