#pragma once
// RFC 3339 timestamps as Prometheus and Alertmanager write them in JSON ("2026-11-27T07:30:10.382Z").

#include <string>

#include "common/clock.h"

namespace twikit {

/// Formats `t` in UTC with milliseconds only when non-zero; 0 is Go's zero time "0001-01-01T00:00:00Z".
std::string format_rfc3339(TimestampMs t);

/// Parses an RFC 3339 timestamp (any offset, optional fraction) into `out`; false when malformed.
bool parse_rfc3339(const std::string& text, TimestampMs& out);

}  // namespace twikit
