#include "alertd/rules_api/rule_forms.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <regex>
#include <set>

#include "common/duration.h"
#include "common/labels.h"

namespace twikit::rules_api {
namespace {

struct Condition {
  const char* name;
  const char* op;
};
constexpr Condition kConditions[] = {{"gt", ">"}, {"gte", ">="}, {"lt", "<"}, {"lte", "<="}, {"eq", "=="}, {"ne", "!="}};
const std::set<std::string> kSeverities = {"critical", "error", "warning", "info"};

/// The shortest text that reads back as `v` ("0.95", "1e+20").
std::string number_text(double v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

const nlohmann::json* field(const nlohmann::json& body, const char* name) {
  const auto it = body.find(name);
  return it == body.end() || it->is_null() ? nullptr : &*it;
}

std::optional<FormError> read_string(const nlohmann::json& body, const char* name, std::string& out) {
  const nlohmann::json* v = field(body, name);
  if (!v) return std::nullopt;
  if (!v->is_string()) return FormError{std::string(name) + " must be a string", name};
  out = v->get<std::string>();
  return std::nullopt;
}

/// A Prometheus duration string, or (when `minutes_number`) a number of minutes.
std::optional<FormError> read_duration(const nlohmann::json& body, const char* name, bool minutes_number,
                                       std::int64_t& out) {
  const nlohmann::json* v = field(body, name);
  if (!v) return std::nullopt;
  if (minutes_number && v->is_number()) {
    const double minutes = v->get<double>();
    if (!std::isfinite(minutes) || minutes < 0 || minutes > 1e9) {
      return FormError{std::string(name) + " must be a number of minutes from 0", name};
    }
    out = static_cast<std::int64_t>(std::llround(minutes * 60'000));
    return std::nullopt;
  }
  if (!v->is_string()) {
    return FormError{std::string(name) + (minutes_number ? " must be minutes or a duration such as \"5m\""
                                                         : " must be a duration such as \"5m\""),
                     name};
  }
  const auto ms = parse_duration_ms(v->get<std::string>());
  if (!ms) return FormError{"invalid " + std::string(name) + " \"" + v->get<std::string>() + "\": not a Prometheus duration", name};
  out = *ms;
  return std::nullopt;
}

std::optional<FormError> read_map(const nlohmann::json& body, const char* name, Labels& out) {
  const nlohmann::json* v = field(body, name);
  if (!v) return std::nullopt;
  if (!v->is_object()) return FormError{std::string(name) + " must be an object of strings", name};
  std::vector<Label> labels;
  for (const auto& [k, value] : v->items()) {
    if (!value.is_string()) return FormError{std::string(name) + "." + k + " must be a string", name};
    labels.emplace_back(k, value.get<std::string>());
  }
  out = make_labels(std::move(labels));
  return std::nullopt;
}

std::optional<FormError> read_list(const nlohmann::json& body, const char* name, std::vector<std::string>& out) {
  const nlohmann::json* v = field(body, name);
  if (!v) return std::nullopt;
  if (!v->is_array()) return FormError{std::string(name) + " must be a list of strings", name};
  for (const auto& item : *v) {
    if (!item.is_string()) return FormError{std::string(name) + " must be a list of strings", name};
    const std::string s = item.get<std::string>();
    if (s.empty() || s.find(',') != std::string::npos) {
      return FormError{std::string(name) + " entries must be non-empty and hold no comma", name};
    }
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  }
  return std::nullopt;
}

std::optional<FormError> read_common(const nlohmann::json& body, RuleInput& in) {
  if (auto e = read_string(body, "group", in.group)) return e;
  if (in.group.empty()) in.group = kDefaultGroup;
  if (auto e = read_string(body, "by", in.by)) return e;
  if (const nlohmann::json* v = field(body, "enabled")) {
    if (!v->is_boolean()) return FormError{"enabled must be true or false", "enabled"};
    in.enabled = v->get<bool>();
  }
  return std::nullopt;
}

std::variant<RuleInput, FormError> parse_prometheus(const nlohmann::json& body) {
  RuleInput in;
  if (auto e = read_common(body, in)) return *e;
  for (const auto& [key, value] : body.items()) {
    static const std::set<std::string> known = {"group", "alert", "expr", "for", "keep_firing_for", "labels",
                                                "annotations", "enabled", "by", "id"};
    if (!known.count(key)) return FormError{"unknown field \"" + key + "\" in a rule of Prometheus' form", key};
  }
  if (auto e = read_string(body, "alert", in.rule.alert)) return *e;
  if (in.rule.alert.empty()) return FormError{"alert must be set", "alert"};
  if (auto e = read_string(body, "expr", in.rule.expr)) return *e;
  if (auto e = read_duration(body, "for", false, in.rule.for_ms)) return *e;
  if (auto e = read_duration(body, "keep_firing_for", false, in.rule.keep_firing_for_ms)) return *e;
  if (auto e = read_map(body, "labels", in.rule.labels)) return *e;
  if (auto e = read_map(body, "annotations", in.rule.annotations)) return *e;
  return in;
}

std::variant<RuleInput, FormError> parse_seed(const nlohmann::json& body, const config::KpiTable& kpis) {
  RuleInput in;
  if (auto e = read_common(body, in)) return *e;
  for (const auto& [key, value] : body.items()) {
    static const std::set<std::string> known = {"name", "description", "metric", "condition", "threshold",
                                                "severity", "duration", "enabled", "tags", "channels",
                                                "group", "by", "id"};
    if (!known.count(key)) return FormError{"unknown field \"" + key + "\" in a rule of the seed's form", key};
  }
  if (auto e = read_string(body, "name", in.rule.alert)) return *e;
  if (in.rule.alert.empty()) return FormError{"name must be set", "name"};
  std::string metric;
  if (auto e = read_string(body, "metric", metric)) return *e;
  if (metric.empty()) return FormError{"metric must be a metric name or a KPI key such as sessions.successRate", "metric"};
  std::string condition = "gt";
  if (auto e = read_string(body, "condition", condition)) return *e;
  const char* op = nullptr;
  for (const auto& c : kConditions) {
    if (condition == c.name) op = c.op;
  }
  if (!op) return FormError{"condition must be one of gt, gte, lt, lte, eq, ne", "condition"};
  const nlohmann::json* threshold = field(body, "threshold");
  if (!threshold || !threshold->is_number() || !std::isfinite(threshold->get<double>())) {
    return FormError{"threshold must be a number", "threshold"};
  }
  std::string severity = "warning";
  if (auto e = read_string(body, "severity", severity)) return *e;
  if (!kSeverities.count(severity)) return FormError{"severity must be one of critical, error, warning, info", "severity"};
  if (auto e = read_duration(body, "duration", true, in.rule.for_ms)) return *e;
  std::vector<std::string> tags, channels;
  if (auto e = read_list(body, "tags", tags)) return *e;
  if (auto e = read_list(body, "channels", channels)) return *e;
  std::string description;
  if (auto e = read_string(body, "description", description)) return *e;

  // A KPI key reads its metric; a scaled KPI (a ratio shown as percent) compares in the seed's units.
  std::string lhs = metric;
  if (const config::KpiDefinition* kpi = kpis.by_key(metric)) {
    if (kpi->kind == config::KpiKind::state_set) {
      return FormError{"KPI " + metric + " is a state set; write its rule in Prometheus' form", "metric"};
    }
    lhs = kpi->metric;
    if (kpi->scale != 1) lhs += " * " + number_text(kpi->scale);
  }
  in.rule.expr = lhs + " " + op + " " + number_text(threshold->get<double>());
  std::vector<Label> labels = {{"severity", severity}};
  auto join = [](const std::vector<std::string>& items) {
    std::string s;
    for (const auto& i : items) s += (s.empty() ? "" : ",") + i;
    return s;
  };
  if (!tags.empty()) labels.emplace_back(kTagsLabel, join(tags));
  if (!channels.empty()) labels.emplace_back(kChannelsLabel, join(channels));
  in.rule.labels = make_labels(std::move(labels));
  std::vector<Label> annotations = {{"summary", in.rule.alert}};
  if (!description.empty()) annotations.emplace_back("description", description);
  in.rule.annotations = make_labels(std::move(annotations));
  return in;
}

nlohmann::ordered_json labels_json(const Labels& labels) {
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  for (const auto& [k, v] : labels) out[k] = v;
  return out;
}

nlohmann::ordered_json split_list(const std::string& s) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  std::size_t start = 0;
  while (!s.empty() && start <= s.size()) {
    const std::size_t comma = s.find(',', start);
    const std::string item = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::variant<RuleInput, FormError> parse_rule_body(const nlohmann::json& body, const config::KpiTable& kpis) {
  if (!body.is_object()) return FormError{"the body must be a JSON object", ""};
  if (body.contains("alert") || body.contains("expr")) return parse_prometheus(body);
  return parse_seed(body, kpis);
}

nlohmann::ordered_json prometheus_form(const std::string& group, const rules::RuleSpec& rule) {
  nlohmann::ordered_json out;
  out["group"] = group;
  if (rule.is_alert()) {
    out["alert"] = rule.alert;
  } else {
    out["record"] = rule.record;
  }
  out["expr"] = rule.expr;
  if (rule.is_alert()) {
    out["for"] = format_duration_ms(rule.for_ms);
    out["keep_firing_for"] = format_duration_ms(rule.keep_firing_for_ms);
  }
  out["labels"] = labels_json(rule.labels);
  if (rule.is_alert()) out["annotations"] = labels_json(rule.annotations);
  return out;
}

nlohmann::ordered_json seed_form(const std::string& group, const rules::RuleSpec& rule, bool enabled,
                                 const config::KpiTable& kpis) {
  nlohmann::ordered_json out;
  out["group"] = group;
  out["name"] = rule.name();
  out["description"] = label_value(rule.annotations, "description");
  static const std::regex shape(R"(^([a-zA-Z_:][a-zA-Z0-9_:]*)(?: \* ([0-9.eE+-]+))? (>|>=|<|<=|==|!=) (-?[0-9.eE+-]+|[+-]?Inf)$)");
  std::smatch m;
  nlohmann::ordered_json metric = nullptr, condition = nullptr, threshold = nullptr;
  if (std::regex_match(rule.expr, m, shape)) {
    const std::string name = m[1].str();
    const config::KpiDefinition* kpi = kpis.by_metric(name);
    const bool scaled = m[2].matched;
    double scale = 1;
    bool ok = true;
    if (scaled) {
      const std::string s = m[2].str();
      ok = std::from_chars(s.data(), s.data() + s.size(), scale).ec == std::errc();
    }
    double value = 0;
    const std::string t = m[4].str();
    ok = ok && std::from_chars(t.data(), t.data() + t.size(), value).ec == std::errc();
    if (ok && (!scaled || (kpi && kpi->scale == scale))) {
      metric = scaled ? kpi->key : name;
      for (const auto& c : kConditions) {
        if (m[3].str() == c.op) condition = c.name;
      }
      threshold = value;
    }
  }
  out["metric"] = metric;
  out["condition"] = condition;
  out["threshold"] = threshold;
  const std::string& severity = label_value(rule.labels, "severity");
  out["severity"] = severity.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(severity);
  out["duration"] = static_cast<double>(rule.for_ms) / 60'000.0;
  out["enabled"] = enabled;
  out["tags"] = split_list(label_value(rule.labels, kTagsLabel));
  out["channels"] = split_list(label_value(rule.labels, kChannelsLabel));
  return out;
}

}  // namespace twikit::rules_api
