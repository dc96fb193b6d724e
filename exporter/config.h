#pragma once
// exporter.yaml as plain values: where to listen, how to collect, which targets, and how each
// service's JSON becomes metrics. load_config() validates everything and reports file:line:col.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace twikit::exporter {

/// How a metric's value is read from the service JSON.
struct MetricSpec {
  std::string name;
  std::string help;
  /// "gauge" or "counter".
  std::string type = "gauge";
  /// Dotted path from the document root to the value, or to an array when `each` is set.
  std::string path;
  /// For arrays: dotted path inside each element to the value ("" = the element itself).
  std::optional<std::string> each;
  /// Label name → dotted path (inside the element when `each` is set, else from the root).
  std::vector<std::pair<std::string, std::string>> labels;
  /// Multiplier applied to numeric values (0.001 for ms → s, 0.01 for percent → ratio).
  double scale = 1.0;
  /// String values mapped to numbers (e.g. healthy: 1, degraded: 0.5, unhealthy: 0).
  std::map<std::string, double> value_map;
  /// State set: one series per state under label `state_label`, 1 on the current state, 0 elsewhere.
  std::string state_label;
  std::vector<std::string> states;
  /// A fixed value (info-style metrics whose information is in their labels).
  std::optional<double> constant;
};

/// One Twikit service to collect from.
struct Target {
  std::string name;
  std::string url;
  /// Which mapping applies (a key of ExporterConfig::services); defaults to `name`.
  std::string service;
  std::int64_t timeout_ms = 5'000;
  std::vector<std::pair<std::string, std::string>> headers;
};

/// When collections happen.
enum class CollectionMode { interval, on_scrape };

/// Collection settings.
struct CollectionConfig {
  CollectionMode mode = CollectionMode::interval;
  std::int64_t interval_ms = 30'000;
  std::size_t max_concurrent_collections = 10;
  /// Subtracted from X-Prometheus-Scrape-Timeout-Seconds in on_scrape mode.
  std::int64_t scrape_timeout_offset_ms = 500;
  std::size_t max_body_bytes = 4 * 1024 * 1024;
};

/// The whole exporter configuration.
struct ExporterConfig {
  std::string listen_address = "0.0.0.0:9877";
  CollectionConfig collection;
  /// Every target: those of `targets:` first, then those of the `target_files:` files, in file order.
  std::vector<Target> targets;
  /// Metrics every service document yields (status, version, system.*, dependencies).
  std::vector<MetricSpec> common_metrics;
  /// Service name → its own metrics.
  std::map<std::string, std::vector<MetricSpec>> services;
};

/// How a configuration file is judged beyond its syntax.
struct ConfigLoadOptions {
  /// Accept a file with no targets (--config.allow-empty); by default an empty or target-less file is
  /// refused, since it would run an exporter that exports nothing.
  bool allow_empty = false;
};

/// Loads and validates the YAML file at `path`; throws ConfigError ("file:line:col: message").
ExporterConfig load_config_file(const std::string& path, const ConfigLoadOptions& options = {});

/// Loads and validates YAML `text`; `file` names it in error messages.
ExporterConfig load_config_string(const std::string& text, const std::string& file,
                                  const ConfigLoadOptions& options = {});

/// The configuration compiled into the binary (exporter/default_config.yaml): the ten services on
/// 127.0.0.1:9881–9890, every metric of the design's table.
const std::string& default_config_text();

}  // namespace twikit::exporter
