#pragma once
// What /health shows of a service's own report (status, response time, error ratio, dependencies), read
// from its status document without trusting the types of its fields.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace twikit::exporter {

/// A dependency as the service reported it.
struct DependencyStatus {
  std::string name;
  bool up = false;
  double latency_seconds = 0;
};

/// The fields of a status document that /health reports on.
struct ServiceReport {
  /// "healthy" | "degraded" | "unhealthy"; empty when absent or unreadable.
  std::string status;
  double response_time_seconds = 0;
  /// errors_total / requests_total (0 when no requests or either is unreadable).
  double error_ratio = 0;
  /// Dependencies whose fields could all be read, in document order.
  std::vector<DependencyStatus> dependencies;
};

/// Reads the report from `document` (an object). Absent fields keep their defaults silently (the metric
/// mapping reports the ones it needs); a field of the wrong type keeps its default (a dependency with one
/// is left out) and appends "<JSON path>: <problem>" to `errors`, worded as the mapper words it.
ServiceReport read_service_report(const nlohmann::json& document, std::vector<std::string>& errors);

}  // namespace twikit::exporter
