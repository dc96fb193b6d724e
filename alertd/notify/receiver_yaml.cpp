#include "alertd/notify/receiver_yaml.h"

#include <cctype>
#include <set>

#include "alertd/notify/http_config_yaml.h"

namespace twikit::notify {

namespace {

// Go's textproto.CanonicalMIMEHeaderKey for the usual header names: "content-type" -> "Content-Type".
std::string canonical_header(std::string name) {
  bool upper = true;
  for (char& c : name) {
    c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
    upper = c == '-';
  }
  return name;
}

}  // namespace

ReceiverReader::ReceiverReader(const yaml::Reader& r, const EnvLookup& env, const ReceiverGlobals& globals,
                               std::shared_ptr<const rules::TemplateSet> templates)
    : r_(r), env_(env), globals_(globals), templates_(std::move(templates)) {}

// A receiver field that is a Go template: parsed now against the templates, so that a syntax error is a
// load error at its position (execution errors surface at send time).
std::string ReceiverReader::template_field(const YAML::Node& node, const std::string& what) const {
  const std::string text = r_.str(node);
  try {
    (void)templates_->parse(what, text);
  } catch (const rules::TemplateError& e) {
    r_.fail(node, what + ": " + e.what());
  }
  return text;
}

void ReceiverReader::check_smarthost(const YAML::Node& node, const std::string& address, const std::string& what) const {
  if (const auto problem = smarthost_problem(address)) r_.fail(node, "invalid " + what + ": " + *problem);
}

WebhookConfig ReceiverReader::webhook(const YAML::Node& n) const {
  r_.check_keys(n, {"url", "url_file", "bearer_token_file", "http_config", "max_alerts", "timeout", "send_resolved"},
                "webhook_configs");
  WebhookConfig w;
  if (n["url"] && n["url_file"]) r_.fail(n["url_file"], "at most one of url & url_file must be configured");
  if (n["url"]) {
    w.url = r_.str(n["url"]);
    r_.check_url(n["url"], w.url.value, "webhook_configs url");
  }
  if (n["url_file"]) w.url = r_.secret_file(n["url_file"], "url_file");
  if (!n["url"] && !n["url_file"]) r_.fail(n, "webhook_configs: missing url");
  if (n["bearer_token_file"] && n["http_config"]) {
    r_.fail(n["bearer_token_file"], "webhook_configs: at most one of bearer_token_file and http_config");
  }
  if (n["bearer_token_file"]) {
    w.auth.scheme = HttpAuth::Scheme::authorization;
    w.auth.credentials = r_.secret_file(n["bearer_token_file"], "bearer_token_file");
  } else if (n["http_config"]) {
    w.auth = load_http_config(r_, n["http_config"]);
  } else if (globals_.http_config) {
    w.auth = *globals_.http_config;
  } else if (auto token = yaml::env_value(env_, kWebhookTokenEnv)) {
    r_.check_env_token(kWebhookTokenEnv, *token);
    w.auth.scheme = HttpAuth::Scheme::authorization;
    w.auth.credentials = *token;
  }
  if (n["max_alerts"]) w.max_alerts = static_cast<std::size_t>(r_.uint(n["max_alerts"]));
  if (n["timeout"]) w.timeout_ms = r_.duration(n["timeout"]);
  if (n["send_resolved"]) w.send_resolved = r_.boolean(n["send_resolved"]);
  return w;
}

SlackConfig ReceiverReader::slack(const YAML::Node& n) const {
  r_.check_keys(n,
                {"api_url", "api_url_file", "http_config", "channel", "username", "timeout", "send_resolved", "title",
                 "title_link", "text", "pretext", "fallback", "footer", "icon_emoji", "icon_url", "callback_id", "color",
                 "image_url", "thumb_url", "fields", "short_fields", "actions", "link_names", "mrkdwn_in"},
                "slack_configs");
  SlackConfig s;
  s.templates = templates_;
  const std::pair<const char*, std::string SlackConfig::*> fields[] = {
      {"channel", &SlackConfig::channel},   {"username", &SlackConfig::username},
      {"title", &SlackConfig::title},       {"title_link", &SlackConfig::title_link},
      {"text", &SlackConfig::text},         {"pretext", &SlackConfig::pretext},
      {"fallback", &SlackConfig::fallback}, {"footer", &SlackConfig::footer},
      {"icon_emoji", &SlackConfig::icon_emoji}, {"icon_url", &SlackConfig::icon_url},
      {"callback_id", &SlackConfig::callback_id}, {"color", &SlackConfig::color},
      {"image_url", &SlackConfig::image_url}, {"thumb_url", &SlackConfig::thumb_url}};
  for (const auto& [key, member] : fields) {
    if (n[key]) s.*member = template_field(n[key], std::string("slack_configs ") + key);
  }
  if (n["short_fields"]) s.short_fields = r_.boolean(n["short_fields"]);
  if (n["link_names"]) s.link_names = r_.boolean(n["link_names"]);
  if (n["mrkdwn_in"]) s.mrkdwn_in = r_.strings(n["mrkdwn_in"]);
  if (const YAML::Node list = n["fields"]; list.IsDefined() && !list.IsNull()) {
    if (!list.IsSequence()) r_.fail(list, "slack_configs: fields must be a list");
    for (const auto& f : list) s.fields.push_back(slack_field(f));
  }
  if (const YAML::Node list = n["actions"]; list.IsDefined() && !list.IsNull()) {
    if (!list.IsSequence()) r_.fail(list, "slack_configs: actions must be a list");
    for (const auto& a : list) s.actions.push_back(slack_action(a));
  }
  if (n["api_url"] && n["api_url_file"]) r_.fail(n["api_url_file"], "at most one of api_url & api_url_file must be configured");
  if (n["api_url"]) {
    s.api_url = r_.str(n["api_url"]);
    r_.check_url(n["api_url"], s.api_url.value, "slack_configs api_url");
  }
  if (n["api_url_file"]) s.api_url = r_.secret_file(n["api_url_file"], "api_url_file");
  if (s.api_url.empty()) s.api_url = globals_.slack_api_url;  // validated where global sets it
  if (s.api_url.empty()) {
    s.api_url = yaml::env_value(env_, kSlackUrlEnv).value_or("");
    if (!s.api_url.empty()) r_.check_env_url(kSlackUrlEnv, s.api_url.value);
  }
  if (n["http_config"]) {
    s.auth = load_http_config(r_, n["http_config"]);
  } else if (globals_.http_config) {
    s.auth = *globals_.http_config;
  }
  if (s.api_url.empty()) {
    r_.fail(n, std::string("slack_configs: missing secret api_url (set api_url_file, global.slack_api_url_file or ") +
                   kSlackUrlEnv + ")");
  }
  if (n["timeout"]) s.timeout_ms = r_.duration(n["timeout"]);
  if (n["send_resolved"]) s.send_resolved = r_.boolean(n["send_resolved"]);
  return s;
}

// Alertmanager's checks and words; the strings are templates, parsed now so that a syntax error is a load error.
SlackField ReceiverReader::slack_field(const YAML::Node& n) const {
  r_.check_keys(n, {"title", "value", "short"}, "slack_configs fields");
  SlackField f;
  if (n["title"]) f.title = template_field(n["title"], "slack_configs fields title");
  if (n["value"]) f.value = template_field(n["value"], "slack_configs fields value");
  if (n["short"]) f.short_ = r_.boolean(n["short"]);
  if (f.title.empty()) r_.fail(n, "missing title in Slack field configuration");
  if (f.value.empty()) r_.fail(n, "missing value in Slack field configuration");
  return f;
}

SlackAction ReceiverReader::slack_action(const YAML::Node& n) const {
  r_.check_keys(n, {"type", "text", "url", "style", "name", "value", "confirm"}, "slack_configs actions");
  SlackAction a;
  const std::pair<const char*, std::string SlackAction::*> strings[] = {
      {"type", &SlackAction::type}, {"text", &SlackAction::text}, {"url", &SlackAction::url},
      {"style", &SlackAction::style}, {"name", &SlackAction::name}, {"value", &SlackAction::value}};
  for (const auto& [key, member] : strings) {
    if (n[key]) a.*member = template_field(n[key], std::string("slack_configs actions ") + key);
  }
  if (const YAML::Node c = n["confirm"]; c.IsDefined() && !c.IsNull()) {
    r_.check_keys(c, {"text", "title", "ok_text", "dismiss_text"}, "slack_configs actions confirm");
    SlackConfirm confirm;
    const std::pair<const char*, std::string SlackConfirm::*> confirm_strings[] = {
        {"text", &SlackConfirm::text}, {"title", &SlackConfirm::title}, {"ok_text", &SlackConfirm::ok_text},
        {"dismiss_text", &SlackConfirm::dismiss_text}};
    for (const auto& [key, member] : confirm_strings) {
      if (c[key]) confirm.*member = template_field(c[key], std::string("slack_configs actions confirm ") + key);
    }
    if (confirm.text.empty()) r_.fail(c, "missing text in Slack confirmation configuration");
    a.confirm = std::move(confirm);
  }
  if (a.type.empty()) r_.fail(n, "missing type in Slack action configuration");
  if (a.text.empty()) r_.fail(n, "missing text in Slack action configuration");
  if (!a.url.empty()) {
    // A link button: Alertmanager drops the message-button members.
    a.name.clear();
    a.value.clear();
    a.confirm.reset();
  } else if (a.name.empty()) {
    r_.fail(n, "missing name or url in Slack action configuration");
  }
  return a;
}

EmailConfig ReceiverReader::email(const YAML::Node& n) const {
  r_.check_keys(n,
                {"to", "from", "smarthost", "hello", "auth_username", "auth_password", "auth_password_file",
                 "auth_password_env", "require_tls", "timeout", "send_resolved", "headers", "html", "text"},
                "email_configs");
  EmailConfig e;
  e.templates = templates_;
  if (n["html"]) e.html = template_field(n["html"], "email_configs html");
  if (n["text"]) e.text = template_field(n["text"], "email_configs text");
  if (const YAML::Node headers = n["headers"]; headers.IsDefined() && !headers.IsNull()) {
    if (!headers.IsMap()) r_.fail(headers, "email_configs: headers must be a mapping");
    for (const auto& kv : headers) {
      const std::string name = canonical_header(r_.str(kv.first));
      if (e.headers.count(name)) r_.fail(kv.first, "email_configs: duplicate header \"" + name + "\"");
      e.headers[name] = template_field(kv.second, "email_configs headers " + name);
    }
  }
  if (!e.headers.count("Subject")) e.headers["Subject"] = R"({{ template "email.default.subject" . }})";
  if (!n["to"]) r_.fail(n, "email_configs: missing to");
  e.to = r_.strings(n["to"], true);
  if (e.to.empty()) r_.fail(n["to"], "email_configs: to is empty");
  e.from = n["from"] ? r_.str(n["from"]) : globals_.smtp_from;
  e.smarthost = n["smarthost"] ? r_.str(n["smarthost"]) : globals_.smtp_smarthost;
  if (e.smarthost.empty()) r_.fail(n, "email_configs: missing smarthost (set it here or global.smtp_smarthost)");
  if (n["smarthost"]) check_smarthost(n["smarthost"], e.smarthost, "email_configs smarthost");
  e.hello = n["hello"] ? r_.str(n["hello"]) : globals_.smtp_hello;
  e.auth_username = n["auth_username"] ? r_.str(n["auth_username"]) : globals_.smtp_auth_username;
  const int passwords = (n["auth_password"] ? 1 : 0) + (n["auth_password_file"] ? 1 : 0) + (n["auth_password_env"] ? 1 : 0);
  if (passwords > 1) {
    r_.fail(n, "at most one of auth_password & auth_password_file & auth_password_env must be configured");
  }
  // As Alertmanager: the global password (or its file) only when the integration sets neither.
  e.auth_password = globals_.smtp_auth_password;
  if (n["auth_password"]) e.auth_password = r_.str(n["auth_password"]);
  if (n["auth_password_file"]) e.auth_password = r_.secret_file(n["auth_password_file"], "auth_password_file");
  if (n["auth_password_env"]) {
    const std::string var = r_.str(n["auth_password_env"]);
    auto v = yaml::env_value(env_, var);
    if (!v) r_.fail(n["auth_password_env"], "email_configs: missing secret: environment variable " + var + " is not set");
    e.auth_password = *v;
  }
  if (!e.auth_username.empty() && e.auth_password.empty()) {
    r_.fail(n, "email_configs: missing secret auth password for user \"" + e.auth_username +
                   "\" (set auth_password_file or auth_password_env)");
  }
  e.require_tls = n["require_tls"] ? r_.boolean(n["require_tls"]) : globals_.smtp_require_tls;
  if (n["timeout"]) e.timeout_ms = r_.duration(n["timeout"]);
  if (n["send_resolved"]) e.send_resolved = r_.boolean(n["send_resolved"]);
  return e;
}


ReceiverConfig ReceiverReader::receiver(const YAML::Node& n, const NotificationConfig& cfg) const {
  // Alertmanager's integrations alertd does not have: say so by name rather than "unknown field".
  static const std::set<std::string> absent = {"pagerduty_configs", "pushover_configs", "opsgenie_configs",
                                                "victorops_configs", "wechat_configs", "sns_configs",
                                                "telegram_configs", "webex_configs", "discord_configs",
                                                "msteams_configs"};
  if (n.IsMap()) {
    for (const auto& kv : n) {
      const std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string();
      if (absent.count(key)) {
        r_.fail(kv.first, "receiver integration " + key + " is not supported by alertd (alertd has webhook_configs, "
                          "slack_configs, email_configs, system_log_configs and alertmanager_configs)");
      }
    }
  }
  r_.check_keys(n,
                {"name", "webhook_configs", "slack_configs", "email_configs", "system_log_configs",
                 "alertmanager_configs"},
                "receiver");
  ReceiverConfig rc;
  if (!n["name"]) r_.fail(n, "receiver without a name");
  rc.name = r_.str(n["name"]);
  if (rc.name.empty()) r_.fail(n["name"], "receiver name is empty");
  if (cfg.find_receiver(rc.name)) r_.fail(n["name"], "receiver \"" + rc.name + "\" is defined twice");
  auto each = [&](const char* key, auto&& fn) {
    const YAML::Node list = n[key];
    if (!list.IsDefined() || list.IsNull()) return;
    if (!list.IsSequence()) r_.fail(list, std::string(key) + " must be a list");
    for (const auto& item : list) fn(item);
  };
  each("webhook_configs", [&](const YAML::Node& i) { rc.webhooks.push_back(webhook(i)); });
  each("slack_configs", [&](const YAML::Node& i) { rc.slacks.push_back(slack(i)); });
  each("email_configs", [&](const YAML::Node& i) { rc.emails.push_back(email(i)); });
  each("system_log_configs", [&](const YAML::Node& i) {
    r_.check_keys(i, {"send_resolved"}, "system_log_configs");
    SystemLogConfig s;
    if (i["send_resolved"]) s.send_resolved = r_.boolean(i["send_resolved"]);
    rc.system_logs.push_back(s);
  });
  each("alertmanager_configs", [&](const YAML::Node& i) {
    r_.check_keys(i, {"url", "timeout", "send_resolved"}, "alertmanager_configs");
    AlertmanagerConfig a;
    if (!i["url"]) r_.fail(i, "alertmanager_configs: missing url");
    a.url = r_.str(i["url"]);
    r_.check_url(i["url"], a.url, "alertmanager_configs url");
    if (i["timeout"]) a.timeout_ms = r_.duration(i["timeout"]);
    if (i["send_resolved"]) a.send_resolved = r_.boolean(i["send_resolved"]);
    rc.alertmanagers.push_back(a);
  });
  return rc;
}

// The seed's environment variables: each present one adds an implicit receiver (unless a receiver of
// that name is configured), and the `default` receiver combines them for a config without a route.
void ReceiverReader::add_implicit_receivers(NotificationConfig& cfg, bool add_default) const {
  ReceiverConfig combined;
  combined.name = "default";
  // Adds receiver `name` holding what `fill` puts in it, unless the configuration has one of that name.
  const auto add_if_absent = [&cfg](const char* name, const auto& fill) {
    if (cfg.find_receiver(name)) return;
    ReceiverConfig rc;
    rc.name = name;
    fill(rc);
    cfg.receivers.push_back(std::move(rc));
  };
  if (auto url = yaml::env_value(env_, kWebhookUrlEnv)) {
    r_.check_env_url(kWebhookUrlEnv, *url);
    WebhookConfig w;
    w.url = *url;
    const std::string token = yaml::env_value(env_, kWebhookTokenEnv).value_or("");
    if (!token.empty()) {
      r_.check_env_token(kWebhookTokenEnv, token);
      w.auth.scheme = HttpAuth::Scheme::authorization;
      w.auth.credentials = token;
    }
    combined.webhooks.push_back(w);
    add_if_absent("monitoring-webhook", [&](ReceiverConfig& rc) { rc.webhooks.push_back(w); });
  }
  if (auto to = yaml::env_value(env_, kEmailRecipientsEnv)) {
    EmailConfig e;
    e.to = yaml::Reader(r_.file()).strings(YAML::Node(*to), true);
    e.from = globals_.smtp_from;
    e.smarthost = globals_.smtp_smarthost.empty() ? "localhost:25" : globals_.smtp_smarthost;
    e.hello = globals_.smtp_hello;
    e.auth_username = globals_.smtp_auth_username;
    e.auth_password = globals_.smtp_auth_password;
    e.require_tls = globals_.smtp_require_tls;
    combined.emails.push_back(e);
    add_if_absent("monitoring-email", [&](ReceiverConfig& rc) { rc.emails.push_back(e); });
  }
  if (auto url = yaml::env_value(env_, kSlackUrlEnv)) {
    r_.check_env_url(kSlackUrlEnv, *url);
    SlackConfig s;
    s.api_url = *url;
    combined.slacks.push_back(s);
    add_if_absent("slack", [&](ReceiverConfig& rc) { rc.slacks.push_back(s); });
  }
  if (add_default && !cfg.find_receiver("default")) {
    if (combined.webhooks.empty() && combined.emails.empty() && combined.slacks.empty()) {
      combined.system_logs.push_back(SystemLogConfig{});
    }
    cfg.receivers.push_back(combined);
  }
}
}  // namespace twikit::notify
