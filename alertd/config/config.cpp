#include "alertd/config/config.h"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>

#include "alertd/config/kpi_yaml.h"
#include "common/listen_address.h"
#include "common/yaml_errors.h"

namespace twikit::config {
namespace {

const std::set<std::string> kScrapeGlobalKeys = {"scrape_interval", "scrape_timeout", "evaluation_interval",
                                                 "external_labels"};

const std::set<std::string> kNotificationRootKeys = {"receivers",           "route",          "inhibit_rules",
                                                     "escalation_policies", "time_intervals", "mute_time_intervals",
                                                     "templates"};

bool has_glob_chars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

/// Loads the parts of alertd.yaml this module owns from one parsed document.
class Loader {
 public:
  Loader(std::string file, std::string base_dir, LoadOptions options)
      : file_(std::move(file)), base_dir_(std::move(base_dir)), options_(options) {}

  AlertdConfig load(const YAML::Node& root, const notify::EnvLookup& env) {
    AlertdConfig cfg;
    cfg.file = file_;
    if (root.IsDefined() && !root.IsNull()) {
      if (!root.IsMap()) fail_at(file_, root, "expected a mapping at the top level");
      for (const auto& kv : root) {
        const std::string key = kv.first.Scalar();
        static const std::set<std::string> own = {"global", "scrape_configs", "rule_files", "storage", "rules", "web", "kpis"};
        if (!own.count(key) && !kNotificationRootKeys.count(key)) {
          fail_at(file_, kv.first, "unknown field \"" + key + "\"");
        }
      }
      load_global(root["global"], cfg.global);
      load_scrape_configs(root["scrape_configs"], cfg);
      load_rule_files(root["rule_files"], cfg);
      load_storage(root["storage"], cfg.storage);
      load_rules(root["rules"], cfg);
      load_web(root["web"], cfg.web);
      cfg.kpis = load_kpis(file_, root["kpis"], default_kpi_table());
    }
    try {
      cfg.notification = notify::load_notification_config(notification_root(root), file_, env);
    } catch (const notify::ConfigError& e) {
      throw ConfigError(e.what());
    }
    // One token guards every mutating endpoint (/-/reload and the monitoring API): a token file beats
    // MONITORING_API_TOKEN, and two different token files are an error rather than a guess.
    if (!cfg.web.api_bearer_token.empty()) {
      const YAML::Node global = root.IsMap() ? root["global"] : YAML::Node();
      const YAML::Node global_file =
          global.IsDefined() && global.IsMap() ? global["api_bearer_token_file"] : YAML::Node();
      const bool both = global_file.IsDefined() && !global_file.IsNull();
      if (both && cfg.web.api_bearer_token != cfg.notification.api_bearer_token) {
        fail_at(file_, global_file,
                "web.api_bearer_token_file and global.api_bearer_token_file hold different tokens; set one of them");
      }
      cfg.notification.api_bearer_token = cfg.web.api_bearer_token;
    } else {
      cfg.web.api_bearer_token = cfg.notification.api_bearer_token;
    }
    if (!options_.storage_path.empty()) cfg.storage.path = options_.storage_path;
    if (cfg.rules.managed_dir.empty()) cfg.rules.managed_dir = default_managed_dir(cfg.storage.path);
    add_managed_rule_files(cfg);
    if (!options_.allow_empty) refuse_empty(root, cfg);
    return cfg;
  }

 private:
  /// The document as the notification loader expects it: its sections, and `global` without scrape keys.
  static YAML::Node notification_root(const YAML::Node& root) {
    YAML::Node out(YAML::NodeType::Map);
    if (!root.IsDefined() || !root.IsMap()) return out;
    for (const auto& kv : root) {
      const std::string key = kv.first.Scalar();
      if (kNotificationRootKeys.count(key)) out[key] = kv.second;
    }
    const YAML::Node global = root["global"];
    if (global.IsDefined() && global.IsMap()) {
      YAML::Node g(YAML::NodeType::Map);
      for (const auto& kv : global) {
        if (!kScrapeGlobalKeys.count(kv.first.Scalar())) g[kv.first.Scalar()] = kv.second;
      }
      out["global"] = g;
    }
    return out;
  }

