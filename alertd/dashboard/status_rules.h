#pragma once
// The status rules of the monitoring documents (docs/api-dashboard.md states them for operators).

#include <optional>
#include <vector>

#include "alertd/dashboard/platform_view.h"

namespace twikit::dashboard {

/// A service's status: unhealthy when the exporter cannot reach it (twikit_up 0); else what it reports
/// (twikit_service_healthy 1 healthy, ≥ 0.5 degraded, below unhealthy); unknown without either.
Health service_status(std::optional<bool> up, std::optional<double> health);

/// The platform's health (the health document): unhealthy when a scrape target is down, an alertd
/// component is unhealthy or a Twikit service is unhealthy; else degraded when a target has not been
/// scraped yet, a component or service is degraded or unknown, a dependency is down, or no service has
/// been seen at all; else healthy.
Health overall_health(const std::vector<ServiceView>& services, const std::vector<TargetView>& targets,
                      const std::vector<ComponentStatus>& components);

/// The dashboard's status: the health, made unhealthy by a firing alert of severity critical and at
/// least degraded by a firing alert of severity error (pending alerts and other severities do not count).
Health dashboard_status(Health health, const std::vector<rules::Alert>& alerts);

/// The HTTP status the health document is served with: 503 when unhealthy, else 200.
int health_http_status(Health health);

}  // namespace twikit::dashboard
