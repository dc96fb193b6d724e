#pragma once
// Prometheus' humanize* template functions, output identical to Prometheus' template.go.

#include <string>

namespace twikit::rules {

/// SI-prefixed with 4 significant digits: 1234 -> "1.234k", 0.001234 -> "1.234m", 0 -> "0".
std::string humanize(double v);

/// Binary-prefixed with 4 significant digits: 1024 -> "1ki", 1048576 -> "1Mi"; |v| <= 1 unchanged.
std::string humanize_1024(double v);

/// A duration in seconds: 3600 -> "1h 0m 0s", 1.5 -> "1.5s", 0.001 -> "1ms", 0 -> "0s".
std::string humanize_duration(double seconds);

/// A ratio as a percentage with 4 significant digits: 0.1234 -> "12.34%".
std::string humanize_percentage(double ratio);

/// A Unix timestamp in seconds as Go prints a UTC time.Time: "1970-01-01 00:00:01.5 +0000 UTC".
std::string humanize_timestamp(double unix_seconds);

/// Go's fmt "%.4g" (NaN, +Inf and -Inf spelled Go's way).
std::string format_4g(double v);

}  // namespace twikit::rules
