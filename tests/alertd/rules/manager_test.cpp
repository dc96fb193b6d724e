#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "alertd/promql/engine.h"
#include "alertd/rules/api_json.h"
#include "alertd/rules/manager.h"
#include "alertd/storage/sample.h"
#include "support/conformance_data.h"

using namespace twikit;
using namespace twikit::rules;

namespace {

constexpr std::int64_t kMin = 60 * 1000;

GroupSpec group_from(const std::string& yaml) {
  RuleFile f = parse_rule_file("test.yml", yaml);
  INFO((f.errors.empty() ? std::string() : f.errors[0].to_string()));
  REQUIRE(f.errors.empty());
  REQUIRE(f.groups.size() == 1);
  return f.groups[0];
}

const char* const kAlertGroup =
    "groups:\n"
    "- name: errors\n"
    "  interval: 1m\n"
    "  rules:\n"
    "  - record: service:error_ratio:max\n"
    "    expr: max by (service) (error_ratio)\n"
    "  - alert: HighErrorRatio\n"
    "    expr: service:error_ratio:max > 0.5\n"
    "    for: 2m\n"
    "    keep_firing_for: 1m\n"
    "    labels:\n"
    "      severity: warning\n"
    "      owner: 'team-{{ $labels.service }}'\n"
    "    annotations:\n"
    "      summary: '{{ $labels.service }} errors at {{ $value | humanizePercentage }}'\n";

struct Fixture {
  storage::SeriesStore store;
  promql::Engine engine;
  RuleManager manager{store, engine};

  void set_ratio(TimestampMs t, double v) {
    store.append(make_labels({{"__name__", "error_ratio"}, {"service", "api"}}), t, v);
  }
  const Alert* only_alert() {
    alerts_ = manager.snapshot().at(0).rules.at(1).alerts;
    return alerts_.size() == 1 ? &alerts_[0] : nullptr;
  }
  double query(const std::string& q, TimestampMs t) {
    const promql::Value v = promql::instant_query(q, store, t);
    if (v.type == promql::ValueType::scalar) return v.scalar;
    return v.vector.empty() ? -1 : v.vector.at(0).value;
  }
  std::vector<Alert> alerts_;
};

// A duration clock that, once armed, holds the next evaluation at its first reading until released: an
// evaluation in progress, for as long as a test likes.
class GateClock final : public Clock {
 public:
  TimestampMs now_ms() const override { return 0; }
  std::int64_t monotonic_ns() const override {
    if (armed_.exchange(false)) {
      entered_.set_value();
      released_.wait();
    }
    return 0;
  }
  /// Makes the next reading block; returns a future ready once an evaluation is held there.
  std::future<void> arm() {
    armed_ = true;
    return entered_.get_future();
  }
  /// Lets the held evaluation go on.
  void release() { release_.set_value(); }

 private:
  mutable std::atomic<bool> armed_{false};
  mutable std::promise<void> entered_;
  std::promise<void> release_;
  std::shared_future<void> released_ = release_.get_future().share();
};

}  // namespace

