#pragma once
// The webhook integration: Alertmanager's webhook payload version "4", so existing receivers work unchanged.

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "alertd/notify/config.h"
#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// Builds the exact v4 payload: receiver, status, alerts, groupLabels, commonLabels, commonAnnotations,
/// externalURL, version, groupKey, truncatedAlerts (keys in Alertmanager's order); keeps at most
/// `max_alerts` alerts (0 = all) and counts the rest as truncated.
nlohmann::ordered_json webhook_payload(const Notification& n, std::size_t max_alerts);

/// A label set as a JSON object (keys in label order).
nlohmann::ordered_json labels_json(const Labels& labels);

/// POSTs the v4 payload with http_config's Authorization header; secret files are read at each send, and
/// one that cannot be read fails the attempt (reason "other", retried). Thread-safe.
class WebhookNotifier final : public Notifier {
 public:
  /// Sends through `http` (shared, thread-safe).
  WebhookNotifier(WebhookConfig config, std::shared_ptr<HttpClient> http);
  DeliveryResult notify(const Notification& n) override;
  std::string integration() const override { return "webhook"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  WebhookConfig config_;
  std::shared_ptr<HttpClient> http_;
};

}  // namespace twikit::notify
