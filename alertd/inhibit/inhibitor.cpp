#include "alertd/inhibit/inhibitor.h"

namespace twikit::inhibit {

Inhibitor::Inhibitor(std::vector<notify::InhibitRuleConfig> rules, const notify::ActiveAlerts& alerts)
    : rules_(std::move(rules)), alerts_(alerts) {}

template <typename F>
void Inhibitor::for_each_source(const Labels& labels, TimestampMs now, F found) const {
  // The rules whose target `labels` matches, worked out once rather than for every alert of the store.
  struct Applicable {
    const notify::InhibitRuleConfig* rule;
    bool target_is_source;
  };
  std::vector<Applicable> applicable;
  for (const auto& rule : rules_) {
    if (!notify::matches_all(rule.target_matchers, labels)) continue;
    applicable.push_back({&rule, notify::matches_all(rule.source_matchers, labels)});
  }
  if (applicable.empty()) return;
  const notify::Fingerprint target_fp = notify::fingerprint(labels);
  alerts_.for_each([&](notify::Fingerprint fp, const notify::Alert& source) {
    if (fp == target_fp || source.resolved_at(now)) return true;
    for (const auto& [rule, target_is_source] : applicable) {
      if (!notify::matches_all(rule->source_matchers, source.labels)) continue;
      if (target_is_source && notify::matches_all(rule->target_matchers, source.labels)) continue;
      bool equal = true;
      for (const auto& name : rule->equal) {
        if (label_value(source.labels, name) != label_value(labels, name)) {
          equal = false;
          break;
        }
      }
      if (equal) return found(fp);  // one muting rule is enough for this source
    }
    return true;
  });
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
  std::vector<notify::Fingerprint> sources;
  for_each_source(labels, now, [&](notify::Fingerprint fp) {
    sources.push_back(fp);  // the store visits in fingerprint order, each source once
    return true;
  });
  return sources;
}

}  // namespace twikit::inhibit
