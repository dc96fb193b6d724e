#pragma once
// Inhibition: a firing source alert mutes target alerts that agree with it on the `equal` labels.

#include <vector>

#include "alertd/notify/active_alerts.h"
#include "alertd/notify/alert.h"
#include "alertd/notify/config.h"
#include "alertd/notify/muter.h"

namespace twikit::inhibit {

/// Applies inhibit rules against the notification side's active alerts, which it reads and never copies.
/// Thread-safe.
class Inhibitor final : public notify::Muter {
 public:
  /// Uses `rules` (copied) over `alerts`, which must outlive it.
  Inhibitor(std::vector<notify::InhibitRuleConfig> rules, const notify::ActiveAlerts& alerts);

  /// Whether a firing source alert of some rule mutes an alert with `labels`. An alert matching both a
  /// rule's source and target cannot be muted by alerts that also match both (as in Alertmanager).
  bool mutes(const Labels& labels, TimestampMs now) const override;
  /// The fingerprints of the firing source alerts that mute an alert with `labels` at `now`, ascending
  /// (Alertmanager's inhibitedBy); empty when it is not inhibited.
  std::vector<notify::Fingerprint> inhibited_by(const Labels& labels, TimestampMs now) const;

 private:
  // Calls `found` with each muting source's fingerprint until it returns false.
  template <typename F>
  void for_each_source(const Labels& labels, TimestampMs now, F found) const;

  std::vector<notify::InhibitRuleConfig> rules_;
  const notify::ActiveAlerts& alerts_;
};

}  // namespace twikit::inhibit
