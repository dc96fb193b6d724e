#include "alertd/api/prometheus_api.h"

#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "alertd/rules/api_json.h"
#include "common/duration.h"
#include "common/json_text.h"
#include "common/rfc3339.h"

namespace twikit::api {
namespace {

using nlohmann::json;

json labels_json(const Labels& labels) {
  json out = json::object();
  for (const auto& [name, value] : labels) out[name] = value;
  return out;
}

/// [ <unix seconds as a number>, "<value>" ], the pair Prometheus writes for every sample.
json point_json(TimestampMs t, double v) {
  return json::array({static_cast<double>(t) / 1000.0, promql::format_float(v)});
}

}  // namespace

std::optional<TimestampMs> parse_time_param(std::string_view text) {
  if (text.empty()) return std::nullopt;
  double seconds = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (ec == std::errc() && ptr == text.data() + text.size() && std::isfinite(seconds)) {
    return static_cast<TimestampMs>(std::llround(seconds * 1000.0));
  }
  TimestampMs t = 0;
  if (parse_rfc3339(std::string(text), t)) return t;
  return std::nullopt;
}

std::optional<std::int64_t> parse_duration_param(std::string_view text) {
  if (auto ms = parse_duration_ms(text)) return ms;
  return parse_time_param(text);  // a plain number of seconds, as Prometheus also accepts
}

std::string query_response_json(const promql::Value& value) {
  json data;
  switch (value.type) {
    case promql::ValueType::scalar:
      data["resultType"] = "scalar";
      data["result"] = point_json(value.timestamp, value.scalar);
      break;
    case promql::ValueType::string:
      data["resultType"] = "string";
      data["result"] = json::array({static_cast<double>(value.timestamp) / 1000.0, value.string});
      break;
    case promql::ValueType::matrix: {
      data["resultType"] = "matrix";
      json result = json::array();
      for (const auto& series : value.matrix) {
        json values = json::array();
        for (const auto& p : series.points) values.push_back(point_json(p.t, p.v));
        result.push_back({{"metric", labels_json(series.labels)}, {"values", std::move(values)}});
      }
      data["result"] = std::move(result);
      break;
    }
    case promql::ValueType::vector:
    case promql::ValueType::none: {
      data["resultType"] = "vector";
      json result = json::array();
      for (const auto& s : value.vector) {
        result.push_back({{"metric", labels_json(s.labels)}, {"value", point_json(s.timestamp, s.value)}});
      }
      data["result"] = std::move(result);
      break;
    }
  }
  return safe_dump(json{{"status", "success"}, {"data", std::move(data)}});
}

std::string error_json(const std::string& type, const std::string& message) {
  return safe_dump(json{{"status", "error"}, {"errorType", type}, {"error", message}});
}

std::string targets_response_json(const std::vector<scrape::TargetStatus>& targets) {
  json active = json::array();
  for (const auto& t : targets) {
    Labels discovered = t.target.labels;
    const std::string instance = label_value(t.target.labels, "instance");
    set_label(discovered, "__address__", instance);
    set_label(discovered, "instance", "");
    active.push_back({
        {"discoveredLabels", labels_json(discovered)},
        {"labels", labels_json(t.target.labels)},
        {"scrapePool", t.target.job},
        {"scrapeUrl", t.target.url},
        {"globalUrl", t.target.url},
        {"lastError", t.health.last_error},
        {"lastScrape", rules::rfc3339(t.health.last_scrape_ms)},
        {"lastScrapeDuration", t.health.last_duration_seconds},
        {"health", t.health.health},
        {"scrapeInterval", format_duration_ms(t.target.interval_ms)},
        {"scrapeTimeout", format_duration_ms(t.target.timeout_ms)},
    });
  }
  return safe_dump(json{{"status", "success"},
                        {"data", {{"activeTargets", std::move(active)}, {"droppedTargets", json::array()}}}});
}

}  // namespace twikit::api
