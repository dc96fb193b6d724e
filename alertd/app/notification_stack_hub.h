#pragma once
// The production NotificationHub: the notification library's NotificationStack (SQLite state, routing,
// grouping, inhibition, silences, escalation, delivery and the monitoring API) behind the App's seam.

#include <memory>

#include "alertd/app/alert_activity.h"
#include "alertd/app/notification_hub.h"
#include "alertd/config/config.h"
#include "common/clock.h"

namespace twikit::app {

/// Opens the stack's database at config.storage.path (creating its directory), applies the config's
/// notification sections and returns the hub; `on_activity` (may be empty) hears acknowledgements, silences
/// and escalations. Throws std::runtime_error when the database cannot be opened.
std::unique_ptr<NotificationHub> make_notification_stack_hub(const config::AlertdConfig& config, const Clock& clock,
                                                             AlertActivityListener on_activity = {});

}  // namespace twikit::app
