#pragma once
// What people and escalation policies do to alerts outside rule evaluation — acknowledge, silence, escalate —
// as the notification side reports it to the App, which publishes it to live clients (docs/api-live.md).

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "alertd/notify/alert.h"
#include "common/clock.h"
#include "common/labels.h"

namespace twikit::app {

/// One thing done to one alert.
struct AlertActivity {
  /// What was done.
  enum class Kind {
    acknowledged,  ///< Someone acknowledged the firing alert (by, comment).
    silenced,      ///< A silence created now mutes the firing alert (silence_id, by = createdBy, comment, ends_at).
    unsilenced,    ///< The last silence muting the firing alert was expired (silence_id, by, comment).
    escalated,     ///< An escalation step was sent for the alert (policy, step, receivers).
  };
  Kind kind = Kind::acknowledged;
  notify::Fingerprint fingerprint = 0;  ///< The alert's identity (the monitoring API's id, in hex).
  Labels labels;                        ///< The alert's labels.
  TimestampMs at = 0;                   ///< When it was done.
  std::string by;                       ///< Who acknowledged, or who created the silence.
  std::string comment;                  ///< The acknowledgement's or the silence's comment.
  std::string silence_id;               ///< The silence (silenced, unsilenced).
  TimestampMs ends_at = 0;              ///< When the silence ends (silenced).
  std::string policy;                   ///< The escalation policy (escalated).
  std::size_t step = 0;                 ///< The escalation step's index, from 0 (escalated).
  std::vector<std::string> receivers;   ///< The escalation step's receivers (escalated).
};

/// The name of `kind` on the wire ("acknowledged", "silenced", "unsilenced", "escalated").
inline const char* alert_activity_name(AlertActivity::Kind kind) {
  switch (kind) {
    case AlertActivity::Kind::acknowledged:
      return "acknowledged";
    case AlertActivity::Kind::silenced:
      return "silenced";
    case AlertActivity::Kind::unsilenced:
      return "unsilenced";
    case AlertActivity::Kind::escalated:
      return "escalated";
  }
  return "unknown";
}

/// Hears alert activity as it happens, on the thread that caused it (an HTTP handler, the notification timer);
/// it must not block.
using AlertActivityListener = std::function<void(const AlertActivity& activity)>;

}  // namespace twikit::app
