#pragma once
// The programs' own metrics: prometheus-cpp's Registry, families and collectables hold and update them;
// this file hands what they collect to common/exposition.h's writer, which serialises it (see
// docs/architecture.md for why the writer, not prometheus::TextSerializer).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include "common/exposition.h"
#include "common/labels.h"

namespace twikit {

/// A prometheus::Collectable whose families a function computes each time it is collected: for values read
/// at scrape time (process figures, cache sizes, another component's counts). Thread-safe when the function is.
class CallbackCollectable final : public prometheus::Collectable {
 public:
  /// The function that computes the families.
  using Function = std::function<std::vector<prometheus::MetricFamily>()>;

  /// Collects by calling `function`.
  explicit CallbackCollectable(Function function);
  /// The families `function` computes now.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  Function function_;
};

/// One program's (or component's) own metrics: prometheus-cpp families declared through it and collectables
/// added to it, collected in the order they were declared. Unlike prometheus::Registry::Collect(), collect()
/// keeps a declared family that has no series yet (so its HELP and TYPE are always served) and orders a declared
/// family's series by their labels (prometheus-cpp keeps them in a hash map). Declaring and adding are not thread-safe (do it while wiring, before the
/// first collect()); updating the families and collect() are thread-safe. Not copyable or movable: the
/// families are referred to by the code that updates them.
class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  /// Declares counter family `name` (ending in "_total").
  prometheus::Family<prometheus::Counter>& counter(const std::string& name, const std::string& help);
  /// Declares gauge family `name`.
  prometheus::Family<prometheus::Gauge>& gauge(const std::string& name, const std::string& help);
  /// Declares histogram family `name`; its series are added with their bucket bounds.
  prometheus::Family<prometheus::Histogram>& histogram(const std::string& name, const std::string& help);
  /// Adds families computed by `function` at each collect(), at this place in the order.
  void add(CallbackCollectable::Function function);
  /// Adds `collectable`'s families at this place in the order; the registry shares its ownership.
  void add(std::shared_ptr<const prometheus::Collectable> collectable);

  /// Every family, declared or added, in the writer's form.
  std::vector<MetricFamily> collect() const;
  /// Appends collect()'s families to `out`.
  void collect_into(std::vector<MetricFamily>& out) const;

 private:
  struct Entry {
    const prometheus::Collectable* collectable;
    std::string name;  // for declared families: what to serve when the family has no series
    std::string help;
    prometheus::MetricType type;
  };
  template <typename T>
  prometheus::Family<T>& declare(const std::string& name, const std::string& help, prometheus::MetricType type);

  prometheus::Registry registry_;
  std::vector<std::shared_ptr<const prometheus::Collectable>> added_;
  std::vector<Entry> entries_;
};

/// A prometheus-cpp family of `type` with no series, to be filled by add_value() in a collectable.
prometheus::MetricFamily make_family(std::string name, std::string help, prometheus::MetricType type);

/// Appends a series with `labels` and `value` to `family` (a counter, gauge or untyped family).
void add_value(prometheus::MetricFamily& family, double value, const Labels& labels = {});

/// A family of `type` with one series without labels, of value `value`.
prometheus::MetricFamily single_value(std::string name, std::string help, prometheus::MetricType type, double value);

/// `family` in the writer's form: one sample per counter, gauge or untyped series; `_bucket` (with `le` last),
/// `_sum` and `_count` samples per histogram series; quantiles, `_sum` and `_count` per summary series; series
/// in `family`'s order.
MetricFamily to_metric_family(const prometheus::MetricFamily& family);

}  // namespace twikit
