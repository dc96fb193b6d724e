#pragma once
// Escalation policies: an alert that stays firing and unacknowledged is sent, step by step, to more
// receivers; acknowledging or resolving it stops the escalation.

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "alertd/notify/config.h"
#include "alertd/dispatch/ack_lookup.h"
#include "alertd/notify/flush_sink.h"
#include "common/labels.h"

namespace twikit::dispatch {

/// One escalation step handed to delivery.
struct Escalation {
  notify::Fingerprint fingerprint = 0;  ///< The alert escalated.
  Labels labels;                        ///< The alert's labels (without escalation_level).
  std::string policy;                   ///< The escalation policy's name.
  std::size_t level = 0;                ///< The step, 1 for the first (the alerts' escalation_level label).
  std::vector<std::string> receivers;   ///< The step's receivers.
  TimestampMs at = 0;                   ///< When the step was sent.
};

/// Hears every step sent: the alert's history and alertd_escalations_total, the live event stream. Called
/// under the escalator's lock: it must not block or call back into the escalator.
using EscalationSubscriber = std::function<void(const Escalation&)>;

/// Tracks alerts on routes with an escalation policy and notifies each step's receivers once the alert
/// has fired unacknowledged for the step's `after`. The alerts of a step carry the label
/// `escalation_level` (notify::kEscalationLevelLabel). Thread-safe.
class Escalator {
 public:
  /// `policies`, `sink`, `clock` and `acks` (may be null: nothing is acknowledged) must outlive it.
  Escalator(const std::map<std::string, notify::EscalationPolicy>& policies, notify::FlushSink& sink,
            const Clock& clock, const AckLookup* acks);

  /// Records the latest state of `alert` under `policy` (resolved alerts stop being tracked at the next tick).
  void track(const std::string& policy, const notify::Alert& alert);
  /// Sends the steps that are due at `now`; drops resolved alerts (finished ones stay, silent, until they
  /// resolve). Before sending it asks the
  /// alert store too, whose state may be newer than this escalator's copy: an alert acknowledged, or
  /// recorded as resolved there, is not escalated.
  void tick(TimestampMs now);
  /// The earliest time a step becomes due, or -1.
  TimestampMs next_due() const;
  /// Number of alerts being tracked.
  std::size_t tracked() const;
  /// Adds one more subscriber to the steps sent, heard in the order added; call before the escalator is
  /// shared with other threads.
  void subscribe(EscalationSubscriber subscriber) { subscribers_.push_back(std::move(subscriber)); }

 private:
  struct Tracked {
    std::string policy;
    notify::Alert alert;
    std::size_t next_step = 0;
  };
  const std::map<std::string, notify::EscalationPolicy>& policies_;
  notify::FlushSink& sink_;
  const Clock& clock_;
  const AckLookup* acks_;
  std::vector<EscalationSubscriber> subscribers_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, notify::Fingerprint>, Tracked> alerts_;
};

}  // namespace twikit::dispatch
