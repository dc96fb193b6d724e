#include "alertd/rules/rule_file.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "alertd/rules/alert_template.h"
#include "common/duration.h"
#include "common/yaml_errors.h"

namespace twikit::rules {

namespace {

FilePosition position_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

// Builds one rule file; structural problems (YAML, types, unknown fields) are collected first and,
// as with Prometheus' strict unmarshalling, stop the semantic checks.
class Loader {
 public:
  Loader(const std::string& path, const ExprChecker& check_expr, bool ignore_unknown)
      : check_expr_(check_expr), ignore_unknown_(ignore_unknown) {
    out_.path = path;
  }

  RuleFile run(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      error({e.mark.line + 1, e.mark.column + 1}, "yaml: " + e.msg);
      return std::move(out_);
    }
    if (const auto dup = find_duplicate_key(root)) {
      // promtool: "yaml: unmarshal errors:\n  line 6: mapping key "expr" already defined at line 5".
      error(position_of(dup->key), "yaml: unmarshal errors: mapping key \"" + dup->name + "\" already defined at line " +
                                       std::to_string(dup->first_line));
      return std::move(out_);
    }
    if (root.IsNull()) return std::move(out_);
    if (!root.IsMap()) {
      error(position_of(root), "yaml: unmarshal errors: cannot unmarshal " + kind(root) + " into rulefmt.RuleGroups");
      return std::move(out_);
    }
    check_fields(root, {"groups"}, "rulefmt.RuleGroups");
    const YAML::Node groups = root["groups"];
    if (groups && !groups.IsNull()) {
      if (!groups.IsSequence()) {
        error(position_of(groups),
              "yaml: unmarshal errors: cannot unmarshal " + kind(groups) + " into []rulefmt.RuleGroup");
      } else {
        for (const auto& g : groups) out_.groups.push_back(parse_group(g));
      }
    }
    if (out_.errors.empty()) validate();
    return std::move(out_);
  }

 private:
  static std::string kind(const YAML::Node& n) {
    if (n.IsSequence()) return "!!seq";
    if (n.IsMap()) return "!!map";
    return "!!str `" + (n.IsScalar() ? n.Scalar() : std::string()) + "`";
  }

  void error(FilePosition pos, std::string message) { out_.errors.push_back({out_.path, pos, std::move(message)}); }

  void check_fields(const YAML::Node& map, std::initializer_list<const char*> allowed, const char* type) {
    if (ignore_unknown_) return;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (std::none_of(allowed.begin(), allowed.end(), [&](const char* a) { return key == a; })) {
        error(position_of(it->first), "field " + key + " not found in type " + type);
      }
    }
  }

  std::string scalar(const YAML::Node& n, const char* what) {
    if (!n || n.IsNull()) return {};
    if (!n.IsScalar()) {
      error(position_of(n), std::string("yaml: unmarshal errors: cannot unmarshal ") + kind(n) + " into " + what);
      return {};
    }
    return n.Scalar();
  }

  std::int64_t duration(const YAML::Node& n) {
    const std::string text = scalar(n, "model.Duration");
    if (text.empty()) return 0;
    const auto ms = twikit::parse_duration_ms(text);
    if (!ms) {
      error(position_of(n), "not a valid duration string: \"" + text + "\"");
      return 0;
    }
    return *ms;
  }

  // A string map kept in file order (validation reports in that order); returned sorted.
  Labels string_map(const YAML::Node& n, const char* what, std::vector<std::pair<std::string, FilePosition>>* order) {
    std::vector<Label> items;
    if (!n || n.IsNull()) return {};
    if (!n.IsMap()) {
      error(position_of(n), std::string("yaml: unmarshal errors: cannot unmarshal ") + kind(n) + " into " + what);
      return {};
    }
    for (auto it = n.begin(); it != n.end(); ++it) {
      const std::string key = it->first.Scalar();
      const std::string value = scalar(it->second, "string");
      items.emplace_back(key, value);
      if (order) order->emplace_back(key, position_of(it->second.IsNull() ? it->first : it->second));
    }
    return make_labels(std::move(items));
  }

