#pragma once
// JSON shapes of the monitoring API: alerts (with acknowledgement and history) and silences.

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "alertd/persistence/alert_store.h"
#include "alertd/silence/silences.h"
#include "common/web_message.h"

namespace twikit::api {

/// {"id", "fingerprint", "labels", "annotations", "state", "activeAt", "firedAt", "resolvedAt",
///  "updatedAt", "generatorURL", "acknowledged", "acknowledgement"} with RFC 3339 times (null when unset);
///  activeAt is Prometheus' (the pending start, as in /api/v1/alerts), firedAt when alertd recorded it firing.
nlohmann::json alert_json(const persistence::AlertRecord& r);
/// One history line: {"event", "at", "detail"}.
nlohmann::json history_json(const persistence::HistoryEvent& e);
/// Alertmanager's silence shape: {"id", "matchers":[{name,value,isRegex,isEqual}], "startsAt", "endsAt",
/// "updatedAt", "createdBy", "comment", "status": {"state"}}.
nlohmann::json silence_json(const silence::Silence& s, TimestampMs now);

/// Parses a time given as RFC 3339 or unix seconds (fractions allowed); false when malformed, not finite or
/// outside the years 0001-9999.
bool parse_api_time(const std::string& text, TimestampMs& out);

/// Whether `text` is well-formed UTF-8 (no overlong forms, surrogates or code points above U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// "invalid parameter \"name\": not valid UTF-8" for the first parameter whose name or value is not UTF-8
/// (the bytes themselves are not quoted: they could not be written into a JSON answer), or nullopt.
std::optional<std::string> invalid_utf8_param(const WebParams& params);

}  // namespace twikit::api
