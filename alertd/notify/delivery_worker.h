#pragma once
// One worker thread per integration: takes outbox entries in order, retries retryable failures with
// backoff, records delivered ones in the notification log and marks them in the outbox. A hung receiver
// only ever blocks its own worker.

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "alertd/notify/integrations.h"
#include "alertd/notify/metrics.h"
#include "alertd/notify/nflog.h"
#include "alertd/notify/outbox.h"
#include "alertd/notify/retry.h"
#include "common/clock.h"

namespace twikit::notify {

/// Delivers the outbox entries of one integration. Thread-safe; copy and move are deleted (owns a thread).
class DeliveryWorker {
 public:
  /// Starts the worker thread. `nflog`, `outbox`, `clock` and `metrics` (may be null) must outlive it.
  DeliveryWorker(Integration integration, NotificationLog& nflog, Outbox& outbox, const Clock& clock,
                 NotifyMetrics* metrics, RetryPolicy retry);
  /// Stops the worker; an entry still being delivered stays pending in the outbox.
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  /// Queues `entry` (already written to the outbox, id set).
  void enqueue(OutboxEntry entry);
  /// What the newest undelivered entry for `group_key` (queued, retrying or replayed from the outbox) will
  /// have told the integration once delivered, as a notification-log entry; nullopt when there is none.
  std::optional<NflogEntry> queued_state(const std::string& group_key) const;
  /// Whether nothing is queued or in flight.
  bool idle() const;
  /// Stops the thread without finishing queued entries (they stay pending in the outbox).
  void stop();
  /// The integration this worker delivers to.
  const Integration& integration() const { return integration_; }

 private:
  void run();
  void deliver(const OutboxEntry& entry);
  bool already_sent(const OutboxEntry& entry);
  void finish(const OutboxEntry& entry);
  bool wait_or_stop(std::int64_t ms);

  Integration integration_;
  NotificationLog& nflog_;
  Outbox& outbox_;
  const Clock& clock_;
  NotifyMetrics* metrics_;
  RetryPolicy retry_;
  std::mt19937_64 rng_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<OutboxEntry> queue_;
  std::map<std::int64_t, OutboxEntry> unfinished_;  // queued or in flight, by outbox id
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace twikit::notify
