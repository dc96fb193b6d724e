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
  // Fields and actions as Alertmanager sends them: every string executed, `short` always present (the
  // field's own or short_fields), empty strings and an absent confirm left out.
  if (!config.fields.empty()) {
    nlohmann::ordered_json fields = nlohmann::ordered_json::array();
    for (const auto& f : config.fields) {
      nlohmann::ordered_json field = nlohmann::ordered_json::object();
      put(field, "title", t.text("fields title", f.title));
      put(field, "value", t.text("fields value", f.value));
      field["short"] = f.short_.value_or(config.short_fields);
      fields.push_back(std::move(field));
    }
    att["fields"] = std::move(fields);
  }
  if (!config.actions.empty()) {
    nlohmann::ordered_json actions = nlohmann::ordered_json::array();
    for (const auto& a : config.actions) {
      nlohmann::ordered_json action = nlohmann::ordered_json::object();
      put(action, "type", t.text("actions type", a.type));
      put(action, "text", t.text("actions text", a.text));
      put(action, "url", t.text("actions url", a.url));
      put(action, "style", t.text("actions style", a.style));
      put(action, "name", t.text("actions name", a.name));
      put(action, "value", t.text("actions value", a.value));
      if (a.confirm) {
        nlohmann::ordered_json confirm = nlohmann::ordered_json::object();
        put(confirm, "text", t.text("actions confirm text", a.confirm->text));
        put(confirm, "title", t.text("actions confirm title", a.confirm->title));
        put(confirm, "ok_text", t.text("actions confirm ok_text", a.confirm->ok_text));
        put(confirm, "dismiss_text", t.text("actions confirm dismiss_text", a.confirm->dismiss_text));
        action["confirm"] = std::move(confirm);
      }
      actions.push_back(std::move(action));
    }
    att["actions"] = std::move(actions);
  }
  put(att, "image_url", t.text("image_url", config.image_url));
  put(att, "thumb_url", t.text("thumb_url", config.thumb_url));
  put(att, "footer", t.text("footer", config.footer));
  put(att, "color", t.text("color", config.color));
  if (config.mrkdwn_in.empty()) {
    att["mrkdwn_in"] = {"fallback", "pretext", "text"};
  } else {
    att["mrkdwn_in"] = config.mrkdwn_in;
  }
  nlohmann::ordered_json p = nlohmann::ordered_json::object();
  put(p, "channel", t.text("channel", config.channel));
  put(p, "username", t.text("username", config.username));
  put(p, "icon_emoji", t.text("icon_emoji", config.icon_emoji));
  put(p, "icon_url", t.text("icon_url", config.icon_url));
  if (config.link_names) p["link_names"] = true;
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
