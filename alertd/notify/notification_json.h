#pragma once
// Notifications and alerts as JSON, for the outbox rows and the API.

#include <nlohmann/json.hpp>

#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// An alert as {"labels", "annotations", "startsAt", "endsAt", "generatorURL"} (times in ms).
nlohmann::json alert_to_json(const Alert& a);
/// The inverse of alert_to_json(); throws nlohmann::json::exception on a malformed value.
Alert alert_from_json(const nlohmann::json& j);
/// A label set as a JSON object.
nlohmann::json labels_to_json(const Labels& labels);
/// A JSON object of strings as a label set; throws a std::exception on anything else.
Labels labels_from_json(const nlohmann::json& j);
/// A whole notification.
nlohmann::json notification_to_json(const Notification& n);
/// The inverse of notification_to_json(); throws a std::exception on a malformed value.
Notification notification_from_json(const nlohmann::json& j);

}  // namespace twikit::notify
