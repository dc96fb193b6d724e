#pragma once
// Prometheus durations ("1h30m", "15s", "250ms", "1d", "1w", "1y") as milliseconds, both ways.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace twikit {

/// Parses a Prometheus duration; units must appear largest first; nullopt when malformed or beyond int64 ms.
std::optional<std::int64_t> parse_duration_ms(std::string_view text);

/// Formats milliseconds as Prometheus prints durations ("1h30m", "15s", "0s").
std::string format_duration_ms(std::int64_t ms);

}  // namespace twikit
