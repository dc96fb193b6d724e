#include "alertd/dashboard/status_rules.h"

namespace twikit::dashboard {

Health service_status(std::optional<bool> up, std::optional<double> health) {
  if (up && !*up) return Health::unhealthy;
  if (!health) return Health::unknown;
  if (*health >= 1) return Health::healthy;
  if (*health >= 0.5) return Health::degraded;
  return Health::unhealthy;
}

Health overall_health(const std::vector<ServiceView>& services, const std::vector<TargetView>& targets,
                      const std::vector<ComponentStatus>& components) {
  Health out = services.empty() ? Health::degraded : Health::healthy;
  for (const auto& t : targets) {
    if (t.status.health.health == "down") out = worse(out, Health::unhealthy);
    else if (t.status.health.health != "up") out = worse(out, Health::degraded);
  }
  for (const auto& c : components) {
    out = worse(out, c.status == Health::unknown ? Health::degraded : c.status);
  }
  for (const auto& s : services) {
    out = worse(out, s.status == Health::unknown ? Health::degraded : s.status);
    for (const auto& d : s.dependencies) {
      if (d.up && !*d.up) out = worse(out, Health::degraded);
    }
  }
  return out;
}

Health dashboard_status(Health health, const std::vector<rules::Alert>& alerts) {
  Health out = health;
  for (const auto& a : alerts) {
    if (a.state != rules::AlertState::firing) continue;
    const std::string& severity = label_value(a.labels, "severity");
    if (severity == "critical") out = worse(out, Health::unhealthy);
    else if (severity == "error") out = worse(out, Health::degraded);
  }
  return out;
}

int health_http_status(Health health) { return health == Health::unhealthy ? 503 : 200; }

}  // namespace twikit::dashboard
