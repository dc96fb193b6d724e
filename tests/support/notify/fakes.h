#pragma once
// Test doubles for the notification side: a recording notifier and alert builders.

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "alertd/notify/notifier.h"

namespace twikit::notify::testing {

/// Records every notification; returns queued results first, then `delivered`.
class RecordingNotifier final : public Notifier {
 public:
  explicit RecordingNotifier(std::string kind = "webhook", bool send_resolved = true)
      : kind_(std::move(kind)), send_resolved_(send_resolved) {}
  DeliveryResult notify(const Notification& n) override {
    std::function<void()> during;
    {
      std::lock_guard<std::mutex> lock(mu_);
      during = during_notify_;
    }
    if (during) during();  // outside the lock: it may block on the test's own locks
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(n);
    if (!results_.empty()) {
      DeliveryResult r = results_.front();
      results_.pop_front();
      if (r.outcome != Outcome::delivered) return r;
    }
    delivered_.push_back(n);
    return DeliveryResult::ok();
  }
  std::string integration() const override { return kind_; }
  bool send_resolved() const override { return send_resolved_; }
  /// Queues a result for the next call.
  void push_result(DeliveryResult r) {
    std::lock_guard<std::mutex> lock(mu_);
    results_.push_back(std::move(r));
  }
  /// Runs `f` inside every later call (e.g. to let a fake clock move while a delivery is under way).
  void set_during_notify(std::function<void()> f) {
    std::lock_guard<std::mutex> lock(mu_);
    during_notify_ = std::move(f);
  }
  /// Notifications that were delivered.
  std::vector<Notification> delivered() const {
    std::lock_guard<std::mutex> lock(mu_);
    return delivered_;
  }
  /// Every attempt.
  std::size_t attempts() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_.size();
  }

 private:
  std::string kind_;
  bool send_resolved_;
  mutable std::mutex mu_;
  std::vector<Notification> calls_;
  std::vector<Notification> delivered_;
  std::deque<DeliveryResult> results_;
  std::function<void()> during_notify_;
};

/// A firing alert with `labels` that started at `starts_at`.
inline Alert firing(std::vector<Label> labels, TimestampMs starts_at, std::vector<Label> annotations = {}) {
  Alert a;
  a.labels = make_labels(std::move(labels));
  a.annotations = make_labels(std::move(annotations));
  a.starts_at = starts_at;
  return a;
}

/// The same alert resolved at `ends_at`.
inline Alert resolved(Alert a, TimestampMs ends_at) {
  a.ends_at = ends_at;
  return a;
}

}  // namespace twikit::notify::testing
