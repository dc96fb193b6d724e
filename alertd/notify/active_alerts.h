#pragma once
// The one store of active alerts on the notification side, as Alertmanager's provider: the notification
// stack writes each evaluation cycle into it, and the inhibitor, re-dispatch after a reload, silence events,
// the Alertmanager API and the metrics read it. Aggregation groups keep their own members (with the resolved
// alerts they still have to announce), as Alertmanager's aggregation groups do.

#include <cstddef>
#include <map>
#include <mutex>
#include <vector>

#include "alertd/notify/alert.h"

namespace twikit::notify {

/// The alerts handed to the notification side that have not resolved, by fingerprint. Thread-safe.
class ActiveAlerts {
 public:
  /// Records the latest state of `alerts` (one evaluation cycle's firing and resolved alerts), then removes
  /// every alert resolved at `now` — those given resolved and those whose validity (ends_at) ran out without
  /// a refresh, as Alertmanager resolves them — and returns the removed ones in fingerprint order.
  std::vector<Alert> update(const std::vector<Alert>& alerts, TimestampMs now);
  /// The alerts held, in fingerprint order.
  std::vector<Alert> snapshot() const;
  /// How many alerts are held.
  std::size_t size() const;
  /// Calls `visit(fingerprint, alert)` for each alert in fingerprint order until it returns false; the store
  /// is locked meanwhile, so `visit` must not call back into it.
  template <typename F>
  void for_each(F visit) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [fp, alert] : alerts_) {
      if (!visit(fp, alert)) return;
    }
  }

 private:
  mutable std::mutex mu_;
  std::map<Fingerprint, Alert> alerts_;
};

}  // namespace twikit::notify
