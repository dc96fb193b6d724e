#pragma once
// The seed's KPI names (`sessions.total`, `proxies.averageHealthScore`, …) and the metric each one reads:
// one table, used by the metrics, dashboard and historical documents and the seed's rule form.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace twikit::config {

/// How a KPI's metric behaves: a gauge is read as is, a counter also has a rate, a state set names the
/// state whose series is 1 (`twikit_anti_detection_risk_level{level="high"} 1` reads as "high").
enum class KpiKind { gauge, counter, state_set };

/// How the platform-wide value of a KPI is formed from the services' values: counts add up, scores and
/// ratios are averaged, flags and timestamps take the largest; `none` has no platform-wide value.
enum class KpiAggregation { sum, avg, max, none };

/// "gauge", "counter", "state_set".
const char* kpi_kind_name(KpiKind kind);
/// "sum", "avg", "max", "none".
const char* kpi_aggregation_name(KpiAggregation aggregation);

/// One row of the table: a seed key and the metric it maps to.
struct KpiDefinition {
  std::string key;     ///< The seed's dotted name, `<group>.<field>`, e.g. "sessions.successRate".
  std::string metric;  ///< The metric it reads, e.g. "twikit_session_success_ratio".
  KpiKind kind = KpiKind::gauge;  ///< Gauge, counter or state set.
  /// The seed's value is the metric's value times this: 100 for a 0–1 ratio shown as percent, 1000 for
  /// seconds shown as milliseconds.
  double scale = 1;
  /// How the seed's value is read: "count", "percent", "score", "ms", "bool", "timestamp", "state", …
  /// ("bool" values are written as true/false).
  std::string unit = "count";
  KpiAggregation platform = KpiAggregation::sum;  ///< How the platform-wide value is formed.
  std::string state_label;  ///< State sets: the label that names the state (e.g. "level").

  /// The KPI group, the key before its first dot ("sessions").
  std::string group() const { return key.substr(0, key.find('.')); }
  /// The field inside the group, the key after its first dot ("successRate").
  std::string field() const { return key.substr(key.find('.') + 1); }
};

/// The table: rows in a fixed order (the order documents list them), looked up both ways. Immutable after
/// construction, so one table may be read from many threads.
class KpiTable {
 public:
  /// An empty table.
  KpiTable() = default;
  /// A table of `rows`; the caller guarantees keys and metrics are unique (load_kpis() checks it).
  explicit KpiTable(std::vector<KpiDefinition> rows);

  /// Every row, in order.
  const std::vector<KpiDefinition>& rows() const { return rows_; }
  /// The row of seed key `key`, or nullptr.
  const KpiDefinition* by_key(std::string_view key) const;
  /// The row reading metric `metric`, or nullptr.
  const KpiDefinition* by_metric(std::string_view metric) const;
  /// The groups in the order their first row appears.
  std::vector<std::string> groups() const;

 private:
  std::vector<KpiDefinition> rows_;
  std::unordered_map<std::string, std::size_t> by_key_;
  std::unordered_map<std::string, std::size_t> by_metric_;
};

/// The embedded default: every KPI of the Twikit service contract and the metric the exporter's default
/// mapping gives it (docs/api-dashboard.md lists it).
const KpiTable& default_kpi_table();

}  // namespace twikit::config