  /// A config with no scrape target and no rule file would run alertd doing nothing: refuse it, pointing at
  /// scrape_configs (or rule_files, or the top of the file) so that the editor lands where work is missing.
  void refuse_empty(const YAML::Node& root, const AlertdConfig& cfg) const {
    if (!scrape_targets(cfg).empty() || !cfg.rule_files.empty()) return;
    const std::string message =
        "no scrape targets and no rule files: alertd would have nothing to do (an empty or truncated file?); "
        "add scrape_configs or rule_files, or start with --config.allow-empty";
    for (const char* key : {"scrape_configs", "rule_files"}) {
      const YAML::Node node = root.IsMap() ? root[key] : YAML::Node();
      if (node.IsDefined() && !node.Mark().is_null()) fail_at(file_, node, message);
    }
    if (root.IsDefined() && !root.Mark().is_null() && !root.IsNull()) fail_at(file_, root, message);
    throw ConfigError(file_ + ":1:1: " + message);
  }

  std::int64_t positive_duration(const YAML::Node& node) {
    const std::int64_t ms = duration_ms_at(file_, node);
    if (ms <= 0) fail_at(file_, node, "duration must be greater than 0");
    return ms;
  }

  void check_map(const YAML::Node& node, const char* what) {
    if (!node.IsMap()) fail_at(file_, node, std::string("expected a mapping for ") + what);
  }

  Labels load_labels(const YAML::Node& node, const char* what) {
    check_map(node, what);
    std::vector<Label> labels;
    for (const auto& kv : node) {
      const std::string name = kv.first.Scalar();
      if (!is_valid_label_name(name)) fail_at(file_, kv.first, "invalid label name \"" + name + "\"");
      if (name.rfind("__", 0) == 0) fail_at(file_, kv.first, "label name \"" + name + "\" is reserved");
      labels.emplace_back(name, scalar_as<std::string>(file_, kv.second, "a label value"));
    }
    return make_labels(std::move(labels));
  }

  void load_global(const YAML::Node& g, GlobalConfig& global) {
    if (!g.IsDefined() || g.IsNull()) return;
    check_map(g, "global");
    for (const auto& kv : g) {
      const std::string key = kv.first.Scalar();
      if (!kScrapeGlobalKeys.count(key) && !notify::notification_global_keys().count(key)) {
        fail_at(file_, kv.first, "unknown field \"" + key + "\" in global");
      }
    }
    if (g["scrape_interval"]) global.scrape_interval_ms = positive_duration(g["scrape_interval"]);
    if (g["scrape_timeout"]) global.scrape_timeout_ms = positive_duration(g["scrape_timeout"]);
    if (g["evaluation_interval"]) global.evaluation_interval_ms = positive_duration(g["evaluation_interval"]);
    if (g["external_labels"]) global.external_labels = load_labels(g["external_labels"], "external_labels");
    if (!g["scrape_timeout"] && global.scrape_timeout_ms > global.scrape_interval_ms) {
      global.scrape_timeout_ms = global.scrape_interval_ms;  // Prometheus' rule for the default timeout
    }
    if (global.scrape_timeout_ms > global.scrape_interval_ms) {
      fail_at(file_, g["scrape_timeout"], "global scrape timeout greater than scrape interval");
    }
  }

