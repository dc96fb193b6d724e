#pragma once
// The whole notification side composed for the daemon: SQLite state, the monitoring API, and per config
// an inhibitor, a pipeline, an escalator and a dispatcher, rebuilt and swapped on reload.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "alertd/amapi/am_api.h"
#include "alertd/api/monitoring_api.h"
#include "alertd/app/alert_activity.h"
#include "alertd/dispatch/dispatcher.h"
#include "alertd/inhibit/inhibitor.h"
#include "alertd/notify/active_alerts.h"
#include "alertd/notify/config.h"
#include "alertd/notify/metrics.h"
#include "alertd/notify/pipeline.h"
#include "alertd/persistence/alert_store.h"
#include "alertd/persistence/notify_store.h"
#include "alertd/persistence/rule_state_store.h"
#include "alertd/persistence/silence_store.h"
#include "common/exposition.h"
#include "common/http_client.h"

namespace twikit::app {

/// How the stack is built.
struct StackOptions {
  std::string database_path;              ///< SQLite file (WAL); empty keeps state in memory only.
  std::shared_ptr<HttpClient> http;       ///< Outbound HTTP for webhook, Slack, Alertmanager; null = libcurl.
  const Clock* clock = nullptr;           ///< Time source; null = the system clock.
  bool run_timer_thread = true;           ///< Drive group timers from a thread (tests call tick() instead).
  notify::RetryPolicy retry;                      ///< Delivery retry policy.
  AlertActivityListener on_activity;      ///< Hears acknowledgements, silences and escalations; may be empty.
};

/// The notification side behind one interface: apply(config), send(alerts), collect(), register_routes(),
/// stop(). Thread-safe: send() runs on the rule thread while apply(), collect() and HTTP handlers run on
/// others. Copy and move are deleted.
class NotificationStack {
 public:
  /// Opens the database (running migrations) and loads silences; delivers nothing until apply().
  /// Throws std::runtime_error when the database cannot be opened.
  explicit NotificationStack(StackOptions options);
  /// Stops the timer thread and the delivery workers.
  ~NotificationStack();
  NotificationStack(const NotificationStack&) = delete;
  NotificationStack& operator=(const NotificationStack&) = delete;

  /// Builds routing, inhibition, escalation and integrations for `config` and swaps them in. The current
  /// alerts are re-dispatched (the notification log keeps them from being notified twice) and pending
  /// outbox entries are handed to the new workers.
  void apply(const notify::NotificationConfig& config);
  /// Hands over one evaluation cycle's firing and resolved alerts.
  void send(const std::vector<notify::Alert>& alerts);
  /// Runs due group timers and escalation steps now (the timer thread calls this too).
  void tick();
  /// Applies the history retention of the current config and prunes finished outbox rows.
  void apply_retention();
  /// Appends self metrics: notifications sent/failed by integration and reason, delivery latency,
  /// outbox depth, alerts by state, aggregation groups.
  void collect(std::vector<MetricFamily>& out) const;
  /// Registers the monitoring API on `router` (before its server starts).
  void register_routes(WebRouter& router);
  /// Stops the timer thread and delivery (pending outbox entries stay for the next start).
  void stop();
  /// Waits until no delivery is queued or in flight (for tests and orderly shutdown).
  bool wait_idle(std::chrono::milliseconds timeout) const;

  /// The alert store (for the API and tests).
  persistence::AlertStore& alerts() { return *alert_store_; }
  /// The silences.
  silence::Silences& silences() { return *silences_; }
  /// The rule engine's remembered alerts, in the same database.
  persistence::RuleStateStore& rule_state() const { return *rule_state_; }
  /// The Alertmanager API v2 over the same alerts and silences as the monitoring API.
  amapi::AlertmanagerApi& alertmanager_api() { return *am_api_; }
  /// What the Alertmanager API sees of the running generation: its config, inhibitor and alert validity.
  amapi::NotificationView notification_view() const;
  /// The delivery metrics.
  const notify::NotifyMetrics& metrics() const { return metrics_; }

 private:
  void record_alerts(const std::vector<notify::Alert>& alerts, TimestampMs now);  // logs instead of throwing
  // Reports the firing alerts a silence created or expired now mutes or no longer mutes (on_activity).
  void silence_changed(const silence::Silence& silence, silence::SilenceChange change);

  // Everything built from one config; replaced as a whole on reload.
  struct Generation {
    notify::NotificationConfig config;
    std::unique_ptr<inhibit::Inhibitor> inhibitor;
    std::unique_ptr<notify::Pipeline> pipeline;
    std::unique_ptr<dispatch::Escalator> escalator;
    std::unique_ptr<dispatch::Dispatcher> dispatcher;
  };
  void timer_loop();

  StackOptions options_;
  std::unique_ptr<Clock> owned_clock_;
  const Clock* clock_;
  std::shared_ptr<HttpClient> http_;
  std::unique_ptr<persistence::Database> db_;
  std::unique_ptr<persistence::SqliteOutbox> outbox_;
  std::unique_ptr<persistence::SqliteNotificationLog> nflog_;
  std::unique_ptr<persistence::SqliteSilenceStore> silence_store_;
  std::unique_ptr<silence::Silences> silences_;
  std::unique_ptr<persistence::AlertStore> alert_store_;
  std::unique_ptr<persistence::RuleStateStore> rule_state_;
  std::unique_ptr<api::MonitoringApi> api_;
  std::unique_ptr<amapi::AlertmanagerApi> am_api_;
  notify::NotifyMetrics metrics_;

  // The alerts not yet resolved: what every generation's inhibitor reads and a new generation is given.
  notify::ActiveAlerts active_;
  mutable std::mutex mu_;  // guards gen_, and orders updates of active_ with dispatching them
  std::shared_ptr<Generation> gen_;

  std::mutex timer_mu_;
  std::condition_variable timer_cv_;
  bool stopping_ = false;
  std::thread timer_;
};

}  // namespace twikit::app