TEST_CASE("an alert goes inactive -> pending -> firing -> resolved with for and keep_firing_for") {
  Fixture f;
  f.manager.update({group_from(kAlertGroup)}, 0);
  f.set_ratio(0, 0.8);
  f.manager.evaluate_all(0);
  const Alert* a = f.only_alert();
  REQUIRE(a != nullptr);
  CHECK(a->state == AlertState::pending);
  CHECK(a->active_at == 0);
  CHECK(a->labels ==
        make_labels(
            {{"alertname", "HighErrorRatio"}, {"owner", "team-api"}, {"service", "api"}, {"severity", "warning"}}));
  CHECK(label_value(a->annotations, "summary") == "api errors at 80%");
  CHECK(f.query("ALERTS{alertstate=\"pending\"}", 0) == 1);
  CHECK(f.query("ALERTS_FOR_STATE", 0) == 0);

  f.set_ratio(kMin, 0.95);
  f.manager.evaluate_all(kMin);
  REQUIRE(f.only_alert() != nullptr);
  CHECK(f.only_alert()->state == AlertState::pending);
  CHECK(label_value(f.only_alert()->annotations, "summary") == "api errors at 95%");

  f.set_ratio(2 * kMin, 0.95);
  const auto sent = f.manager.evaluate_all(2 * kMin).to_send;
  a = f.only_alert();
  REQUIRE(a != nullptr);
  CHECK(a->state == AlertState::firing);
  CHECK(a->fired_at == 2 * kMin);
  CHECK(a->value == 0.95);
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].state == AlertState::firing);
  CHECK(f.query("ALERTS{alertstate=\"firing\"}", 2 * kMin) == 1);
  CHECK(f.query("ALERTS{alertstate=\"pending\"}", 2 * kMin) == -1);  // went stale

  // The condition clears; keep_firing_for holds the alert firing for one more minute.
  f.set_ratio(3 * kMin, 0.1);
  f.manager.evaluate_all(3 * kMin);
  a = f.only_alert();
  REQUIRE(a != nullptr);
  CHECK(a->state == AlertState::firing);
  CHECK(a->keep_firing_since == 3 * kMin);
  CHECK(f.manager.active_alerts().size() == 1);

  f.set_ratio(4 * kMin, 0.1);
  const auto resolved = f.manager.evaluate_all(4 * kMin).to_send;
  a = f.only_alert();
  REQUIRE(a != nullptr);
  CHECK(a->state == AlertState::inactive);
  CHECK(a->resolved());
  CHECK(a->resolved_at == 4 * kMin);
  REQUIRE(resolved.size() == 1);
  CHECK(resolved[0].resolved());
  CHECK(f.manager.active_alerts().empty());
  CHECK(f.query("ALERTS", 4 * kMin) == -1);

  // Resolved alerts are kept for 15 minutes, then dropped.
  f.manager.evaluate_all(19 * kMin);
  CHECK(f.only_alert() != nullptr);
  f.manager.evaluate_all(19 * kMin + 1);
  CHECK(f.only_alert() == nullptr);
}

TEST_CASE("alert templates see the sample's metric name, the alert's labels do not carry it") {
  Fixture f;
  f.manager.update({group_from("groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: twikit_up == 0\n"
                               "    annotations: {summary: '{{ $labels.__name__ }} of {{ $labels.service }}'}\n")},
                   0);
  f.store.append(make_labels({{"__name__", "twikit_up"}, {"service", "sim"}}), 0, 0);
  f.manager.evaluate_all(0);
  const auto alerts = f.manager.active_alerts();
  REQUIRE(alerts.size() == 1);
  CHECK(label_value(alerts[0].annotations, "summary") == "twikit_up of sim");
  CHECK(alerts[0].labels == make_labels({{"alertname", "Down"}, {"service", "sim"}}));
}

TEST_CASE("a pending alert that clears disappears without being resolved or sent") {
  Fixture f;
  f.manager.update({group_from(kAlertGroup)}, 0);
  f.set_ratio(0, 0.8);
  CHECK(f.manager.evaluate_all(0).to_send.empty());
  f.set_ratio(kMin, 0.1);
  CHECK(f.manager.evaluate_all(kMin).to_send.empty());
  CHECK(f.only_alert() == nullptr);
}

TEST_CASE("recording rules write their results back under the new name, visible to later rules") {
  Fixture f;
  f.manager.update({group_from(kAlertGroup)}, 0);
  f.set_ratio(0, 0.3);
  f.manager.evaluate_all(0);
  CHECK(f.query("service:error_ratio:max{service=\"api\"}", 0) == 0.3);
  const auto groups = f.manager.snapshot();
  REQUIRE(groups.size() == 1);
  REQUIRE(groups[0].rules.size() == 2);
  CHECK(groups[0].rules[0].health == RuleHealth::ok);
  CHECK(groups[0].rules[1].health == RuleHealth::ok);
  CHECK(groups[0].last_evaluation == 0);
}

