#pragma once
// The whole alertd daemon as one object: config → scrape loops → series store → rule evaluation →
// notification hub, plus the HTTP server. Start/Stop/Reload as in Alertmanager's cmd, so tests can run
// the daemon in-process and main() stays thin.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "alertd/app/alert_activity.h"
#include "alertd/app/notification_hub.h"
#include "alertd/app/self_metrics.h"
#include "alertd/config/config.h"
#include "alertd/dashboard/dashboard_snapshots.h"
#include "alertd/dashboard/history_trend_source.h"
#include "alertd/history/history_tier.h"
#include "alertd/history/prometheus_queryable.h"
#include "alertd/history/remote_historical_source.h"
#include "alertd/history/store_historical_source.h"
#include "alertd/live/live_hub.h"
#include "alertd/promql/engine.h"
#include "alertd/rules/manager.h"
#include "alertd/rules_api/rules_api.h"
#include "alertd/scrape/scrape_manager.h"
#include "alertd/storage/series_store.h"
#include "common/clock.h"
#include "common/http_client.h"
#include "common/web_router.h"
#include "common/web_server.h"

namespace twikit::app {

/// Builds the notification side from the first loaded config (the hub is then reloaded via apply()).
using HubFactory = std::function<std::unique_ptr<NotificationHub>(const config::AlertdConfig&)>;

/// How the App is started; flags from main() land here.
struct AppOptions {
  /// alertd.yaml to load; empty = the embedded default (see config::default_config_yaml).
  std::string config_file;
  /// Overrides web.listen_address when not empty (--web.listen-address).
  std::string listen_address;
  /// exporter-toolkit's web configuration file (TLS, basic auth, response headers); empty = plain HTTP
  /// (--web.config.file).
  std::string web_config_file;
  /// Overrides storage.path when not empty (--storage.path).
  std::string storage_path;
  /// Accept a config file with no scrape targets and no rule files (--config.allow-empty).
  bool allow_empty_config = false;
  /// Whether POST /-/reload works when no API token is configured (--[no-]web.enable-lifecycle). With a token
  /// configured the token is always required. On by default, unlike Prometheus, so that the demo, the units'
  /// and operators' existing `curl -X POST /-/reload` keep working.
  bool enable_lifecycle = true;
  /// Time source; null = the system clock.
  const Clock* clock = nullptr;
  /// How long one query (API or rule) may evaluate before it fails; 0 = no limit (--query.timeout).
  std::int64_t query_timeout_ms = 2 * 60 * 1000;
  /// Samples one query may hold at once before it fails (--query.max-samples).
  std::size_t query_max_samples = 50'000'000;
  /// Outbound HTTP for scrapes; null = a libcurl client owned by the App.
  HttpClient* http_client = nullptr;
  /// Builds the notification hub; null = the notification library's full stack (make_notification_stack_hub).
  HubFactory hub_factory;
};

/// The daemon. start() and stop() are called from one thread; reload() from any (SIGHUP, HTTP).
/// Copy and move are deleted: threads and HTTP handlers point into it.
class App {
 public:
  /// Prepares the App; nothing runs until start().
  explicit App(AppOptions options);
  ~App();
  App(const App&) = delete;
  App& operator=(const App&) = delete;

  /// Loads the config and rules, starts scraping, evaluating and serving HTTP. Throws ConfigError
  /// ("file:line:col: message") for a bad config or rule file and std::runtime_error when the listen
  /// address cannot be bound.
  void start();
  /// Stops serving, scraping and evaluating, and the notification hub; safe to call twice.
  void stop();
  /// Re-reads the config file and rule files and swaps them in; on any error the running config stays,
  /// the failure is counted and logged, and false is returned with the reason in `error`.
  bool reload(std::string* error = nullptr);

  /// The bound HTTP port (after start()).
  int port() const { return server_ ? server_->port() : 0; }
  /// The config in force (a snapshot; thread-safe).
  std::shared_ptr<const config::AlertdConfig> config() const;
  /// The series store (for in-process tests).
  storage::SeriesStore& store() { return store_; }
  /// The rule manager (for in-process tests; valid after start()).
  rules::RuleManager& rules() { return *rules_; }
  /// The history tier (after start(); null when storage.history.enabled is false).
  history::HistoryTier* history() { return history_.get(); }

