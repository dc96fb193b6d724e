#pragma once
// A route's flush timing, written once with Alertmanager's defaults: the route config holds it, and the
// dispatcher hands it with each flushed group down to the pipeline and the receivers.

#include <cstdint>

namespace twikit::notify {

/// When an aggregation group is flushed: first after group_wait, then every group_interval, and an
/// unchanged notification again after repeat_interval (all in milliseconds, Alertmanager's defaults).
struct FlushTiming {
  std::int64_t group_wait_ms = 30'000;               ///< Wait before the first notification of a new group (30s).
  std::int64_t group_interval_ms = 5 * 60'000;       ///< Wait before notifying about new alerts in a group (5m).
  std::int64_t repeat_interval_ms = 4 * 3'600'000;   ///< Wait before re-sending an unchanged notification (4h).

  /// Field-wise equality.
  bool operator==(const FlushTiming&) const = default;
};

}  // namespace twikit::notify