TEST_CASE("group labels are added to every rule and the limit fails a rule that exceeds it") {
  Fixture f;
  f.manager.update({group_from("groups:\n- name: g\n  limit: 1\n  labels: {team: core}\n  rules:\n"
                               "  - alert: Up\n    expr: up == 1\n")},
                   0);
  f.store.append(make_labels({{"__name__", "up"}, {"service", "a"}}), 0, 1);
  f.manager.evaluate_all(0);
  REQUIRE(f.manager.snapshot().size() == 1);
  auto rule = f.manager.snapshot()[0].rules.at(0);
  CHECK(rule.health == RuleHealth::ok);
  REQUIRE(rule.alerts.size() == 1);
  CHECK(label_value(rule.alerts[0].labels, "team") == "core");
  f.store.append(make_labels({{"__name__", "up"}, {"service", "b"}}), kMin, 1);
  f.store.append(make_labels({{"__name__", "up"}, {"service", "a"}}), kMin, 1);
  f.manager.evaluate_all(kMin);
  REQUIRE(f.manager.snapshot().size() == 1);
  rule = f.manager.snapshot()[0].rules.at(0);
  CHECK(rule.health == RuleHealth::err);
  CHECK(rule.last_error == "exceeded limit of 1 with 2 alerts");
  CHECK(rule.alerts.empty());
}

TEST_CASE("a reload keeps the state of alerts whose rule is unchanged") {
  Fixture f;
  f.manager.update({group_from(kAlertGroup)}, 0);
  for (int m = 0; m <= 2; ++m) {
    f.set_ratio(m * kMin, 0.8);
    f.manager.evaluate_all(m * kMin);
  }
  REQUIRE(f.only_alert() != nullptr);
  REQUIRE(f.only_alert()->state == AlertState::firing);
  f.manager.update({group_from(kAlertGroup)}, 2 * kMin + 1);
  REQUIRE(f.only_alert() != nullptr);
  CHECK(f.only_alert()->state == AlertState::firing);
  CHECK(f.only_alert()->active_at == 0);

  // Changing the rule's labels makes it a different rule: its state starts over.
  const std::string relabelled =
      std::string(kAlertGroup).replace(std::string(kAlertGroup).find("      owner"), 0, "      team: core\n");
  f.manager.update({group_from(relabelled)}, 3 * kMin);
  REQUIRE(f.manager.snapshot().size() == 1);
  CHECK(f.manager.snapshot()[0].rules.at(1).alerts.empty());
}

TEST_CASE("groups are evaluated on their own interval at aligned slots") {
  Fixture f;
  f.manager.update(
      {group_from("groups:\n- name: fast\n  interval: 10s\n  rules:\n  - record: a\n    expr: vector(1)\n"),
       group_from("groups:\n- name: slow\n  interval: 1m\n  rules:\n  - record: b\n    expr: vector(1)\n")},
      0);
  const TimestampMs start = 1'700'000'000'000;
  // The first evaluation of each group is at its first slot at or after the start, never before it.
  TimestampMs first_fast = 0, first_slow = 0;
  TimestampMs at = start;
  for (int i = 0; i < 20 && (first_fast == 0 || first_slow == 0); ++i) {
    f.manager.evaluate_due(at);
    const auto groups = f.manager.snapshot();
    if (first_fast == 0) first_fast = groups[0].last_evaluation;
    if (first_slow == 0) first_slow = groups[1].last_evaluation;
    at = f.manager.next_evaluation();
  }
  CHECK(first_fast >= start);
  CHECK(first_fast < start + 10'000);
  CHECK(first_slow >= start);
  CHECK(first_slow < start + kMin);
  const TimestampMs next = f.manager.next_evaluation();
  CHECK(f.manager.evaluate_due(next - 1).groups_evaluated == 0);
  CHECK(f.manager.evaluate_due(next).groups_evaluated >= 1);
  // After a long pause only the latest missed slot is evaluated, once.
  CHECK(f.manager.evaluate_due(start + 10 * kMin).groups_evaluated == 2);
  const auto groups = f.manager.snapshot();
  CHECK((start + 10 * kMin - groups[0].last_evaluation) < 10'000);
  CHECK((start + 10 * kMin - groups[1].last_evaluation) < kMin);
}

TEST_CASE("loading rule files that fail keeps the running rules", "[conformance-data]") {
  Fixture f;
  const std::string dir = twikit::testing::conformance_dir() + "promtool/";
  REQUIRE(f.manager.load({dir + "at-modifier.yml"}, 0).empty());
  REQUIRE(f.manager.num_groups() == 1);
  CHECK_FALSE(f.manager.load({dir + "bad-rules-syntax.yml"}, 0).empty());
  const auto groups = f.manager.snapshot();
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].name == "at-modifier");
}

