#include "alertd/notify/slack.h"

#include "alertd/notify/template_render.h"
#include "common/json_text.h"

namespace twikit::notify {

nlohmann::ordered_json slack_payload(const Notification& n, const SlackConfig& config) {
  // Every field is a template (defaults: Alertmanager's slack.default.*); empty ones are left out, as
  // Alertmanager's omitempty JSON does.
  NotificationTemplater t(config.templates, n, "slack");
  nlohmann::ordered_json att = nlohmann::ordered_json::object();
  auto put = [](nlohmann::ordered_json& o, const char* key, std::string value) {
    if (!value.empty()) o[key] = std::move(value);
  };
  put(att, "title", t.text("title", config.title));
  put(att, "title_link", t.text("title_link", config.title_link));
  put(att, "pretext", t.text("pretext", config.pretext));
  put(att, "text", t.text("text", config.text));
  put(att, "fallback", t.text("fallback", config.fallback));
  put(att, "callback_id", t.text("callback_id", config.callback_id));
  put(att, "footer", t.text("footer", config.footer));
  put(att, "color", t.text("color", config.color));
  att["mrkdwn_in"] = {"fallback", "pretext", "text"};
  nlohmann::ordered_json p = nlohmann::ordered_json::object();
  put(p, "channel", t.text("channel", config.channel));
  put(p, "username", t.text("username", config.username));
  put(p, "icon_emoji", t.text("icon_emoji", config.icon_emoji));
  put(p, "icon_url", t.text("icon_url", config.icon_url));
  p["attachments"] = nlohmann::ordered_json::array({att});
  return p;
}

SlackNotifier::SlackNotifier(SlackConfig config, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)), http_(std::move(http)) {}

DeliveryResult SlackNotifier::notify(const Notification& n) {
  HttpRequest req;
  req.method = "POST";
  std::string authorization;
  try {
    req.url = resolve_url(config_.api_url);  // api_url_file is read at each send, as Alertmanager does
    authorization = authorization_header(config_.auth);
  } catch (const SecretFileError& e) {
    return DeliveryResult::failure(true, "other", e.what());
  }
  req.headers.emplace_back("Content-Type", "application/json");
  if (!authorization.empty()) req.headers.emplace_back("Authorization", authorization);
  req.body = safe_dump(slack_payload(n, config_));
  req.timeout = std::chrono::milliseconds(config_.timeout_ms);
  req.max_body_bytes = 1 << 20;
  return classify_http(http_->send(req));
}

}  // namespace twikit::notify
