#include "alertd/notify/stage.h"

namespace twikit::notify {

void split_fingerprints(const std::vector<Alert>& alerts, TimestampMs now, std::set<Fingerprint>& firing,
                        std::set<Fingerprint>& resolved) {
  for (const auto& a : alerts) {
    (a.resolved_at(now) ? resolved : firing).insert(fingerprint(a));
  }
}

std::vector<Alert> InhibitStage::exec(StageContext& ctx, std::vector<Alert> alerts) {
  if (!inhibitor_) return alerts;
  std::vector<Alert> out;
  for (auto& a : alerts) {
    if (!inhibitor_->mutes(a.labels, ctx.now)) out.push_back(std::move(a));
  }
  return out;
}

std::vector<Alert> SilenceStage::exec(StageContext& ctx, std::vector<Alert> alerts) {
  if (!silences_) return alerts;
  std::vector<Alert> out;
  for (auto& a : alerts) {
    if (!a.resolved_at(ctx.now)) {
      if (!silences_->mutes(a.labels, ctx.now)) out.push_back(std::move(a));
      continue;
    }
    const bool silenced = silences_->mutes(a.labels, ctx.now) || silences_->muted_during(a.labels, a.starts_at, a.ends_at);
    if (!silenced) {
      out.push_back(std::move(a));
    } else if (notify_resolved_silenced_) {
      ctx.resolved_notice.insert(fingerprint(a));
      out.push_back(std::move(a));
    }
  }
  return out;
}

std::vector<Alert> DedupStage::exec(StageContext& ctx, std::vector<Alert> alerts) {
  std::set<Fingerprint> firing, resolved;
  split_fingerprints(alerts, ctx.now, firing, resolved);
  auto prev = queued_ ? queued_(ctx.group_key) : std::nullopt;
  if (!prev) prev = nflog_.last(ctx.group_key, integration_id_);
  if (!needs_update(prev, firing, resolved, send_resolved_, ctx.now, ctx.timing.repeat_interval_ms,
                    ctx.resolved_notice)) {
    return {};
  }
  if (send_resolved_) return alerts;
  std::vector<Alert> out;
  for (auto& a : alerts) {
    if (!a.resolved_at(ctx.now)) out.push_back(std::move(a));
  }
  // Nothing to send, but the log must learn that everything resolved so the next firing is new.
  if (out.empty()) nflog_.record({ctx.group_key, integration_id_, firing, resolved, ctx.now});
  return out;
}

}  // namespace twikit::notify
