#pragma once
// Bodies of alertd's Prometheus-shaped HTTP API that are not about rules: instant query results,
// targets, errors, and the `time` parameter. Pure functions; the HTTP routes live in alertd/app.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "alertd/promql/value.h"
#include "alertd/scrape/scrape_manager.h"
#include "common/clock.h"

namespace twikit::api {

/// Parses Prometheus' time parameter: Unix seconds with an optional fraction, or RFC 3339; nullopt when malformed.
std::optional<TimestampMs> parse_time_param(std::string_view text);

/// Parses Prometheus' step parameter: a duration ("15s") or a number of seconds ("15", "0.5"); nullopt when
/// malformed.
std::optional<std::int64_t> parse_duration_param(std::string_view text);

/// {"status":"success","data":{"resultType":...,"result":...}} for an instant query result, values as
/// strings and timestamps as Unix seconds, exactly as Prometheus' /api/v1/query answers.
std::string query_response_json(const promql::Value& value);

/// {"status":"error","errorType":`type`,"error":`message`}; `type` is Prometheus' ("bad_data", "execution", ...).
std::string error_json(const std::string& type, const std::string& message);

/// {"status":"success","data":{"activeTargets":[...],"droppedTargets":[]}} in Prometheus' shape.
std::string targets_response_json(const std::vector<scrape::TargetStatus>& targets);

}  // namespace twikit::api
