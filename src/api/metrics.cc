#include "api/metrics.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cairn::api {
namespace {

void AtomicAdd(std::atomic<double>* a, double d) {
  double cur = a->load(std::memory_order_relaxed);
  while (!a->compare_exchange_weak(cur, cur + d, std::memory_order_relaxed)) {
  }
}

// Label values escape '\\', '"' and newline (exposition format 0.0.4).
std::string RenderLabels(const MetricLabels& labels) {
  if (labels.empty()) return "";
  MetricLabels sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  std::string out = "{";
  for (size_t i = 0; i < sorted.size(); ++i) {
    if (i) out.push_back(',');
    out += sorted[i].first;
    out += "=\"";
    for (char c : sorted[i].second) {
      if (c == '\\') {
        out += "\\\\";
      } else if (c == '"') {
        out += "\\\"";
      } else if (c == '\n') {
        out += "\\n";
      } else {
        out.push_back(c);
      }
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

// `{a="1"}` + le="0.5" -> `{a="1",le="0.5"}`.
std::string WithLe(const std::string& labels, const std::string& le) {
  if (labels.empty()) return "{le=\"" + le + "\"}";
  return labels.substr(0, labels.size() - 1) + ",le=\"" + le + "\"}";
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{}", static_cast<int64_t>(v));
  return fmt::format("{}", v);
}

std::string HelpEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

void Gauge::Add(double d) { AtomicAdd(&value_, d); }

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void Histogram::Observe(double v) {
  size_t i =
      static_cast<size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin());
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  AtomicAdd(&sum_, v);
}

std::vector<double> DefaultLatencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60};
}

MetricsRegistry* MetricsRegistry::Default() {
  static MetricsRegistry* registry = new MetricsRegistry();  // never destroyed: used until exit
  return registry;
}

MetricsRegistry::Family* MetricsRegistry::FamilyLocked(std::string_view name, std::string_view help,
                                                       Type type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    it =
        families_.emplace(std::string(name), Family{type, std::string(help), {}, {}, {}, {}}).first;
  }
  return it->second.type == type ? &it->second : nullptr;
}

Counter* MetricsRegistry::GetCounter(std::string_view name, std::string_view help,
                                     const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family* f = FamilyLocked(name, help, Type::kCounter);
  if (f == nullptr) return detached_counters_.emplace_back(std::make_unique<Counter>()).get();
  auto& slot = f->counters[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Counter>();
  return slot.get();
}

Gauge* MetricsRegistry::GetGauge(std::string_view name, std::string_view help,
                                 const MetricLabels& labels) {
  std::lock_guard<std::mutex> lock(mu_);
  Family* f = FamilyLocked(name, help, Type::kGauge);
  if (f == nullptr) return detached_gauges_.emplace_back(std::make_unique<Gauge>()).get();
  auto& slot = f->gauges[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Gauge>();
  return slot.get();
}

Histogram* MetricsRegistry::GetHistogram(std::string_view name, std::string_view help,
                                         const MetricLabels& labels, std::vector<double> bounds) {
  std::lock_guard<std::mutex> lock(mu_);
  Family* f = FamilyLocked(name, help, Type::kHistogram);
  if (f == nullptr) {
    return detached_histograms_.emplace_back(std::make_unique<Histogram>(std::move(bounds))).get();
  }
  auto& slot = f->histograms[RenderLabels(labels)];
  if (!slot) slot = std::make_unique<Histogram>(std::move(bounds));
  return slot.get();
}

std::unique_ptr<MetricsRegistry::CallbackHandle> MetricsRegistry::AddGaugeCallback(
    std::string_view name, std::string_view help, const MetricLabels& labels,
    std::function<double()> read) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t id = next_callback_id_++;
  Family* f = FamilyLocked(name, help, Type::kGauge);
  if (f != nullptr) f->callbacks[RenderLabels(labels)] = {id, std::move(read)};
  return std::unique_ptr<CallbackHandle>(new CallbackHandle(this, id));
}

MetricsRegistry::CallbackHandle::~CallbackHandle() { registry_->RemoveCallback(id_); }

void MetricsRegistry::RemoveCallback(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [name, f] : families_) {
    std::erase_if(f.callbacks, [id](const auto& kv) { return kv.second.first == id; });
  }
}

std::string MetricsRegistry::RenderPrometheus() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f.type == Type::kCounter ? "counter"
                       : f.type == Type::kGauge ? "gauge"
                                                : "histogram";
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, HelpEscape(f.help), name, type);
    for (const auto& [labels, c] : f.counters) {
      out += fmt::format("{}{} {}\n", name, labels, c->value());
    }
    // Set gauges and callback gauges share the family; a callback wins on a label clash.
    std::map<std::string, double> gauges;
    for (const auto& [labels, g] : f.gauges) gauges[labels] = g->value();
    for (const auto& [labels, cb] : f.callbacks) gauges[labels] = cb.second();
    for (const auto& [labels, v] : gauges)
      out += fmt::format("{}{} {}\n", name, labels, FormatValue(v));
    for (const auto& [labels, h] : f.histograms) {
      uint64_t cumulative = 0;
      for (size_t i = 0; i <= h->bounds().size(); ++i) {
        cumulative += h->bucket_count(i);
        std::string le = i < h->bounds().size() ? FormatValue(h->bounds()[i]) : "+Inf";
        out += fmt::format("{}_bucket{} {}\n", name, WithLe(labels, le), cumulative);
      }
      out += fmt::format("{}_sum{} {}\n", name, labels, FormatValue(h->sum()));
      // _count from the same snapshot as the buckets, so it always equals the +Inf bucket.
      out += fmt::format("{}_count{} {}\n", name, labels, cumulative);
    }
  }
  return out;
}

}  // namespace cairn::api