  void load_scrape_configs(const YAML::Node& list, AlertdConfig& cfg) {
    if (!list.IsDefined() || list.IsNull()) return;
    if (!list.IsSequence()) fail_at(file_, list, "expected a list for scrape_configs");
    std::set<std::string> jobs;
    for (const auto& node : list) {
      check_map(node, "a scrape config");
      check_keys(file_, node, {"job_name", "scrape_interval", "scrape_timeout", "metrics_path", "scheme",
                               "body_size_limit", "static_configs", "honor_labels"});
      ScrapeConfig sc;
      if (!node["job_name"]) fail_at(file_, node, "job_name is empty");
      sc.job_name = scalar_as<std::string>(file_, node["job_name"], "a job name");
      if (sc.job_name.empty()) fail_at(file_, node["job_name"], "job_name is empty");
      if (!jobs.insert(sc.job_name).second) {
        fail_at(file_, node["job_name"], "found multiple scrape configs with job name \"" + sc.job_name + "\"");
      }
      if (node["honor_labels"] && scalar_as<bool>(file_, node["honor_labels"], "a boolean")) {
        fail_at(file_, node["honor_labels"], "honor_labels: true is not supported");
      }
      sc.scrape_interval_ms = node["scrape_interval"] ? positive_duration(node["scrape_interval"]) : cfg.global.scrape_interval_ms;
      if (node["scrape_timeout"]) {
        sc.scrape_timeout_ms = positive_duration(node["scrape_timeout"]);
      } else {
        sc.scrape_timeout_ms = std::min(cfg.global.scrape_timeout_ms, sc.scrape_interval_ms);
      }
      if (sc.scrape_timeout_ms > sc.scrape_interval_ms) {
        fail_at(file_, node["scrape_timeout"] ? node["scrape_timeout"] : node,
                "scrape timeout greater than scrape interval for scrape config with job name \"" + sc.job_name + "\"");
      }
      if (node["metrics_path"]) {
        sc.metrics_path = scalar_as<std::string>(file_, node["metrics_path"], "a path");
        if (sc.metrics_path.empty() || sc.metrics_path[0] != '/') {
          fail_at(file_, node["metrics_path"], "metrics_path must start with '/'");
        }
      }
      if (node["scheme"]) {
        sc.scheme = scalar_as<std::string>(file_, node["scheme"], "a scheme");
        if (sc.scheme != "http" && sc.scheme != "https") {
          fail_at(file_, node["scheme"], "scheme must be http or https, got \"" + sc.scheme + "\"");
        }
      }
      if (node["body_size_limit"]) {
        const auto limit = scalar_as<long long>(file_, node["body_size_limit"], "a number of bytes");
        if (limit < 0) fail_at(file_, node["body_size_limit"], "body_size_limit must not be negative");
        sc.body_size_limit = static_cast<std::size_t>(limit);
      }
      load_static_configs(node["static_configs"], sc);
      cfg.scrape_configs.push_back(std::move(sc));
    }
  }

  void load_static_configs(const YAML::Node& list, ScrapeConfig& sc) {
    if (!list.IsDefined() || list.IsNull()) return;
    if (!list.IsSequence()) fail_at(file_, list, "expected a list for static_configs");
    for (const auto& node : list) {
      check_map(node, "a static config");
      check_keys(file_, node, {"targets", "labels"});
      StaticConfig st;
      const YAML::Node targets = node["targets"];
      if (targets.IsDefined() && !targets.IsNull()) {
        if (!targets.IsSequence()) fail_at(file_, targets, "expected a list of host:port targets");
        for (const auto& t : targets) {
          const auto address = scalar_as<std::string>(file_, t, "a host:port target");
          if (address.empty() || address.find('/') != std::string::npos || address.find(' ') != std::string::npos) {
            fail_at(file_, t, "invalid target address \"" + address + "\": expected host:port");
          }
          st.targets.push_back(address);
        }
      }
      if (node["labels"]) st.labels = load_labels(node["labels"], "labels");
      sc.static_configs.push_back(std::move(st));
    }
  }

  void load_rule_files(const YAML::Node& list, AlertdConfig& cfg) {
    if (!list.IsDefined() || list.IsNull()) return;
    if (!list.IsSequence()) fail_at(file_, list, "expected a list of rule file globs");
    std::set<std::string> files;
    for (const auto& node : list) {
      const auto pattern = scalar_as<std::string>(file_, node, "a rule file glob");
      if (pattern.empty()) fail_at(file_, node, "empty rule file glob");
      const std::filesystem::path p(pattern);
      const std::string full = p.is_absolute() || base_dir_.empty() ? pattern : (std::filesystem::path(base_dir_) / p).string();
      glob_t g{};
      const int rc = ::glob(full.c_str(), 0, nullptr, &g);
      if (rc == GLOB_NOMATCH && !has_glob_chars(pattern)) {
        globfree(&g);
        fail_at(file_, node, "rule file \"" + full + "\" does not exist");
      }
      if (rc != 0 && rc != GLOB_NOMATCH) {
        globfree(&g);
        fail_at(file_, node, "invalid rule file glob \"" + pattern + "\"");
      }
      for (std::size_t i = 0; i < g.gl_pathc; ++i) files.insert(g.gl_pathv[i]);
      globfree(&g);
      cfg.rule_file_globs.push_back(pattern);
    }
    cfg.rule_files.assign(files.begin(), files.end());
  }

