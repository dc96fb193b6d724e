#pragma once
// The /health document: overall and per-component health, from the latest collection.

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "exporter/collector.h"

namespace twikit::exporter {

/// A component's health: "unhealthy" when down or reporting unhealthy, "degraded" when it says so.
std::string component_status(const TargetStatus& target);

/// Overall health: "healthy" when every component is, "unhealthy" when none is healthy or degraded,
/// "degraded" otherwise; "unhealthy" before the first collection (`snapshot` null).
std::string overall_status(const Snapshot* snapshot);

/// The JSON body of GET /health at time `now`.
nlohmann::json health_document(const Snapshot* snapshot, TimestampMs now);

}  // namespace twikit::exporter
