// Hostile input through the real rule path: bytes that are not UTF-8 made by label_replace or a template,
// and template errors, go through the real evaluator, group, alert state, API bodies and an AlertStore on a
// real SQLite file without stopping anything; the alerts still fire.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "alertd/app/notification_hub.h"
#include "alertd/app/rule_state.h"
#include "alertd/persistence/alert_store.h"
#include "alertd/persistence/rule_state_store.h"
#include "alertd/promql/engine.h"
#include "alertd/rules/api_json.h"
#include "alertd/rules/manager.h"
#include "support/process.h"

using namespace twikit;
using namespace twikit::rules;

namespace {

constexpr const char* kReplacement = "\xef\xbf\xbd";  // U+FFFD

// Single-quoted YAML keeps `\xff` for PromQL's and Go template's own string escapes.
const char* const kHostileRules = R"(groups:
- name: hostile
  interval: 1m
  rules:
  - alert: BadLabel
    expr: 'label_replace(vector(1), "bad", "\xff", "", "")'
    annotations:
      summary: '{{ "\xff" }} and {{ $labels.bad }}'
  - alert: BadTemplate
    expr: vector(1)
    annotations:
      summary: '{{print printf}}'
      description: 'still {{ $value }}'
  - alert: CutVersion
    expr: twikit_service_info
    labels:
      initial: '{{ reReplaceAll "(.).*" "$1" $labels.version }}'
)";

GroupSpec group_from(const std::string& yaml) {
  RuleFile f = parse_rule_file("hostile.yml", yaml);
  INFO((f.errors.empty() ? std::string() : f.errors[0].to_string()));
  REQUIRE(f.errors.empty());
  REQUIRE(f.groups.size() == 1);
  return f.groups[0];
}

const persistence::AlertRecord* by_name(const std::vector<persistence::AlertRecord>& records, const std::string& name) {
  for (const auto& r : records) {
    if (label_value(r.labels, "alertname") == name) return &r;
  }
  return nullptr;
}

}  // namespace

TEST_CASE("alerts whose labels or annotations are not UTF-8 fire, and are stored and served with U+FFFD") {
  storage::SeriesStore store;
  promql::Engine engine;
  RuleManager manager{store, engine};
  store.append(make_labels({{"__name__", "twikit_service_info"}, {"service", "campaigns"}, {"version", "\xc3\xa9" "clair-2.1"}}),
               0, 1);
  manager.update({group_from(kHostileRules)}, 0);
  const EvaluationResult result = manager.evaluate_all(0);

  const auto groups = manager.snapshot();
  REQUIRE(groups.size() == 1);
  CHECK(groups[0].evaluation_failures == 0);
  for (const auto& rule : groups[0].rules) {
    INFO(rule.name << ": " << rule.last_error);
    CHECK(rule.health == RuleHealth::ok);
    CHECK(rule.state == AlertState::firing);
  }
  REQUIRE(result.to_send.size() == 3);

  // The API bodies are valid JSON whatever the bytes.
  const auto alerts_body = nlohmann::json::parse(alerts_response_json(manager.active_alerts()));
  CHECK(alerts_body["data"]["alerts"].size() == 3);
  CHECK_NOTHROW(nlohmann::json::parse(rules_response_json(groups)));

  const std::string dir = testing::make_temp_dir("hostile-alerts");
  persistence::Database db(dir + "/alertd.db", persistence::alertd_migrations());
  persistence::AlertStore alert_store(db);
  alert_store.record(app::to_notify_alerts(result.to_send, {}, "http://alertd:9878"), 1'000);
  persistence::AlertQuery all;
  const auto records = alert_store.query(all);
  REQUIRE(records.size() == 3);

  const auto* bad_label = by_name(records, "BadLabel");
  REQUIRE(bad_label != nullptr);
  CHECK(label_value(bad_label->labels, "bad") == kReplacement);
  CHECK(label_value(bad_label->annotations, "summary") == std::string(kReplacement) + " and " + kReplacement);

  const auto* bad_template = by_name(records, "BadTemplate");
  REQUIRE(bad_template != nullptr);
  CHECK(label_value(bad_template->annotations, "summary") ==
        "<error expanding template: error executing template __alert_BadTemplate: template: __alert_BadTemplate:1: "
        "executing \"__alert_BadTemplate\" at <printf>: wrong number of args for printf: want at least 1 got 0>");
  CHECK(label_value(bad_template->annotations, "description") == "still 1");

  const auto* cut = by_name(records, "CutVersion");
  REQUIRE(cut != nullptr);
  // A byte-wise regex cuts "é" to the byte 0xC3, stored as U+FFFD; a UTF-8 regex (RE2) keeps the whole rune.
  const std::string initial = label_value(cut->labels, "initial");
  CHECK((initial == kReplacement || initial == "\xc3\xa9"));

  // The rule engine's saved state takes the same path.
  persistence::RuleStateStore rule_state(db);
  rule_state.save(app::to_remembered(manager.active_alerts()), 1'000);
  TimestampMs saved_at = 0;
  const auto remembered = rule_state.load(&saved_at);
  REQUIRE(remembered.size() == 3);
  CHECK(saved_at == 1'000);
}

TEST_CASE("a rule whose template fails keeps firing at every evaluation and the group's other rules run") {
  storage::SeriesStore store;
  promql::Engine engine;
  RuleManager manager{store, engine};
  manager.update({group_from(kHostileRules)}, 0);
  for (TimestampMs t = 0; t <= 3 * 60'000; t += 60'000) manager.evaluate_all(t);
  const auto alerts = manager.active_alerts();
  CHECK(alerts.size() == 2);  // CutVersion has no series here
  for (const auto& a : alerts) CHECK(a.state == AlertState::firing);
  CHECK(manager.snapshot().at(0).evaluation_failures == 0);
}

TEST_CASE("a rule that fails is counted per group and the rules after it still run") {
  storage::SeriesStore store;
  promql::Engine engine;
  RuleManager manager{store, engine};
  manager.update({group_from(R"(groups:
- name: mixed
  rules:
  - alert: TooMany
    expr: 'label_replace(vector(1), "a", "1", "", "") or label_replace(vector(1), "a", "2", "", "")'
    labels:
      a: same
  - alert: StillRuns
    expr: vector(1)
)")},
                 0);
  manager.evaluate_all(0);
  manager.evaluate_all(60'000);
  const auto group = manager.snapshot().at(0);
  CHECK(group.evaluation_failures == 2);
  CHECK(group.rules.at(0).health == RuleHealth::err);
  CHECK(group.rules.at(0).last_error == "vector contains metrics with the same labelset after applying alert labels");
  CHECK(group.rules.at(1).health == RuleHealth::ok);
  CHECK(group.rules.at(1).state == AlertState::firing);
}
