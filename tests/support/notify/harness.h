#pragma once
// Wires the notification side in-process for tests: fake clock, recording notifiers, memory stores.

#include <memory>

#include "alertd/dispatch/dispatcher.h"
#include "alertd/inhibit/inhibitor.h"
#include "alertd/notify/active_alerts.h"
#include "alertd/notify/pipeline.h"
#include "alertd/silence/silences.h"
#include "support/notify/fakes.h"

namespace twikit::notify::testing {

/// Acknowledgements and resolutions kept in sets, as the alert store would report them.
class SetAcks final : public dispatch::AckLookup {
 public:
  bool acknowledged(Fingerprint fp) const override {
    std::lock_guard<std::mutex> lock(mu_);
    return acked_.count(fp) > 0;
  }
  bool resolved(Fingerprint fp) const override {
    std::lock_guard<std::mutex> lock(mu_);
    return resolved_.count(fp) > 0;
  }
  void ack(Fingerprint fp) {
    std::lock_guard<std::mutex> lock(mu_);
    acked_.insert(fp);
  }

 private:
  mutable std::mutex mu_;
  std::set<Fingerprint> acked_;
  std::set<Fingerprint> resolved_;
};

/// A config's receivers each backed by one RecordingNotifier, plus the whole pipeline and dispatcher.
struct Harness {
  explicit Harness(NotificationConfig cfg, Outbox* outbox_override = nullptr, NotificationLog* nflog_override = nullptr)
      : config(std::move(cfg)),
        clock(1'700'000'000'000),
        silences(clock, nullptr),
        inhibitor(config.inhibit_rules, active) {
    std::map<std::string, std::vector<Integration>> receivers;
    for (const auto& r : config.receivers) {
      auto n = std::make_shared<RecordingNotifier>("webhook", true);
      notifiers[r.name] = n;
      receivers[r.name].push_back({r.name + "/webhook/0", r.name, n});
    }
    PipelineOptions opts;
    opts.notify_resolved_silenced = config.notify_resolved_silenced;
    opts.time_intervals = config.time_intervals;
    opts.retry.initial_backoff_ms = 1;
    opts.retry.max_backoff_ms = 5;
    opts.retry.max_elapsed_ms = 2000;
    Outbox& ob = outbox_override ? *outbox_override : outbox;
    NotificationLog& nl = nflog_override ? *nflog_override : nflog;
    pipeline = std::make_unique<Pipeline>(std::move(receivers), &inhibitor, &silences, nl, ob, clock, &metrics, opts);
    escalator = std::make_unique<dispatch::Escalator>(config.escalation_policies, *pipeline, clock, &acks);
    dispatcher = std::make_unique<dispatch::Dispatcher>(config.route, *pipeline, clock, escalator.get());
  }

  /// One evaluation cycle: the active alerts (which the inhibitor reads) and the dispatcher see `alerts`;
  /// waits for deliveries to finish.
  void put(const std::vector<Alert>& alerts) {
    active.update(alerts, clock.now_ms());
    dispatcher->put(alerts);
    settle();
  }
  /// Moves the fake clock and runs due timers; waits for deliveries.
  void advance(std::int64_t ms) {
    clock.advance_ms(ms);
    dispatcher->tick();
    settle();
  }
  void settle() { REQUIRE(pipeline->wait_idle(std::chrono::seconds(5))); }
  /// Notifications delivered to `receiver` so far.
  std::vector<Notification> sent(const std::string& receiver) { return notifiers.at(receiver)->delivered(); }

  NotificationConfig config;
  FakeClock clock;
  MemoryNotificationLog nflog;
  MemoryOutbox outbox;
  NotifyMetrics metrics;
  silence::Silences silences;
  ActiveAlerts active;
  inhibit::Inhibitor inhibitor;
  SetAcks acks;
  std::map<std::string, std::shared_ptr<RecordingNotifier>> notifiers;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<dispatch::Escalator> escalator;
  std::unique_ptr<dispatch::Dispatcher> dispatcher;
};

/// Loads a config from YAML text (no environment).
inline NotificationConfig config_from(const std::string& yaml) {
  return load_notification_config(YAML::Load(yaml), "test.yaml",
                                  [](const std::string&) -> std::optional<std::string> { return std::nullopt; });
}

}  // namespace twikit::notify::testing
