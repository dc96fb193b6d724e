#pragma once
// alertd.yaml as plain values: global settings, scrape configs, rule files, storage and web, plus the
// notification sections (receivers, route, inhibit_rules, escalation_policies) owned by alertd/notify.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "alertd/config/kpi_table.h"
#include "alertd/notify/config.h"
#include "alertd/scrape/target.h"
#include "common/labels.h"

namespace twikit::config {

/// The `global` section (Prometheus' defaults: scrape every 1m, time out after 10s, evaluate every 1m).
struct GlobalConfig {
  std::int64_t scrape_interval_ms = 60'000;
  std::int64_t scrape_timeout_ms = 10'000;
  std::int64_t evaluation_interval_ms = 60'000;
  /// Added to alerts and notifications on the way out (never to stored series), as in Prometheus.
  Labels external_labels;
};

/// One `static_configs` entry: addresses (host:port) and the labels they share.
struct StaticConfig {
  std::vector<std::string> targets;
  Labels labels;
};

/// One `scrape_configs` entry; unset interval and timeout come from `global`.
struct ScrapeConfig {
  std::string job_name;
  std::int64_t scrape_interval_ms = 0;
  std::int64_t scrape_timeout_ms = 0;
  std::string metrics_path = "/metrics";
  std::string scheme = "http";
  /// Bodies larger than this fail the scrape; 0 = no limit.
  std::size_t body_size_limit = 0;
  std::vector<StaticConfig> static_configs;
};

/// The `storage.history` section: the durable history tier (raw samples on disk, 5-minute aggregates).
struct HistoryConfig {
  /// Whether queries reach past the in-memory window (and, with the local backend, samples go to disk).
  bool enabled = true;
  /// `local`: alertd's own history file; `prometheus`: a Prometheus-compatible HTTP API at `url` that
  /// scrapes the same targets (alertd then writes no history of its own).
  enum class Backend { local, prometheus } backend = Backend::local;
  /// The Prometheus-compatible API's base URL (backend prometheus), e.g. http://prometheus:9090.
  std::string url;
  /// How long one request to that API may take.
  std::int64_t timeout_ms = 30'000;
  /// The history's SQLite file; empty = history.db beside storage.path (see history_path()).
  std::string path;
  /// Raw samples older than this are deleted.
  std::int64_t raw_retention_ms = 30LL * 24 * 3600 * 1000;
  /// Aggregates older than this are deleted (at least raw_retention).
  std::int64_t aggregate_retention_ms = 365LL * 24 * 3600 * 1000;
  /// The width of one aggregation bucket (min, max, sum, count, last per series); divides a day.
  std::int64_t aggregate_interval_ms = 5LL * 60 * 1000;
  /// How often buffered samples are committed (fsynced): the most a crash can lose.
  std::int64_t flush_interval_ms = 60'000;
  /// Series beyond this many are not recorded (their samples are dropped and counted).
  std::size_t max_series = 100'000;
};

/// The `storage` section: the SQLite file for alert state and how long scraped samples are kept in memory.
struct StorageConfig {
  std::string path = "data/alertd.db";
  /// Samples older than this are dropped from the in-memory store (at least the longest rule range).
  std::int64_t retention_ms = 3'600'000;
  /// The durable history tier.
  HistoryConfig history;
};

/// The history file in effect: storage.history.path, or history.db in storage.path's directory.
std::string history_path(const StorageConfig& storage);

/// The `rules` section: where the rules API (/api/monitoring/alert-rules) writes its rule files.
struct RulesConfig {
  /// `rules.managed_dir`, resolved against the config file's directory; default `<storage.path's
  /// directory>/rules.d`. Its `*.yml` files are always among rule_files.
  std::string managed_dir;
};

/// The `web` section.
struct WebConfig {
  std::string listen_address = "0.0.0.0:9878";
  /// Bearer token that mutating endpoints (POST /-/reload, the monitoring API) require; empty = none.
  std::string api_bearer_token;
  /// Live-update clients (WebSocket and Server-Sent Events together) beyond which a new one gets 503.
  std::size_t max_live_clients = 1000;
};

/// The whole alertd.yaml.
struct AlertdConfig {
  /// The file it came from ("<default>" for the embedded default).
  std::string file;
  GlobalConfig global;
  std::vector<ScrapeConfig> scrape_configs;
  /// The rule_files globs as written.
  std::vector<std::string> rule_file_globs;
  /// The rule files the globs matched, resolved against the config file's directory, and the `*.yml` files of
  /// rules.managed_dir; sorted.
  std::vector<std::string> rule_files;
  StorageConfig storage;
  RulesConfig rules;
  WebConfig web;
  /// Receivers, routes, inhibition and escalation.
  notify::NotificationConfig notification;
  /// The seed's KPI names and their metrics: the embedded table with the `kpis:` section applied.
  KpiTable kpis = default_kpi_table();
};

/// How a config is loaded (flags of `alertd` and `alertd check config`).
struct LoadOptions {
  /// Accept a config with no scrape targets and no rule files (`--config.allow-empty`). Refused by default:
  /// such a file (empty, truncated, a template) would run an alertd that does nothing, and say it is fine.
  bool allow_empty = false;
  /// Replaces storage.path before the defaults that depend on it (rules.managed_dir) are worked out
  /// (`--storage.path`); empty = the file's.
  std::string storage_path;
};

/// Loads and validates the config file at `path`. Throws twikit::ConfigError with
/// "file:line:col: message" (1-based) on any error, including those of the notification sections, and for
/// a config without scrape targets and rule files unless `options.allow_empty`. No message quotes a secret.
AlertdConfig load_config_file(const std::string& path, const LoadOptions& options = {});

/// Loads config `text` as if read from `file`; relative rule_files globs resolve against `base_dir`.
AlertdConfig load_config_string(const std::string& text, const std::string& file, const std::string& base_dir,
                                const notify::EnvLookup& env = notify::process_env(),
                                const LoadOptions& options = {});

/// The embedded default: scrape the exporter at 127.0.0.1:9877 every 15s, the shipped rules, a
/// system_log receiver. `rules_dir` is where the shipped rule files live.
std::string default_config_yaml(const std::string& rules_dir);

/// The directory holding the shipped rule files: $TWIKIT_RULES_DIR, else the installed share directory,
/// else the source tree's rules/ (development builds).
std::string shipped_rules_dir();

/// Every scrape target the config names, with job/instance/static labels, interval and timeout resolved.
std::vector<scrape::ScrapeTarget> scrape_targets(const AlertdConfig& config);

}  // namespace twikit::config
