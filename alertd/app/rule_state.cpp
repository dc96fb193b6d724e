#include "alertd/app/rule_state.h"

namespace twikit::app {

std::vector<persistence::RememberedAlert> to_remembered(const std::vector<rules::Alert>& alerts) {
  std::vector<persistence::RememberedAlert> out;
  out.reserve(alerts.size());
  for (const auto& a : alerts) {
    if (a.state == rules::AlertState::inactive) continue;
    out.push_back({a.labels, a.state == rules::AlertState::firing, a.active_at, a.fired_at});
  }
  return out;
}

std::vector<rules::Alert> from_remembered(const std::vector<persistence::RememberedAlert>& alerts,
                                          TimestampMs saved_at, TimestampMs now) {
  const std::int64_t downtime = saved_at > 0 && now > saved_at ? now - saved_at : 0;
  std::vector<rules::Alert> out;
  out.reserve(alerts.size());
  for (const auto& r : alerts) {
    rules::Alert a;
    a.labels = r.labels;
    a.state = r.firing ? rules::AlertState::firing : rules::AlertState::pending;
    a.active_at = r.firing ? r.active_at : r.active_at + downtime;
    a.fired_at = r.fired_at;
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace twikit::app
