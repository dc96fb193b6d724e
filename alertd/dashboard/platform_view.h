#pragma once
// The platform as the monitoring documents describe it, read once per rebuild from the store, the scrape
// targets and the components: per service its status, system figures, dependencies and KPI values.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alertd/config/kpi_table.h"
#include "alertd/dashboard/health.h"
#include "alertd/dashboard/snapshot_inputs.h"

namespace twikit::dashboard {

/// How far back the error rate, request rate and counter rates look.
inline constexpr std::int64_t kRateWindowMs = 5 * 60 * 1000;

/// One KPI of one service, in the seed's unit (the metric's value times the row's scale).
struct KpiReading {
  const config::KpiDefinition* definition = nullptr;  ///< Its row of the table.
  std::optional<double> value;                        ///< Gauges and counters: the current value.
  std::string state;                                  ///< State sets: the state whose series is 1 ("" = none).
  std::optional<double> rate_per_second;              ///< Counters: the rise per second over 5 minutes.
};

/// One dependency a service reports.
struct DependencyView {
  std::string name;                   ///< The `dependency` label.
  std::optional<bool> up;             ///< twikit_dependency_up.
  std::optional<double> latency_ms;   ///< twikit_dependency_latency_seconds, in milliseconds.
};

/// One Twikit service (one value of the `service` label).
struct ServiceView {
  std::string name;                                  ///< The `service` label.
  Health status = Health::unknown;                   ///< See service_status().
  std::optional<double> health;                      ///< twikit_service_healthy: 1, 0.5 or 0.
  std::optional<bool> up;                            ///< twikit_up: whether the exporter reached it.
  std::optional<double> response_time_ms;            ///< twikit_response_time_seconds, in milliseconds.
  std::optional<double> error_rate;                  ///< Errors per request over 5 minutes (0–1).
  std::optional<double> requests_per_second;         ///< Requests per second over 5 minutes.
  std::vector<DependencyView> dependencies;          ///< Sorted by name.
  std::optional<TimestampMs> last_success;           ///< twikit_last_success_timestamp_seconds, in ms.
  std::optional<std::uint64_t> consecutive_failures; ///< Newest twikit_up samples that are 0, in a row.
  std::vector<KpiReading> kpis;                      ///< In table order; only rows with data.
};

/// One of alertd's scrape targets.
struct TargetView {
  scrape::TargetStatus status;                        ///< Target and last scrape outcome.
  std::optional<std::uint64_t> consecutive_failures;  ///< Newest `up` samples that are 0, in a row.
};

/// The platform at one instant.
struct PlatformView {
  TimestampMs now = 0;                       ///< When it was read.
  std::vector<ServiceView> services;         ///< Sorted by name.
  std::vector<TargetView> targets;           ///< As ScrapeManager::targets() lists them.
  std::vector<ComponentStatus> components;   ///< As passed in.
  std::vector<rules::Alert> alerts;          ///< Pending and firing, as passed in.
  Health health = Health::unknown;           ///< overall_health() of the above.
  Health status = Health::unknown;           ///< dashboard_status(): health and the firing alerts.
};

/// Reads the platform from `inputs` (inputs.store must be set) with `table`.
PlatformView read_platform(const SnapshotInputs& inputs, const config::KpiTable& table);

/// A value for people: the metric's value times `scale`, rounded to 12 significant digits when scaled, so
/// that 0.981 × 100 reads 98.1 and not 98.10000000000001.
double present(double value, double scale);

/// `value` rounded to 12 significant digits (sums and averages of scaled values), unchanged when not finite.
double tidy(double value);

}  // namespace twikit::dashboard
