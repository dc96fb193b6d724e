#pragma once
// Logging through spdlog: one named logger per component, logfmt or JSON lines on stderr.

#include <memory>
#include <string>

#include <spdlog/spdlog.h>

namespace twikit {

/// Configures the process-wide log level (debug|info|warn|error) and format (logfmt|json);
/// returns an error message for an unknown level or format, or an empty string. Call once from main().
std::string setup_logging(const std::string& level, const std::string& format);

/// The logger for component `name` (created on first use, sharing the configured sink). Thread-safe.
std::shared_ptr<spdlog::logger> logger(const std::string& name);

/// Quotes `value` for a logfmt key=value field when it contains spaces, quotes or '='.
std::string logfmt_value(const std::string& value);

}  // namespace twikit