TEST_CASE("alerts restored after a restart keep their activation time and fire on schedule") {
  Fixture f;
  f.manager.update({group_from(kAlertGroup)}, 0);
  Alert remembered;
  remembered.labels = make_labels(
      {{"alertname", "HighErrorRatio"}, {"owner", "team-api"}, {"service", "api"}, {"severity", "warning"}});
  remembered.state = AlertState::pending;
  remembered.active_at = 0;
  Alert unknown = remembered;
  set_label(unknown.labels, "alertname", "NoSuchRule");
  CHECK(f.manager.restore_alerts({remembered, unknown}) == 1);
  f.set_ratio(2 * kMin, 0.8);
  f.manager.evaluate_all(2 * kMin);
  REQUIRE(f.only_alert() != nullptr);
  CHECK(f.only_alert()->state == AlertState::firing);  // `for: 2m` counted from the restored active_at
  CHECK(f.only_alert()->active_at == 0);
}

TEST_CASE("a remembered firing alert goes back to the rule whose labels it carries") {
  Fixture f;
  f.manager.update({group_from("groups:\n"
                               "- name: errors\n"
                               "  interval: 1m\n"
                               "  rules:\n"
                               "  - alert: Errors\n"
                               "    expr: error_ratio > 0.5\n"
                               "    for: 2m\n"
                               "    labels: {severity: warning}\n"
                               "  - alert: Errors\n"
                               "    expr: error_ratio > 0.9\n"
                               "    for: 5m\n"
                               "    labels: {severity: critical}\n")},
                   0);
  Alert critical;
  critical.labels = make_labels({{"alertname", "Errors"}, {"service", "api"}, {"severity", "critical"}});
  critical.state = AlertState::firing;
  critical.active_at = 5 * kMin;
  critical.fired_at = 10 * kMin;
  Alert warning = critical;
  warning.active_at = 8 * kMin;
  set_label(warning.labels, "severity", "warning");
  REQUIRE(f.manager.restore_alerts({critical, warning}) == 2);
  f.set_ratio(12 * kMin, 0.95);  // still critical (and so still warning too)
  f.manager.evaluate_all(12 * kMin);
  const auto rules = f.manager.snapshot().at(0).rules;
  REQUIRE(rules.at(1).alerts.size() == 1);
  CHECK(rules.at(1).alerts[0].labels == critical.labels);
  CHECK(rules.at(1).alerts[0].state == AlertState::firing);
  CHECK(rules.at(1).alerts[0].active_at == 5 * kMin);
  CHECK(rules.at(1).alerts[0].fired_at == 10 * kMin);
  CHECK(rules.at(0).alerts.at(0).active_at == 8 * kMin);
  CHECK(f.manager.active_alerts().size() == 2);

  f.set_ratio(13 * kMin, 0.1);  // the condition is gone: both resolve at the next evaluation
  const auto sent = f.manager.evaluate_all(13 * kMin).to_send;
  REQUIRE(sent.size() == 2);
  for (const auto& a : sent) CHECK(a.resolved());
}

