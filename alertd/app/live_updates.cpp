// The App's live side: after every evaluation cycle (and between cycles once per shortest scrape interval)
// the monitoring documents are rebuilt from what the App holds, alert state changes go out as `alerts`
// events, the health document whenever its status changes, and the dashboard document every update interval
// (as whole documents; docs/api-live.md); acknowledgements, silences and escalations as `alerts` events when
// the notification side reports them.

#include <nlohmann/json.hpp>

#include "alertd/app/app.h"
#include "alertd/storage/series_store.h"
#include "common/logging.h"
#include "common/rfc3339.h"

namespace twikit::app {
namespace {

nlohmann::json labels_object(const Labels& labels) {
  nlohmann::json o = nlohmann::json::object();
  for (const auto& [k, v] : labels) o[k] = v;
  return o;
}

/// The identity the notification side and the monitoring API give the alert: its labels with the
/// external labels it lacks, hashed.
notify::Fingerprint notify_fingerprint(const rules::Alert& a, const Labels& external_labels) {
  Labels labels = a.labels;
  for (const auto& [name, value] : external_labels) {
    if (label_value(labels, name).empty()) set_label(labels, name, value);
  }
  return notify::fingerprint(labels);
}

nlohmann::json alert_event(const rules::Alert& a, const char* state, const Labels& external_labels) {
  return nlohmann::json{{"state", state},
                        {"fingerprint", notify::fingerprint_hex(notify_fingerprint(a, external_labels))},
                        {"labels", labels_object(a.labels)},
                        {"annotations", labels_object(a.annotations)},
                        {"value", a.value},
                        {"activeAt", format_rfc3339(a.active_at)},
                        {"firedAt", a.fired_at != 0 ? nlohmann::json(format_rfc3339(a.fired_at)) : nlohmann::json()}};
}

/// An acknowledgement, silence or escalation as the data of an `alerts` event.
nlohmann::json activity_event(const AlertActivity& a) {
  nlohmann::json j{{"state", alert_activity_name(a.kind)},
                   {"fingerprint", notify::fingerprint_hex(a.fingerprint)},
                   {"labels", labels_object(a.labels)},
                   {"at", format_rfc3339(a.at)}};
  switch (a.kind) {
    case AlertActivity::Kind::acknowledged:
      j["by"] = a.by;
      j["comment"] = a.comment;
      break;
    case AlertActivity::Kind::silenced:
      j["silenceID"] = a.silence_id;
      j["createdBy"] = a.by;
      j["comment"] = a.comment;
      j["endsAt"] = format_rfc3339(a.ends_at);
      break;
    case AlertActivity::Kind::unsilenced:
      j["silenceID"] = a.silence_id;
      break;
    case AlertActivity::Kind::escalated:
      j["policy"] = a.policy;
      j["step"] = a.step + 1;
      j["receivers"] = a.receivers;
      break;
  }
  return j;
}

/// A document's JSON, or null when it is not valid JSON (never expected: the builder writes it).
nlohmann::json parse(const std::shared_ptr<const std::string>& text) {
  if (!text) return nullptr;
  return nlohmann::json::parse(*text, nullptr, false);
}

}  // namespace

void App::publish_activity(const AlertActivity& activity) {
  if (live_) live_->publish(live::LiveTopic::alerts, activity_event(activity));
}

std::vector<dashboard::ComponentStatus> App::components() const {
  std::vector<dashboard::ComponentStatus> out;
  std::size_t down = 0, targets = 0;
  for (const auto& t : scrape_->targets()) {
    ++targets;
    if (t.health.health == "down") ++down;
  }
  out.push_back({"scraping", down == 0 ? dashboard::Health::healthy : dashboard::Health::degraded,
                 down == 0 ? std::string() : std::to_string(down) + " of " + std::to_string(targets) + " targets down"});
  std::size_t failing = 0;
  for (const auto& g : rules_->snapshot()) {
    for (const auto& r : g.rules) {
      if (r.health == rules::RuleHealth::err) ++failing;
    }
  }
  out.push_back({"rule_evaluation", failing == 0 ? dashboard::Health::healthy : dashboard::Health::degraded,
                 failing == 0 ? std::string() : std::to_string(failing) + " rules failing"});
  if (history_) out.push_back({"history", dashboard::Health::healthy, ""});
  return out;
}

void App::update_live(const std::vector<rules::Alert>& sent, TimestampMs now, bool evaluated) {
  const auto cfg = config();
  const std::vector<rules::Alert> active = rules_->active_alerts();
  // A rebuild reads every series of the store (about 0.2 s of CPU at 1M series): between evaluations it
  // follows the scrapes, not the broadcast clock — once per shortest scrape interval, at most every 5 s.
  const std::int64_t refresh_ms = std::max(scrape_->shortest_interval_ms(), kDashboardBroadcastMs);
  if (evaluated || last_dashboard_rebuild_ == 0 || now - last_dashboard_rebuild_ >= refresh_ms) {
    dashboard::SnapshotInputs inputs;
    inputs.store = &store_;
    inputs.trends = history_trends_.get();  // null without history: trends from the store alone
    inputs.kpis = &cfg->kpis;
    inputs.alerts = active;
    inputs.targets = scrape_->targets();
    inputs.components = components();
    inputs.now = now;
    const std::int64_t start_ns = clock_.monotonic_ns();
    dashboard_.rebuild(inputs);
    last_dashboard_rebuild_ = now;
    metrics_.dashboard_rebuilds.Increment();
    metrics_.dashboard_rebuild_seconds.Increment(static_cast<double>(clock_.monotonic_ns() - start_ns) / 1e9);
  }
  if (!live_) return;

  // Alert events: every change of state since the last cycle, resolved ones included.
  std::unordered_map<std::uint64_t, rules::AlertState> states;
  for (const auto& a : active) {
    const std::uint64_t h = storage::labels_hash(a.labels);
    states[h] = a.state;
    const auto before = live_alert_states_.find(h);
    if (before == live_alert_states_.end() || before->second != a.state) {
      live_->publish(live::LiveTopic::alerts, alert_event(a, rules::alert_state_name(a.state), cfg->global.external_labels));
    }
  }
  for (const auto& a : sent) {
    if (a.resolved() && live_alert_states_.count(storage::labels_hash(a.labels)) != 0 &&
        states.count(storage::labels_hash(a.labels)) == 0) {
      live_->publish(live::LiveTopic::alerts, alert_event(a, "resolved", cfg->global.external_labels));
    }
  }
  live_alert_states_ = std::move(states);

  const nlohmann::json health = parse(dashboard_.health());
  if (!health.is_null()) {
    live_->set_snapshot(live::LiveTopic::health, health);
    const std::string status = health.value("status", "");
    if (status != last_health_status_) {
      live_->publish(live::LiveTopic::health, health);
      last_health_status_ = status;
    }
  }
  const nlohmann::json doc = parse(dashboard_.dashboard());
  if (!doc.is_null()) {
    live_->set_snapshot(live::LiveTopic::dashboard, doc);
    if (now - last_dashboard_broadcast_ >= kDashboardBroadcastMs) {
      live_->publish(live::LiveTopic::dashboard, doc);
      last_dashboard_broadcast_ = now;
    }
  }
}

}  // namespace twikit::app
