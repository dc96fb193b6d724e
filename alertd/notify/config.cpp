#include "alertd/notify/config.h"

#include <glob.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "alertd/notify/default_templates.h"

#include "alertd/notify/config_yaml.h"
#include "alertd/notify/time_interval_yaml.h"
#include "common/base64.h"
#include "alertd/notify/duration.h"

namespace twikit::notify {

namespace {

constexpr const char* kWebhookTokenEnv = "MONITORING_WEBHOOK_TOKEN";
constexpr const char* kWebhookUrlEnv = "MONITORING_WEBHOOK_URL";
constexpr const char* kEmailRecipientsEnv = "MONITORING_EMAIL_RECIPIENTS";
constexpr const char* kSlackUrlEnv = "SLACK_WEBHOOK_URL";
constexpr const char* kApiTokenEnv = "MONITORING_API_TOKEN";

// Values from `global:` that integrations inherit.
struct Globals {
  std::string smtp_smarthost;
  std::string smtp_from = "alertd@localhost";
  std::string smtp_hello = "localhost";
  std::string smtp_auth_username;
  std::string smtp_auth_password;
  bool smtp_require_tls = true;
  std::string slack_api_url;
};

class Loader {
 public:
  Loader(const std::string& file, const EnvLookup& env) : r_(file), env_(env) {}

  NotificationConfig load(const YAML::Node& root) {
    NotificationConfig cfg;
    if (!root.IsDefined() || root.IsNull()) return finish(cfg, root, false);
    if (!root.IsMap()) r_.fail(root, "alertd config must be a mapping");
    load_global(root["global"], cfg);
    load_templates(root["templates"], cfg);
    const YAML::Node receivers = root["receivers"];
    if (receivers.IsDefined() && !receivers.IsNull()) {
      if (!receivers.IsSequence()) r_.fail(receivers, "receivers must be a list");
      for (const auto& node : receivers) cfg.receivers.push_back(load_receiver(node, cfg));
    }
    const YAML::Node route = root["route"];
    const bool has_route = route.IsDefined() && !route.IsNull();
    add_implicit_receivers(cfg, !has_route);
    load_escalations(root["escalation_policies"], cfg);
    cfg.time_intervals = load_time_intervals(r_, root["time_intervals"], root["mute_time_intervals"]);
    if (has_route) {
      RouteConfig defaults;
      cfg.route = load_route(route, defaults, cfg, true);
      cfg.warnings = std::move(warnings_);
    }
    const YAML::Node inhibit = root["inhibit_rules"];
    if (inhibit.IsDefined() && !inhibit.IsNull()) {
      if (!inhibit.IsSequence()) r_.fail(inhibit, "inhibit_rules must be a list");
      for (const auto& node : inhibit) cfg.inhibit_rules.push_back(load_inhibit(node));
    }
    return finish(cfg, root, has_route);
  }

 private:
  std::optional<std::string> env(const std::string& name) const {
    auto v = env_(name);
    if (v && v->empty()) return std::nullopt;
    return v;
  }

