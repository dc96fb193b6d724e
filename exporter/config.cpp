#include "exporter/config.h"

#include <set>

#include "common/labels.h"
#include "common/yaml_errors.h"
#include "exporter/config_target_files.h"

namespace twikit::exporter {
namespace {

std::string required_string(const std::string& file, const YAML::Node& parent, const char* key) {
  const YAML::Node node = parent[key];
  if (!node) fail_at(file, parent, std::string("missing required field '") + key + "'");
  if (!node.IsScalar() || node.Scalar().empty()) fail_at(file, node, std::string("'") + key + "' must be a non-empty string");
  return node.Scalar();
}

std::vector<std::pair<std::string, std::string>> string_pairs(const std::string& file,
                                                              const YAML::Node& node) {
  if (!node.IsMap()) fail_at(file, node, "expected a mapping of strings");
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& kv : node) {
    if (!kv.second.IsScalar()) fail_at(file, kv.second, "expected a string");
    out.emplace_back(kv.first.Scalar(), kv.second.Scalar());
  }
  return out;
}

MetricSpec load_metric(const std::string& file, const YAML::Node& node, const std::string& section) {
  check_keys(file, node, section, {"name", "help", "type", "path", "each", "labels", "scale", "value_map",
                          "state_set", "value"});
  MetricSpec spec;
  spec.name = required_string(file, node, "name");
  if (!is_valid_metric_name(spec.name)) fail_at(file, node["name"], "invalid metric name '" + spec.name + "'");
  spec.help = node["help"] ? scalar_as<std::string>(file, node["help"], "a string") : "";
  if (node["type"]) {
    spec.type = scalar_as<std::string>(file, node["type"], "a metric type");
    if (spec.type != "gauge" && spec.type != "counter") {
      fail_at(file, node["type"], "metric type must be gauge or counter, got '" + spec.type + "'");
    }
  }
  const bool ends_in_total = spec.name.size() > 6 && spec.name.compare(spec.name.size() - 6, 6, "_total") == 0;
  if (spec.type == "counter" && !ends_in_total) {
    fail_at(file, node["name"], "counter '" + spec.name + "' must end in _total");
  }
  if (node["value"]) spec.constant = scalar_as<double>(file, node["value"], "a number");
  if (!spec.constant || node["path"]) spec.path = required_string(file, node, "path");
  if (node["each"]) spec.each = node["each"].IsNull() ? "" : scalar_as<std::string>(file, node["each"], "a path");
  if (node["labels"]) {
    spec.labels = string_pairs(file, node["labels"]);
    for (const auto& kv : node["labels"]) {
      const std::string label = kv.first.Scalar();
      if (!is_valid_label_name(label) || label.rfind("__", 0) == 0) fail_at(file, kv.first, "invalid label name '" + label + "'");
      if (label == "service") fail_at(file, kv.first, "label 'service' is set by the exporter");
    }
  }
  if (node["scale"]) spec.scale = scalar_as<double>(file, node["scale"], "a number");
  if (node["value_map"]) {
    for (const auto& kv : node["value_map"]) {
      spec.value_map[kv.first.Scalar()] = scalar_as<double>(file, kv.second, "a number");
    }
  }
  if (const YAML::Node ss = node["state_set"]) {
    check_keys(file, ss, section + ".state_set", {"label", "states"});
    spec.state_label = required_string(file, ss, "label");
    if (!is_valid_label_name(spec.state_label)) fail_at(file, ss["label"], "invalid label name '" + spec.state_label + "'");
    // Every series carries service="<target>", which keeps the targets' series apart.
    if (spec.state_label == "service") fail_at(file, ss["label"], "label 'service' is set by the exporter");
    const YAML::Node states = ss["states"];
    if (!states || !states.IsSequence() || states.size() == 0) fail_at(file, ss, "state_set needs a non-empty 'states' list");
    for (const auto& s : states) spec.states.push_back(scalar_as<std::string>(file, s, "a state name"));
  }
  return spec;
}

std::vector<MetricSpec> load_metrics(const std::string& file, const YAML::Node& node, const std::string& section) {
  if (!node.IsSequence()) fail_at(file, node, "expected a list of metrics");
  std::vector<MetricSpec> out;
  for (std::size_t i = 0; i < node.size(); ++i) {
    out.push_back(load_metric(file, node[i], section + "[" + std::to_string(i) + "]"));
  }
  return out;
}

Target load_target(const std::string& file, const YAML::Node& node, const std::string& section) {
  check_keys(file, node, section, {"name", "url", "service", "timeout", "headers"});
  Target t;
  t.name = required_string(file, node, "name");
  t.url = required_string(file, node, "url");
  if (t.url.rfind("http://", 0) != 0 && t.url.rfind("https://", 0) != 0) {
    fail_at(file, node["url"], "url must start with http:// or https://");
  }
  t.service = node["service"] ? scalar_as<std::string>(file, node["service"], "a service name") : t.name;
  if (node["timeout"]) {
    t.timeout_ms = duration_ms_at(file, node["timeout"]);
    if (t.timeout_ms <= 0) fail_at(file, node["timeout"], "timeout must be positive");
  }
  if (node["headers"]) t.headers = string_pairs(file, node["headers"]);
  return t;
}

void load_collection(const std::string& file, const YAML::Node& node, CollectionConfig& c) {
  check_keys(file, node, "collection", {"mode", "interval", "max_concurrent_collections", "scrape_timeout_offset",
                          "max_body_bytes"});
  if (node["mode"]) {
    const auto mode = scalar_as<std::string>(file, node["mode"], "a mode");
    if (mode == "interval") c.mode = CollectionMode::interval;
    else if (mode == "on_scrape") c.mode = CollectionMode::on_scrape;
    else fail_at(file, node["mode"], "mode must be interval or on_scrape, got '" + mode + "'");
  }
  if (node["interval"]) {
    c.interval_ms = duration_ms_at(file, node["interval"]);
    if (c.interval_ms < 1000) fail_at(file, node["interval"], "interval must be at least 1s");
  }
  if (node["max_concurrent_collections"]) {
    const int n = scalar_as<int>(file, node["max_concurrent_collections"], "a positive integer");
    if (n < 1) fail_at(file, node["max_concurrent_collections"], "max_concurrent_collections must be at least 1");
    c.max_concurrent_collections = static_cast<std::size_t>(n);
  }
  if (node["scrape_timeout_offset"]) c.scrape_timeout_offset_ms = duration_ms_at(file, node["scrape_timeout_offset"]);
  if (node["max_body_bytes"]) {
    const auto n = scalar_as<long long>(file, node["max_body_bytes"], "a byte count");
    if (n < 1) fail_at(file, node["max_body_bytes"], "max_body_bytes must be positive");
    c.max_body_bytes = static_cast<std::size_t>(n);
  }
}

// One metric name must mean one thing across services: same type and help everywhere.
void check_consistent(const std::string& file, const YAML::Node& root, const ExporterConfig& cfg) {
  std::map<std::string, const MetricSpec*> seen;
  auto visit = [&](const MetricSpec& m, const YAML::Node& at) {
    auto [it, inserted] = seen.emplace(m.name, &m);
    if (!inserted && it->second->type != m.type) {
      fail_at(file, at, "metric '" + m.name + "' is declared both as " + it->second->type + " and " + m.type);
    }
  };
  for (const auto& m : cfg.common_metrics) visit(m, root["common_metrics"]);
  for (const auto& [service, metrics] : cfg.services) {
    for (const auto& m : metrics) visit(m, root["services"][service]);
  }
}

// Refuses a configuration without targets: an exporter that exports nothing is a mistake unless the
// operator says otherwise. The error points at the empty 'targets', or at the start of the file.
void check_not_empty(const std::string& file, const YAML::Node& root, const ExporterConfig& cfg) {
  if (!cfg.targets.empty()) return;
  const std::string hint = " (pass --config.allow-empty to run without targets)";
  if (!root || root.IsNull() || (root.IsMap() && root.size() == 0)) {
    throw ConfigError(file + ":1:1: the configuration is empty: no targets to collect from" + hint);
  }
  if (const YAML::Node files = root["target_files"]; files && !files.IsNull() && !root["targets"]) {
    fail_at(file, files, "no targets: the files of 'target_files' list none" + hint);
  }
  const YAML::Node targets = root["targets"];
  if (!targets) fail_at(file, root, "no targets: 'targets' is missing" + hint);
  if (targets.IsNull()) {
    // A null value's mark is where the next token starts; the key is where the reader looks.
    for (const auto& kv : root) {
      if (kv.first.Scalar() == "targets") fail_at(file, kv.first, "no targets: 'targets' is empty" + hint);
    }
  }
  fail_at(file, targets, "no targets: 'targets' is empty" + hint);
}

}  // namespace

