#include "alertd/config/kpi_yaml.h"

#include <cctype>
#include <cmath>
#include <map>
#include <optional>
#include <set>

#include "common/labels.h"
#include "common/yaml_errors.h"

namespace twikit::config {
namespace {

bool is_identifier(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (const char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

bool is_kpi_key(const std::string& key) {
  const auto dot = key.find('.');
  if (dot == std::string::npos) return false;
  return is_identifier(std::string_view(key).substr(0, dot)) && is_identifier(std::string_view(key).substr(dot + 1));
}

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

KpiKind parse_kind(const std::string& file, const YAML::Node& node) {
  const auto text = scalar_as<std::string>(file, node, "a KPI kind");
  if (text == "gauge") return KpiKind::gauge;
  if (text == "counter") return KpiKind::counter;
  if (text == "state_set") return KpiKind::state_set;
  fail_at(file, node, "unknown KPI kind \"" + text + "\": expected gauge, counter or state_set");
}

KpiAggregation parse_aggregation(const std::string& file, const YAML::Node& node) {
  const auto text = scalar_as<std::string>(file, node, "a platform aggregation");
  if (text == "sum") return KpiAggregation::sum;
  if (text == "avg") return KpiAggregation::avg;
  if (text == "max") return KpiAggregation::max;
  if (text == "none") return KpiAggregation::none;
  fail_at(file, node, "unknown platform aggregation \"" + text + "\": expected sum, avg, max or none");
}

}  // namespace

KpiTable load_kpis(const std::string& file, const YAML::Node& node, const KpiTable& base) {
  if (!node.IsDefined() || node.IsNull()) return base;
  if (!node.IsMap()) fail_at(file, node, "expected a mapping of KPI keys for kpis");

  std::vector<KpiDefinition> rows = base.rows();
  std::vector<bool> removed(rows.size(), false);
  // Where each row's metric was set in this file, to point a clash at the line that made it.
  std::map<std::size_t, YAML::Node> metric_nodes;
  std::set<std::string> seen;
  for (const auto& kv : node) {
    const std::string key = kv.first.Scalar();
    if (!is_kpi_key(key)) {
      fail_at(file, kv.first, "invalid KPI key \"" + key + "\": expected <group>.<field>, e.g. sessions.total");
    }
    if (!seen.insert(key).second) fail_at(file, kv.first, "duplicate KPI key \"" + key + "\"");
    std::optional<std::size_t> index;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].key == key) index = i;
    }
    const YAML::Node value = kv.second;
    if (value.IsNull()) {
      if (!index) fail_at(file, kv.first, "KPI \"" + key + "\" cannot be removed: it is not in the table");
      removed[*index] = true;
      continue;
    }
    if (!value.IsMap()) fail_at(file, value, "expected a mapping for KPI \"" + key + "\"");
    check_keys(file, value, {"metric", "kind", "scale", "unit", "platform", "state_label"});
    if (!index) {
      if (!value["metric"]) fail_at(file, value, "KPI \"" + key + "\" is not in the default table: metric is required");
      KpiDefinition fresh;
      fresh.key = key;
      fresh.metric = scalar_as<std::string>(file, value["metric"], "a metric name");
      fresh.kind = ends_with(fresh.metric, "_total") ? KpiKind::counter : KpiKind::gauge;
      rows.push_back(std::move(fresh));
      removed.push_back(false);
      index = rows.size() - 1;
    }
    KpiDefinition& row = rows[*index];
    if (const YAML::Node m = value["metric"]) {
      row.metric = scalar_as<std::string>(file, m, "a metric name");
      if (!is_valid_metric_name(row.metric)) fail_at(file, m, "invalid metric name \"" + row.metric + "\"");
      metric_nodes[*index] = m;
    }
    if (value["kind"]) row.kind = parse_kind(file, value["kind"]);
    if (const YAML::Node s = value["scale"]) {
      row.scale = scalar_as<double>(file, s, "a number");
      if (!std::isfinite(row.scale) || row.scale == 0) fail_at(file, s, "scale must be a finite number other than 0");
    }
    if (value["unit"]) {
      row.unit = scalar_as<std::string>(file, value["unit"], "a unit");
      if (row.unit.empty()) fail_at(file, value["unit"], "unit is empty");
    }
    if (value["platform"]) row.platform = parse_aggregation(file, value["platform"]);
    if (const YAML::Node l = value["state_label"]) {
      row.state_label = scalar_as<std::string>(file, l, "a label name");
      if (!is_valid_label_name(row.state_label)) fail_at(file, l, "invalid label name \"" + row.state_label + "\"");
    }
    if (row.kind == KpiKind::state_set && row.state_label.empty()) {
      fail_at(file, value, "KPI \"" + key + "\" is a state_set: state_label is required");
    }
    if (row.kind != KpiKind::state_set && !row.state_label.empty()) {
      fail_at(file, value["state_label"] ? value["state_label"] : value,
              "KPI \"" + key + "\": state_label is only for kind state_set");
    }
  }

  std::vector<KpiDefinition> kept;
  std::map<std::string, std::size_t> by_metric;  // metric -> index in rows
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (removed[i]) continue;
    const auto [it, inserted] = by_metric.emplace(rows[i].metric, i);
    if (!inserted) {
      // Blame the row whose metric this file set (the later one when both were).
      const std::size_t blamed = metric_nodes.count(i) ? i : it->second;
      const std::size_t other = blamed == i ? it->second : i;
      const YAML::Node where = metric_nodes.count(blamed) ? metric_nodes.at(blamed) : node;
      fail_at(file, where,
              "metric \"" + rows[i].metric + "\" is already read by KPI \"" + rows[other].key +
                  "\"; each metric maps to one KPI");
    }
    kept.push_back(rows[i]);
  }
  return KpiTable(std::move(kept));
}

}  // namespace twikit::config