  void load_global(const YAML::Node& g, NotificationConfig& cfg) {
    if (!g.IsDefined() || g.IsNull()) return;
    r_.check_keys(g,
                  {"external_url", "smtp_smarthost", "smtp_from", "smtp_hello", "smtp_auth_username",
                   "smtp_auth_password", "smtp_auth_password_file", "smtp_require_tls", "slack_api_url",
                   "slack_api_url_file", "notify_resolved_silenced", "history_retention", "api_bearer_token_file",
                   "resolve_timeout"},
                  "global");
    if (g["external_url"]) {
      cfg.external_url = r_.str(g["external_url"]);
      r_.check_url(g["external_url"], cfg.external_url, "external_url");
    }
    if (g["smtp_smarthost"]) {
      globals_.smtp_smarthost = r_.str(g["smtp_smarthost"]);
      check_smarthost(g["smtp_smarthost"], globals_.smtp_smarthost, "smtp_smarthost");
    }
    if (g["smtp_from"]) globals_.smtp_from = r_.str(g["smtp_from"]);
    if (g["smtp_hello"]) globals_.smtp_hello = r_.str(g["smtp_hello"]);
    if (g["smtp_auth_username"]) globals_.smtp_auth_username = r_.str(g["smtp_auth_username"]);
    if (g["smtp_auth_password"]) globals_.smtp_auth_password = r_.str(g["smtp_auth_password"]);
    if (g["smtp_auth_password_file"]) {
      globals_.smtp_auth_password = r_.read_secret_file(g["smtp_auth_password_file"], "smtp_auth_password_file");
    }
    if (g["smtp_require_tls"]) globals_.smtp_require_tls = r_.boolean(g["smtp_require_tls"]);
    if (g["slack_api_url"]) {
      globals_.slack_api_url = r_.str(g["slack_api_url"]);
      r_.check_url(g["slack_api_url"], globals_.slack_api_url, "slack_api_url");
    }
    if (g["slack_api_url_file"]) {
      globals_.slack_api_url = r_.read_secret_file(g["slack_api_url_file"], "slack_api_url_file");
      r_.check_url(g["slack_api_url_file"], globals_.slack_api_url, "slack_api_url_file");
    }
    if (g["notify_resolved_silenced"]) cfg.notify_resolved_silenced = r_.boolean(g["notify_resolved_silenced"]);
    if (g["history_retention"]) cfg.history_retention_ms = r_.duration(g["history_retention"]);
    if (g["api_bearer_token_file"]) {
      cfg.api_bearer_token = r_.read_secret_file(g["api_bearer_token_file"], "api_bearer_token_file");
      r_.check_token(g["api_bearer_token_file"], cfg.api_bearer_token, "api_bearer_token_file");
    }
  }

  // `templates:` file globs, relative to the config file's directory as Alertmanager resolves them; the
  // defaults first, then each matched file in order, so a file may redefine `slack.default.title`.
  void load_templates(const YAML::Node& list, NotificationConfig& cfg) {
    templates_ = default_template_set();
    if (!list.IsDefined() || list.IsNull()) {
      cfg.templates = templates_;
      return;
    }
    if (!list.IsSequence()) r_.fail(list, "templates must be a list of file globs");
    const std::filesystem::path base = std::filesystem::path(r_.file()).parent_path();
    auto set = std::make_shared<rules::TemplateSet>(*templates_);
    for (const auto& entry : list) {
      const std::string pattern_text = r_.str(entry);
      if (pattern_text.empty()) r_.fail(entry, "templates: empty file glob");
      std::filesystem::path pattern(pattern_text);
      if (pattern.is_relative()) pattern = base / pattern;
      glob_t g{};
      const int rc = ::glob(pattern.c_str(), 0, nullptr, &g);
      std::vector<std::string> files;
      if (rc == 0) {
        for (std::size_t i = 0; i < g.gl_pathc; ++i) files.emplace_back(g.gl_pathv[i]);
      }
      globfree(&g);
      if (rc != 0 && rc != GLOB_NOMATCH) r_.fail(entry, "templates: cannot read glob \"" + pattern_text + "\"");
      for (const auto& file : files) {
        try {
          set->add(file, read_template_file(entry, file));
        } catch (const rules::TemplateError& e) {
          r_.fail(entry, std::string("templates: ") + e.what());
        }
        cfg.template_files.push_back(file);
      }
    }
    templates_ = std::move(set);
    cfg.templates = templates_;
  }

