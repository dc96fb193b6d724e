#pragma once
// The Slack integration: an incoming-webhook message shaped like Alertmanager's default Slack message.

#include <memory>

#include <nlohmann/json.hpp>

#include "alertd/notify/config.h"
#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// The message as Alertmanager builds it from the config's template fields: one attachment whose title,
/// link, text, colour, ... are the executed templates (by default `slack.default.*`: title "[FIRING:n] ...",
/// a colour by status and severity — "danger" critical or error, "warning" warning or none, "#439FE0" info,
/// "good" resolved — and per-alert summary, description and runbook link in the text), then `fields` (title,
/// value, short) and `actions` (type, text, url, style, name, value, confirm) with every string executed, in
/// the order of Alertmanager's attachment; empty strings are left out.
nlohmann::ordered_json slack_payload(const Notification& n, const SlackConfig& config);

/// POSTs the message to the incoming-webhook URL (api_url_file read at each send; a file that cannot be read
/// fails the attempt, reason "other", retried). Thread-safe.
class SlackNotifier final : public Notifier {
 public:
  /// Sends through `http` (shared, thread-safe).
  SlackNotifier(SlackConfig config, std::shared_ptr<HttpClient> http);
  DeliveryResult notify(const Notification& n) override;
  std::string integration() const override { return "slack"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  SlackConfig config_;
  std::shared_ptr<HttpClient> http_;
};

}  // namespace twikit::notify
