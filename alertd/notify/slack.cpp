#include "alertd/notify/slack.h"

#include "alertd/notify/severity.h"
#include "alertd/notify/template_data.h"
#include "common/json_text.h"

namespace twikit::notify {

namespace {
/// Slack's colour for the group: green when resolved, else by the highest firing severity: red for critical
/// and error, orange for warning (and alerts without a severity, as before), blue for info.
std::string colour(const Notification& n, const TemplateData& d) {
  if (d.status != "firing") return "good";
  const int rank = severity_rank(highest_severity(n));
  if (rank >= severity_rank("error")) return "danger";
  if (rank == severity_rank("info")) return "#439FE0";
  return "warning";
}

std::string alert_text(const Alert& a) {
  std::string t;
  const std::string& summary = label_value(a.annotations, "summary");
  const std::string& severity = label_value(a.labels, "severity");
  t += "*Alert:* " + (summary.empty() ? label_value(a.labels, "alertname") : summary);
  if (!severity.empty()) t += " - `" + severity + "`";
  t += "\n";
  const std::string& description = label_value(a.annotations, "description");
  if (!description.empty()) t += "*Description:* " + description + "\n";
  const std::string& runbook = label_value(a.annotations, "runbook_url");
  if (!runbook.empty()) t += "*Runbook:* <" + runbook + "|:spiral_note_pad:>\n";
  t += "*Details:*\n";
  for (const auto& [k, v] : a.labels) t += "  \xE2\x80\xA2 *" + k + ":* `" + v + "`\n";
  return t;
}
}  // namespace

nlohmann::ordered_json slack_payload(const Notification& n, const SlackConfig& config) {
  const TemplateData d = template_data(n);
  const std::string title = default_title(n, d);
  std::string text;
  for (const auto& a : n.alerts) text += alert_text(a);
  nlohmann::ordered_json att;
  att["title"] = title;
  att["title_link"] = n.external_url;
  att["text"] = text;
  att["fallback"] = title;
  att["color"] = colour(n, d);
  att["mrkdwn_in"] = {"fallback", "pretext", "text"};
  nlohmann::ordered_json p;
  if (!config.channel.empty()) p["channel"] = config.channel;
  if (!config.username.empty()) p["username"] = config.username;
  p["attachments"] = nlohmann::ordered_json::array({att});
  return p;
}

SlackNotifier::SlackNotifier(SlackConfig config, std::shared_ptr<HttpClient> http)
    : config_(std::move(config)), http_(std::move(http)) {}

DeliveryResult SlackNotifier::notify(const Notification& n) {
  HttpRequest req;
  req.method = "POST";
  req.url = config_.api_url;
  req.headers.emplace_back("Content-Type", "application/json");
  req.body = safe_dump(slack_payload(n, config_));
  req.timeout = std::chrono::milliseconds(config_.timeout_ms);
  req.max_body_bytes = 1 << 20;
  return classify_http(http_->send(req));
}

}  // namespace twikit::notify
