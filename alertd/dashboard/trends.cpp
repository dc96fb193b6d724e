#include "alertd/dashboard/trends.h"

#include "alertd/dashboard/platform_view.h"

namespace twikit::dashboard {
namespace {

constexpr std::int64_t kHourMs = 3600 * 1000LL;

std::optional<double> change_over(const std::vector<TrendPoint>& points, const config::KpiDefinition& row,
                                  TimestampMs now, std::int64_t window_ms) {
  if (points.empty() || points.back().t != now) return std::nullopt;
  const TimestampMs start = now - window_ms;
  std::size_t first = points.size();
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].t == start) first = i;
  }
  if (first == points.size()) return std::nullopt;
  double change = 0;
  if (row.kind == config::KpiKind::counter) {
    for (std::size_t i = first + 1; i < points.size(); ++i) {
      const double prev = points[i - 1].v;
      const double cur = points[i].v;
      change += cur >= prev ? cur - prev : cur;
    }
  } else {
    change = points.back().v - points[first].v;
  }
  return present(change, row.scale);
}

}  // namespace

KpiTrend kpi_trend(const TrendSource& source, const config::KpiDefinition& row, const std::string& service,
                   TimestampMs now, const TrendOptions& options) {
  KpiTrend trend;
  const std::vector<TrendPoint> points = source.points(row.metric, service, now - 24 * kHourMs, now, options.step_ms);
  trend.change_1h = change_over(points, row, now, kHourMs);
  trend.change_24h = change_over(points, row, now, 24 * kHourMs);
  for (const auto& p : points) {
    if (p.t >= now - options.sparkline_ms) trend.points.push_back({p.t, present(p.v, row.scale)});
  }
  return trend;
}

}  // namespace twikit::dashboard
