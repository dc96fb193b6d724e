#pragma once
// The seam between grouping and delivery: the dispatcher and the escalator hand flushed groups to a
// FlushSink and know nothing else of the notification pipeline.

#include <cstdint>
#include <string>
#include <vector>

#include "alertd/notify/alert.h"
#include "alertd/notify/flush_timing.h"

namespace twikit::notify {

/// The label the escalator adds to the alerts of an escalation step: the step's level, "1" for the first.
/// Receivers can route on it; the default title then starts with "[ESCALATED]".
inline constexpr const char* kEscalationLevelLabel = "escalation_level";

/// What the dispatcher knows about the group being flushed.
struct GroupFlush {
  std::string receiver;                  ///< Receiver name.
  std::string group_key;                 ///< Aggregation group identity.
  Labels group_labels;                   ///< group_by labels and values.
  TimestampMs now = 0;                   ///< Flush time.
  FlushTiming timing;                    ///< The route's group_wait, group_interval and repeat_interval.
  std::vector<std::string> mute_time_intervals;   ///< The route's mute_time_intervals (names).
  std::vector<std::string> active_time_intervals; ///< The route's active_time_intervals (names).
};

/// Receives flushed groups; the dispatcher's only dependency on the notification side.
class FlushSink {
 public:
  virtual ~FlushSink() = default;
  /// Handles one flush of a group's alerts. Must not block on delivery.
  virtual void flush(const GroupFlush& group, std::vector<Alert> alerts) = 0;
};

}  // namespace twikit::notify
