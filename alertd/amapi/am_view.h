#pragma once
// What the Alertmanager API v2 reads: the same alert store and silences as the monitoring API, and a view of
// the running notification config (receivers, routes, inhibition) taken per request.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alertd/notify/alert.h"
#include "alertd/notify/config.h"
#include "alertd/persistence/alert_store.h"
#include "alertd/silence/silences.h"
#include "common/clock.h"

namespace twikit::amapi {

/// The notification side at one moment: the config generation now running and what it knows of the alerts.
struct NotificationView {
  /// Receivers, route tree, inhibit rules and the API token of the running config; never null.
  std::shared_ptr<const notify::NotificationConfig> config;
  /// Each unresolved alert's endsAt as the rule engine last sent it (how long it stays valid unrefreshed).
  std::map<notify::Fingerprint, TimestampMs> ends_at;
  /// The firing alerts that inhibit an alert with these labels at this time (null: nothing inhibits).
  std::function<std::vector<notify::Fingerprint>(const Labels&, TimestampMs)> inhibited_by;
};

/// Fixed facts GET /api/v2/status reports.
struct StatusInfo {
  std::string version;         ///< alertd's version (versionInfo.version).
  TimestampMs started_at = 0;  ///< When alertd started (Alertmanager's "uptime" is this time).
};

/// Where the API reads from and writes to; everything must outlive the API.
struct Sources {
  persistence::AlertStore* alerts = nullptr;  ///< Alerts, as /api/monitoring/alerts shows them.
  silence::Silences* silences = nullptr;      ///< Silences, as /api/monitoring/silences shows them.
  const Clock* clock = nullptr;               ///< Time source.
  std::function<NotificationView()> view;     ///< The running config; called once per request.
  StatusInfo status;                          ///< For GET /api/v2/status.
};

}  // namespace twikit::amapi
