#include "alertd/notify/integrations.h"

#include "alertd/notify/alertmanager.h"
#include "alertd/notify/email.h"
#include "alertd/notify/slack.h"
#include "alertd/notify/system_log.h"
#include "alertd/notify/webhook.h"

namespace twikit::notify {

std::vector<Integration> build_integrations(const ReceiverConfig& r, std::shared_ptr<HttpClient> http) {
  std::vector<Integration> out;
  auto add = [&](const char* kind, std::size_t i, std::shared_ptr<Notifier> n) {
    out.push_back({r.name + "/" + kind + "/" + std::to_string(i), r.name, std::move(n)});
  };
  for (std::size_t i = 0; i < r.webhooks.size(); ++i) add("webhook", i, std::make_shared<WebhookNotifier>(r.webhooks[i], http));
  for (std::size_t i = 0; i < r.emails.size(); ++i) add("email", i, std::make_shared<EmailNotifier>(r.emails[i]));
  for (std::size_t i = 0; i < r.slacks.size(); ++i) add("slack", i, std::make_shared<SlackNotifier>(r.slacks[i], http));
  for (std::size_t i = 0; i < r.system_logs.size(); ++i) {
    add("system_log", i, std::make_shared<SystemLogNotifier>(r.system_logs[i]));
  }
  for (std::size_t i = 0; i < r.alertmanagers.size(); ++i) {
    add("alertmanager", i, std::make_shared<AlertmanagerNotifier>(r.alertmanagers[i], http));
  }
  return out;
}

}  // namespace twikit::notify