ExporterConfig load_config_string(const std::string& text, const std::string& file,
                                  const ConfigLoadOptions& options) {
  const YAML::Node root = load_yaml_string(text, file);
  ExporterConfig cfg;
  if (!root || root.IsNull()) {
    if (!options.allow_empty) check_not_empty(file, root, cfg);
    return cfg;
  }
  check_keys(file, root, "the top level", {"web", "collection", "targets", "target_files", "common_metrics", "services"});
  if (const YAML::Node web = root["web"]) {
    check_keys(file, web, "web", {"listen_address"});
    if (web["listen_address"]) cfg.listen_address = scalar_as<std::string>(file, web["listen_address"], "host:port");
  }
  if (root["collection"]) load_collection(file, root["collection"], cfg.collection);
  if (root["common_metrics"]) cfg.common_metrics = load_metrics(file, root["common_metrics"], "common_metrics");
  if (const YAML::Node services = root["services"]) {
    if (!services.IsMap()) fail_at(file, services, "services must map service names to metric lists");
    for (const auto& kv : services) {
      cfg.services[kv.first.Scalar()] = load_metrics(file, kv.second, "services." + kv.first.Scalar());
    }
  }
  // Inline targets and those of target files pass the same checks; a name is unique across all of them.
  std::map<std::string, std::string> names;  // target name → the file that lists it
  const auto add = [&](const std::string& at_file, const YAML::Node& t, Target target) {
    if (auto [first, inserted] = names.emplace(target.name, at_file); !inserted) {
      fail_at(at_file, t["name"], "duplicate target name '" + target.name + "'" +
                                      (first->second == at_file ? "" : " (first listed in " + first->second + ")"));
    }
    if (!cfg.services.count(target.service)) {
      fail_at(at_file, t["service"] ? t["service"] : t["name"], "no mapping for service '" + target.service + "' under 'services'");
    }
    cfg.targets.push_back(std::move(target));
  };
  if (const YAML::Node targets = root["targets"]; targets && !targets.IsNull()) {
    if (!targets.IsSequence()) fail_at(file, targets, "targets must be a list");
    for (std::size_t i = 0; i < targets.size(); ++i) {
      add(file, targets[i], load_target(file, targets[i], "targets[" + std::to_string(i) + "]"));
    }
  }
  if (const YAML::Node patterns = root["target_files"]; patterns && !patterns.IsNull()) {
    for (auto& loaded : load_target_files(file, patterns, load_target)) add(loaded.file, loaded.node, std::move(loaded.target));
  }
  check_consistent(file, root, cfg);
  if (!options.allow_empty) check_not_empty(file, root, cfg);
  return cfg;
}

ExporterConfig load_config_file(const std::string& path, const ConfigLoadOptions& options) {
  return load_config_string(read_config_text(path), path, options);
}

}  // namespace twikit::exporter
