#pragma once
// The exporter's own metrics: build info, configuration reloads, /metrics requests served, the last
// collection's figures, process metrics and what the wiring adds (the web server's counts).

#include <vector>

#include "common/exposition.h"
#include "common/metrics_registry.h"
#include "exporter/collector.h"

namespace twikit::exporter {

/// The exporter's own metric families, held in prometheus-cpp families. Thread-safe, except add() which is
/// for wiring, before the first request.
class SelfMetrics {
 public:
  /// Declares the families: build info set to 1, the last reload successful, no request served yet.
  SelfMetrics();
  SelfMetrics(const SelfMetrics&) = delete;
  SelfMetrics& operator=(const SelfMetrics&) = delete;

  /// Records a successful (re)load of the configuration at `timestamp_seconds`.
  void reload_succeeded(double timestamp_seconds);
  /// Records a reload that failed and kept the running configuration.
  void reload_failed();
  /// Counts one request served on /metrics.
  void scrape_served();
  /// Adds families computed at each request (after the process metrics): the web server's counts.
  void add(CallbackCollectable::Function function);

  /// The twikit_exporter_* and process_* families for a /metrics response; `snapshot` (the collection served,
  /// may be null) gives the collection's figures.
  std::vector<MetricFamily> families(const Snapshot* snapshot) const;

 private:
  MetricsRegistry registry_;        // declared families: build info, reloads, requests served
  MetricsRegistry read_at_scrape_;  // process metrics and what add() adds
  prometheus::Gauge& last_reload_successful_;
  prometheus::Gauge& last_reload_success_timestamp_;
  prometheus::Counter& scrapes_served_;
};

}  // namespace twikit::exporter
