#pragma once
// The seam between rule evaluation and the notification side: the App hands every evaluation
// cycle's firing and resolved alerts to a NotificationHub, and reloads it with new config.

#include <memory>
#include <vector>

#include "alertd/amapi/am_api.h"
#include "alertd/notify/alert.h"
#include "alertd/notify/config.h"
#include "alertd/persistence/rule_state_store.h"
#include "alertd/rules/alert.h"
#include "common/exposition.h"
#include "common/web_router.h"

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
  /// Keeps the rule engine's pending and firing alerts as of `now` (after an evaluation) for the next start;
  /// a hub without a database forgets them.
  virtual void remember_rule_alerts(const std::vector<persistence::RememberedAlert>& alerts, TimestampMs now) {
    (void)alerts;
    (void)now;
  }
  /// What remember_rule_alerts() last kept, and in `saved_at` when (0 if never).
  virtual std::vector<persistence::RememberedAlert> recall_rule_alerts(TimestampMs* saved_at) const {
    *saved_at = 0;
    return {};
  }
  /// Periodic housekeeping (history retention, pruning); called by the App about once a minute.
  virtual void maintain() {}
  /// Appends the hub's self metrics to `out`.
  virtual void collect(std::vector<MetricFamily>& out) const = 0;
  /// Registers the hub's HTTP routes (the monitoring API); called once, before the server starts.
  virtual void register_routes(WebRouter& router) = 0;
  /// The Alertmanager API v2 over the hub's alerts and silences, or null when the hub keeps none.
  virtual amapi::AlertmanagerApi* alertmanager_api() { return nullptr; }
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


}  // namespace twikit::app
