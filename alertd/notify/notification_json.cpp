#include "alertd/notify/notification_json.h"

#include <stdexcept>

namespace twikit::notify {

nlohmann::json labels_to_json(const Labels& labels) {
  nlohmann::json o = nlohmann::json::object();
  for (const auto& [k, v] : labels) o[k] = v;
  return o;
}

Labels labels_from_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::runtime_error("labels are not a JSON object");
  std::vector<Label> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.emplace_back(it.key(), it.value().get<std::string>());
  return make_labels(std::move(out));
}

nlohmann::json alert_to_json(const Alert& a) {
  return {{"labels", labels_to_json(a.labels)},
          {"annotations", labels_to_json(a.annotations)},
          {"startsAt", a.starts_at},
          {"endsAt", a.ends_at},
          {"generatorURL", a.generator_url}};
}

Alert alert_from_json(const nlohmann::json& j) {
  Alert a;
  a.labels = labels_from_json(j.at("labels"));
  a.annotations = labels_from_json(j.at("annotations"));
  a.starts_at = j.at("startsAt").get<TimestampMs>();
  a.ends_at = j.at("endsAt").get<TimestampMs>();
  a.generator_url = j.at("generatorURL").get<std::string>();
  return a;
}

nlohmann::json notification_to_json(const Notification& n) {
  nlohmann::json alerts = nlohmann::json::array();
  for (const auto& a : n.alerts) alerts.push_back(alert_to_json(a));
  return {{"receiver", n.receiver},       {"groupKey", n.group_key},
          {"groupLabels", labels_to_json(n.group_labels)}, {"alerts", alerts},
          {"now", n.now},                 {"groupWaitMs", n.timing.group_wait_ms},
          {"groupIntervalMs", n.timing.group_interval_ms}, {"repeatIntervalMs", n.timing.repeat_interval_ms},
          {"externalURL", n.external_url}};
}

Notification notification_from_json(const nlohmann::json& j) {
  Notification n;
  n.receiver = j.at("receiver").get<std::string>();
  n.group_key = j.at("groupKey").get<std::string>();
  n.group_labels = labels_from_json(j.at("groupLabels"));
  for (const auto& a : j.at("alerts")) n.alerts.push_back(alert_from_json(a));
  n.now = j.at("now").get<TimestampMs>();
  // Outbox rows written before the whole timing was kept carry only repeatIntervalMs.
  const FlushTiming defaults;
  n.timing.group_wait_ms = j.value("groupWaitMs", defaults.group_wait_ms);
  n.timing.group_interval_ms = j.value("groupIntervalMs", defaults.group_interval_ms);
  n.timing.repeat_interval_ms = j.at("repeatIntervalMs").get<std::int64_t>();
  n.external_url = j.at("externalURL").get<std::string>();
  return n;
}

}  // namespace twikit::notify
