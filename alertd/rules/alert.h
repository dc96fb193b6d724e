#pragma once
// One alert of an alerting rule and its lifecycle state, as Prometheus keeps it.

#include <string>

#include "common/clock.h"
#include "common/labels.h"

namespace twikit::rules {

/// Where an alert is in its lifecycle; `inactive` with resolved_at set means "resolved".
enum class AlertState { inactive, pending, firing };

/// Prometheus' spelling: "inactive", "pending", "firing".
const char* alert_state_name(AlertState state);

/// An alert: the labels that identify it and where it is in pending -> firing -> resolved.
/// Timestamps are milliseconds since the epoch; 0 means "not set".
struct Alert {
  Labels labels;                            ///< Sample labels without __name__, rule labels, alertname.
  Labels annotations;                       ///< Expanded annotation templates.
  AlertState state = AlertState::inactive;  ///< Current state.
  double value = 0;                         ///< The expression's value at the last evaluation.
  TimestampMs active_at = 0;                ///< When the expression first returned this alert.
  TimestampMs fired_at = 0;                 ///< When it became firing.
  TimestampMs resolved_at = 0;              ///< When it stopped firing (kept 15 minutes afterwards).
  TimestampMs last_sent_at = 0;             ///< When it was last handed to the notifier.
  TimestampMs valid_until = 0;              ///< Until when the last hand-off stays valid (Alertmanager endsAt).
  TimestampMs keep_firing_since = 0;        ///< When keep_firing_for started holding it firing.

  /// Whether the alert is resolved (was active, is no longer).
  bool resolved() const { return state == AlertState::inactive && resolved_at != 0; }
};

/// How long resolved alerts are kept and re-sent, as in Prometheus.
inline constexpr std::int64_t kResolvedRetentionMs = 15 * 60 * 1000;

}  // namespace twikit::rules
