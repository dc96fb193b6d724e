#include "alertd/notify/delivery_worker.h"

#include <chrono>

#include "common/logging.h"

namespace twikit::notify {

DeliveryWorker::DeliveryWorker(Integration integration, NotificationLog& nflog, Outbox& outbox, const Clock& clock,
                               NotifyMetrics* metrics, RetryPolicy retry)
    : integration_(std::move(integration)),
      nflog_(nflog),
      outbox_(outbox),
      clock_(clock),
      metrics_(metrics),
      retry_(retry),
      rng_(std::random_device{}()) {
  thread_ = std::thread([this] { run(); });
}

DeliveryWorker::~DeliveryWorker() { stop(); }

void DeliveryWorker::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeliveryWorker::enqueue(OutboxEntry entry) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    unfinished_[entry.id] = entry;
    queue_.push_back(std::move(entry));
  }
  cv_.notify_all();
}

std::optional<NflogEntry> DeliveryWorker::queued_state(const std::string& group_key) const {
  std::lock_guard<std::mutex> lock(mu_);
  std::optional<NflogEntry> newest;
  for (const auto& [id, e] : unfinished_) {  // ordered by outbox id, oldest first
    if (e.notification.group_key != group_key) continue;
    newest = NflogEntry{group_key, integration_.id, e.firing, e.resolved, e.notification.now};
  }
  return newest;
}

bool DeliveryWorker::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unfinished_.empty();
}

void DeliveryWorker::run() {
  while (true) {
    OutboxEntry entry;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      entry = std::move(queue_.front());
      queue_.pop_front();
    }
    // One entry that cannot be handled (the outbox or the notification log failing to write) is logged and
    // counted as dropped; it stays pending in the outbox for the next start, and the worker goes on.
    try {
      deliver(entry);
    } catch (const std::exception& e) {
      logger("notify")->error("msg=\"notification worker error\" integration={} group_key={} outbox_id={} err={}",
                              integration_.id, logfmt_value(entry.notification.group_key), entry.id,
                              logfmt_value(e.what()));
      if (metrics_) metrics_->gave_up(integration_.notifier->integration());
      finish(entry);
    }
  }
}

bool DeliveryWorker::wait_or_stop(std::int64_t ms) {
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stopping_; });
}

// A replayed entry whose delivery was logged before the crash (but not marked in the outbox) is skipped.
bool DeliveryWorker::already_sent(const OutboxEntry& entry) {
  const auto prev = nflog_.last(entry.notification.group_key, integration_.id);
  return prev && prev->sent_at >= entry.created_at && prev->firing == entry.firing && prev->resolved == entry.resolved;
}

void DeliveryWorker::finish(const OutboxEntry& entry) {
  std::lock_guard<std::mutex> lock(mu_);
  unfinished_.erase(entry.id);
}

void DeliveryWorker::deliver(const OutboxEntry& entry) {
  auto log = logger("notify");
  const std::string kind = integration_.notifier->integration();
  if (already_sent(entry)) {
    outbox_.mark_delivered(entry.id, clock_.now_ms());
    finish(entry);
    return;
  }
  const auto started = std::chrono::steady_clock::now();
  for (int attempt = 1;; ++attempt) {
    const auto t0 = std::chrono::steady_clock::now();
    DeliveryResult r;
    try {
      r = integration_.notifier->notify(entry.notification);
    } catch (const std::exception& e) {
      r = DeliveryResult::failure(false, "other", e.what());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (metrics_) metrics_->observe(kind, r.outcome == Outcome::delivered, r.reason, seconds);
    if (r.outcome == Outcome::delivered) {
      const TimestampMs now = clock_.now_ms();
      // The flush time, not now: repeat_interval is then exactly rounded up to group_interval ticks.
      nflog_.record({entry.notification.group_key, integration_.id, entry.firing, entry.resolved,
                     entry.notification.now});
      outbox_.mark_delivered(entry.id, now);
      log->debug("msg=\"notification delivered\" integration={} group_key={} attempts={}", integration_.id,
                 logfmt_value(entry.notification.group_key), attempt);
      finish(entry);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;  // dropped mid-delivery: the entry stays pending in the outbox
    }
    const std::int64_t delay = backoff_delay_ms(retry_, attempt, r.retry_after_ms, rng_);
    const auto elapsed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
    if (r.outcome == Outcome::permanent || elapsed_ms + delay > retry_.max_elapsed_ms) {
      log->error("msg=\"notification failed\" integration={} group_key={} reason={} retryable={} attempts={} err={}",
                 integration_.id, logfmt_value(entry.notification.group_key), r.reason,
                 r.outcome == Outcome::retryable, attempt, logfmt_value(r.detail));
      outbox_.mark_failed(entry.id, clock_.now_ms(), r.reason + ": " + r.detail);
      if (metrics_) metrics_->gave_up(kind);
      finish(entry);
      return;
    }
    log->warn("msg=\"notification attempt failed, retrying\" integration={} reason={} attempt={} delay_ms={} err={}",
              integration_.id, r.reason, attempt, delay, logfmt_value(r.detail));
    if (!wait_or_stop(delay)) return;
  }
}

}  // namespace twikit::notify
