#pragma once
// alertd's own counters and gauges: configuration reloads, rule evaluation cycles, alerts handed over,
// retention. The App collects them with its parts' figures for /metrics (self_metrics.cpp).

#include "common/metrics_registry.h"

namespace twikit::app {

/// alertd's own counters and gauges in prometheus-cpp families, declared after the process metrics in a
/// MetricsRegistry. Thread-safe (prometheus-cpp's metrics are); not copyable, as the registry refers to them.
struct AppMetrics {
  /// Declares the process metrics and these families in `registry`, which must outlive this; the last
  /// reload counts as successful until one fails.
  explicit AppMetrics(MetricsRegistry& registry);
  AppMetrics(const AppMetrics&) = delete;
  AppMetrics& operator=(const AppMetrics&) = delete;

  /// alertd_config_last_reload_successful.
  prometheus::Gauge& last_reload_successful;
  /// alertd_config_last_reload_success_timestamp_seconds.
  prometheus::Gauge& last_reload_success_timestamp;
  /// alertd_config_reloads_total.
  prometheus::Counter& reloads;
  /// alertd_config_reload_failures_total.
  prometheus::Counter& reload_failures;
  /// alertd_rule_evaluation_cycles_total.
  prometheus::Counter& evaluation_cycles;
  /// alertd_rule_evaluation_cycle_seconds_total.
  prometheus::Counter& evaluation_cycle_seconds;
  /// alertd_rule_evaluation_cycle_last_duration_seconds.
  prometheus::Gauge& evaluation_cycle_last_seconds;
  /// alertd_dashboard_rebuilds_total.
  prometheus::Counter& dashboard_rebuilds;
  /// alertd_dashboard_rebuild_seconds_total.
  prometheus::Counter& dashboard_rebuild_seconds;
  /// alertd_notifications_alerts_handed_over_total.
  prometheus::Counter& alerts_handed_over;
  /// alertd_storage_retention_series_dropped_total.
  prometheus::Counter& retention_series_dropped;
};

}  // namespace twikit::app
