#include "alertd/notify/webhook.h"

#include "alertd/notify/template_data.h"
#include "common/json_text.h"

namespace twikit::notify {

nlohmann::ordered_json labels_json(const Labels& labels) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (const auto& [k, v] : labels) o[k] = v;
  return o;
}

nlohmann::ordered_json webhook_payload(const Notification& full, std::size_t max_alerts) {
  // As in Alertmanager, max_alerts cuts the alerts first: status, common labels and annotations describe
  // the alerts sent, and truncatedAlerts counts the rest.
  Notification n = full;
  if (max_alerts != 0 && n.alerts.size() > max_alerts) n.alerts.resize(max_alerts);
  const TemplateData d = template_data(n);
  nlohmann::ordered_json alerts = nlohmann::ordered_json::array();
  for (const auto& a : n.alerts) {
    const bool resolved = a.resolved_at(n.now);
    nlohmann::ordered_json j;
    j["status"] = resolved ? "resolved" : "firing";
    j["labels"] = labels_json(a.labels);
    j["annotations"] = labels_json(a.annotations);
    j["startsAt"] = format_rfc3339(a.starts_at);
    // Like Alertmanager, an end time that has not been reached yet is not exposed.
    j["endsAt"] = format_rfc3339(resolved ? a.ends_at : 0);
    j["generatorURL"] = a.generator_url;
    j["fingerprint"] = fingerprint_hex(fingerprint(a));
    alerts.push_back(std::move(j));
  }
  nlohmann::ordered_json p;
  p["receiver"] = n.receiver;
  p["status"] = d.status;
  p["alerts"] = std::move(alerts);
  p["groupLabels"] = labels_json(n.group_labels);
  p["commonLabels"] = labels_json(d.common_labels);
  p["commonAnnotations"] = labels_json(d.common_annotations);
  p["externalURL"] = n.external_url;
  p["version"] = "4";
  p["groupKey"] = n.group_key;
  p["truncatedAlerts"] = full.alerts.size() - n.alerts.size();
  return p;
}

WebhookNotifier::WebhookNotifier(WebhookConfig config, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)), http_(std::move(http)) {}

DeliveryResult WebhookNotifier::notify(const Notification& n) {
  HttpRequest req;
  req.method = "POST";
  std::string authorization;
  try {
    // Secret files are read at each send, as Alertmanager does: a rotated file needs no reload.
    req.url = resolve_url(config_.url);
    authorization = authorization_header(config_.auth);
  } catch (const SecretFileError& e) {
    return DeliveryResult::failure(true, "other", e.what());
  }
  req.headers.emplace_back("Content-Type", "application/json");
  req.headers.emplace_back("User-Agent", "alertd/" TWIKIT_VERSION);
  if (!authorization.empty()) req.headers.emplace_back("Authorization", authorization);
  req.body = safe_dump(webhook_payload(n, config_.max_alerts));
  req.timeout = std::chrono::milliseconds(config_.timeout_ms);
  req.max_body_bytes = 1 << 20;
  return classify_http(http_->send(req));
}

}  // namespace twikit::notify