  std::string read_template_file(const YAML::Node& entry, const std::string& file) const {
    std::ifstream in(file, std::ios::binary);
    if (!in) r_.fail(entry, "templates: cannot read " + file);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  // A receiver field that is a Go template: parsed now against the templates, so that a syntax error is a
  // load error at its position (execution errors surface at send time).
  std::string template_field(const YAML::Node& node, const std::string& what) const {
    const std::string text = r_.str(node);
    try {
      (void)templates_->parse(what, text);
    } catch (const rules::TemplateError& e) {
      r_.fail(node, what + ": " + e.what());
    }
    return text;
  }

  void check_smarthost(const YAML::Node& node, const std::string& address, const std::string& what) const {
    if (const auto problem = smarthost_problem(address)) r_.fail(node, "invalid " + what + ": " + *problem);
  }

  // A secret from the environment has no position: the message names the file being loaded and the variable.
  void check_env_url(const char* var, const std::string& url) const {
    if (const auto problem = url_problem(url)) {
      throw ConfigError(r_.file() + ": invalid URL in environment variable " + var + ": " + *problem);
    }
  }
  void check_env_token(const char* var, const std::string& token) const {
    if (const auto problem = token_problem(token)) {
      throw ConfigError(r_.file() + ": invalid bearer token in environment variable " + var + ": " + *problem);
    }
  }

  // Alertmanager's http_config (Prometheus' common HTTP client config): the Authorization header it asks
  // for ("" for none). What alertd's HTTP client cannot do (TLS settings, proxies, OAuth 2) is a load error
  // naming the key, never accepted and ignored.
  std::string load_http_config(const YAML::Node& h) {
    if (h.IsNull()) return {};
    if (!h.IsMap()) r_.fail(h, "http_config must be a mapping");
    static const std::set<std::string> unsupported = {"oauth2", "tls_config", "proxy_url", "no_proxy",
                                                      "proxy_from_environment", "proxy_connect_header",
                                                      "follow_redirects", "enable_http2"};
    for (const auto& kv : h) {
      const std::string key = r_.str(kv.first);
      if (unsupported.count(key)) {
        r_.fail(kv.first, "http_config: " + key + " is not supported by alertd (remove it, or send through an "
                          "Alertmanager with alertmanager_configs)");
      }
    }
    r_.check_keys(h, {"authorization", "basic_auth", "bearer_token", "bearer_token_file"}, "http_config");
    const int schemes = (h["authorization"] ? 1 : 0) + (h["basic_auth"] ? 1 : 0) +
                        ((h["bearer_token"] || h["bearer_token_file"]) ? 1 : 0);
    if (schemes > 1) {
      r_.fail(h, "http_config: at most one of basic_auth, authorization, bearer_token & bearer_token_file must be configured");
    }
    if (h["bearer_token"] && h["bearer_token_file"]) {
      r_.fail(h["bearer_token_file"], "http_config: at most one of bearer_token & bearer_token_file must be configured");
    }
    if (h["bearer_token"] || h["bearer_token_file"]) {
      const bool file = static_cast<bool>(h["bearer_token_file"]);
      const YAML::Node node = file ? h["bearer_token_file"] : h["bearer_token"];
      const std::string token = file ? r_.read_secret_file(node, "bearer_token_file") : r_.str(node);
      r_.check_token(node, token, file ? "http_config bearer_token_file" : "http_config bearer_token");
      return "Bearer " + token;
    }
    if (const YAML::Node auth = h["authorization"]; auth.IsDefined() && !auth.IsNull()) {
      r_.check_keys(auth, {"type", "credentials", "credentials_file"}, "authorization");
      std::string type = auth["type"] ? r_.str(auth["type"]) : "Bearer";
      std::string lower = type;
      std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower == "basic") r_.fail(auth["type"], "authorization type cannot be set to \"basic\", use \"basic_auth\" instead");
      if (auth["credentials"] && auth["credentials_file"]) {
        r_.fail(auth["credentials_file"], "at most one of authorization credentials & credentials_file must be configured");
      }
      std::string credentials;
      if (auth["credentials_file"]) {
        credentials = r_.read_secret_file(auth["credentials_file"], "credentials_file");
        r_.check_token(auth["credentials_file"], credentials, "http_config authorization credentials_file");
      } else if (auth["credentials"]) {
        credentials = r_.str(auth["credentials"]);
        r_.check_token(auth["credentials"], credentials, "http_config authorization credentials");
      }
      return credentials.empty() ? std::string() : type + " " + credentials;
    }
    if (const YAML::Node basic = h["basic_auth"]; basic.IsDefined() && !basic.IsNull()) {
      r_.check_keys(basic, {"username", "username_file", "password", "password_file"}, "basic_auth");
      if (basic["username"] && basic["username_file"]) {
        r_.fail(basic["username_file"], "at most one of basic_auth username & username_file must be configured");
      }
      if (basic["password"] && basic["password_file"]) {
        r_.fail(basic["password_file"], "at most one of basic_auth password & password_file must be configured");
      }
      const std::string user = basic["username_file"] ? r_.read_secret_file(basic["username_file"], "username_file")
                                                      : (basic["username"] ? r_.str(basic["username"]) : "");
      const std::string password = basic["password_file"] ? r_.read_secret_file(basic["password_file"], "password_file")
                                                          : (basic["password"] ? r_.str(basic["password"]) : "");
      return "Basic " + base64_encode(user + ":" + password);
    }
    return {};
  }

