#pragma once
// Prometheus durations for the notification side: the project's one implementation, common/duration.h.

#include "common/duration.h"

namespace twikit::notify {

/// Parses a Prometheus duration into milliseconds (see twikit::parse_duration_ms).
using twikit::parse_duration_ms;
/// Formats milliseconds as Prometheus prints durations (see twikit::format_duration_ms).
using twikit::format_duration_ms;

}  // namespace twikit::notify
