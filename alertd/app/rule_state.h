#pragma once
// The rule engine's active alerts to and from the form the database keeps across restarts.

#include <vector>

#include "alertd/persistence/rule_state_store.h"
#include "alertd/rules/alert.h"

namespace twikit::app {

/// The pending and firing alerts among `alerts`, as the database keeps them.
std::vector<persistence::RememberedAlert> to_remembered(const std::vector<rules::Alert>& alerts);

/// Remembered alerts back as rule alerts at `now`, after alertd was last known running at `saved_at`:
/// firing ones exactly as they were; pending ones with active_at moved on by the downtime, so that time
/// spent down does not count towards `for` (as Prometheus restores its `for` state).
std::vector<rules::Alert> from_remembered(const std::vector<persistence::RememberedAlert>& alerts,
                                          TimestampMs saved_at, TimestampMs now);

}  // namespace twikit::app
