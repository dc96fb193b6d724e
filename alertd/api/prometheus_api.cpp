#include "alertd/api/prometheus_api.h"

#include <charconv>
#include <cmath>
#include <ctime>

#include <nlohmann/json.hpp>

#include "alertd/rules/api_json.h"
#include "common/duration.h"

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
  // RFC 3339: 2006-01-02T15:04:05[.fraction](Z|±hh:mm)
  int year, mon, day, hour, min, sec;
  char tail[64] = {};
  const std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%63s", &year, &mon, &day, &hour, &min, &sec, tail) < 6) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  TimestampMs ms = static_cast<TimestampMs>(timegm(&tm)) * 1000;
  std::string_view rest(tail);
  if (!rest.empty() && rest[0] == '.') {
    std::size_t i = 1;
    double scale = 100;
    while (i < rest.size() && rest[i] >= '0' && rest[i] <= '9') {
      ms += static_cast<TimestampMs>((rest[i] - '0') * scale);
      scale /= 10;
      ++i;
    }
    rest.remove_prefix(i);
  }
  if (rest == "Z" || rest == "z") return ms;
  if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':') {
    const int oh = (rest[1] - '0') * 10 + (rest[2] - '0');
    const int om = (rest[4] - '0') * 10 + (rest[5] - '0');
    const TimestampMs offset = (oh * 60 + om) * 60'000LL;
    return rest[0] == '+' ? ms - offset : ms + offset;
  }
  return std::nullopt;
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
  return json{{"status", "success"}, {"data", std::move(data)}}.dump();
}

std::string error_json(const std::string& type, const std::string& message) {
  return json{{"status", "error"}, {"errorType", type}, {"error", message}}.dump();
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
  return json{{"status", "success"},
              {"data", {{"activeTargets", std::move(active)}, {"droppedTargets", json::array()}}}}
      .dump();
}

}  // namespace twikit::api
