#include "alertd/dispatch/dispatcher.h"

#include <algorithm>

namespace twikit::dispatch {

Dispatcher::Dispatcher(const notify::RouteConfig& root, notify::FlushSink& sink, const Clock& clock, Escalator* escalator)
    : tree_(build_route_tree(root)), sink_(sink), clock_(clock), escalator_(escalator) {}

void Dispatcher::put(const std::vector<notify::Alert>& alerts) {
  const TimestampMs now = clock_.now_ms();
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& alert : alerts) {
      for (const RouteNode* route : match_routes(tree_, alert.labels)) {
        const notify::RouteConfig& cfg = *route->config;
        if (escalator_ && !cfg.escalation_policy.empty()) escalator_->track(cfg.escalation_policy, alert);
        Labels glabels = group_labels(cfg, alert.labels);
        const std::string labels_text = labels_to_string(glabels);
        const std::string id = route->id + ":" + labels_text;
        auto it = groups_.find(id);
        if (it == groups_.end()) {
          Group g;
          g.route = route;
          g.labels = std::move(glabels);
          g.key = route->key + ":" + labels_text;
          g.next_flush = now + cfg.timing.group_wait_ms;
          it = groups_.emplace(id, std::move(g)).first;
        }
        Group& g = it->second;
        // An alert that started longer than group_wait ago need not wait again (e.g. after a restart).
        if (!g.has_flushed && alert.starts_at + cfg.timing.group_wait_ms <= now) {
          g.next_flush = std::min(g.next_flush, now);
        }
        g.alerts[notify::fingerprint(alert)] = alert;
      }
    }
  }
  tick();
}

void Dispatcher::tick() {
  const TimestampMs now = clock_.now_ms();
  flush_due(now);
  if (escalator_) escalator_->tick(now);
}

void Dispatcher::flush_due(TimestampMs now) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    Group& g = it->second;
    if (g.next_flush > now) {
      ++it;
      continue;
    }
    const notify::RouteConfig& cfg = *g.route->config;
    std::vector<notify::Alert> snapshot;
    snapshot.reserve(g.alerts.size());
    for (const auto& [fp, a] : g.alerts) snapshot.push_back(a);
    std::sort(snapshot.begin(), snapshot.end(),
              [](const notify::Alert& a, const notify::Alert& b) { return a.labels < b.labels; });
    notify::GroupFlush flush{cfg.receiver, g.key, g.labels, now, cfg.timing, cfg.mute_time_intervals,
                             cfg.active_time_intervals};
    sink_.flush(flush, snapshot);
    g.has_flushed = true;
    g.next_flush = now + cfg.timing.group_interval_ms;
    // Resolved alerts have been announced (or deliberately not); they leave the group.
    for (const auto& a : snapshot) {
      if (!a.resolved_at(now)) continue;
      auto cur = g.alerts.find(notify::fingerprint(a));
      if (cur != g.alerts.end() && cur->second.ends_at == a.ends_at) g.alerts.erase(cur);
    }
    if (g.alerts.empty()) it = groups_.erase(it);
    else ++it;
  }
}

std::optional<TimestampMs> Dispatcher::next_due() const {
  std::optional<TimestampMs> best;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [id, g] : groups_) {
      if (!best || g.next_flush < *best) best = g.next_flush;
    }
  }
  if (escalator_) {
    const TimestampMs e = escalator_->next_due();
    if (e >= 0 && (!best || e < *best)) best = e;
  }
  return best;
}

std::size_t Dispatcher::group_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return groups_.size();
}

std::vector<GroupInfo> Dispatcher::groups() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<GroupInfo> out;
  for (const auto& [id, g] : groups_) {
    out.push_back({g.key, g.route->config->receiver, g.labels, g.alerts.size(), g.next_flush});
  }
  std::sort(out.begin(), out.end(), [](const GroupInfo& a, const GroupInfo& b) { return a.group_key < b.group_key; });
  return out;
}

}  // namespace twikit::dispatch