  void load_rules(const YAML::Node& node, AlertdConfig& cfg) {
    if (!node.IsDefined() || node.IsNull()) return;
    check_map(node, "rules");
    check_keys(file_, node, {"managed_dir"});
    if (node["managed_dir"]) {
      const auto dir = scalar_as<std::string>(file_, node["managed_dir"], "a directory path");
      if (dir.empty()) fail_at(file_, node["managed_dir"], "managed_dir is empty");
      const std::filesystem::path p(dir);
      cfg.rules.managed_dir = p.is_absolute() || base_dir_.empty() ? dir : (std::filesystem::path(base_dir_) / p).string();
    }
  }

  /// `<directory of the storage file>/rules.d`, the storage file's directory taken as it is written.
  static std::string default_managed_dir(const std::string& storage_path) {
    const std::filesystem::path parent = std::filesystem::path(storage_path).parent_path();
    return (parent.empty() ? std::filesystem::path("rules.d") : parent / "rules.d").string();
  }

  /// The files the rules API wrote are loaded like any rule file: `<managed_dir>/*.yml` joins rule_files
  /// (its `disabled/` subdirectory, holding the disabled rules, does not).
  static void add_managed_rule_files(AlertdConfig& cfg) {
    const std::string pattern = (std::filesystem::path(cfg.rules.managed_dir) / "*.yml").string();
    glob_t g{};
    std::set<std::string> files(cfg.rule_files.begin(), cfg.rule_files.end());
    if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
      for (std::size_t i = 0; i < g.gl_pathc; ++i) files.insert(g.gl_pathv[i]);
    }
    globfree(&g);
    cfg.rule_files.assign(files.begin(), files.end());
  }

  void load_storage(const YAML::Node& node, StorageConfig& storage) {
    if (!node.IsDefined() || node.IsNull()) return;
    check_map(node, "storage");
    check_keys(file_, node, {"path", "retention", "history"});
    if (node["path"]) storage.path = scalar_as<std::string>(file_, node["path"], "a file path");
    if (node["retention"]) storage.retention_ms = positive_duration(node["retention"]);
    load_history(node["history"], storage.history);
  }

  void load_history(const YAML::Node& node, HistoryConfig& history) {
    if (!node.IsDefined() || node.IsNull()) return;
    check_map(node, "storage.history");
    check_keys(file_, node, {"enabled", "backend", "url", "timeout", "path", "raw_retention", "aggregate_retention",
                             "aggregate_interval", "flush_interval", "max_series"});
    if (node["enabled"]) history.enabled = scalar_as<bool>(file_, node["enabled"], "true or false");
    if (node["backend"]) {
      const auto backend = scalar_as<std::string>(file_, node["backend"], "local or prometheus");
      if (backend == "local") history.backend = HistoryConfig::Backend::local;
      else if (backend == "prometheus") history.backend = HistoryConfig::Backend::prometheus;
      else fail_at(file_, node["backend"], "backend must be local or prometheus, not \"" + backend + "\"");
    }
    if (node["url"]) {
      history.url = scalar_as<std::string>(file_, node["url"], "a URL");
      if (history.backend != HistoryConfig::Backend::prometheus) {
        fail_at(file_, node["url"], "url is for backend: prometheus");
      }
      const bool http = history.url.rfind("http://", 0) == 0 || history.url.rfind("https://", 0) == 0;
      if (!http || history.url.find_first_of(" \t\r\n?#") != std::string::npos) {
        fail_at(file_, node["url"], "url must be an http:// or https:// base URL such as http://prometheus:9090");
      }
    }
    if (history.backend == HistoryConfig::Backend::prometheus && history.url.empty()) {
      fail_at(file_, node["backend"], "backend prometheus needs url (the Prometheus-compatible API's base URL)");
    }
    if (node["timeout"]) history.timeout_ms = positive_duration(node["timeout"]);
    if (node["path"]) {
      history.path = scalar_as<std::string>(file_, node["path"], "a file path");
      if (history.path.empty()) fail_at(file_, node["path"], "path must not be empty");
    }
    if (node["raw_retention"]) history.raw_retention_ms = positive_duration(node["raw_retention"]);
    if (node["aggregate_retention"]) history.aggregate_retention_ms = positive_duration(node["aggregate_retention"]);
    if (node["aggregate_interval"]) {
      history.aggregate_interval_ms = positive_duration(node["aggregate_interval"]);
      // Buckets are aligned to the epoch; dividing a day keeps 1h and 1d answers made of whole buckets.
      constexpr std::int64_t kDayMs = 24LL * 3600 * 1000;
      if (history.aggregate_interval_ms % 1000 != 0 || kDayMs % history.aggregate_interval_ms != 0) {
        fail_at(file_, node["aggregate_interval"], "aggregate_interval must be whole seconds that divide a day (e.g. 1m, 5m, 1h)");
      }
    }
    if (node["flush_interval"]) history.flush_interval_ms = positive_duration(node["flush_interval"]);
    if (node["max_series"]) {
      const auto n = scalar_as<std::int64_t>(file_, node["max_series"], "a number of series");
      if (n <= 0) fail_at(file_, node["max_series"], "max_series must be greater than 0");
      history.max_series = static_cast<std::size_t>(n);
    }
    if (history.aggregate_retention_ms < history.raw_retention_ms) {
      fail_at(file_, node["aggregate_retention"] ? node["aggregate_retention"] : node["raw_retention"],
              "aggregate_retention must be at least raw_retention");
    }
  }