  WebhookConfig load_webhook(const YAML::Node& n) {
    r_.check_keys(n, {"url", "url_file", "bearer_token_file", "http_config", "max_alerts", "timeout", "send_resolved"},
                  "webhook_configs");
    WebhookConfig w;
    if (n["url"] && n["url_file"]) r_.fail(n["url_file"], "webhook_configs: at most one of url and url_file");
    if (n["url"]) {
      w.url = r_.str(n["url"]);
      r_.check_url(n["url"], w.url, "webhook_configs url");
    }
    if (n["url_file"]) {
      w.url = r_.read_secret_file(n["url_file"], "url_file");
      r_.check_url(n["url_file"], w.url, "webhook_configs url_file");
    }
    if (!n["url"] && !n["url_file"]) r_.fail(n, "webhook_configs: missing url");
    if (n["bearer_token_file"] && n["http_config"]) {
      r_.fail(n["bearer_token_file"], "webhook_configs: at most one of bearer_token_file and http_config");
    }
    if (n["bearer_token_file"]) {
      const std::string token = r_.read_secret_file(n["bearer_token_file"], "bearer_token_file");
      r_.check_token(n["bearer_token_file"], token, "webhook_configs bearer_token_file");
      w.authorization = "Bearer " + token;
    } else if (n["http_config"]) {
      w.authorization = load_http_config(n["http_config"]);
    } else if (auto token = env(kWebhookTokenEnv)) {
      check_env_token(kWebhookTokenEnv, *token);
      w.authorization = "Bearer " + *token;
    }
    if (n["max_alerts"]) w.max_alerts = static_cast<std::size_t>(r_.uint(n["max_alerts"]));
    if (n["timeout"]) w.timeout_ms = r_.duration(n["timeout"]);
    if (n["send_resolved"]) w.send_resolved = r_.boolean(n["send_resolved"]);
    return w;
  }

  SlackConfig load_slack(const YAML::Node& n) {
    r_.check_keys(n,
                  {"api_url", "api_url_file", "channel", "username", "timeout", "send_resolved", "title", "title_link",
                   "text", "pretext", "fallback", "footer", "icon_emoji", "icon_url", "callback_id", "color"},
                  "slack_configs");
    SlackConfig s;
    s.templates = templates_;
    const std::pair<const char*, std::string SlackConfig::*> fields[] = {
        {"channel", &SlackConfig::channel},   {"username", &SlackConfig::username},
        {"title", &SlackConfig::title},       {"title_link", &SlackConfig::title_link},
        {"text", &SlackConfig::text},         {"pretext", &SlackConfig::pretext},
        {"fallback", &SlackConfig::fallback}, {"footer", &SlackConfig::footer},
        {"icon_emoji", &SlackConfig::icon_emoji}, {"icon_url", &SlackConfig::icon_url},
        {"callback_id", &SlackConfig::callback_id}, {"color", &SlackConfig::color}};
    for (const auto& [key, member] : fields) {
      if (n[key]) s.*member = template_field(n[key], std::string("slack_configs ") + key);
    }
    if (n["api_url"] && n["api_url_file"]) r_.fail(n["api_url_file"], "slack_configs: at most one of api_url and api_url_file");
    if (n["api_url"]) {
      s.api_url = r_.str(n["api_url"]);
      r_.check_url(n["api_url"], s.api_url, "slack_configs api_url");
    }
    if (n["api_url_file"]) {
      s.api_url = r_.read_secret_file(n["api_url_file"], "api_url_file");
      r_.check_url(n["api_url_file"], s.api_url, "slack_configs api_url_file");
    }
    if (s.api_url.empty()) s.api_url = globals_.slack_api_url;  // validated where global sets it
    if (s.api_url.empty()) {
      s.api_url = env(kSlackUrlEnv).value_or("");
      if (!s.api_url.empty()) check_env_url(kSlackUrlEnv, s.api_url);
    }
    if (s.api_url.empty()) {
      r_.fail(n, std::string("slack_configs: missing secret api_url (set api_url_file, global.slack_api_url_file or ") +
                     kSlackUrlEnv + ")");
    }
    if (n["timeout"]) s.timeout_ms = r_.duration(n["timeout"]);
    if (n["send_resolved"]) s.send_resolved = r_.boolean(n["send_resolved"]);
    return s;
  }

