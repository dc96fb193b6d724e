#pragma once
// The three monitoring documents, built from a PlatformView (docs/api-dashboard.md shows their shapes).

#include "alertd/config/kpi_table.h"
#include "alertd/dashboard/json_values.h"
#include "alertd/dashboard/platform_view.h"
#include "alertd/dashboard/trends.h"

namespace twikit::dashboard {

/// GET /api/monitoring/dashboard: status, per service its status, system figures and KPIs by group with
/// their trends (from `trends`), and the active alerts with counts by severity and state.
Json dashboard_document(const PlatformView& view, const TrendSource& trends, const TrendOptions& options = {});

/// GET /api/monitoring/metrics: the current KPIs in the seed's structure, per service and platform-wide.
Json metrics_document(const PlatformView& view, const config::KpiTable& table);

/// GET /api/monitoring/health: every Twikit service, scrape target and alertd component, and the status.
Json health_document(const PlatformView& view);

/// A KPI's current value as the seed writes it: a number, true/false for unit "bool", the state's name
/// for a state set (null when absent).
Json kpi_value_json(const KpiReading& reading);

}  // namespace twikit::dashboard
