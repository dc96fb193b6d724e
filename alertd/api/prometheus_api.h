#pragma once
// Bodies of alertd's Prometheus-shaped HTTP API that are not about rules: instant query results,
// targets, errors, and the `time` parameter. Pure functions; the HTTP routes live in alertd/app.

#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "alertd/promql/value.h"
#include "alertd/scrape/scrape_manager.h"
#include "common/clock.h"

namespace twikit::api {

/// Prometheus' earliest time (`MinTime` of its API, about 292 million years BC), in milliseconds.
inline constexpr TimestampMs kMinTimeMs = -9'223'309'901'257'974'000;
/// Prometheus' latest time (`MaxTime`), in milliseconds.
inline constexpr TimestampMs kMaxTimeMs = 9'223'309'901'257'974'999;

/// An answer of the API other than success: the HTTP status, Prometheus' errorType and the message.
struct ApiError {
  int status = 400;              ///< 400 bad_data, 422 execution, 503 timeout.
  std::string type = "bad_data"; ///< Prometheus' errorType.
  std::string message;           ///< The "error" field.
};

/// Parses Prometheus' time parameter: Unix seconds with an optional fraction (rounded to milliseconds) or
/// RFC 3339, between kMinTimeMs and kMaxTimeMs (also accepted in Prometheus' own RFC 3339 spellings of
/// them); nullopt when malformed, NaN, infinite or out of that range.
std::optional<TimestampMs> parse_time_param(std::string_view text);

/// Parses Prometheus' step/timeout parameter: a duration ("15s") or a number of seconds ("15", "0.5"),
/// in milliseconds; nullopt when malformed, NaN, infinite or beyond int64 nanoseconds (as Prometheus).
std::optional<std::int64_t> parse_duration_param(std::string_view text);

/// The evaluation time of /api/v1/query: `now` when `text` is empty, else parse_time_param's, else
/// Prometheus' 400 ("invalid parameter \"time\": invalid time value for 'time': cannot parse ...").
std::variant<TimestampMs, ApiError> query_time(std::string_view text, TimestampMs now);

/// The checked start, end and step of /api/v1/query_range.
struct RangeParams {
  TimestampMs start = 0;     ///< First evaluation time.
  TimestampMs end = 0;       ///< Last evaluation time (>= start).
  std::int64_t step_ms = 0;  ///< Resolution (> 0); at most 11,000 steps from start to end.
};

/// Checks query_range's parameters in Prometheus' order and with its messages (start, end, end before start,
/// step, step <= 0, more than 11,000 points per series); any start and end Prometheus accepts is safe
/// (end - start is computed without overflow).
std::variant<RangeParams, ApiError> range_params(std::string_view start, std::string_view end, std::string_view step);

/// The answer for a query whose evaluation failed: QueryTimeoutError is 503 "timeout", every other
/// error 422 "execution", as Prometheus' returnAPIError maps them.
ApiError evaluation_error(const std::exception& error);

/// {"status":"success","data":{"resultType":...,"result":...}} for an instant query result, values as
/// strings and timestamps as Unix seconds, exactly as Prometheus' /api/v1/query answers.
std::string query_response_json(const promql::Value& value);

/// {"status":"error","errorType":`type`,"error":`message`}; `type` is Prometheus' ("bad_data", "execution", ...).
std::string error_json(const std::string& type, const std::string& message);

/// {"status":"success","data":{"activeTargets":[...],"droppedTargets":[]}} in Prometheus' shape.
std::string targets_response_json(const std::vector<scrape::TargetStatus>& targets);

}  // namespace twikit::api