  EmailConfig load_email(const YAML::Node& n) {
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
    e.auth_password = globals_.smtp_auth_password;
    if (n["auth_password"]) e.auth_password = r_.str(n["auth_password"]);
    if (n["auth_password_file"]) e.auth_password = r_.read_secret_file(n["auth_password_file"], "auth_password_file");
    if (n["auth_password_env"]) {
      const std::string var = r_.str(n["auth_password_env"]);
      auto v = env(var);
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

  // Go's textproto.CanonicalMIMEHeaderKey for the usual header names: "content-type" -> "Content-Type".
  static std::string canonical_header(std::string name) {
    bool upper = true;
    for (char& c : name) {
      c = static_cast<char>(upper ? std::toupper(static_cast<unsigned char>(c)) : std::tolower(static_cast<unsigned char>(c)));
      upper = c == '-';
    }
    return name;
  }

  ReceiverConfig load_receiver(const YAML::Node& n, const NotificationConfig& cfg) {
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
    each("webhook_configs", [&](const YAML::Node& i) { rc.webhooks.push_back(load_webhook(i)); });
    each("slack_configs", [&](const YAML::Node& i) { rc.slacks.push_back(load_slack(i)); });
    each("email_configs", [&](const YAML::Node& i) { rc.emails.push_back(load_email(i)); });
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
  void add_implicit_receivers(NotificationConfig& cfg, bool add_default) {
    ReceiverConfig combined;
    combined.name = "default";
    if (auto url = env(kWebhookUrlEnv)) {
      check_env_url(kWebhookUrlEnv, *url);
      WebhookConfig w;
      w.url = *url;
      const std::string token = env(kWebhookTokenEnv).value_or("");
      if (!token.empty()) {
        check_env_token(kWebhookTokenEnv, token);
        w.authorization = "Bearer " + token;
      }
      combined.webhooks.push_back(w);
      if (!cfg.find_receiver("monitoring-webhook")) {
        ReceiverConfig rc;
        rc.name = "monitoring-webhook";
        rc.webhooks.push_back(w);
        cfg.receivers.push_back(rc);
      }
    }
    if (auto to = env(kEmailRecipientsEnv)) {
      EmailConfig e;
      e.to = yaml::Reader(r_.file()).strings(YAML::Node(*to), true);
      e.from = globals_.smtp_from;
      e.smarthost = globals_.smtp_smarthost.empty() ? "localhost:25" : globals_.smtp_smarthost;
      e.hello = globals_.smtp_hello;
      e.auth_username = globals_.smtp_auth_username;
      e.auth_password = globals_.smtp_auth_password;
      e.require_tls = globals_.smtp_require_tls;
      combined.emails.push_back(e);
      if (!cfg.find_receiver("monitoring-email")) {
        ReceiverConfig rc;
        rc.name = "monitoring-email";
        rc.emails.push_back(e);
        cfg.receivers.push_back(rc);
      }
    }
    if (auto url = env(kSlackUrlEnv)) {
      check_env_url(kSlackUrlEnv, *url);
      SlackConfig s;
      s.api_url = *url;
      combined.slacks.push_back(s);
      if (!cfg.find_receiver("slack")) {
        ReceiverConfig rc;
        rc.name = "slack";
        rc.slacks.push_back(s);
        cfg.receivers.push_back(rc);
      }
    }
    if (add_default && !cfg.find_receiver("default")) {
      if (combined.webhooks.empty() && combined.emails.empty() && combined.slacks.empty()) {
        combined.system_logs.push_back(SystemLogConfig{});
      }
      cfg.receivers.push_back(combined);
    }
  }

  void load_escalations(const YAML::Node& node, NotificationConfig& cfg) {
    if (!node.IsDefined() || node.IsNull()) return;
    auto load_steps = [&](const std::string& name, const YAML::Node& steps_node, const YAML::Node& at) {
      if (cfg.escalation_policies.count(name)) r_.fail(at, "escalation policy \"" + name + "\" is defined twice");
      EscalationPolicy p;
      p.name = name;
      if (!steps_node.IsSequence() || steps_node.size() == 0) r_.fail(at, "escalation policy needs a list of steps");
      for (const auto& s : steps_node) {
        r_.check_keys(s, {"after", "receivers"}, "escalation step");
        EscalationStep step;
        if (!s["after"]) r_.fail(s, "escalation step without after");
        step.after_ms = r_.duration(s["after"]);
        if (!p.steps.empty() && step.after_ms < p.steps.back().after_ms) {
          r_.fail(s["after"], "escalation steps must be in ascending order of after");
        }
        step.receivers = r_.strings(s["receivers"]);
        if (step.receivers.empty()) r_.fail(s, "escalation step without receivers");
        for (std::size_t i = 0; i < step.receivers.size(); ++i) {
          if (!cfg.find_receiver(step.receivers[i])) {
            r_.fail(s["receivers"][i], "escalation step refers to unknown receiver \"" + step.receivers[i] + "\"");
          }
        }
        p.steps.push_back(std::move(step));
      }
      cfg.escalation_policies[name] = std::move(p);
    };
    if (node.IsSequence()) {
      for (const auto& item : node) {
        r_.check_keys(item, {"name", "steps"}, "escalation policy");
        if (!item["name"]) r_.fail(item, "escalation policy without a name");
        load_steps(r_.str(item["name"]), item["steps"], item);
      }
    } else if (node.IsMap()) {
      for (const auto& kv : node) load_steps(r_.str(kv.first), kv.second, kv.first);
    } else {
      r_.fail(node, "escalation_policies must be a list");
    }
  }

  RouteConfig load_route(const YAML::Node& n, const RouteConfig& parent, const NotificationConfig& cfg, bool root) {
    r_.check_keys(n,
                  {"receiver", "group_by", "matchers", "match", "match_re", "continue", "group_wait", "group_interval",
                   "repeat_interval", "escalation_policy", "mute_time_intervals", "active_time_intervals", "routes"},
                  "route");
    RouteConfig rc;
    rc.receiver = parent.receiver;
    rc.group_by = parent.group_by;
    rc.group_by_all = parent.group_by_all;
    rc.group_wait_ms = parent.group_wait_ms;
    rc.group_interval_ms = parent.group_interval_ms;
    rc.repeat_interval_ms = parent.repeat_interval_ms;
    rc.escalation_policy = parent.escalation_policy;
    if (n["receiver"]) {
      rc.receiver = r_.str(n["receiver"]);
      if (!cfg.find_receiver(rc.receiver)) r_.fail(n["receiver"], "route refers to unknown receiver \"" + rc.receiver + "\"");
    }
    if (root && rc.receiver.empty()) r_.fail(n, "root route must specify a receiver");
    // An empty list inherits the parent's grouping, as in Alertmanager (only a non-empty one replaces it).
    if (n["group_by"] && !r_.strings(n["group_by"]).empty()) {
      rc.group_by = r_.strings(n["group_by"]);
      rc.group_by_all = false;
      std::set<std::string> seen;
      for (std::size_t i = 0; i < rc.group_by.size(); ++i) {
        const std::string& l = rc.group_by[i];
        if (l == "...") {
          if (rc.group_by.size() != 1) r_.fail(n["group_by"][i], "group_by '...' must be the only element");
          rc.group_by_all = true;
        } else if (!is_valid_label_name(l)) {
          r_.fail(n["group_by"][i], "invalid label name \"" + l + "\" in group_by");
        } else if (!seen.insert(l).second) {
          r_.fail(n["group_by"][i], "duplicate label \"" + l + "\" in group_by");
        }
      }
      if (rc.group_by_all) rc.group_by.clear();
    }
    rc.matchers = r_.matchers(n["matchers"]);
    for (const char* key : {"match", "match_re"}) {
      const YAML::Node m = n[key];
      if (!m.IsDefined() || m.IsNull()) continue;
      if (!m.IsMap()) r_.fail(m, std::string(key) + " must be a mapping");
      for (const auto& kv : m) {
        try {
          // Alertmanager keeps a match_re value anchored, and prints it so (groupKey, amtool's tree).
          if (!is_valid_label_name(r_.str(kv.first))) r_.fail(kv.first, "invalid label name \"" + r_.str(kv.first) + "\"");
          const bool equal = std::string(key) == "match";
          const std::string value = equal ? r_.str(kv.second) : "^(?:" + r_.str(kv.second) + ")$";
          rc.matchers.emplace_back(r_.str(kv.first), equal ? Matcher::Op::equal : Matcher::Op::regex, value);
        } catch (const std::invalid_argument& e) {
          r_.fail(kv.second, std::string("bad matcher: ") + e.what());
        }
      }
    }
    // Sorted by name, then value, then operator, as Alertmanager sorts a route's matchers: the route's
    // groupKey and `alertd config routes show` come out as Alertmanager's.
    std::stable_sort(rc.matchers.begin(), rc.matchers.end(), [](const Matcher& a, const Matcher& b) {
      if (a.name() != b.name()) return a.name() < b.name();
      if (a.value() != b.value()) return a.value() < b.value();
      return a.op() < b.op();
    });
    if (root && !rc.matchers.empty()) r_.fail(n, "root route must not have any matchers");
    if (n["continue"]) {
      rc.continue_matching = r_.boolean(n["continue"]);
      if (root && rc.continue_matching) r_.fail(n["continue"], "cannot have continue in root route");
    }
    if (n["group_wait"]) rc.group_wait_ms = r_.duration(n["group_wait"]);
    if (n["group_interval"]) {
      rc.group_interval_ms = r_.duration(n["group_interval"]);
      if (rc.group_interval_ms == 0) r_.fail(n["group_interval"], "group_interval cannot be zero");
    }
    if (n["repeat_interval"]) {
      rc.repeat_interval_ms = r_.duration(n["repeat_interval"]);
      if (rc.repeat_interval_ms == 0) r_.fail(n["repeat_interval"], "repeat_interval cannot be zero");
    }
    warn_about_intervals(n, rc);
    if (n["escalation_policy"]) {
      rc.escalation_policy = r_.str(n["escalation_policy"]);
      if (!rc.escalation_policy.empty() && !cfg.escalation_policies.count(rc.escalation_policy)) {
        r_.fail(n["escalation_policy"], "route refers to unknown escalation policy \"" + rc.escalation_policy + "\"");
      }
    }
    // Not inherited: a route mutes or activates by its own intervals only, as in Alertmanager.
    for (const char* key : {"mute_time_intervals", "active_time_intervals"}) {
      const YAML::Node list = n[key];
      if (!list.IsDefined() || list.IsNull()) continue;
      const bool mute = key[0] == 'm';
      if (root) r_.fail(list, std::string("root route must not have any ") + (mute ? "mute" : "active") + " time intervals");
      std::vector<std::string>& names = mute ? rc.mute_time_intervals : rc.active_time_intervals;
      names = r_.strings(list);
      for (std::size_t i = 0; i < names.size(); ++i) {
        if (!cfg.time_intervals.count(names[i])) {
          r_.fail(list[i], "undefined time interval \"" + names[i] + "\" used in route");
        }
      }
    }
    const YAML::Node children = n["routes"];
    if (children.IsDefined() && !children.IsNull()) {
      if (!children.IsSequence()) r_.fail(children, "routes must be a list");
      for (const auto& child : children) rc.routes.push_back(load_route(child, rc, cfg, false));
    }
    return rc;
  }

  // Repeats are only considered when a group is flushed, every group_interval (as in Alertmanager), so a
  // repeat_interval that is not a multiple of group_interval is in effect rounded up: say so, once, where set.
  void warn_about_intervals(const YAML::Node& n, const RouteConfig& rc) {
    if (!n["repeat_interval"] && !n["group_interval"]) return;
    if (rc.group_interval_ms <= 0 || rc.repeat_interval_ms % rc.group_interval_ms == 0) return;
    const std::int64_t effective =
        (rc.repeat_interval_ms + rc.group_interval_ms - 1) / rc.group_interval_ms * rc.group_interval_ms;
    const YAML::Node at = n["repeat_interval"] ? n["repeat_interval"] : n["group_interval"];
    warnings_.push_back(r_.position(at) + ": repeat_interval " + format_duration_ms(rc.repeat_interval_ms) +
                           " is not a multiple of group_interval " + format_duration_ms(rc.group_interval_ms) +
                           "; notifications repeat every " + format_duration_ms(effective));
  }

  InhibitRuleConfig load_inhibit(const YAML::Node& n) {
    r_.check_keys(n,
                  {"source_matchers", "target_matchers", "equal", "source_match", "target_match", "source_match_re",
                   "target_match_re"},
                  "inhibit rule");
    InhibitRuleConfig ir;
    ir.source_matchers = r_.matchers(n["source_matchers"]);
    ir.target_matchers = r_.matchers(n["target_matchers"]);
    // The legacy maps: match is equality, match_re an anchored regex, as in Alertmanager.
    for (const char* key : {"source_match", "target_match", "source_match_re", "target_match_re"}) {
      const YAML::Node m = n[key];
      if (!m.IsDefined() || m.IsNull()) continue;
      if (!m.IsMap()) r_.fail(m, std::string(key) + " must be a mapping");
      const std::string k = key;
      auto& list = k.rfind("source", 0) == 0 ? ir.source_matchers : ir.target_matchers;
      const bool regex = k.size() > 3 && k.compare(k.size() - 3, 3, "_re") == 0;
      for (const auto& kv : m) {
        if (!is_valid_label_name(r_.str(kv.first))) r_.fail(kv.first, "invalid label name \"" + r_.str(kv.first) + "\"");
        try {
          list.emplace_back(r_.str(kv.first), regex ? Matcher::Op::regex : Matcher::Op::equal,
                            regex ? "^(?:" + r_.str(kv.second) + ")$" : r_.str(kv.second));
        } catch (const std::invalid_argument& e) {
          r_.fail(kv.second, std::string("bad matcher: ") + e.what());
        }
      }
    }
    if (n["equal"]) {
      ir.equal = r_.strings(n["equal"]);
      for (std::size_t i = 0; i < ir.equal.size(); ++i) {
        if (!is_valid_label_name(ir.equal[i])) r_.fail(n["equal"][i], "invalid label name \"" + ir.equal[i] + "\" in equal");
      }
    }
    return ir;
  }

  NotificationConfig& finish(NotificationConfig& cfg, const YAML::Node& root, bool has_route) {
    if (!root.IsDefined() || root.IsNull()) add_implicit_receivers(cfg, true);
    if (!has_route) {
      cfg.route = RouteConfig{};
      cfg.route.receiver = "default";
    }
    if (cfg.api_bearer_token.empty()) {
      cfg.api_bearer_token = env(kApiTokenEnv).value_or("");
      if (!cfg.api_bearer_token.empty()) check_env_token(kApiTokenEnv, cfg.api_bearer_token);
    }
    return cfg;
  }

  yaml::Reader r_;
  const EnvLookup& env_;
  std::vector<std::string> warnings_;  // collected while the route tree is read
  Globals globals_;
  std::shared_ptr<const rules::TemplateSet> templates_ = default_template_set();
};

}  // namespace

const ReceiverConfig* NotificationConfig::find_receiver(const std::string& name) const {
  for (const auto& r : receivers) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

std::optional<std::string> url_problem(const std::string& url) {
  const auto colon = url.find("://");
  if (colon == std::string::npos) return "expected an absolute http:// or https:// URL";
  std::string scheme = url.substr(0, colon);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  if (scheme != "http" && scheme != "https") return "the scheme must be http or https";
  for (const unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) return "it contains whitespace or control characters";
  }
  const std::string rest = url.substr(colon + 3);
  const std::string authority = rest.substr(0, rest.find_first_of("/?#"));
  const std::string host = authority.substr(authority.rfind('@') == std::string::npos ? 0 : authority.rfind('@') + 1);
  if (host.empty() || host[0] == ':') return "the host is missing";
  return std::nullopt;
}

std::optional<std::string> smarthost_problem(const std::string& address) {
  if (address.find("://") != std::string::npos) return "expected host:port, not a URL";
  const auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return "expected host:port";
  const std::string port = address.substr(colon + 1);
  if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      std::stoi(port) < 1 || std::stoi(port) > 65535) {
    return "expected host:port with a port from 1 to 65535";
  }
  for (const unsigned char c : address) {
    if (c <= 0x20 || c == 0x7f || c == '/' || c == '@') return "expected host:port";
  }
  return std::nullopt;
}

std::optional<std::string> token_problem(const std::string& token) {
  if (token.empty()) return "it is empty";
  for (const unsigned char c : token) {
    if (c <= 0x20 || c == 0x7f) return "it contains whitespace or control characters";
  }
  return std::nullopt;
}

EnvLookup process_env() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

NotificationConfig load_notification_config(const YAML::Node& root, const std::string& file) {
  return load_notification_config(root, file, process_env());
}

NotificationConfig load_notification_config(const YAML::Node& root, const std::string& file, const EnvLookup& env) {
  return Loader(file, env).load(root);
}

}  // namespace twikit::notify
