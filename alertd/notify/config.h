#pragma once
// The notification part of alertd.yaml as plain values: receivers, the route tree, inhibit rules and
// escalation policies, with Alertmanager's vocabulary and defaults. load_notification_config() validates.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "alertd/notify/config_secret.h"
#include "alertd/notify/flush_timing.h"
#include "alertd/notify/matcher.h"
#include "alertd/notify/time_interval.h"
#include "alertd/rules/template_set.h"

namespace twikit::notify {

/// A webhook integration: Alertmanager's webhook payload version "4" POSTed to `url`.
struct WebhookConfig {
  Secret url;                     ///< Where to POST (`url`, or `url_file` read at each send).
  /// The Authorization header to send: from http_config, the webhook's own bearer_token_file, or
  /// $MONITORING_WEBHOOK_TOKEN; files are read at each send.
  HttpAuth auth;
  std::size_t max_alerts = 0;     ///< At most this many alerts per payload (0 = all); the rest count as truncated.
  std::int64_t timeout_ms = 10000;///< Per-request timeout.
  bool send_resolved = true;      ///< Alertmanager's default for webhooks.
};

/// A field of a Slack attachment (Alertmanager's `fields`); title and value are Go templates.
struct SlackField {
  std::string title;          ///< Field title (a template; required).
  std::string value;          ///< Field value (a template; required).
  std::optional<bool> short_; ///< `short`; unset takes the config's `short_fields`.
};

/// The confirmation dialog of a Slack action button; every member is a Go template.
struct SlackConfirm {
  std::string text;           ///< Dialog text (required).
  std::string title;          ///< Dialog title.
  std::string ok_text;        ///< Label of the confirm button.
  std::string dismiss_text;   ///< Label of the dismiss button.
};

/// An action button of a Slack attachment (Alertmanager's `actions`); every string is a Go template. A link
/// button has `url` (name, value and confirm are dropped, as Alertmanager drops them); a message button `name`.
struct SlackAction {
  std::string type;                    ///< "button" (required).
  std::string text;                    ///< Button label (required).
  std::string url;                     ///< Link of a link button.
  std::string style;                   ///< "primary", "danger" or empty.
  std::string name;                    ///< Name of a message button.
  std::string value;                   ///< Value of a message button.
  std::optional<SlackConfirm> confirm; ///< Confirmation dialog of a message button.
};

/// A Slack incoming-webhook integration. The message fields are Go templates executed with Alertmanager's
/// notification data; each defaults to the template of Alertmanager's name (`slack.default.title`, ...).
struct SlackConfig {
  Secret api_url;                 ///< The incoming-webhook URL (`api_url_file` is read at each send).
  HttpAuth auth;                  ///< http_config's Authorization header, if any.
  std::string channel = R"({{ template "slack.default.channel" . }})"; ///< Channel override; empty = the webhook's.
  std::string username = R"({{ template "slack.default.username" . }})"; ///< Bot user name.
  std::string title = R"({{ template "slack.default.title" . }})";       ///< Attachment title.
  std::string title_link = R"({{ template "slack.default.titlelink" . }})"; ///< Link of the title.
  std::string text = R"({{ template "slack.default.text" . }})";         ///< Attachment text.
  std::string pretext = R"({{ template "slack.default.pretext" . }})";   ///< Text above the attachment.
  std::string fallback = R"({{ template "slack.default.fallback" . }})"; ///< Plain-text summary.
  std::string footer = R"({{ template "slack.default.footer" . }})";     ///< Attachment footer.
  std::string icon_emoji = R"({{ template "slack.default.iconemoji" . }})"; ///< Bot icon emoji.
  std::string icon_url = R"({{ template "slack.default.iconurl" . }})";  ///< Bot icon URL.
  std::string callback_id = R"({{ template "slack.default.callbackid" . }})"; ///< Attachment callback id.
  std::string color = R"({{ template "slack.default.color" . }})";       ///< Attachment colour.
  std::string image_url;          ///< Attachment image URL (a template).
  std::string thumb_url;          ///< Attachment thumbnail URL (a template).
  std::vector<SlackField> fields; ///< Attachment fields.
  bool short_fields = false;      ///< `short` of the fields that do not set it.
  std::vector<SlackAction> actions; ///< Attachment buttons.
  bool link_names = false;        ///< Ask Slack to link @names and #channels.
  std::vector<std::string> mrkdwn_in; ///< Attachment fields Slack reads as markdown; empty = fallback, pretext, text.
  std::shared_ptr<const rules::TemplateSet> templates; ///< The templates the fields call (nullptr: the defaults).
  std::int64_t timeout_ms = 10000;///< Per-request timeout.
  bool send_resolved = false;     ///< Alertmanager's default for Slack.
};

/// An email integration sending through SMTP with libcurl.
struct EmailConfig {
  std::vector<std::string> to;    ///< Recipients.
  std::string from;               ///< Envelope and header sender.
  std::string smarthost;          ///< "host:port" of the SMTP server.
  std::string hello = "localhost";///< EHLO name.
  std::string auth_username;      ///< SMTP AUTH user; empty = no authentication.
  Secret auth_password;           ///< SMTP AUTH password (inline, from env, or a file read at each send).
  bool require_tls = true;        ///< Require STARTTLS (Alertmanager's default); false sends in clear text.
  std::int64_t timeout_ms = 10000;///< Per-delivery timeout.
  bool send_resolved = false;     ///< Alertmanager's default for email.
  /// Extra or replaced headers (`headers:`), values are Go templates; Subject defaults to
  /// `{{ template "email.default.subject" . }}`. Names are kept in Alertmanager's canonical form ("Subject").
  std::map<std::string, std::string> headers;
  std::string html = R"({{ template "email.default.html" . }})"; ///< HTML part (a template; empty = none).
  std::string text = R"({{ template "email.default.text" . }})"; ///< Plain-text part (a template; empty = none).
  std::shared_ptr<const rules::TemplateSet> templates; ///< The templates the fields call (nullptr: the defaults).
};

/// Writes one structured log line per notification.
struct SystemLogConfig {
  bool send_resolved = true;      ///< Log resolved notifications too.
};

/// Forwards alerts to an Alertmanager's /api/v2/alerts (the scale-out path).
struct AlertmanagerConfig {
  std::string url;                ///< Base URL such as http://am:9093 ("/api/v2/alerts" is appended).
  std::int64_t timeout_ms = 10000;///< Per-request timeout.
  bool send_resolved = true;      ///< Resolved alerts must reach Alertmanager to resolve there.
};

/// A named receiver with any number of integrations.
struct ReceiverConfig {
  std::string name;                         ///< Unique name routes refer to.
  std::vector<WebhookConfig> webhooks;      ///< webhook_configs
  std::vector<SlackConfig> slacks;          ///< slack_configs
  std::vector<EmailConfig> emails;          ///< email_configs
  std::vector<SystemLogConfig> system_logs; ///< system_log_configs
  std::vector<AlertmanagerConfig> alertmanagers; ///< alertmanager_configs
};

/// A node of the routing tree; unset timing and grouping fields are inherited from the parent.
struct RouteConfig {
  std::string receiver;                     ///< Receiver for alerts this route matches.
  std::vector<std::string> group_by;        ///< Labels that form aggregation groups.
  bool group_by_all = false;                ///< group_by: ['...'] — every label, i.e. no aggregation.
  Matchers matchers;                        ///< All must match for the route to match.
  bool continue_matching = false;           ///< `continue`: keep matching siblings after this one.
  FlushTiming timing;                       ///< group_wait, group_interval and repeat_interval.
  std::string escalation_policy;            ///< Name of an escalation policy, or empty.
  std::vector<std::string> mute_time_intervals;   ///< Named time intervals when this route sends nothing (not inherited).
  std::vector<std::string> active_time_intervals; ///< When non-empty, the only times this route sends (not inherited).
  std::vector<RouteConfig> routes;          ///< Child routes.
};

/// An inhibition rule: a firing source alert mutes target alerts with equal values of `equal` labels.
struct InhibitRuleConfig {
  Matchers source_matchers;          ///< What the inhibiting alert must match.
  Matchers target_matchers;          ///< What the inhibited alert must match.
  std::vector<std::string> equal;    ///< Labels whose values must be equal in source and target.
};

/// One escalation step: after an alert has fired unacknowledged for `after_ms`, notify `receivers`.
struct EscalationStep {
  std::int64_t after_ms = 0;             ///< Delay since the alert started firing.
  std::vector<std::string> receivers;    ///< Receivers to notify at this step.
};

/// A named escalation policy; a route refers to it by name.
struct EscalationPolicy {
  std::string name;                      ///< Unique name.
  std::vector<EscalationStep> steps;     ///< Steps in ascending order of `after_ms`.
};

/// Everything the notification side reads from alertd.yaml.
struct NotificationConfig {
  std::vector<ReceiverConfig> receivers;           ///< All receivers, including implicit ones from env.
  RouteConfig route;                               ///< The root route (matches everything).
  std::vector<InhibitRuleConfig> inhibit_rules;    ///< Inhibition rules.
  std::map<std::string, EscalationPolicy> escalation_policies; ///< Policies by name.
  TimeIntervals time_intervals;                    ///< `time_intervals` and `mute_time_intervals` by name.
  std::vector<std::string> template_files;         ///< The files `templates:` globs matched, in load order.
  std::shared_ptr<const rules::TemplateSet> templates; ///< The default templates and those files'.
  std::string external_url = "http://localhost:9878"; ///< Link to alertd in notifications (externalURL).
  bool notify_resolved_silenced = true;            ///< Send resolved notices for alerts silenced while firing.
  std::int64_t history_retention_ms = 30LL * 24 * 3'600'000; ///< How long alert history is kept.
  std::string api_bearer_token;                    ///< Token required by mutating monitoring API calls.
  std::vector<std::string> warnings;               ///< "file:line:col: message" for valid but surprising settings.