TEST_CASE("groups follow scrapes: a breach is evaluated when the scrape that shows it ends, not a slot later") {
  Fixture f;
  f.manager.update({group_from("groups:\n"
                               "- name: fast\n"
                               "  interval: 1m\n"
                               "  rules:\n"
                               "  - alert: Errors\n"
                               "    expr: error_ratio > 0.5\n")},
                   0);
  f.manager.evaluate_due(0);
  const TimestampMs slot = f.manager.next_evaluation();
  REQUIRE(slot > 0);
  const std::int64_t scrape_interval = 15'000;

  f.set_ratio(slot - 20'000, 0.9);  // a scrape more than one scrape interval before the slot: left to the slot
  CHECK(f.manager.evaluate_after_scrape(slot - 20'000, scrape_interval).groups_evaluated == 0);
  f.set_ratio(slot - 5'000, 0.9);  // the last scrape before the slot: evaluated at once
  const auto result = f.manager.evaluate_after_scrape(slot - 5'000, scrape_interval);
  CHECK(result.groups_evaluated == 1);
  REQUIRE(result.to_send.size() == 1);
  CHECK(result.to_send[0].active_at == slot - 5'000);
  CHECK(f.manager.next_evaluation() == slot - 5'000 + 75'000);  // the schedule stays as a fallback
  CHECK(f.manager.evaluate_due(slot + 10'000).groups_evaluated == 0);
  // Scrapes from other targets in quick succession do not evaluate it again.
  CHECK(f.manager.evaluate_after_scrape(slot, scrape_interval).groups_evaluated == 0);
  // When scrapes stop, the schedule takes over.
  CHECK(f.manager.evaluate_due(slot - 5'000 + 75'000).groups_evaluated == 1);
}

TEST_CASE("a rule that hits the query limits records the error and the group's other rules still run") {
  storage::SeriesStore store;
  promql::EngineOptions opts;
  opts.max_samples = 100;
  const promql::Engine engine(opts);
  RuleManager manager{store, engine};
  manager.update({group_from("groups:\n- name: g\n  rules:\n"
                             "  - record: too_many\n    expr: count_over_time(vector(1)[1h:10s])\n"
                             "  - alert: Up\n    expr: up == 1\n")},
                 0);
  store.append(make_labels({{"__name__", "up"}, {"service", "a"}}), 0, 1);
  manager.evaluate_all(0);
  const auto rules = manager.snapshot().at(0).rules;
  CHECK(rules.at(0).health == RuleHealth::err);
  CHECK(rules.at(0).last_error == "query processing would load too many samples into memory in query execution");
  CHECK(rules.at(1).health == RuleHealth::ok);
  CHECK(rules.at(1).alerts.size() == 1);
}

TEST_CASE("a for: 1m alert on a 15 s group fires 60 s after it went pending even when scrapes jitter") {
  Fixture f;
  f.manager.update({group_from("groups:\n"
                               "- name: g\n"
                               "  interval: 15s\n"
                               "  rules:\n"
                               "  - alert: Errors\n"
                               "    expr: error_ratio > 0.5\n"
                               "    for: 1m\n")},
                   0);
  f.manager.evaluate_due(0);
  const TimestampMs slot = f.manager.next_evaluation();
  REQUIRE(slot > 0);
  // Scrapes end around the slots, the first 6 ms after one, later ones a few ms either side.
  const std::vector<TimestampMs> scrape_ends{slot + 6, slot + 15'003, slot + 29'998, slot + 45'010, slot + 60'001};
  std::vector<TimestampMs> evaluated;
  TimestampMs fired_at = 0;
  for (const TimestampMs end : scrape_ends) {
    f.set_ratio(end - 50, 0.9);
    const auto result = f.manager.evaluate_after_scrape(end, 15'000);
    REQUIRE(result.groups_evaluated == 1);
    evaluated.push_back(f.manager.snapshot().at(0).last_evaluation);
    for (const auto& a : result.to_send) {
      if (a.state == AlertState::firing && fired_at == 0) fired_at = a.fired_at;
    }
  }
  // Evaluation timestamps are exactly an interval apart, from the first scrape's end.
  CHECK(evaluated == std::vector<TimestampMs>{slot + 6, slot + 15'006, slot + 30'006, slot + 45'006, slot + 60'006});
  // activeAt + for = slot + 6 + 60 s: the fifth evaluation, not one more interval later.
  CHECK(fired_at == slot + 60'006);
}

TEST_CASE("rules, alerts and group counts answer during an evaluation with the state before it") {
  storage::SeriesStore store;
  promql::Engine engine;
  GateClock gate;
  ManagerOptions options;
  options.duration_clock = &gate;
  RuleManager manager{store, engine, options};
  manager.update({group_from(kAlertGroup)}, 0);
  store.append(make_labels({{"__name__", "error_ratio"}, {"service", "api"}}), 0, 0.8);
  manager.evaluate_all(0);
  const std::string rules_before = rules_response_json(manager.snapshot());
  const std::string alerts_before = alerts_response_json(manager.active_alerts());
  REQUIRE(manager.active_alerts().size() == 1);

  // A deadline, not a pause: the waits end as soon as the event comes; 30 s covers a TSan build.
  const auto wait = std::chrono::seconds(30);
  std::future<void> held = gate.arm();
  std::thread evaluation([&] { manager.evaluate_all(kMin); });
  REQUIRE(held.wait_for(wait) == std::future_status::ready);
  // The evaluation now holds the manager's evaluation lock; the readers must not wait for it.
  auto readers = std::async(std::launch::async, [&] {
    return std::tuple{rules_response_json(manager.snapshot()), alerts_response_json(manager.active_alerts()),
                      manager.num_groups()};
  });
  const bool answered = readers.wait_for(wait) == std::future_status::ready;
  gate.release();
  evaluation.join();
  REQUIRE(answered);
  const auto [rules_during, alerts_during, groups_during] = readers.get();
  CHECK(rules_during == rules_before);
  CHECK(alerts_during == alerts_before);
  CHECK(groups_during == 1);

  // Once the evaluation ends, readers see what it did.
  const std::vector<GroupSnapshot> after = manager.snapshot();
  CHECK(after.at(0).last_evaluation == kMin);
  CHECK(after.at(0).rules.at(1).last_evaluation == kMin);
  CHECK(manager.active_alerts().at(0).state == AlertState::pending);
  CHECK(rules_response_json(after) != rules_before);
}

TEST_CASE("readers running beside evaluations see each group's evaluations in order, never a torn state") {
  Fixture f;
  f.manager.update({group_from(kAlertGroup)}, 0);
  std::atomic<bool> done{false};
  std::vector<TimestampMs> seen;
  std::thread reader([&] {
    while (!done) {
      const std::vector<GroupSnapshot> groups = f.manager.snapshot();
      const std::vector<Alert> active = f.manager.active_alerts();
      // The group and both of its rules come from one evaluation; the alert from that one or a later one.
      const GroupSnapshot& g = groups.at(0);
      if (g.rules.at(0).last_evaluation != g.last_evaluation || g.rules.at(1).last_evaluation != g.last_evaluation) {
        seen.push_back(-1);
      }
      if (seen.empty() || seen.back() != g.last_evaluation) seen.push_back(g.last_evaluation);
      if (active.size() > 1) seen.push_back(-2);
    }
  });
  for (int i = 0; i < 200; ++i) {
    f.set_ratio(i * kMin, 0.8);
    f.manager.evaluate_all(i * kMin);
  }
  done = true;
  reader.join();
  CHECK(std::find(seen.begin(), seen.end(), -1) == seen.end());
  CHECK(std::find(seen.begin(), seen.end(), -2) == seen.end());
  CHECK(std::is_sorted(seen.begin(), seen.end()));
  CHECK(f.manager.snapshot().at(0).last_evaluation == 199 * kMin);
}
