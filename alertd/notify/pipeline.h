#pragma once
// The notification pipeline of alertd: for each flush of an aggregation group,
// inhibit -> time intervals -> silence -> per integration (dedup -> outbox -> retry -> send on the integration's own worker).

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "alertd/notify/delivery_worker.h"
#include "alertd/notify/flush_sink.h"
#include "alertd/notify/integrations.h"
#include "alertd/notify/stage.h"
#include "alertd/notify/time_interval.h"

namespace twikit::notify {

/// Tunables of the pipeline.
struct PipelineOptions {
  bool notify_resolved_silenced = true;           ///< Announce resolution of alerts silenced while firing.
  RetryPolicy retry;                              ///< Backoff for retryable failures.
  std::string external_url = "http://localhost:9878"; ///< externalURL in notifications.
  TimeIntervals time_intervals;                   ///< The named intervals routes mute or activate by.
};

/// The pipeline with one DeliveryWorker per integration. Thread-safe; copy and move are deleted.
class Pipeline final : public FlushSink {
 public:
  /// `receivers` maps receiver names to their integrations. `inhibitor` and `silences` may be null.
  /// All references must outlive the pipeline.
  Pipeline(std::map<std::string, std::vector<Integration>> receivers, const Muter* inhibitor,
           const SilenceMuter* silences, NotificationLog& nflog, Outbox& outbox, const Clock& clock,
           NotifyMetrics* metrics, PipelineOptions options);
  /// Stops the workers; undelivered entries stay pending in the outbox.
  ~Pipeline() override;
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  /// Runs the stages and queues what must be sent; returns without waiting for delivery. Never throws: an
  /// integration whose notification cannot be queued (e.g. the outbox write fails) is logged and counted
  /// as dropped, and the group's next flush tries again; the other integrations are not affected.
  void flush(const GroupFlush& group, std::vector<Alert> alerts) override;
  /// Queues the outbox's pending entries (after a restart); returns how many were queued. Entries of
  /// integrations that no longer exist are marked failed.
  std::size_t recover();
  /// Waits until every worker is idle or `timeout` passes; returns whether all are idle.
  bool wait_idle(std::chrono::milliseconds timeout) const;
  /// Stops all workers (as the destructor does).
  void stop();

 private:
  struct ReceiverPipeline {
    std::vector<std::unique_ptr<DeliveryWorker>> workers;
    std::vector<std::unique_ptr<DedupStage>> dedup;
  };
  InhibitStage inhibit_;
  SilenceStage silence_;
  NotificationLog& nflog_;
  Outbox& outbox_;
  const Clock& clock_;
  NotifyMetrics* metrics_;
  PipelineOptions options_;
  std::map<std::string, ReceiverPipeline> receivers_;
};

}  // namespace twikit::notify