  /// The receiver called `name`, or nullptr.
  const ReceiverConfig* find_receiver(const std::string& name) const;
};

/// A configuration error carrying "file:line:col: message".
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Reads an environment variable; nullopt when unset. Injected so tests need not touch the process env.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

/// The process environment (getenv).
EnvLookup process_env();

/// Why `url` cannot be a receiver URL (http or https scheme, a host, no whitespace or control characters),
/// or nullopt when it can. The reason never quotes the URL: receiver URLs are often secrets.
std::optional<std::string> url_problem(const std::string& url);

/// Why `address` cannot be an SMTP smarthost (host:port, port 1-65535, no URL scheme), or nullopt.
std::optional<std::string> smarthost_problem(const std::string& address);

/// Why `token` cannot be sent as a bearer token (empty, whitespace or control characters), or nullopt.
/// The reason never quotes the token.
std::optional<std::string> token_problem(const std::string& token);

/// The keys of alertd.yaml's `global` section the notification side reads: Alertmanager's global keys, those
/// of integrations alertd lacks included (refused there with "is not supported by alertd").
const std::set<std::string>& notification_global_keys();

/// Builds and validates the notification config from alertd.yaml's root node; `file` names the file in
/// errors. Throws ConfigError("file:line:col: message") on an unknown receiver, a bad matcher or duration,
/// a missing secret, a URL that is not http(s), and similar. Secrets come from `*_file` keys or the
/// environment (see docs); messages name the key or variable a bad secret came from, never its value.
NotificationConfig load_notification_config(const YAML::Node& root, const std::string& file);

/// As above with an explicit environment, for tests.
NotificationConfig load_notification_config(const YAML::Node& root, const std::string& file, const EnvLookup& env);

}  // namespace twikit::notify
