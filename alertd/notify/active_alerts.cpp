#include "alertd/notify/active_alerts.h"

namespace twikit::notify {

std::vector<Alert> ActiveAlerts::update(const std::vector<Alert>& alerts, TimestampMs now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& a : alerts) alerts_[fingerprint(a)] = a;
  std::vector<Alert> removed;
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    if (it->second.resolved_at(now)) {
      removed.push_back(std::move(it->second));
      it = alerts_.erase(it);
    } else {
      ++it;
    }
  }
  return removed;
}

std::vector<Alert> ActiveAlerts::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Alert> out;
  out.reserve(alerts_.size());
  for (const auto& [fp, a] : alerts_) out.push_back(a);
  return out;
}

std::size_t ActiveAlerts::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return alerts_.size();
}

}  // namespace twikit::notify
