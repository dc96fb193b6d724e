#include "alertd/dashboard/dashboard_snapshots.h"

#include "alertd/dashboard/documents.h"
#include "alertd/dashboard/status_rules.h"
#include "common/json_text.h"

namespace twikit::dashboard {

Snapshot build_snapshot(const SnapshotInputs& inputs, const TrendOptions& options) {
  const config::KpiTable& table = inputs.kpis != nullptr ? *inputs.kpis : config::default_kpi_table();
  const StoreTrendSource store_trends(*inputs.store);
  const TrendSource& trends = inputs.trends != nullptr ? *inputs.trends : store_trends;
  const PlatformView view = read_platform(inputs, table);
  Snapshot s;
  s.dashboard = safe_dump(dashboard_document(view, trends, options));
  s.metrics = safe_dump(metrics_document(view, table));
  s.health = safe_dump(health_document(view));
  s.health_http_status = health_http_status(view.health);
  s.built_at = inputs.now;
  return s;
}

void DashboardSnapshots::rebuild(const SnapshotInputs& inputs) {
  auto next = std::make_shared<const Snapshot>(build_snapshot(inputs, options_));
  std::lock_guard lock(mu_);
  current_ = std::move(next);
}

std::shared_ptr<const Snapshot> DashboardSnapshots::current() const {
  std::lock_guard lock(mu_);
  return current_;
}

std::shared_ptr<const std::string> DashboardSnapshots::dashboard() const {
  auto s = current();
  return s ? std::shared_ptr<const std::string>(s, &s->dashboard) : nullptr;
}

std::shared_ptr<const std::string> DashboardSnapshots::metrics() const {
  auto s = current();
  return s ? std::shared_ptr<const std::string>(s, &s->metrics) : nullptr;
}

std::shared_ptr<const std::string> DashboardSnapshots::health() const {
  auto s = current();
  return s ? std::shared_ptr<const std::string>(s, &s->health) : nullptr;
}

}  // namespace twikit::dashboard