  GroupSpec parse_group(const YAML::Node& g) {
    GroupSpec group;
    group.file = out_.path;
    group.position = position_of(g);
    if (!g.IsMap()) {
      error(position_of(g), "yaml: unmarshal errors: cannot unmarshal " + kind(g) + " into rulefmt.RuleGroup");
      return group;
    }
    check_fields(g, {"name", "interval", "query_offset", "limit", "labels", "rules"}, "rulefmt.RuleGroup");
    group.name = scalar(g["name"], "string");
    name_positions_.push_back(g["name"] ? position_of(g["name"]) : position_of(g));
    group.interval_ms = duration(g["interval"]);
    group.query_offset_ms = duration(g["query_offset"]);
    if (g["limit"] && !g["limit"].IsNull()) {
      try {
        group.limit = g["limit"].as<std::int64_t>();
      } catch (const YAML::Exception&) {
        error(position_of(g["limit"]), "yaml: unmarshal errors: cannot unmarshal " + kind(g["limit"]) + " into int");
      }
    }
    group_label_order_.emplace_back();
    group.labels = string_map(g["labels"], "map[string]string", &group_label_order_.back());
    const YAML::Node rules = g["rules"];
    rule_nodes_.emplace_back();
    if (rules && !rules.IsNull()) {
      if (!rules.IsSequence()) {
        error(position_of(rules),
              "yaml: unmarshal errors: cannot unmarshal " + kind(rules) + " into []rulefmt.RuleNode");
      } else {
        for (const auto& r : rules) {
          group.rules.push_back(parse_rule(r));
          rule_nodes_.back().push_back(r);
        }
      }
    }
    return group;
  }

  RuleSpec parse_rule(const YAML::Node& r) {
    RuleSpec rule;
    rule.position = position_of(r);
    if (!r.IsMap()) {
      error(position_of(r), "yaml: unmarshal errors: cannot unmarshal " + kind(r) + " into rulefmt.RuleNode");
      return rule;
    }
    check_fields(r, {"record", "alert", "expr", "for", "keep_firing_for", "labels", "annotations"}, "rulefmt.Rule");
    rule.record = scalar(r["record"], "string");
    rule.alert = scalar(r["alert"], "string");
    rule.expr = scalar(r["expr"], "string");
    rule.expr_position = r["expr"] ? position_of(r["expr"]) : rule.position;
    rule.for_ms = duration(r["for"]);
    rule.keep_firing_for_ms = duration(r["keep_firing_for"]);
    rule.labels = string_map(r["labels"], "map[string]string", nullptr);
    rule.annotations = string_map(r["annotations"], "map[string]string", nullptr);
    return rule;
  }

  // The semantic checks of Prometheus' RuleGroups.Validate, in its order.
  void validate() {
    std::set<std::string> seen;
    for (std::size_t gi = 0; gi < out_.groups.size(); ++gi) {
      const GroupSpec& g = out_.groups[gi];
      if (g.name.empty()) error(name_positions_[gi], "Groupname must not be empty");
      if (!seen.insert(g.name).second) {
        error(name_positions_[gi], "groupname: \"" + g.name + "\" is repeated in the same file");
      }
      for (const auto& [name, pos] : group_label_order_[gi]) {
        if (!is_valid_label_name(name) || name == "__name__")
          error(pos, "group \"" + g.name + "\": invalid label name: " + name);
      }
      for (std::size_t ri = 0; ri < g.rules.size(); ++ri) validate_rule(g, ri, rule_nodes_[gi][ri]);
    }
  }

