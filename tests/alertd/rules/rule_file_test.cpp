#include <catch2/catch.hpp>

#include <algorithm>

#include "alertd/rules/rule_file.h"
#include "support/conformance_data.h"

using namespace twikit::rules;

namespace {

// Read at run time from the conformance data (tests/support/conformance_data.h).
const std::string kPromtool = twikit::testing::conformance_dir() + "promtool/";

std::vector<std::string> messages(const RuleFile& f) {
  std::vector<std::string> out;
  for (const auto& e : f.errors) out.push_back(e.to_string());
  return out;
}

bool has_error(const RuleFile& f, const std::string& text) {
  const auto all = messages(f);
  return std::any_of(all.begin(), all.end(), [&](const std::string& m) { return m == text; });
}

std::size_t count_rules(const RuleFile& f) {
  std::size_t n = 0;
  for (const auto& g : f.groups) n += g.rules.size();
  return n;
}

}  // namespace

TEST_CASE("promtool's valid rule file loads with its groups, rules and durations", "[conformance-data]") {
  const RuleFile f = load_rule_file(kPromtool + "rules.yml");
  INFO(Catch::Detail::stringify(messages(f)));
  REQUIRE(f.errors.empty());
  REQUIRE(f.groups.size() == 2);
  CHECK(count_rules(f) == 5);
  const RuleSpec& down = f.groups[0].rules[0];
  CHECK(down.alert == "InstanceDown");
  CHECK(down.expr == "up == 0");
  CHECK(down.for_ms == 5 * 60 * 1000);
  CHECK(down.labels == twikit::Labels{{"severity", "page"}});
  CHECK(down.annotations.size() == 2);
  CHECK(f.groups[1].rules[1].record == "fixed_data");
  CHECK(f.groups[1].rules[1].expr == "1");
}

TEST_CASE("an annotation with an undefined template variable is rejected as promtool does", "[conformance-data]") {
  const RuleFile f = load_rule_file(kPromtool + "rules-bad.yml");
  REQUIRE(f.errors.size() == 1);
  CHECK(f.errors[0].to_string() ==
        kPromtool +
            "rules-bad.yml:12:20: group \"alerts\", rule 1, \"InstanceDown\": annotation \"summary\": "
            "template: __alert_InstanceDown:1: undefined variable \"$label\"");
}

TEST_CASE("unknown fields are errors at their position", "[conformance-data]") {
  const RuleFile f = load_rule_file(kPromtool + "rules_extrafields.yml");
  CHECK(messages(f) ==
        std::vector<std::string>{
            kPromtool + "rules_extrafields.yml:7:5: field namespace not found in type rulefmt.RuleGroup",
            kPromtool + "rules_extrafields.yml:21:5: field ownership not found in type rulefmt.RuleGroup"});
}

TEST_CASE("invalid recording rule names are reported at the record value", "[conformance-data]") {
  const RuleFile f = load_rule_file(kPromtool + "features.yml", {});
  CHECK(has_error(f, kPromtool + "features.yml:5:17: group \"features\", rule 1, \"promql-experimental-functions\": "
                                 "invalid recording rule name: promql-experimental-functions"));
}

TEST_CASE("an expression that does not parse is reported with both positions", "[conformance-data]") {
  const RuleFile f = load_rule_file(kPromtool + "bad-rules-syntax.yml");
  CHECK(messages(f) ==
        std::vector<std::string>{kPromtool +
                                 "bad-rules-syntax.yml:7:15: group \"bad-syntax\", rule 1, \"x\": could not parse "
                                 "expression: 1:7: parse error: unexpected end of input"});
  CHECK(load_rule_file(kPromtool + "at-modifier.yml").errors.empty());
  CHECK(load_rule_file(kPromtool + "negative-offset.yml").errors.empty());
  CHECK(load_rule_file(kPromtool + "bad-rules-error.yml").errors.empty());
}

TEST_CASE("duplicate rules are a lint warning, not an error", "[conformance-data]") {
  const RuleFile dup = load_rule_file(kPromtool + "rules_duplicates.yml");
  CHECK(dup.errors.empty());
  CHECK(lint_duplicate_rules(dup) == std::vector<std::string>{"Metric: job:test:count_over_time1m\nLabel(s):\n"});
  const RuleFile lint = load_rule_file(kPromtool + "prometheus-rules.lint.yml");
  CHECK(lint.errors.empty());
  CHECK(lint_duplicate_rules(lint) ==
        std::vector<std::string>{"Metric: HighRequestLatency\nLabel(s):\n\tseverity: page\n"});
  CHECK(lint_duplicate_rules(load_rule_file(kPromtool + "rules.yml")).empty());
}

