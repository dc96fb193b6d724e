#include "alertd/notify/pipeline.h"

#include <thread>

#include "common/logging.h"

namespace twikit::notify {

Pipeline::Pipeline(std::map<std::string, std::vector<Integration>> receivers, const Muter* inhibitor,
                   const SilenceMuter* silences, NotificationLog& nflog, Outbox& outbox, const Clock& clock,
                   NotifyMetrics* metrics, PipelineOptions options)
    : inhibit_(inhibitor),
      silence_(silences, options.notify_resolved_silenced),
      nflog_(nflog),
      outbox_(outbox),
      clock_(clock),
      metrics_(metrics),
      options_(std::move(options)) {
  for (auto& [name, integrations] : receivers) {
    ReceiverPipeline& rp = receivers_[name];
    for (auto& integration : integrations) {
      auto worker = std::make_unique<DeliveryWorker>(integration, nflog_, outbox_, clock_, metrics, options_.retry);
      const DeliveryWorker* w = worker.get();
      rp.dedup.push_back(std::make_unique<DedupStage>(
          nflog_, integration.id, integration.notifier->send_resolved(),
          [w](const std::string& group_key) { return w->queued_state(group_key); }));
      rp.workers.push_back(std::move(worker));
    }
  }
  if (metrics) metrics->set_outbox_depth_source([this] { return outbox_.depth(); });
}

Pipeline::~Pipeline() { stop(); }

void Pipeline::stop() {
  for (auto& [name, rp] : receivers_) {
    for (auto& w : rp.workers) w->stop();
  }
}

void Pipeline::flush(const GroupFlush& group, std::vector<Alert> alerts) {
  auto it = receivers_.find(group.receiver);
  if (it == receivers_.end()) {
    logger("notify")->error("msg=\"unknown receiver\" receiver={}", logfmt_value(group.receiver));
    return;
  }
  StageContext ctx{group.receiver, group.group_key, group.group_labels, group.now, group.timing, {}};
  try {
    alerts = inhibit_.exec(ctx, std::move(alerts));
    if (alerts.empty()) return;
    // As Alertmanager's TimeActiveStage and TimeMuteStage: outside the route's active intervals, or inside
    // a mute interval, the flush sends nothing and logs nothing, so the next flush after it sends.
    const bool inactive = !group.active_time_intervals.empty() &&
                          !in_time_intervals(options_.time_intervals, group.active_time_intervals, group.now);
    if (inactive || in_time_intervals(options_.time_intervals, group.mute_time_intervals, group.now)) {
      logger("notify")->debug("msg=\"notifications not sent, route is {}\" receiver={} group_key={}",
                              inactive ? "not within active time" : "within mute time", logfmt_value(group.receiver),
                              logfmt_value(group.group_key));
      if (metrics_) metrics_->suppressed(inactive ? "active_time_interval" : "mute_time_interval");
      return;
    }
    alerts = silence_.exec(ctx, std::move(alerts));
    if (alerts.empty()) return;
  } catch (const std::exception& e) {
    logger("notify")->error("msg=\"notification stages failed\" receiver={} group_key={} err={}",
                            logfmt_value(group.receiver), logfmt_value(group.group_key), logfmt_value(e.what()));
    return;
  }
  ReceiverPipeline& rp = it->second;
  for (std::size_t i = 0; i < rp.workers.size(); ++i) {
    const Integration& integration = rp.workers[i]->integration();
    try {
      std::vector<Alert> to_send = rp.dedup[i]->exec(ctx, alerts);
      if (to_send.empty()) continue;
      OutboxEntry entry;
      split_fingerprints(alerts, ctx.now, entry.firing, entry.resolved);
      entry.integration_id = integration.id;
      entry.notification = {group.receiver, group.group_key, group.group_labels, std::move(to_send),
                            ctx.now,        group.timing, options_.external_url};
      entry.created_at = ctx.now;
      entry.id = outbox_.add(entry);
      rp.workers[i]->enqueue(std::move(entry));
    } catch (const std::exception& e) {
      // Nothing reached the outbox or the notification log: the group's next flush tries again.
      logger("notify")->error("msg=\"cannot queue notification\" integration={} group_key={} err={}", integration.id,
                              logfmt_value(group.group_key), logfmt_value(e.what()));
      if (metrics_) metrics_->gave_up(integration.notifier->integration());
    }
  }
}

std::size_t Pipeline::recover() {
  std::size_t queued = 0;
  for (auto& entry : outbox_.pending()) {
    DeliveryWorker* worker = nullptr;
    for (auto& [name, rp] : receivers_) {
      for (auto& w : rp.workers) {
        if (w->integration().id == entry.integration_id) worker = w.get();
      }
    }
    if (!worker) {
      outbox_.mark_failed(entry.id, clock_.now_ms(), "integration no longer configured");
      continue;
    }
    worker->enqueue(std::move(entry));
    ++queued;
  }
  return queued;
}

bool Pipeline::wait_idle(std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    bool idle = true;
    for (const auto& [name, rp] : receivers_) {
      for (const auto& w : rp.workers) idle = idle && w->idle();
    }
    if (idle) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

}  // namespace twikit::notify
