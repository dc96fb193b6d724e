#include "alertd/notify/alertmanager.h"

#include "alertd/notify/webhook.h"
#include "common/json_text.h"

namespace twikit::notify {

nlohmann::ordered_json alertmanager_payload(const Notification& n) {
  constexpr std::int64_t kSlackMs = 5 * 60'000;
  nlohmann::ordered_json arr = nlohmann::ordered_json::array();
  for (const auto& a : n.alerts) {
    nlohmann::ordered_json j;
    j["labels"] = labels_json(a.labels);
    j["annotations"] = labels_json(a.annotations);
    j["startsAt"] = format_rfc3339(a.starts_at);
    j["endsAt"] = format_rfc3339(a.resolved_at(n.now) ? a.ends_at : n.now + n.timing.repeat_interval_ms + kSlackMs);
    j["generatorURL"] = a.generator_url;
    arr.push_back(std::move(j));
  }
  return arr;
}

AlertmanagerNotifier::AlertmanagerNotifier(AlertmanagerConfig config, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)), http_(std::move(http)) {
  while (!config_.url.empty() && config_.url.back() == '/') config_.url.pop_back();
}

DeliveryResult AlertmanagerNotifier::notify(const Notification& n) {
  HttpRequest req;
  req.method = "POST";
  req.url = config_.url + "/api/v2/alerts";
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = safe_dump(alertmanager_payload(n));
  req.timeout = std::chrono::milliseconds(config_.timeout_ms);
  req.max_body_bytes = 1 << 20;
  return classify_http(http_->send(req));
}

}  // namespace twikit::notify