TEST_CASE("group and rule structure is validated like Prometheus' rulefmt") {
  const RuleFile f = parse_rule_file("r.yml",
                                     "groups:\n"
                                     "  - name: a\n"
                                     "    interval: 30s\n"
                                     "    rules:\n"
                                     "      - alert: Both\n"
                                     "        record: both\n"
                                     "        expr: up\n"
                                     "      - expr: up\n"
                                     "      - record: r\n"
                                     "        expr: up\n"
                                     "        annotations: {a: b}\n"
                                     "        for: 5m\n"
                                     "      - alert: NoExpr\n"
                                     "      - alert: BadLabel\n"
                                     "        expr: up\n"
                                     "        labels: {\"1bad\": x, __name__: y}\n"
                                     "  - name: a\n"
                                     "  - name: ''\n",
                                     {});
  const auto m = messages(f);
  INFO(Catch::Detail::stringify(m));
  CHECK(has_error(f, "r.yml:6:17: group \"a\", rule 1, \"Both\": only one of 'record' and 'alert' must be set"));
  CHECK(has_error(f, "r.yml:8:9: group \"a\", rule 2, \"\": one of 'record' or 'alert' must be set"));
  CHECK(has_error(f, "r.yml:9:17: group \"a\", rule 3, \"r\": invalid field 'annotations' in recording rule"));
  CHECK(has_error(f, "r.yml:9:17: group \"a\", rule 3, \"r\": invalid field 'for' in recording rule"));
  CHECK(has_error(f, "r.yml:13:9: group \"a\", rule 4, \"NoExpr\": field 'expr' must be set in rule"));
  CHECK(has_error(f, "r.yml:16:18: group \"a\", rule 5, \"BadLabel\": invalid label name: 1bad"));
  CHECK(has_error(f, "r.yml:16:29: group \"a\", rule 5, \"BadLabel\": invalid label name: __name__"));
  CHECK(has_error(f, "r.yml:17:11: groupname: \"a\" is repeated in the same file"));
  CHECK(has_error(f, "r.yml:18:11: Groupname must not be empty"));
  CHECK(f.groups[0].interval_ms == 30000);
}

TEST_CASE("durations use Prometheus' syntax; malformed ones are errors") {
  const RuleFile ok = parse_rule_file("d.yml",
                                      "groups:\n- name: g\n  interval: 1h30m\n  query_offset: 1m\n  limit: 10\n"
                                      "  labels: {team: core}\n  rules:\n  - alert: A\n    expr: up\n    for: 1d\n"
                                      "    keep_firing_for: 90s\n",
                                      {});
  REQUIRE(ok.errors.empty());
  CHECK(ok.groups[0].interval_ms == 5400000);
  CHECK(ok.groups[0].query_offset_ms == 60000);
  CHECK(ok.groups[0].limit == 10);
  CHECK(ok.groups[0].labels == twikit::Labels{{"team", "core"}});
  CHECK(ok.groups[0].rules[0].for_ms == 86400000);
  CHECK(ok.groups[0].rules[0].keep_firing_for_ms == 90000);
  const RuleFile bad =
      parse_rule_file("d.yml", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    for: 5 minutes\n", {});
  CHECK(messages(bad) == std::vector<std::string>{"d.yml:6:10: not a valid duration string: \"5 minutes\""});
}

TEST_CASE("YAML syntax errors and missing files carry a position or the path") {
  const RuleFile syntax = parse_rule_file("y.yml", "groups:\n  - name: [unclosed\n", {});
  REQUIRE(syntax.errors.size() == 1);
  CHECK(syntax.errors[0].to_string().rfind("y.yml:", 0) == 0);
  CHECK(syntax.errors[0].position.line > 0);
  CHECK(load_rule_file("/nonexistent/rules.yml", {}).errors.size() == 1);
  CHECK(parse_rule_file("empty.yml", "", {}).errors.empty());
}

TEST_CASE("a key written twice in a rule is refused as promtool refuses it, not read as its last value") {
  const RuleFile f = parse_rule_file("dup.yml", "groups:\n  - name: a\n    rules:\n      - alert: X\n        expr: up == 0\n"
                                                "        expr: up == 1\n");
  CHECK(messages(f) ==
        std::vector<std::string>{"dup.yml:6:9: yaml: unmarshal errors: mapping key \"expr\" already defined at line 5"});
  CHECK(f.groups.empty());
}