  void validate_rule(const GroupSpec& g, std::size_t index, const YAML::Node& node) {
    const RuleSpec& r = g.rules[index];
    const std::string prefix =
        "group \"" + g.name + "\", rule " + std::to_string(index + 1) + ", \"" + r.name() + "\": ";
    auto at = [&](const char* key) { return node[key] ? position_of(node[key]) : r.position; };
    if (!r.record.empty() && !r.alert.empty())
      error(at("record"), prefix + "only one of 'record' and 'alert' must be set");
    if (r.record.empty() && r.alert.empty()) error(r.position, prefix + "one of 'record' or 'alert' must be set");
    if (r.expr.empty()) {
      error(at("expr"), prefix + "field 'expr' must be set in rule");
    } else if (check_expr_) {
      if (auto problem = check_expr_(r.expr)) error(at("expr"), prefix + "could not parse expression: " + *problem);
    }
    if (!r.record.empty()) {
      if (!r.annotations.empty()) error(at("record"), prefix + "invalid field 'annotations' in recording rule");
      if (r.for_ms != 0) error(at("record"), prefix + "invalid field 'for' in recording rule");
      if (r.keep_firing_for_ms != 0) error(at("record"), prefix + "invalid field 'keep_firing_for' in recording rule");
      if (!is_valid_metric_name(r.record)) error(at("record"), prefix + "invalid recording rule name: " + r.record);
    }
    const YAML::Node labels = node["labels"];
    const YAML::Node annotations = node["annotations"];
    auto value_pos = [&](const YAML::Node& map, const std::string& key) {
      return map && map[key] ? position_of(map[key]) : r.position;
    };
    for (auto it = labels.begin(); labels && it != labels.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (!is_valid_label_name(key) || key == "__name__")
        error(position_of(it->first), prefix + "invalid label name: " + key);
    }
    for (auto it = annotations.begin(); annotations && it != annotations.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (!is_valid_label_name(key)) error(position_of(it->first), prefix + "invalid annotation name: " + key);
    }
    if (r.alert.empty()) return;
    // Templates of labels and annotations must parse (undefined variables and functions included).
    for (auto it = labels.begin(); labels && it != labels.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (auto problem = check_alert_template(r.alert, it->second.Scalar())) {
        error(value_pos(labels, key), prefix + "label \"" + key + "\": " + *problem);
      }
    }
    for (auto it = annotations.begin(); annotations && it != annotations.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (auto problem = check_alert_template(r.alert, it->second.Scalar())) {
        error(value_pos(annotations, key), prefix + "annotation \"" + key + "\": " + *problem);
      }
    }
  }

  const ExprChecker& check_expr_;
  bool ignore_unknown_;
  RuleFile out_;
  std::vector<FilePosition> name_positions_;
  std::vector<std::vector<std::pair<std::string, FilePosition>>> group_label_order_;
  std::vector<std::vector<YAML::Node>> rule_nodes_;
};

}  // namespace

std::string RuleFileError::to_string() const {
  if (position.line <= 0) return file + ": " + message;
  return file + ":" + std::to_string(position.line) + ":" + std::to_string(position.column) + ": " + message;
}

RuleFile parse_rule_file(const std::string& path, const std::string& text, const ExprChecker& check_expr,
                         bool ignore_unknown_fields) {
  Loader loader(path, check_expr, ignore_unknown_fields);
  return loader.run(text);
}

RuleFile load_rule_file(const std::string& path, const ExprChecker& check_expr, bool ignore_unknown_fields) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    RuleFile out;
    out.path = path;
    out.errors.push_back({path, {}, "open " + path + ": no such file or directory"});
    return out;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_rule_file(path, text.str(), check_expr, ignore_unknown_fields);
}

std::vector<std::string> lint_duplicate_rules(const RuleFile& file) {
  std::vector<std::pair<std::string, Labels>> all;
  for (const auto& g : file.groups) {
    for (const auto& r : g.rules) all.emplace_back(r.name(), r.labels);
  }
  std::sort(all.begin(), all.end());
  std::vector<std::string> out;
  const std::pair<std::string, Labels>* last_dup = nullptr;
  for (std::size_t i = 1; i < all.size(); ++i) {
    if (all[i] == all[i - 1] && (last_dup == nullptr || *last_dup != all[i])) {
      std::string msg = "Metric: " + all[i].first + "\nLabel(s):\n";
      for (const auto& [k, v] : all[i].second) msg += "\t" + k + ": " + v + "\n";
      out.push_back(msg);
      last_dup = &all[i];
    }
  }
  return out;
}

}  // namespace twikit::rules
