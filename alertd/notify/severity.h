#pragma once
// The four severities (critical, error, warning, info) and how a notification's severity is chosen.

#include <string>

#include "alertd/notify/notifier.h"

namespace twikit::notify {

/// 4 for critical, 3 for error, 2 for warning, 1 for info, 0 for anything else or none.
int severity_rank(const std::string& severity);

/// The highest-ranked `severity` label among the notification's firing alerts (all of its alerts when none
/// is firing); empty when none carries one of the four.
std::string highest_severity(const Notification& n);

}  // namespace twikit::notify
