#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "alertd/rules/commands.h"
#include "support/conformance_data.h"

using namespace twikit::rules;

namespace {

// Read at run time from the conformance data (tests/support/conformance_data.h).
const std::string kPromtool = twikit::testing::conformance_dir() + "promtool/";

struct Run {
  int code;
  std::string out;
  std::string err;
};

Run run(const std::vector<std::string>& args) {
  std::ostringstream out;
  std::ostringstream err;
  const int code = run_rules_tool(args, out, err);
  return {code, out.str(), err.str()};
}

Run test_rules(const std::string& file, std::vector<std::string> flags = {}) {
  std::vector<std::string> args{"test", "rules"};
  args.insert(args.end(), flags.begin(), flags.end());
  args.push_back(kPromtool + file);
  return run(args);
}

}  // namespace

TEST_CASE("check rules reports success with the rule count, like promtool", "[conformance-data]") {
  const Run r = run({"check", "rules", kPromtool + "rules.yml"});
  CHECK(r.code == 0);
  CHECK(r.out == "Checking " + kPromtool + "rules.yml\n  SUCCESS: 5 rules found\n\n");
  CHECK(r.err.empty());
}

TEST_CASE("check rules fails with file:line:col errors and exit code 1", "[conformance-data]") {
  const Run r = run({"check", "rules", kPromtool + "rules-bad.yml", kPromtool + "rules.yml"});
  CHECK(r.code == 1);
  CHECK(r.err ==
        "  FAILED:\n" + kPromtool +
            "rules-bad.yml:12:20: group \"alerts\", rule 1, \"InstanceDown\": annotation \"summary\": template: "
            "__alert_InstanceDown:1: undefined variable \"$label\"\n");
  CHECK(r.out.find("rules.yml\n  SUCCESS: 5 rules found") != std::string::npos);
  CHECK(run({"check", "rules", kPromtool + "rules_extrafields.yml"}).code == 1);
  CHECK(run({"check", "rules", kPromtool + "bad-rules-syntax.yml"}).code == 1);
  CHECK(run({"check", "rules", "/nonexistent.yml"}).code == 1);
}

TEST_CASE("duplicate rules are reported as promtool's lint finding without failing", "[conformance-data]") {
  const Run r = run({"check", "rules", kPromtool + "prometheus-rules.lint.yml"});
  CHECK(r.code == 0);
  CHECK(r.err ==
        "  FAILED:\nlint error 1 duplicate rule(s) found.\nMetric: HighRequestLatency\nLabel(s):\n\tseverity: page\n"
        "Might cause inconsistency while recording expressions\n");
}

TEST_CASE("promtool's passing unit-test files pass", "[conformance-data]") {
  for (const char* file : {"long-period.yml", "at-modifier-test.yml", "negative-offset-test.yml",
                           "no-test-group-interval.yml", "start-time-test.yml"}) {
    const Run r = test_rules(file);
    INFO(file << "\n" << r.out << r.err);
    CHECK(r.code == 0);
    CHECK(r.out == "Unit Testing:  " + kPromtool + file + "\n  SUCCESS\n\n");
  }
}

TEST_CASE("--run selects test groups and --ignore-unknown-fields skips extra fields", "[conformance-data]") {
  CHECK(test_rules("rules_run.yml").code == 1);
  CHECK(test_rules("rules_run.yml", {"--run=correct"}).code == 0);
  // promtool joins the patterns with '|' into one unanchored Go regexp.
  CHECK(test_rules("rules_run.yml", {"--run=(?i)CORR", "--run=nothing"}).code == 0);
  const Run bad = test_rules("rules_run.yml", {"--run=(correct"});
  CHECK(bad.code == 1);
  CHECK(bad.err.find("--run: error parsing regexp: missing ): `(correct`") != std::string::npos);
  CHECK(test_rules("rules_run_extrafields.yml").code == 1);
  CHECK(test_rules("rules_run_extrafields.yml", {"--ignore-unknown-fields"}).code == 0);
}

TEST_CASE("fuzzy_compare tolerates rounding noise but not larger differences", "[conformance-data]") {
  CHECK(test_rules("rules_run_fuzzy.yml", {"--run=correct"}).code == 0);
  CHECK(test_rules("rules_run_fuzzy.yml", {"--run=wrong"}).code == 1);
  CHECK(test_rules("rules_run_no_fuzzy.yml").code == 1);
}

TEST_CASE("failing.yml fails with promtool's report", "[conformance-data]") {
  const Run r = test_rules("failing.yml");
  CHECK(r.code == 1);
  CHECK(r.err ==
        "  FAILED:\n"
        "    name: Failing test,\n"
        "    alertname: Test, time: 0s, \n"
        "        exp:[\n"
        "            0:\n"
        "              Labels:{alertname=\"Test\"}\n"
        "              Annotations:{}\n"
        "            ], \n"
        "        got:[]\n"
        "    expr: \"test\", time: 0s,\n"
        "        exp: {__name__=\"test\"} 1E+00\n"
        "        got: {__name__=\"test\"} 0E+00\n"
        "    name: Failing alert test,\n"
        "    alertname: InstanceDown, time: 5m, \n"
        "        exp:[], \n"
        "        got:[\n"
        "            0:\n"
        "              Labels:{alertname=\"InstanceDown\", job=\"test\", severity=\"page\"}\n"
        "              Annotations:{description=\" of job test has been down for more than 5 minutes.\", "
        "summary=\"Instance  down\"}\n"
        "            ]\n"
        "    name: Failing alert test,\n"
        "    alertname: AlwaysFiring, time: 5m, \n"
        "        exp:[], \n"
        "        got:[\n"
        "            0:\n"
        "              Labels:{alertname=\"AlwaysFiring\"}\n"
        "              Annotations:{}\n"
        "            ]\n");
}

