#pragma once
// A notification is a pipeline of small stages: inhibit -> silence -> dedup -> (outbox, retry, send).
// Each stage takes the group's alerts and returns those that go on.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "alertd/notify/alert.h"
#include "alertd/notify/flush_timing.h"
#include "alertd/notify/muter.h"
#include "alertd/notify/nflog.h"

namespace twikit::notify {

/// Facts about one flush of one aggregation group, shared by its stages.
struct StageContext {
  std::string receiver;                  ///< Receiver the group routes to.
  std::string group_key;                 ///< Aggregation group identity.
  Labels group_labels;                   ///< group_by labels and values.
  TimestampMs now = 0;                   ///< Flush time (read once, passed down).
  FlushTiming timing;                    ///< The route's flush timing (dedup reads repeat_interval).
  std::set<Fingerprint> resolved_notice; ///< Resolved alerts that were silenced while firing (set by SilenceStage).
};

/// One step of the pipeline.
class Stage {
 public:
  virtual ~Stage() = default;
  /// Returns the alerts that continue; an empty result stops the pipeline for this flush.
  virtual std::vector<Alert> exec(StageContext& ctx, std::vector<Alert> alerts) = 0;
};

/// Drops alerts an inhibition rule mutes.
class InhibitStage final : public Stage {
 public:
  /// `inhibitor` may be null (nothing is inhibited); must outlive the stage.
  explicit InhibitStage(const Muter* inhibitor) : inhibitor_(inhibitor) {}
  std::vector<Alert> exec(StageContext& ctx, std::vector<Alert> alerts) override;

 private:
  const Muter* inhibitor_;
};

/// Drops silenced firing alerts. A resolved alert that was silenced while it fired is kept and listed in
/// ctx.resolved_notice when `notify_resolved_silenced`, else dropped.
class SilenceStage final : public Stage {
 public:
  /// `silences` may be null (nothing is silenced); must outlive the stage.
  SilenceStage(const SilenceMuter* silences, bool notify_resolved_silenced)
      : silences_(silences), notify_resolved_silenced_(notify_resolved_silenced) {}
  std::vector<Alert> exec(StageContext& ctx, std::vector<Alert> alerts) override;

 private:
  const SilenceMuter* silences_;
  bool notify_resolved_silenced_;
};

/// What an integration's undelivered notifications for a group will have said (see DeliveryWorker::queued_state).
using QueuedLookup = std::function<std::optional<NflogEntry>(const std::string& group_key)>;

/// Passes the alerts on only when the integration must hear about them (see needs_update()), measured
/// against what it was last told: its newest undelivered notification for the group if any (it goes out
/// first), else the notification log. Drops resolved alerts when the integration does not send them.
class DedupStage final : public Stage {
 public:
  /// Checks `queued` (may be empty) and then `nflog` for `integration_id`.
  DedupStage(NotificationLog& nflog, std::string integration_id, bool send_resolved, QueuedLookup queued = {})
      : nflog_(nflog), integration_id_(std::move(integration_id)), send_resolved_(send_resolved),
        queued_(std::move(queued)) {}
  std::vector<Alert> exec(StageContext& ctx, std::vector<Alert> alerts) override;

 private:
  NotificationLog& nflog_;
  std::string integration_id_;
  bool send_resolved_;
  QueuedLookup queued_;
};

/// The firing and resolved fingerprints of `alerts` at `now`.
void split_fingerprints(const std::vector<Alert>& alerts, TimestampMs now, std::set<Fingerprint>& firing,
                        std::set<Fingerprint>& resolved);

}  // namespace twikit::notify
