#pragma once
// A KPI's trend for the dashboard: its change over 1 h and 24 h and a short series for a sparkline.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "alertd/config/kpi_table.h"
#include "alertd/dashboard/trend_source.h"

namespace twikit::dashboard {

/// How trends are sampled.
struct TrendOptions {
  std::int64_t step_ms = 5 * 60 * 1000;        ///< Distance between points (divides 1 h and 24 h).
  std::int64_t sparkline_ms = 60 * 60 * 1000;  ///< How far back the sparkline goes.
};

/// One KPI's trend, in the seed's unit.
struct KpiTrend {
  std::optional<double> change_1h;   ///< Now minus an hour ago; null when the data does not reach back.
  std::optional<double> change_24h;  ///< Now minus a day ago; null when the data does not reach back.
  std::vector<TrendPoint> points;    ///< The sparkline: points of the last sparkline_ms, ascending.
};

/// The trend of `row` for `service` at `now`, from one call to `source` (the last 24 h at step_ms). A
/// gauge's change is its value now minus its value then; a counter's is how much it rose in between,
/// a fall counting as a reset. A change needs a point exactly at now and at now minus 1 h (24 h); without
/// one it is null, never estimated.
KpiTrend kpi_trend(const TrendSource& source, const config::KpiDefinition& row, const std::string& service,
                   TimestampMs now, const TrendOptions& options = {});

}  // namespace twikit::dashboard