TEST_CASE("broken inputs, rules and queries fail the test file", "[conformance-data]") {
  for (const char* file :
       {"bad-input-series.yml", "bad-promql.yml", "bad-rules-error-test.yml", "bad-rules-syntax-test.yml"}) {
    const Run r = test_rules(file);
    INFO(file << "\n" << r.err);
    CHECK(r.code == 1);
  }
  CHECK(test_rules("bad-rules-error-test.yml").err.find("    rule: joined, time: 0s, err: ") != std::string::npos);
  CHECK(test_rules("bad-promql.yml").err.find("    expr: \"join_1 + on(a) join_2\", time: 0s, err: ") !=
        std::string::npos);
}

TEST_CASE("unittest.yml passes apart from its native-histogram test group", "[conformance-data]") {
  const Run r = test_rules("unittest.yml");
  INFO(r.err);
  // The first test group loads native histograms, which alertd's PromQL does not implement;
  // every other group must pass.
  CHECK(r.err == "  FAILED:\nnative histogram samples are not supported by alertd: series test_histogram\n");
}

TEST_CASE("check rules reports expressions nested beyond the depth limit as errors instead of crashing") {
  const auto repeat = [](const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
  };
  const std::string parens = repeat("(", 10000) + "1" + repeat(")", 10000);
  const std::string calls = repeat("abs(", 6500) + "up" + repeat(")", 6500);
  const std::string pow = "up" + repeat("^up", 7999);
  const std::string sum = "up" + repeat("+up", 19999);
  const std::string file = (std::filesystem::temp_directory_path() / "twikit-deep-rules.yml").string();
  {
    std::ofstream out(file);
    out << "groups:\n  - name: deep\n    rules:\n"
        << "      - record: parens\n        expr: '" << parens << "'\n"
        << "      - record: calls\n        expr: '" << calls << "'\n"
        << "      - record: pow\n        expr: '" << pow << "'\n"
        << "      - record: sum\n        expr: '" << sum << "'\n";
  }
  const Run r = run({"check", "rules", file});
  CHECK(r.code == 1);
  CHECK(r.err == "  FAILED:\n" + file + ":5:15: group \"deep\", rule 1, \"parens\": could not parse expression: 1:257: parse error: expression nesting depth exceeds the maximum of 256\n" +
                     file + ":7:15: group \"deep\", rule 2, \"calls\": could not parse expression: 1:1025: parse error: expression nesting depth exceeds the maximum of 256\n" +
                     file + ":9:15: group \"deep\", rule 3, \"pow\": could not parse expression: 1:769: parse error: expression nesting depth exceeds the maximum of 256\n" +
                     file + ":11:15: group \"deep\", rule 4, \"sum\": could not parse expression: 1:768: parse error: expression nesting depth exceeds the maximum of 256\n");
  std::filesystem::remove(file);
}

TEST_CASE("check rules reports what parsing shows, as promtool: execution errors pass, unknown functions and deep nesting fail") {
  const std::string dir = std::filesystem::temp_directory_path() / "alertd-check-templates";
  std::filesystem::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& annotation) {
    std::ofstream(dir + "/" + name) << "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: vector(1)\n"
                                       "    annotations:\n      summary: '"
                                    << annotation << "'\n";
    return dir + "/" + name;
  };
  // Fails only when executed (promtool does not execute templates): passes the check.
  const Run exec_only = run({"check", "rules", write("exec.yml", "{{print printf}} {{ \"\\xff\" }}")});
  CHECK(exec_only.code == 0);
  CHECK(exec_only.err.empty());
  const std::string unknown = write("unknown.yml", "{{ humanise 1 }}");
  const Run r = run({"check", "rules", unknown});
  CHECK(r.code == 1);
  CHECK(r.err == "  FAILED:\n" + unknown +
                     ":7:16: group \"g\", rule 1, \"A\": annotation \"summary\": template: __alert_A:1: function "
                     "\"humanise\" not defined\n");
  std::string deep;
  for (int i = 0; i < 101; ++i) deep += "{{ if true }}";
  for (int i = 0; i < 101; ++i) deep += "{{ end }}";
  const std::string nested = write("nested.yml", deep);
  const Run n = run({"check", "rules", nested});
  CHECK(n.code == 1);
  CHECK(n.err == "  FAILED:\n" + nested +
                     ":7:16: group \"g\", rule 1, \"A\": annotation \"summary\": template: __alert_A:1: nesting deeper "
                     "than 100 levels\n");
  std::filesystem::remove_all(dir);
}
