#pragma once
// Inhibition: a firing source alert mutes target alerts that agree with it on the `equal` labels.

#include <map>
#include <mutex>
#include <vector>

#include "alertd/notify/alert.h"
#include "alertd/notify/config.h"
#include "alertd/notify/muter.h"

namespace twikit::inhibit {

/// Applies inhibit rules against the alerts it has been told about. Thread-safe.
class Inhibitor final : public notify::Muter {
 public:
  /// Uses `rules` (copied).
  explicit Inhibitor(std::vector<notify::InhibitRuleConfig> rules);

  /// Records the latest state of `alerts` (call with every evaluation cycle's alerts, before dispatching).
  void update(const std::vector<notify::Alert>& alerts);
  /// Forgets alerts resolved before `now` (call now and then to bound memory).
  void gc(TimestampMs now);
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
  mutable std::mutex mu_;
  std::map<notify::Fingerprint, notify::Alert> alerts_;
};

}  // namespace twikit::inhibit
