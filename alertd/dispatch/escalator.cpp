#include "alertd/dispatch/escalator.h"

namespace twikit::dispatch {

Escalator::Escalator(const std::map<std::string, notify::EscalationPolicy>& policies, notify::FlushSink& sink,
                     const Clock& clock, const AckLookup* acks)
    : policies_(policies), sink_(sink), clock_(clock), acks_(acks) {}

void Escalator::track(const std::string& policy, const notify::Alert& alert) {
  std::lock_guard<std::mutex> lock(mu_);
  const auto key = std::make_pair(policy, notify::fingerprint(alert));
  auto it = alerts_.find(key);
  if (it == alerts_.end()) {
    if (alert.resolved_at(clock_.now_ms())) return;
    alerts_.emplace(key, Tracked{policy, alert, 0});
  } else {
    it->second.alert = alert;
  }
}

void Escalator::tick(TimestampMs now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    Tracked& t = it->second;
    auto policy = policies_.find(t.policy);
    if (policy == policies_.end() || t.alert.resolved_at(now)) {
      it = alerts_.erase(it);
      continue;
    }
    // An alert past its last step stays tracked, silent, until it resolves: dropped, the next cycle's
    // track() would start it over at the first step.
    if (t.next_step >= policy->second.steps.size()) {
      ++it;
      continue;
    }
    const notify::Fingerprint fp = it->first.second;
    if (acks_ && acks_->acknowledged(fp)) {
      ++it;
      continue;
    }
    const auto& steps = policy->second.steps;
    if (t.alert.starts_at + steps[t.next_step].after_ms > now) {
      ++it;
      continue;
    }
    // The store records a cycle's alerts before the dispatcher hands them here, and its resolution ends the
    // acknowledgement: between the two, this copy still looks firing and unacknowledged. The store decides.
    if (acks_ && acks_->resolved(fp)) {
      it = alerts_.erase(it);
      continue;
    }
    while (t.next_step < steps.size() && t.alert.starts_at + steps[t.next_step].after_ms <= now) {
      const auto& step = steps[t.next_step];
      const std::size_t level = t.next_step + 1;
      notify::Alert escalated = t.alert;
      set_label(escalated.labels, notify::kEscalationLevelLabel, std::to_string(level));
      for (const auto& receiver : step.receivers) {
        notify::GroupFlush g;
        g.receiver = receiver;
        g.group_key = "escalation/" + t.policy + "/" + std::to_string(t.next_step) + ":" + notify::fingerprint_hex(fp);
        g.group_labels = escalated.labels;
        g.now = now;
        g.timing.repeat_interval_ms = std::int64_t{365} * 24 * 3'600'000;
        sink_.flush(g, {escalated});
      }
      if (!subscribers_.empty()) {
        const Escalation sent{fp, t.alert.labels, t.policy, level, step.receivers, now};
        for (const auto& subscriber : subscribers_) subscriber(sent);
      }
      ++t.next_step;
    }
    ++it;
  }
}

TimestampMs Escalator::next_due() const {
  std::lock_guard<std::mutex> lock(mu_);
  TimestampMs best = -1;
  for (const auto& [key, t] : alerts_) {
    auto policy = policies_.find(t.policy);
    if (policy == policies_.end() || t.next_step >= policy->second.steps.size()) continue;
    const TimestampMs due = t.alert.starts_at + policy->second.steps[t.next_step].after_ms;
    if (best < 0 || due < best) best = due;
  }
  return best;
}

std::size_t Escalator::tracked() const {
  std::lock_guard<std::mutex> lock(mu_);
  return alerts_.size();
}

}  // namespace twikit::dispatch
