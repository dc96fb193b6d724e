#pragma once
// The seam between rule evaluation and the notification side: the App hands every evaluation
// cycle's firing and resolved alerts to a NotificationHub, and reloads it with new config.

#include <memory>
#include <vector>

#include <httplib.h>

#include "alertd/notify/alert.h"
#include "alertd/notify/config.h"
#include "alertd/rules/alert.h"
#include "common/exposition.h"

namespace twikit::app {

/// Receives alerts from the rule engine and delivers them. Implementations are thread-safe: send()
/// runs on the rule thread while apply(), collect() and HTTP handlers run on others.
class NotificationHub {
 public:
  virtual ~NotificationHub() = default;
  /// Takes a reloaded notification config; the old one keeps working until this returns.
  virtual void apply(const notify::NotificationConfig& config) = 0;
  /// Hands over one evaluation cycle's firing and resolved alerts (Alertmanager's shape).
  virtual void send(const std::vector<notify::Alert>& alerts) = 0;
  /// The alerts that were firing when alertd last stopped (from its database), for the rule engine to
  /// carry on; empty for a hub that keeps no state.
  virtual std::vector<notify::Alert> remembered_alerts() const { return {}; }
  /// Periodic housekeeping (history retention, pruning); called by the App about once a minute.
  virtual void maintain() {}
  /// Appends the hub's self metrics to `out`.
  virtual void collect(std::vector<MetricFamily>& out) const = 0;
  /// Registers the hub's HTTP routes (the monitoring API); called once, before the server starts.
  virtual void register_routes(httplib::Server& server) = 0;
  /// Stops background work (delivery threads); called once at shutdown.
  virtual void stop() = 0;
};

/// A hub that only logs each alert hand-off (component "notify"): the fallback when no delivery
/// stack is wired in.
std::unique_ptr<NotificationHub> make_log_only_hub();

/// Converts rule alerts to the notification side's shape as Prometheus' notifier does: startsAt is
/// when the alert fired, endsAt the resolution time or the hand-off's validity, external labels added
/// where the alert lacks them, generatorURL pointing back at alertd.
std::vector<notify::Alert> to_notify_alerts(const std::vector<rules::Alert>& alerts, const Labels& external_labels,
                                            const std::string& external_url);

/// The inverse for alerts remembered across a restart: firing rule alerts, fired at their startsAt, with
/// the external labels to_notify_alerts() added taken off again (active_at is left 0 for the rule to fill).
std::vector<rules::Alert> from_notify_alerts(const std::vector<notify::Alert>& alerts, const Labels& external_labels);

}  // namespace twikit::app
