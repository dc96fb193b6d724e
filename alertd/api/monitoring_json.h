#pragma once
// JSON shapes of the monitoring API: alerts (with acknowledgement and history) and silences.

#include <nlohmann/json.hpp>

#include "alertd/persistence/alert_store.h"
#include "alertd/silence/silences.h"

namespace twikit::api {

/// {"id", "fingerprint", "labels", "annotations", "state", "activeAt", "firedAt", "resolvedAt",
///  "updatedAt", "generatorURL", "acknowledged", "acknowledgement"} with RFC 3339 times (null when unset).
nlohmann::json alert_json(const persistence::AlertRecord& r);
/// One history line: {"event", "at", "detail"}.
nlohmann::json history_json(const persistence::HistoryEvent& e);
/// Alertmanager's silence shape: {"id", "matchers":[{name,value,isRegex,isEqual}], "startsAt", "endsAt",
/// "updatedAt", "createdBy", "comment", "status": {"state"}}.
nlohmann::json silence_json(const silence::Silence& s, TimestampMs now);

/// Parses a time given as RFC 3339 or unix seconds (fractions allowed); false when malformed.
bool parse_api_time(const std::string& text, TimestampMs& out);

}  // namespace twikit::api
