#pragma once
// Prometheus duration strings ("30s", "5m", "1h30m", "1d", "500ms") to and from milliseconds.

#include <cstdint>
#include <optional>
#include <string>

namespace twikit::notify {

/// Parses a Prometheus duration into milliseconds; nullopt when malformed.
std::optional<std::int64_t> parse_duration_ms(const std::string& text);

/// Formats milliseconds the way Prometheus prints durations ("1h30m", "0s").
std::string format_duration_ms(std::int64_t ms);

}  // namespace twikit::notify
