#include "alertd/dashboard/documents.h"

namespace twikit::dashboard {
namespace {

Json service_health_json(const ServiceView& s) {
  Json j;
  j["status"] = health_name(s.status);
  j["up"] = bool_json(s.up);
  j["health"] = number_json(s.health);
  j["responseTimeMs"] = number_json(s.response_time_ms);
  j["errorRate"] = number_json(s.error_rate);
  Json deps = Json::object();
  for (const auto& d : s.dependencies) {
    Json dj;
    dj["up"] = bool_json(d.up);
    dj["latencyMs"] = number_json(d.latency_ms);
    deps[d.name] = std::move(dj);
  }
  j["dependencies"] = std::move(deps);
  j["lastSuccess"] = time_json(s.last_success);
  j["consecutiveFailures"] =
      s.consecutive_failures ? Json(*s.consecutive_failures) : Json(nullptr);
  return j;
}

Json target_json(const TargetView& t) {
  const auto& target = t.status.target;
  const auto& h = t.status.health;
  Json j;
  j["job"] = target.job;
  j["instance"] = label_value(target.labels, "instance");
  j["url"] = target.url;
  j["health"] = h.health;
  j["lastError"] = h.last_error;
  j["lastScrape"] = h.last_scrape_ms == 0 ? Json(nullptr) : time_json(h.last_scrape_ms);
  j["lastScrapeDurationSeconds"] = number_json(h.last_scrape_ms == 0 ? std::nullopt
                                                                      : std::optional<double>(h.last_duration_seconds));
  j["consecutiveFailures"] = t.consecutive_failures ? Json(*t.consecutive_failures) : Json(nullptr);
  return j;
}

}  // namespace

Json health_document(const PlatformView& view) {
  Json doc;
  doc["status"] = health_name(view.health);
  doc["generatedAt"] = time_json(view.now);
  Json services = Json::object();
  for (const auto& s : view.services) services[s.name] = service_health_json(s);
  doc["services"] = std::move(services);
  Json targets = Json::array();
  for (const auto& t : view.targets) targets.push_back(target_json(t));
  doc["targets"] = std::move(targets);
  Json components = Json::array();
  for (const auto& c : view.components) {
    Json cj;
    cj["name"] = c.name;
    cj["status"] = health_name(c.status);
    cj["detail"] = c.detail;
    components.push_back(std::move(cj));
  }
  doc["components"] = std::move(components);
  return doc;
}

}  // namespace twikit::dashboard
