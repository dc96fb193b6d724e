#include "alertd/notify/severity.h"

namespace twikit::notify {

int severity_rank(const std::string& severity) {
  if (severity == "critical") return 4;
  if (severity == "error") return 3;
  if (severity == "warning") return 2;
  if (severity == "info") return 1;
  return 0;
}

std::string highest_severity(const Notification& n) {
  bool any_firing = false;
  for (const auto& a : n.alerts) any_firing = any_firing || !a.resolved_at(n.now);
  std::string best;
  for (const auto& a : n.alerts) {
    if (any_firing && a.resolved_at(n.now)) continue;
    const std::string& s = label_value(a.labels, "severity");
    if (severity_rank(s) > severity_rank(best)) best = s;
  }
  return best;
}

}  // namespace twikit::notify
