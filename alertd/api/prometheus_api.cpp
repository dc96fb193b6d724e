#include "alertd/api/prometheus_api.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "alertd/promql/engine.h"
#include "alertd/rules/api_json.h"
#include "common/duration.h"
#include "common/go_float.h"
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

// A number as Go's strconv.ParseFloat reads it (common/go_float.h: a leading '+' allowed, overflow gives ±Inf
// and underflow 0; NaN and Inf are returned for the caller to refuse); nullopt when `text` is not one number.
std::optional<double> parse_api_float(std::string_view text) {
  const GoFloat f = twikit::parse_go_float(text);
  if (f.status == GoFloat::Status::invalid) return std::nullopt;
  return f.value;
}

// Prometheus' RFC 3339 spellings of its MinTime and MaxTime (Go's time package writes these years).
constexpr std::string_view kMinTimeText = "-292273086-05-16T16:47:06Z";
constexpr std::string_view kMaxTimeText = "292277025-08-18T07:12:54.999999999Z";

ApiError bad_data(std::string message) { return ApiError{400, "bad_data", std::move(message)}; }

std::string quoted(std::string_view text) { return json(std::string(text)).dump(); }

}  // namespace

std::optional<TimestampMs> parse_time_param(std::string_view text) {
  if (text.empty()) return std::nullopt;
  if (const auto seconds = parse_api_float(text)) {
    // Milliseconds of [MinTime, MaxTime] fit int64 with room to spare: compare before converting.
    if (!std::isfinite(*seconds) || *seconds < static_cast<double>(kMinTimeMs / 1000) ||
        *seconds > static_cast<double>(kMaxTimeMs / 1000)) {
      return std::nullopt;
    }
    return std::clamp(static_cast<TimestampMs>(std::llround(*seconds * 1000.0)), kMinTimeMs, kMaxTimeMs);
  }
  if (text == kMinTimeText) return kMinTimeMs;
  if (text == kMaxTimeText) return kMaxTimeMs;
  TimestampMs t = 0;
  if (parse_rfc3339(std::string(text), t)) return t;
  return std::nullopt;
}

std::optional<std::int64_t> parse_duration_param(std::string_view text) {
  if (const auto seconds = parse_api_float(text)) {
    // Prometheus keeps nanoseconds in an int64 and refuses what does not fit ("It overflows int64").
    if (!std::isfinite(*seconds) || std::fabs(*seconds) * 1e9 >= 9.223372036854775807e18) return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*seconds * 1000.0));
  }
  return parse_duration_ms(text);
}

std::variant<TimestampMs, ApiError> query_time(std::string_view text, TimestampMs now) {
  if (text.empty()) return now;
  if (const auto t = parse_time_param(text)) return *t;
  return bad_data("invalid parameter \"time\": invalid time value for 'time': cannot parse " + quoted(text) +
                  " to a valid timestamp");
}

std::variant<RangeParams, ApiError> range_params(std::string_view start, std::string_view end, std::string_view step) {
  RangeParams p;
  const auto s = parse_time_param(start);
  if (!s) return bad_data("invalid parameter \"start\": cannot parse " + quoted(start) + " to a valid timestamp");
  const auto e = parse_time_param(end);
  if (!e) return bad_data("invalid parameter \"end\": cannot parse " + quoted(end) + " to a valid timestamp");
  if (*e < *s) return bad_data("invalid parameter \"end\": end timestamp must not be before start time");
  const auto st = parse_duration_param(step);
  if (!st) {
    const auto seconds = parse_api_float(step);
    return bad_data("invalid parameter \"step\": cannot parse " + quoted(step) + " to a valid duration" +
                    (seconds && !std::isnan(*seconds) ? ". It overflows int64" : ""));
  }
  if (*st <= 0) {
    return bad_data("invalid parameter \"step\": zero or negative query resolution step widths are not accepted. "
                    "Try a positive integer");
  }
  // end - start is at most kMaxTimeMs - kMinTimeMs, which needs 65 bits: the difference is taken unsigned.
  const std::uint64_t span = static_cast<std::uint64_t>(*e) - static_cast<std::uint64_t>(*s);
  if (span / static_cast<std::uint64_t>(*st) > promql::kMaxRangeSteps) {
    return bad_data("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query "
                    "resolution (?step=XX)");
  }
  p.start = *s;
  p.end = *e;
  p.step_ms = *st;
  return p;
}

ApiError evaluation_error(const std::exception& error) {
  if (dynamic_cast<const promql::QueryTimeoutError*>(&error) != nullptr) return ApiError{503, "timeout", error.what()};
  return ApiError{422, "execution", error.what()};
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
