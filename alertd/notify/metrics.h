#pragma once
// The notification side's self metrics: notifications sent and failed by integration and reason, delivery
// latency, outbox depth, escalations. The daemon renders collect() with common/exposition.h.

#include <array>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "common/exposition.h"
#include "common/metrics_registry.h"

namespace twikit::notify {

/// Counters and a latency histogram per integration kind, in prometheus-cpp families. Thread-safe.
class NotifyMetrics {
 public:
  /// The histogram's bucket upper bounds in seconds.
  static constexpr std::array<double, 10> kBuckets{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10};

  /// Declares the families.
  NotifyMetrics();
  NotifyMetrics(const NotifyMetrics&) = delete;
  NotifyMetrics& operator=(const NotifyMetrics&) = delete;

  /// Counts one delivery attempt result for integration kind `integration` and its latency.
  void observe(const std::string& integration, bool delivered, const std::string& reason, double seconds);
  /// Counts a notification that was given up after retries or a permanent failure.
  void gave_up(const std::string& integration);
  /// Counts a group flush that sent nothing because of the route's time intervals; `reason` is
  /// "mute_time_interval" or "active_time_interval".
  void suppressed(const std::string& reason);
  /// Counts one escalation step (level 1 = first step) sent to `receiver`.
  void escalated(const std::string& receiver, std::size_t level);
  /// The function that reports the current outbox depth (called at collect time).
  void set_outbox_depth_source(std::function<std::size_t()> source);
  /// The families: alertd_notifications_total, alertd_notifications_failed_total,
  /// alertd_notifications_dropped_total, alertd_notifications_suppressed_total,
  /// alertd_notification_latency_seconds, alertd_escalations_total, alertd_notification_outbox_depth,
  /// alertd_notification_template_failures_total.
  std::vector<MetricFamily> collect() const;
  /// Successful notifications for `integration` so far (for tests).
  double sent(const std::string& integration) const;
  /// Failed attempts for `integration` and `reason` so far (for tests).
  double failed(const std::string& integration, const std::string& reason) const;

 private:
  std::size_t outbox_depth() const;

  MetricsRegistry registry_;
  prometheus::Family<prometheus::Counter>& sent_;
  prometheus::Family<prometheus::Counter>& failed_;
  prometheus::Family<prometheus::Counter>& dropped_;
  prometheus::Family<prometheus::Counter>& suppressed_;
  prometheus::Family<prometheus::Histogram>& latency_;
  prometheus::Family<prometheus::Counter>& escalations_;
  mutable std::mutex mu_;  // guards outbox_depth_
  std::function<std::size_t()> outbox_depth_;
};

}  // namespace twikit::notify