  void load_web(const YAML::Node& node, WebConfig& web) {
    if (!node.IsDefined() || node.IsNull()) return;
    check_map(node, "web");
    check_keys(file_, node, {"listen_address", "api_bearer_token_file", "max_live_clients"});
    if (node["max_live_clients"]) {
      const auto n = scalar_as<std::int64_t>(file_, node["max_live_clients"], "a number of clients");
      if (n <= 0) fail_at(file_, node["max_live_clients"], "max_live_clients must be greater than 0");
      web.max_live_clients = static_cast<std::size_t>(n);
    }
    if (node["listen_address"]) {
      web.listen_address = scalar_as<std::string>(file_, node["listen_address"], "a listen address");
      try {
        parse_listen_address(web.listen_address);
      } catch (const std::exception& e) {
        fail_at(file_, node["listen_address"], std::string("invalid listen_address: ") + e.what());
      }
    }
    if (node["api_bearer_token_file"]) {
      std::filesystem::path p(scalar_as<std::string>(file_, node["api_bearer_token_file"], "a file path"));
      if (p.is_relative() && !base_dir_.empty()) p = std::filesystem::path(base_dir_) / p;
      std::ifstream in(p);
      if (!in) fail_at(file_, node["api_bearer_token_file"], "cannot read api_bearer_token_file \"" + p.string() + "\"");
      std::getline(in, web.api_bearer_token);
      while (!web.api_bearer_token.empty() && std::isspace(static_cast<unsigned char>(web.api_bearer_token.back()))) {
        web.api_bearer_token.pop_back();
      }
      if (const auto problem = notify::token_problem(web.api_bearer_token)) {
        fail_at(file_, node["api_bearer_token_file"], "invalid token in api_bearer_token_file: " + *problem);
      }
    }
  }

  std::string file_;
  std::string base_dir_;
  LoadOptions options_;
};

}  // namespace

std::string history_path(const StorageConfig& storage) {
  if (!storage.history.path.empty()) return storage.history.path;
  const std::filesystem::path dir = std::filesystem::path(storage.path).parent_path();
  return (dir / "history.db").string();
}

AlertdConfig load_config_string(const std::string& text, const std::string& file, const std::string& base_dir,
                                const notify::EnvLookup& env, const LoadOptions& options) {
  const YAML::Node root = load_yaml_string(text, file);
  return Loader(file, base_dir, options).load(root, env);
}

AlertdConfig load_config_file(const std::string& path, const LoadOptions& options) {
  const std::string text = read_config_text(path);
  const std::string base_dir = std::filesystem::absolute(path).parent_path().string();
  return load_config_string(text, path, base_dir, notify::process_env(), options);
}

}  // namespace twikit::config
