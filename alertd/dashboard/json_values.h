#pragma once
// How the monitoring documents write numbers, times and absent values.

#include <optional>

#include <nlohmann/json.hpp>

#include "common/clock.h"

namespace twikit::dashboard {

/// The documents' JSON type: keys stay in the order they were written.
using Json = nlohmann::ordered_json;

/// A number: null when absent or not finite, an integer when the value is one (12, not 12.0).
Json number_json(std::optional<double> value);

/// An RFC 3339 time, or null when absent.
Json time_json(std::optional<TimestampMs> t);

/// true/false, or null when absent.
Json bool_json(std::optional<bool> value);

}  // namespace twikit::dashboard
