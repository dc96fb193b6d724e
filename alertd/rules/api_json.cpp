#include "alertd/rules/api_json.h"

#include "common/rfc3339.h"
#include "common/json_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

#include <nlohmann/json.hpp>

namespace twikit::rules {

namespace {

using Json = nlohmann::ordered_json;

Json labels_json(const Labels& labels) {
  Json j = Json::object();
  for (const auto& [k, v] : labels) j[k] = v;
  return j;
}

// Go's encoding/json writes integral floats without a fraction ("60", not "60.0").
Json number_json(double v) {
  if (std::isfinite(v) && std::trunc(v) == v && std::fabs(v) < 1e15) return Json(static_cast<std::int64_t>(v));
  return Json(v);
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  if (list.empty()) return true;
  for (const auto& x : list) {
    if (x == s) return true;
  }
  return false;
}

Json alert_json(const Alert& a) {
  Json j;
  j["labels"] = labels_json(a.labels);
  j["annotations"] = labels_json(a.annotations);
  j["state"] = alert_state_name(a.state);
  if (a.active_at != 0) j["activeAt"] = rfc3339(a.active_at);
  if (a.keep_firing_since != 0) j["keepFiringSince"] = rfc3339(a.keep_firing_since);
  j["value"] = format_value_e(a.value);
  return j;
}

Json rule_json(const RuleSnapshot& r, bool exclude_alerts) {
  Json j;
  if (r.alerting) {
    j["state"] = alert_state_name(r.state);
    j["name"] = r.name;
    j["query"] = r.query;
    j["duration"] = number_json(static_cast<double>(r.for_ms) / 1000.0);
    j["keepFiringFor"] = number_json(static_cast<double>(r.keep_firing_for_ms) / 1000.0);
    j["labels"] = labels_json(r.labels);
    j["annotations"] = labels_json(r.annotations);
    if (!exclude_alerts) {
      Json alerts = Json::array();
      for (const auto& a : r.alerts) {
        if (a.state != AlertState::inactive) alerts.push_back(alert_json(a));
      }
      j["alerts"] = alerts;
    }
  } else {
    j["name"] = r.name;
    j["query"] = r.query;
    if (!r.labels.empty()) j["labels"] = labels_json(r.labels);
  }
  j["health"] = rule_health_name(r.health);
  if (!r.last_error.empty()) j["lastError"] = r.last_error;
  j["evaluationTime"] = number_json(r.evaluation_seconds);
  j["lastEvaluation"] = rfc3339(r.last_evaluation);
  j["type"] = r.alerting ? "alerting" : "recording";
  return j;
}

}  // namespace

std::string rfc3339(TimestampMs t) { return format_rfc3339(t); }

std::string format_value_e(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, res.ptr);  // "1e+00", "2.5e-01", "1.5e+100"
  const std::size_t e = s.find('e');
  std::string exp = s.substr(e + 2);
  if (exp.size() < 2) exp = "0" + exp;
  return s.substr(0, e + 2) + exp;
}

std::string rules_response_json(const std::vector<GroupSnapshot>& groups, const RulesFilter& filter) {
  Json out_groups = Json::array();
  for (const auto& g : groups) {
    if (!contains(filter.group_names, g.name) || !contains(filter.files, g.file)) continue;
    Json rules = Json::array();
    for (const auto& r : g.rules) {
      if (filter.type == "alert" && !r.alerting) continue;
      if (filter.type == "record" && r.alerting) continue;
      if (!contains(filter.rule_names, r.name)) continue;
      rules.push_back(rule_json(r, filter.exclude_alerts));
    }
    // Prometheus leaves out groups that filtering emptied (but keeps genuinely empty groups).
    const bool filtering = !filter.type.empty() || !filter.rule_names.empty();
    if (filtering && rules.empty()) continue;
    Json j;
    j["name"] = g.name;
    j["file"] = g.file;
    j["rules"] = rules;
    j["interval"] = number_json(static_cast<double>(g.interval_ms) / 1000.0);
    j["limit"] = g.limit;
    j["evaluationTime"] = number_json(g.evaluation_seconds);
    j["lastEvaluation"] = rfc3339(g.last_evaluation);
    out_groups.push_back(std::move(j));
  }
  Json body;
  body["status"] = "success";
  body["data"] = Json{{"groups", out_groups}};
  return safe_dump(body);
}

std::string alerts_response_json(const std::vector<Alert>& alerts) {
  Json list = Json::array();
  for (const auto& a : alerts) {
    if (a.state != AlertState::inactive) list.push_back(alert_json(a));
  }
  Json body;
  body["status"] = "success";
  body["data"] = Json{{"alerts", list}};
  return safe_dump(body);
}

}  // namespace twikit::rules
