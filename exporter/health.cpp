#include "exporter/health.h"

#include <cmath>

#include "common/rfc3339.h"

namespace twikit::exporter {

std::string component_status(const TargetStatus& target) {
  if (!target.up || target.status == "unhealthy") return "unhealthy";
  if (target.status == "degraded") return "degraded";
  return "healthy";
}

std::string overall_status(const Snapshot* snapshot) {
  if (snapshot == nullptr) return "unhealthy";
  std::size_t healthy = 0;
  std::size_t degraded = 0;
  for (const auto& t : snapshot->targets) {
    const std::string s = component_status(t);
    healthy += s == "healthy";
    degraded += s == "degraded";
  }
  if (healthy == snapshot->targets.size()) return "healthy";
  if (healthy + degraded == 0) return "unhealthy";
  return "degraded";
}

nlohmann::json health_document(const Snapshot* snapshot, TimestampMs now) {
  nlohmann::json doc;
  doc["status"] = overall_status(snapshot);
  doc["timestamp"] = format_rfc3339(now);
  doc["components"] = nlohmann::json::object();
  if (snapshot == nullptr) return doc;
  doc["last_collection"] = format_rfc3339(snapshot->collected_at_ms);
  for (const auto& t : snapshot->targets) {
    nlohmann::json c;
    c["status"] = component_status(t);
    c["up"] = t.up;
    c["last_success"] = t.last_success_ms ? nlohmann::json(format_rfc3339(*t.last_success_ms)) : nlohmann::json();
    c["response_time_seconds"] = t.response_time_seconds;
    c["scrape_duration_seconds"] = t.scrape_duration_seconds;
    c["consecutive_failures"] = t.consecutive_failures;
    c["error_rate"] = std::isfinite(t.error_ratio) ? t.error_ratio : 0.0;
    if (!t.last_error.empty()) c["last_error"] = t.last_error;
    if (!t.mapping_errors.empty()) c["mapping_errors"] = t.mapping_errors;
    nlohmann::json deps = nlohmann::json::array();
    for (const auto& d : t.dependencies) {
      deps.push_back({{"name", d.name}, {"up", d.up}, {"latency_seconds", d.latency_seconds}});
    }
    c["dependencies"] = std::move(deps);
    doc["components"][t.name] = std::move(c);
  }
  return doc;
}

}  // namespace twikit::exporter