 private:
  config::AlertdConfig load_config() const;
  // Every HTTP route, its guard (token, lifecycle switch, UTF-8) and error bodies (web_routes.cpp).
  WebRouter routes();
  void rule_loop();
  // Saves the rule engine's active alerts through the hub (after an evaluation).
  void remember_alerts(TimestampMs now);
  // A scrape ended: wakes the rule loop so groups follow the fresh data (see evaluate_after_scrape).
  void scraped(const scrape::ScrapeTarget& target);
  // /metrics: the registry's families, then the parts' own (self_metrics.cpp).
  std::string metrics_text(ExpositionFormat format) const;
  // Adds the families read at scrape time (templates, store, rule groups, regex cache, web server) to
  // metrics_registry_ (self_metrics.cpp); called once, by the constructor.
  void add_metric_callbacks();
  // After an evaluation cycle, or when the dashboard broadcast is due (rule thread): rebuilds the monitoring
  // documents when `evaluated` or when they are a shortest scrape interval old, publishes the alert events of
  // `sent` and, when due or changed, the dashboard and health documents to live clients (live_updates.cpp).
  void update_live(const std::vector<rules::Alert>& sent, TimestampMs now, bool evaluated);
  // Memory, then the Prometheus backend before the memory window; null without that backend.
  std::unique_ptr<storage::Queryable> remote_queryable() const;
  TimestampMs remote_memory_start() const;  // where the in-memory window begins, with the remote backend
  // An acknowledgement, silence or escalation as an `alerts` event (live_updates.cpp; any thread).
  void publish_activity(const AlertActivity& activity);
  // alertd's own parts as the health document shows them.
  std::vector<dashboard::ComponentStatus> components() const;

  AppOptions options_;
  SystemClock system_clock_;
  const Clock& clock_;
  std::unique_ptr<HttpClient> owned_client_;
  HttpClient* client_;
  storage::SeriesStore store_;
  promql::Engine engine_;
  std::unique_ptr<rules::RuleManager> rules_;
  std::unique_ptr<history::HistoryTier> history_;  // before scrape_: the scrape loops write into it
  std::unique_ptr<dashboard::HistoryTrendSource> history_trends_;  // the dashboard's trends, when history_ is on
  std::unique_ptr<history::PrometheusQueryable> remote_history_;   // storage.history.backend: prometheus
  TimestampMs remote_history_since_ = 0;                           // the memory window starts no earlier
  std::unique_ptr<history::HistoricalSource> historical_;  // /api/monitoring/historical and the trends' history
  std::unique_ptr<scrape::ScrapeManager> scrape_;
  std::unique_ptr<NotificationHub> hub_;
  // The monitoring documents (rebuilt after each evaluation), the live-update hub and the rules API; all
  // are served by server_, which is declared after them so that it goes first.
  dashboard::DashboardSnapshots dashboard_;
  std::unique_ptr<live::LiveHub> live_;
  std::unique_ptr<rules_api::RulesApi> rules_api_;
  std::unique_ptr<WebServer> server_;

  mutable std::mutex config_mu_;
  std::shared_ptr<const config::AlertdConfig> config_;
  std::mutex reload_mu_;  // one reload at a time

  std::thread rule_thread_;
  std::mutex loop_mu_;
  std::condition_variable loop_cv_;
  bool stopping_ = false;
  std::int64_t scraped_interval_ms_ = 0;  // shortest interval of targets scraped since the loop last ran
  std::atomic<bool> started_{false};
  std::atomic<bool> ready_{false};

  // Self metrics: alertd's own families (self_metrics.h), then what add_metric_callbacks() adds.
  MetricsRegistry metrics_registry_;
  AppMetrics metrics_{metrics_registry_};
  // How often the dashboard document is broadcast to live clients (the seed's update_broadcast_interval), and
  // the shortest time between two rebuilds of the documents that no evaluation asked for.
  static constexpr std::int64_t kDashboardBroadcastMs = 5'000;
  // Live updates (rule thread only).
  TimestampMs last_dashboard_broadcast_ = 0;
  TimestampMs last_dashboard_rebuild_ = 0;
  std::string last_health_status_;
  std::unordered_map<std::uint64_t, rules::AlertState> live_alert_states_;  // by labels_hash
};

}  // namespace twikit::app
