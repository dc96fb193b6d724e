#pragma once
// Reads `receivers:` (webhook, Slack, email, system log and Alertmanager integrations) and adds the seed's
// implicit receivers from the environment, with `file:line:col` errors.

#include <memory>
#include <optional>
#include <string>

#include <yaml-cpp/yaml.h>

#include "alertd/notify/config.h"
#include "alertd/notify/config_yaml.h"
#include "alertd/rules/template_set.h"

namespace twikit::notify {

/// The seed's environment variables for implicit receivers and secrets.
inline constexpr const char* kWebhookTokenEnv = "MONITORING_WEBHOOK_TOKEN";
inline constexpr const char* kWebhookUrlEnv = "MONITORING_WEBHOOK_URL";     ///< Adds `monitoring-webhook`.
inline constexpr const char* kEmailRecipientsEnv = "MONITORING_EMAIL_RECIPIENTS"; ///< Adds `monitoring-email`.
inline constexpr const char* kSlackUrlEnv = "SLACK_WEBHOOK_URL";            ///< Adds `slack`.

/// Values from `global:` that integrations inherit.
struct ReceiverGlobals {
  std::string smtp_smarthost;                 ///< Default email smarthost.
  std::string smtp_from = "alertd@localhost"; ///< Default sender.
  std::string smtp_hello = "localhost";       ///< Default EHLO name.
  std::string smtp_auth_username;             ///< Default SMTP AUTH user.
  Secret smtp_auth_password;                  ///< Default SMTP AUTH password (inline or file).
  bool smtp_require_tls = true;               ///< Default STARTTLS requirement.
  Secret slack_api_url;                       ///< Default Slack webhook URL (inline or file).
  std::optional<HttpAuth> http_config;        ///< Default http_config of webhook and Slack receivers.
};

/// Reads receivers of one file against the globals and templates read before them.
class ReceiverReader {
 public:
  /// Keeps references to `r`, `env` and `globals`, which must outlive the reader.
  ReceiverReader(const yaml::Reader& r, const EnvLookup& env, const ReceiverGlobals& globals,
                 std::shared_ptr<const rules::TemplateSet> templates);

  /// One `receivers:` entry; fails on a missing or repeated name (against `cfg`), an integration alertd
  /// does not have (named), an unknown key, a missing secret or a bad URL, template, duration.
  ReceiverConfig receiver(const YAML::Node& n, const NotificationConfig& cfg) const;

  /// The seed's environment variables: each present one adds an implicit receiver (unless a receiver of
  /// that name is configured); with `add_default`, a `default` receiver combining them (or the system log).
  void add_implicit_receivers(NotificationConfig& cfg, bool add_default) const;

 private:
  WebhookConfig webhook(const YAML::Node& n) const;
  SlackConfig slack(const YAML::Node& n) const;
  SlackField slack_field(const YAML::Node& n) const;
  SlackAction slack_action(const YAML::Node& n) const;
  EmailConfig email(const YAML::Node& n) const;
  std::string template_field(const YAML::Node& node, const std::string& what) const;
  void check_smarthost(const YAML::Node& node, const std::string& address, const std::string& what) const;

  const yaml::Reader& r_;
  const EnvLookup& env_;
  const ReceiverGlobals& globals_;
  std::shared_ptr<const rules::TemplateSet> templates_;
};

}  // namespace twikit::notify
