#pragma once
// Builds the Notifier objects of a receiver from its config.

#include <memory>
#include <string>
#include <vector>

#include "alertd/notify/config.h"
#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// One integration of a receiver, named "<receiver>/<kind>/<index>" for logs, metrics and the outbox.
struct Integration {
  std::string id;                      ///< "<receiver>/<kind>/<index>", unique within a config.
  std::string receiver;                ///< Receiver name.
  std::shared_ptr<Notifier> notifier;  ///< The integration itself.
};

/// The integrations of `receiver`, in config order (webhook, email, slack, system_log, alertmanager).
std::vector<Integration> build_integrations(const ReceiverConfig& receiver, std::shared_ptr<HttpClient> http);

}  // namespace twikit::notify
