#pragma once
// GET /api/monitoring/{dashboard,metrics,health} on a WebRouter, served from DashboardSnapshots.

#include "alertd/dashboard/dashboard_snapshots.h"
#include "common/web_router.h"

namespace twikit::dashboard {

/// Adds GET (and HEAD) /api/monitoring/dashboard, /api/monitoring/metrics and /api/monitoring/health to
/// `router`, each answering with the current snapshot's document (shared, not copied) as
/// application/json; health with 503 when unhealthy; all three with a 503 JSON error before the first
/// snapshot. Errors use the JSON format. `snapshots` must outlive the router.
void add_dashboard_routes(WebRouter& router, const DashboardSnapshots& snapshots);

}  // namespace twikit::dashboard
