#pragma once
// What every integration derives from a notification: status, common labels and counts. (Titles and
// messages are templates: default_templates.cpp.)

#include <cstddef>
#include <string>

#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// The facts Alertmanager's default templates use.
struct TemplateData {
  std::string status;          ///< "firing" when any alert fires, else "resolved".
  Labels common_labels;        ///< Labels all alerts share with equal values.
  Labels common_annotations;   ///< Annotations all alerts share with equal values.
  std::size_t firing = 0;      ///< Number of firing alerts.
  std::size_t resolved = 0;    ///< Number of resolved alerts.
};

/// Derives the template facts of `n`.
TemplateData template_data(const Notification& n);

/// "firing" or "resolved" for one alert at `now`.
std::string alert_status(const Alert& a, TimestampMs now);


}  // namespace twikit::notify
