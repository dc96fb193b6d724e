#pragma once
// The alertmanager integration: POSTs alerts to an Alertmanager's /api/v2/alerts, the scale-out path.

#include <memory>

#include <nlohmann/json.hpp>

#include "alertd/notify/config.h"
#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// The API v2 body: [{labels, annotations, startsAt, endsAt, generatorURL}]. A firing alert's endsAt is set
/// past the next possible re-send (now + repeat_interval + 5m) so Alertmanager does not resolve it early.
nlohmann::ordered_json alertmanager_payload(const Notification& n);

/// POSTs to `<url>/api/v2/alerts`. Thread-safe.
class AlertmanagerNotifier final : public Notifier {
 public:
  /// Sends through `http` (shared, thread-safe).
  AlertmanagerNotifier(AlertmanagerConfig config, std::shared_ptr<HttpClient> http);
  DeliveryResult notify(const Notification& n) override;
  std::string integration() const override { return "alertmanager"; }
  bool send_resolved() const override { return config_.send_resolved; }

 private:
  AlertmanagerConfig config_;
  std::shared_ptr<HttpClient> http_;
};

}  // namespace twikit::notify
