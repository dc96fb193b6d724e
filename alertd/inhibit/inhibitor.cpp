#include "alertd/inhibit/inhibitor.h"

#include <set>

namespace twikit::inhibit {

Inhibitor::Inhibitor(std::vector<notify::InhibitRuleConfig> rules) : rules_(std::move(rules)) {}

void Inhibitor::update(const std::vector<notify::Alert>& alerts) {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& a : alerts) alerts_[notify::fingerprint(a)] = a;
}

void Inhibitor::gc(TimestampMs now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = alerts_.begin(); it != alerts_.end();) {
    if (it->second.resolved_at(now)) it = alerts_.erase(it);
    else ++it;
  }
}

template <typename F>
void Inhibitor::for_each_source(const Labels& labels, TimestampMs now, F found) const {
  const notify::Fingerprint target_fp = notify::fingerprint(labels);
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& rule : rules_) {
    if (!notify::matches_all(rule.target_matchers, labels)) continue;
    const bool target_is_source = notify::matches_all(rule.source_matchers, labels);
    for (const auto& [fp, source] : alerts_) {
      if (fp == target_fp || source.resolved_at(now)) continue;
      if (!notify::matches_all(rule.source_matchers, source.labels)) continue;
      if (target_is_source && notify::matches_all(rule.target_matchers, source.labels)) continue;
      bool equal = true;
      for (const auto& name : rule.equal) {
        if (label_value(source.labels, name) != label_value(labels, name)) {
          equal = false;
          break;
        }
      }
      if (equal && !found(fp)) return;
    }
  }
}

bool Inhibitor::mutes(const Labels& labels, TimestampMs now) const {
  bool muted = false;
  for_each_source(labels, now, [&](notify::Fingerprint) {
    muted = true;
    return false;
  });
  return muted;
}

std::vector<notify::Fingerprint> Inhibitor::inhibited_by(const Labels& labels, TimestampMs now) const {
  std::set<notify::Fingerprint> sources;
  for_each_source(labels, now, [&](notify::Fingerprint fp) {
    sources.insert(fp);
    return true;
  });
  return {sources.begin(), sources.end()};
}

}  // namespace twikit::inhibit
