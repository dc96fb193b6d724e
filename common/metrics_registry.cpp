#include "common/metrics_registry.h"

#include <algorithm>
#include <utility>

namespace twikit {
namespace {

MetricType our_type(prometheus::MetricType type) {
  switch (type) {
    case prometheus::MetricType::Counter: return MetricType::counter;
    case prometheus::MetricType::Gauge: return MetricType::gauge;
    case prometheus::MetricType::Histogram: return MetricType::histogram;
    case prometheus::MetricType::Summary: return MetricType::summary;
    case prometheus::MetricType::Untyped: return MetricType::untyped;
  }
  return MetricType::untyped;
}

Labels our_labels(const std::vector<prometheus::ClientMetric::Label>& labels) {
  Labels out;
  out.reserve(labels.size());
  for (const auto& l : labels) out.emplace_back(l.name, l.value);
  return out;  // prometheus-cpp keeps labels in a std::map: already sorted by name
}

Labels with_label(Labels labels, const char* name, double value) {
  labels.emplace_back(name, format_double(value));
  return labels;
}

void add_samples(MetricFamily& out, prometheus::MetricType type, const prometheus::ClientMetric& m) {
  Labels labels = our_labels(m.label);
  switch (type) {
    case prometheus::MetricType::Counter: out.samples.push_back({std::move(labels), m.counter.value, "", std::nullopt}); return;
    case prometheus::MetricType::Gauge: out.samples.push_back({std::move(labels), m.gauge.value, "", std::nullopt}); return;
    case prometheus::MetricType::Untyped: out.samples.push_back({std::move(labels), m.untyped.value, "", std::nullopt}); return;
    case prometheus::MetricType::Histogram:
      for (const auto& b : m.histogram.bucket) {
        out.samples.push_back(
            {with_label(labels, "le", b.upper_bound), static_cast<double>(b.cumulative_count), "_bucket", std::nullopt});
      }
      out.samples.push_back({labels, m.histogram.sample_sum, "_sum", std::nullopt});
      out.samples.push_back({std::move(labels), static_cast<double>(m.histogram.sample_count), "_count", std::nullopt});
      return;
    case prometheus::MetricType::Summary:
      for (const auto& q : m.summary.quantile) {
        out.samples.push_back({with_label(labels, "quantile", q.quantile), q.value, "", std::nullopt});
      }
      out.samples.push_back({labels, m.summary.sample_sum, "_sum", std::nullopt});
      out.samples.push_back({std::move(labels), static_cast<double>(m.summary.sample_count), "_count", std::nullopt});
      return;
  }
}

}  // namespace

CallbackCollectable::CallbackCollectable(Function function) : function_(std::move(function)) {}

std::vector<prometheus::MetricFamily> CallbackCollectable::Collect() const { return function_(); }

template <typename T>
prometheus::Family<T>& MetricsRegistry::declare(const std::string& name, const std::string& help,
                                                prometheus::MetricType type) {
  prometheus::Family<T>& family = prometheus::detail::Builder<T>().Name(name).Help(help).Register(registry_);
  entries_.push_back({&family, name, help, type});
  return family;
}

prometheus::Family<prometheus::Counter>& MetricsRegistry::counter(const std::string& name, const std::string& help) {
  return declare<prometheus::Counter>(name, help, prometheus::MetricType::Counter);
}

prometheus::Family<prometheus::Gauge>& MetricsRegistry::gauge(const std::string& name, const std::string& help) {
  return declare<prometheus::Gauge>(name, help, prometheus::MetricType::Gauge);
}

prometheus::Family<prometheus::Histogram>& MetricsRegistry::histogram(const std::string& name, const std::string& help) {
  return declare<prometheus::Histogram>(name, help, prometheus::MetricType::Histogram);
}

void MetricsRegistry::add(CallbackCollectable::Function function) {
  add(std::make_shared<const CallbackCollectable>(std::move(function)));
}

void MetricsRegistry::add(std::shared_ptr<const prometheus::Collectable> collectable) {
  entries_.push_back({collectable.get(), "", "", prometheus::MetricType::Untyped});
  added_.push_back(std::move(collectable));
}

std::vector<MetricFamily> MetricsRegistry::collect() const {
  std::vector<MetricFamily> out;
  collect_into(out);
  return out;
}

void MetricsRegistry::collect_into(std::vector<MetricFamily>& out) const {
  for (const Entry& e : entries_) {
    std::vector<prometheus::MetricFamily> families = e.collectable->Collect();
    const bool declared = !e.name.empty();
    if (families.empty() && declared) families.push_back(make_family(e.name, e.help, e.type));
    for (auto& f : families) {
      // A prometheus::Family keeps its series in a hash map: order them by labels. A collectable's order is its own.
      if (declared) {
        std::stable_sort(f.metric.begin(), f.metric.end(),
                         [](const prometheus::ClientMetric& a, const prometheus::ClientMetric& b) { return a.label < b.label; });
      }
      out.push_back(to_metric_family(f));
    }
  }
}

prometheus::MetricFamily make_family(std::string name, std::string help, prometheus::MetricType type) {
  prometheus::MetricFamily f;
  f.name = std::move(name);
  f.help = std::move(help);
  f.type = type;
  return f;
}

void add_value(prometheus::MetricFamily& family, double value, const Labels& labels) {
  prometheus::ClientMetric m;
  m.label.reserve(labels.size());
  for (const auto& [name, v] : labels) m.label.push_back({name, v});
  switch (family.type) {
    case prometheus::MetricType::Counter: m.counter.value = value; break;
    case prometheus::MetricType::Gauge: m.gauge.value = value; break;
    default: m.untyped.value = value; break;
  }
  family.metric.push_back(std::move(m));
}

prometheus::MetricFamily single_value(std::string name, std::string help, prometheus::MetricType type, double value) {
  prometheus::MetricFamily f = make_family(std::move(name), std::move(help), type);
  add_value(f, value);
  return f;
}

MetricFamily to_metric_family(const prometheus::MetricFamily& family) {
  MetricFamily out{family.name, family.help, our_type(family.type), {}};
  for (const auto& m : family.metric) add_samples(out, family.type, m);
  return out;
}

}  // namespace twikit
