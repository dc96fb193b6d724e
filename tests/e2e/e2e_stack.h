#pragma once
// The whole stack for end-to-end tests: twikit-sim → twikit-exporter → alertd and a real Prometheus, both
// configured from the shipped files (deploy/prometheus/prometheus.yml, rules/) with loopback ports and 1 s
// intervals, plus a webhook receiver that records what alertd sends.

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/loopback_server.h"
#include "support/stack.h"
#include "support/webhook_receiver.h"

namespace twikit::e2e {

/// CTest's SKIP_RETURN_CODE for these tests: a skipped test is reported as skipped, never as passed.
inline constexpr int kSkipExitCode = 77;

/// Prints "SKIPPED: <reason>" and exits with kSkipExitCode unless the project binary `relative` is built.
/// Call it before starting any process.
void require_binary(const std::string& relative, const std::string& what);

/// The rule files Prometheus and alertd load (rules/*.yml holding `groups`), copied into `dir` with every
/// `for:` shortened to `for_duration` and every group `interval:` to 1s, so alerts fire within a test's
/// time budget; returns the file count.
int copy_rules(const std::string& dir, const std::string& for_duration);

/// deploy/prometheus/prometheus.yml with the exporter and alertd addresses, the rule directory and 1 s
/// intervals substituted; throws when one of the substituted strings is no longer in the file.
std::string prometheus_config(const std::string& exporter_address, const std::string& alertd_address,
                              const std::string& rules_dir);

/// Every payload `webhook` received so far, parsed (a body that is no JSON as a JSON string).
std::vector<nlohmann::json> payloads(const testing::WebhookReceiver& webhook);

/// alertd started on a free port: scrapes `exporter_address` as job "twikit" every second, evaluates the
/// rule files in `rules_dir` every second and sends every notification to `webhook_url`.
class Alertd {
 public:
  /// Writes the configuration, starts alertd and waits until /-/ready answers (throws after 20 s).
  Alertd(const std::string& exporter_address, const std::string& rules_dir, const std::string& webhook_url);
  /// Starts alertd with the configuration text `config_yaml` (state in a fresh temporary directory) and waits
  /// until /-/ready answers (throws after 20 s).
  explicit Alertd(const std::string& config_yaml);
  /// kill -9, and waits for the process to end.
  void kill();
  /// The base URL.
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  /// host:port, as Prometheus' scrape config names it.
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  /// The log file (for failure messages).
  const std::string& log_path() const { return log_path_; }

 private:
  std::string dir_;
  std::string log_path_;
  int port_ = 0;
  std::unique_ptr<testing::ChildProcess> process_;
};

/// Waits up to 20 s until alertd's GET /api/v1/targets reports every target up; returns "" then, else
/// what it reports (the target's lastError, or the whole answer).
std::string wait_for_alertd_targets_up(const Alertd& alertd);

/// Labels of one alert rendered as a sorted `{k="v",...}` string: the identity alerts are compared by.
using AlertKey = std::string;

/// The firing alerts of a Prometheus-shaped GET /api/v1/alerts at `base_url`; nullopt when it cannot be read.
std::optional<std::set<AlertKey>> firing_alerts(const std::string& base_url);

/// The rule groups of a Prometheus-shaped GET /api/v1/rules at `base_url` (the "groups" array), or null.
nlohmann::json rule_groups(const std::string& base_url);

/// Renders `labels` (a JSON object of strings) as an AlertKey.
AlertKey alert_key(const nlohmann::json& labels);

/// Keeps raising one service's system.errors_total through merge patches (the sim pins patched fields),
/// so its error rate is far above any sane threshold until destroyed.
class ErrorPump {
 public:
  /// Starts patching `service` of `sim` every 200 ms.
  ErrorPump(testing::Sim& sim, std::string service);
  ~ErrorPump();
  ErrorPump(const ErrorPump&) = delete;
  ErrorPump& operator=(const ErrorPump&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

/// The processes of one end-to-end test, started in pipeline order and stopped in reverse: rules copied
/// with short `for:`, a webhook receiver, the sim, the exporter (collecting every second), alertd when
/// `with_alertd`, and Prometheus from deploy/prometheus/prometheus.yml.
struct Stack {
  /// Starts everything; throws when a process does not come up.
  explicit Stack(bool with_alertd);
  /// The directory holding the rule files both evaluators load.
  std::string rules_dir;
  /// How many rule files rules/ has.
  int rule_files = 0;
  testing::WebhookReceiver webhook;   ///< Receives alertd's notifications (at /alerts).
  testing::Sim sim;                   ///< The ten services.
  std::unique_ptr<testing::Exporter> exporter;      ///< twikit-exporter.
  std::unique_ptr<Alertd> alertd;                   ///< alertd, or null without `with_alertd`.
  std::unique_ptr<testing::Prometheus> prometheus;  ///< The real Prometheus.
};

/// One panel query of a dashboard.
struct PanelQuery {
  std::string dashboard;  ///< File name, e.g. twikit-overview.json.
  std::string panel;      ///< Panel title.
  std::string expr;       ///< The PromQL with Grafana's variables still in it.
};

/// Every query of every panel (rows' nested panels included) in dashboards/`file`.
std::vector<PanelQuery> dashboard_queries(const std::string& file);

/// `expr` with Grafana's interval variables ($__rate_interval, $__interval, $__range ...) replaced by
/// durations that suit 1 s scrapes, and each `$name` / `${name}` of `variables` by its value.
std::string substitute(std::string expr, const std::map<std::string, std::string>& variables);

}  // namespace twikit::e2e
